"""An in-memory store that never reuses ids.

Create `counter.py` next to naive.py: the same app (copy it), except that ids come from a
counter that only ever goes up, so a deleted user's id is never handed out again. The
lesson's state machine, which catches naive.py, must pass against your app.
"""

import importlib

from fastapi.testclient import TestClient
from hypothesis.stateful import run_state_machine_as_test

from ..test_state_machine import MACHINE_SETTINGS, bound

HINT: str = (
    "`max(users, default=0) + 1` is not enough: delete the newest user and its id comes "
    "back. Keep the next id outside the dict, e.g. `next_id = itertools.count(1)`, and "
    "take `next(next_id)` for each new user."
)

# lessons.37_crud_capstone: imported by name, so this file loads before counter.py exists.
LESSON = __name__.rsplit(".", 2)[0]


def test_the_state_machine_passes_against_counter_ids() -> None:
    """Random create/read/update/delete/list sequences agree with the model."""
    counter = importlib.import_module(f"{LESSON}.counter")
    with TestClient(counter.app) as api:
        run_state_machine_as_test(bound(api, counter.users.clear), settings=MACHINE_SETTINGS)


def test_deleting_the_newest_user_does_not_free_its_id() -> None:
    """Create two users, delete the second, create a third: it gets a new, higher id."""
    counter = importlib.import_module(f"{LESSON}.counter")
    counter.users.clear()
    api = TestClient(counter.app)
    api.post("/users", json={"name": "Ann", "email": "ann@example.com"})
    bob = api.post("/users", json={"name": "Bob", "email": "bob@example.com"}).json()
    assert api.delete(f"/users/{bob['id']}").status_code == 204
    cy = api.post("/users", json={"name": "Cy", "email": "cy@example.com"}).json()
    assert cy["id"] > bob["id"]
