"""Add a domain error: frozen accounts

Seed a second account, "acc-frozen", with a balance of 500, and freeze it: any withdrawal
from it must fail with a new domain error, `AccountFrozen` (code "account_frozen", message
"Account 'acc-frozen' is frozen"), answered as 423 Locked in the usual envelope, and
documented on the route. All in lessons/11_error_handling/app.py.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from .. import app as lesson

HINT = (
    "Three places know about domain errors: the class itself, the status table the one "
    "handler reads, and the route's `responses=`. The handler needs no change at all. "
    "Check frozen before the balance: a frozen account says so whatever the amount."
)

client = TestClient(lesson.app)
URL = "/accounts/acc-frozen/withdrawals"
FROZEN_BODY = {"error": {"code": "account_frozen", "message": "Account 'acc-frozen' is frozen"}}


@pytest.fixture(autouse=True)
def fresh_accounts() -> Iterator[None]:
    """Every test starts from the seeded balances."""
    lesson.accounts.clear()
    lesson.accounts.update(lesson.SEED_ACCOUNTS)
    yield
    lesson.accounts.clear()
    lesson.accounts.update(lesson.SEED_ACCOUNTS)


def test_a_frozen_account_refuses_withdrawals_with_423() -> None:
    """A withdrawal from acc-frozen → 423 in the envelope, and the balance stays 500."""
    response = client.post(URL, json={"amount": 1})
    assert response.status_code == 423, response.text
    assert response.json() == FROZEN_BODY
    assert lesson.accounts["acc-frozen"] == 500, "a refused withdrawal changes nothing"


def test_frozen_is_checked_before_the_balance() -> None:
    """Even an amount above the balance gets 423, not the insufficient-funds 409."""
    response = client.post(URL, json={"amount": 10_000})
    assert response.status_code == 423, response.text
    assert response.json() == FROZEN_BODY


def test_account_frozen_is_a_domain_error_mapped_to_423() -> None:
    """The service raises AccountFrozen, a DomainError subclass; the table maps it to 423."""
    error = getattr(lesson, "AccountFrozen", None)
    assert isinstance(error, type), "define class AccountFrozen in app.py"
    assert issubclass(error, lesson.DomainError)
    assert error.code == "account_frozen"
    assert lesson.DOMAIN_ERROR_STATUS.get(error) == 423
    with pytest.raises(error):
        lesson.withdraw("acc-frozen", 1)


def test_other_accounts_are_not_frozen() -> None:
    """acc-1 still pays out: freezing is per account."""
    response = client.post("/accounts/acc-1/withdrawals", json={"amount": 1})
    assert response.json() == {"account_id": "acc-1", "balance": 99}


def test_the_423_is_documented_with_the_envelope() -> None:
    """OpenAPI lists a 423 response for the withdrawal, whose body is the error envelope."""
    operation = lesson.app.openapi()["paths"]["/accounts/{account_id}/withdrawals"]["post"]
    assert "423" in operation["responses"], "declare the 423 in responses="
    schema = operation["responses"]["423"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}
