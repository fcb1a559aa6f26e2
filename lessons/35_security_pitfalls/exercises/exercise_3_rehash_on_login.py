"""Upgrade old password hashes when their owners log in.

Hashing costs go up over the years (more memory, more passes), but a stored hash keeps the
cost it was made with, and the password that would re-make it is only known at login. In
app.py's login(), use pwdlib's PasswordHash.verify_and_update(): when a correct password's
hash was made at a different cost than the current hasher's, store the new hash it returns.
"""

from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from .. import app as fixed_module
from ..support import log_in

HINT: str = (
    "verify_and_update(password, hash) returns (valid, new_hash); new_hash is None unless "
    "the hash needs upgrading. Assign it to user.password_hash only after a valid login."
)

# Today's cost, a step up from the cost alice's stored hash (made by CHEAP_HASH) records.
# (Still tiny, to keep the test fast: the mechanism is the same at any cost.)
CURRENT = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=2048, parallelism=1),))
CURRENT_PREFIX = "$argon2id$v=19$m=2048,t=2,p=1$"


def test_login_upgrades_a_hash_made_at_an_older_cost(fixed: TestClient) -> None:
    """alice logs in: her hash is re-made at today's cost, still verifies, and stays put."""
    fixed_module.app.dependency_overrides[fixed_module.get_password_hash] = lambda: CURRENT
    password = fixed_module.DEMO_PASSWORDS["alice"]
    old = fixed_module.USERS["alice"].password_hash
    assert not old.startswith(CURRENT_PREFIX)

    wrong = fixed.post("/login", json={"username": "alice", "password": "wrong-guess"})
    assert wrong.status_code == 401
    assert fixed_module.USERS["alice"].password_hash == old, "a wrong password upgrades nothing"

    log_in(fixed, "alice", password)
    upgraded = fixed_module.USERS["alice"].password_hash
    assert upgraded.startswith(CURRENT_PREFIX), upgraded
    assert CURRENT.verify(password, upgraded)

    log_in(fixed, "alice", password)
    assert fixed_module.USERS["alice"].password_hash == upgraded, "an upgraded hash stays put"
