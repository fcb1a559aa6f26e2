"""Anti-pattern 4: a test that forgets a dependency override talks to the real thing.

The forgetful test below passes, which is the danger: nothing tells you a real email went
out or a real parcel was shipped. The fix: fixtures (conftest.py) that install a fake with
`overridden(...)` and always remove it, plus a guard that fails any test leaving one behind.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from . import integrations
from .app import app, get_mailer, get_warehouse
from .testing import FakeWarehouse, RecordingMailer, no_leftover_overrides, overridden

client = TestClient(app)

SIGNUP = {"name": "Ada", "email": "ada@example.com", "password": "s3cret-pw"}
ORDER = {"sku": "lamp", "quantity": 1}


def test_forgotten_override_sends_a_real_email(sessions: sessionmaker[Session]) -> None:
    """Only the database is overridden: the signup passes, and the real mailer sent an email."""
    response = client.post("/after/signup", json=SIGNUP)

    assert response.status_code == 201, "the forgetful test passes..."
    assert integrations.real_emails_sent == ["ada@example.com"], "...and emailed a real person"


def test_forgotten_override_ships_a_real_parcel(sessions: sessionmaker[Session]) -> None:
    """The same mistake with the warehouse: the background task ships a real parcel."""
    response = client.post("/before/orders", json=ORDER)

    assert response.status_code == 201
    assert integrations.real_parcels_shipped == [response.json()["id"]]


def test_overrides_keep_the_test_away_from_the_real_world(
    sessions: sessionmaker[Session], mailer: RecordingMailer, warehouse: FakeWarehouse
) -> None:
    """With the fixtures, the same requests reach only the fakes: nothing real is sent."""
    signup = client.post("/after/signup", json=SIGNUP)
    order = client.post("/before/orders", json=ORDER)

    assert (signup.status_code, order.status_code) == (201, 201)
    assert mailer.sent == [("ada@example.com", "Welcome!")]
    assert warehouse.shipped == [order.json()["id"]]
    assert integrations.real_emails_sent == []
    assert integrations.real_parcels_shipped == []


def test_override_is_removed_when_the_block_ends_even_on_failure() -> None:
    """`overridden` puts the fake in place inside the block only, also when the block raises."""
    fake = RecordingMailer()
    seen_inside: list[bool] = []

    def failing_test_body() -> None:
        with overridden(app, get_mailer, lambda: fake):
            seen_inside.append(app.dependency_overrides.get(get_mailer) is not None)
            raise RuntimeError("test failed halfway")

    with pytest.raises(RuntimeError, match="test failed"):
        failing_test_body()
    assert seen_inside == [True], "the fake was in place inside the block"
    assert app.dependency_overrides == {}


def test_guard_fails_a_test_that_leaves_an_override_behind() -> None:
    """A bare `dependency_overrides[...] = ...` with no cleanup is caught, and then cleaned up."""
    with (
        pytest.raises(AssertionError, match=r"overrides left behind: \['get_warehouse'\]"),
        no_leftover_overrides(app),
    ):
        app.dependency_overrides[get_warehouse] = FakeWarehouse  # the classic leak
    assert app.dependency_overrides == {}, "the guard must not let the leak reach the next test"
