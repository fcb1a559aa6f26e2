"""Stop password spraying with a per-client limit.

The fixed app counts failed logins per account. A sprayer tries one common password
against many accounts, failing once on each, so no account ever locks. In app.py's
login(), also count failures per client address (request.client.host): after 20 failures
from one client within LOCKOUT_SECONDS, answer that client 429 with a Retry-After header,
whatever username it sends. Keep the counts in FAILED_LOGINS (the tests' fixture clears it).
"""

from fastapi.testclient import TestClient

from .. import app as fixed_module
from ..support import FakeClock, log_in

HINT: str = (
    "login() can take `request: Request` to read request.client.host. Key FAILED_LOGINS "
    "entries by kind, such as ('user', username) and ('client', host), so that a username "
    "can never be mistaken for an address, and check the client's count first."
)

SPRAYED = "sunshine1"  # one popular password, tried once per account


def spray(client: TestClient, accounts: int) -> list[int]:
    """One login attempt per account name with the same password: the status codes."""
    return [
        client.post("/login", json={"username": f"user{i}", "password": SPRAYED}).status_code
        for i in range(accounts)
    ]


def test_one_client_spraying_many_accounts_is_locked_out(
    fixed: TestClient, clock: FakeClock
) -> None:
    """20 failures from one address, each on a different account, then 429 for that address."""
    assert spray(fixed, 25) == [401] * 20 + [429] * 5
    locked = fixed.post("/login", json={"username": "alice", "password": SPRAYED})
    assert locked.status_code == 429, "the address is locked, even for a real account"
    assert locked.headers["retry-after"] == str(fixed_module.LOCKOUT_SECONDS)

    clock.advance(fixed_module.LOCKOUT_SECONDS)
    assert log_in(fixed, "alice", SPRAYED), "the lock ends when the window has passed"


def test_another_client_is_not_locked_by_the_sprayer(fixed: TestClient, clock: FakeClock) -> None:
    """The sprayer's lock is its own: alice, logging in from another address, gets in."""
    assert spray(fixed, 21)[-1] == 429, "the sprayer is locked out"
    with TestClient(fixed_module.app, client=("203.0.113.7", 50000)) as elsewhere:
        assert log_in(elsewhere, "alice", SPRAYED)
