"""Lesson 37 claims proven by a Hypothesis state machine: random operation sequences agree
with a plain in-memory model, and the same machine catches the seed's id bug."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    multiple,
    rule,
    run_state_machine_as_test,
)

from . import naive
from .app import app
from .conftest import Database

# A small pool of emails makes duplicates (409s) and reuse after delete common.
emails = st.sampled_from([f"{n}@example.com" for n in ("ann", "bob", "cy", "dee", "eve")])
names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=8)


class UserApiMachine(RuleBasedStateMachine):
    """Drives a users API with random operations and checks each answer against `model`.

    The model is the specification in a few lines: a dict of id → user, plus every id ever
    handed out (an id must never be handed out twice, or old links reach a different user).
    """

    ids = Bundle("ids")

    def __init__(self, api: TestClient, reset: Callable[[], None]) -> None:
        super().__init__()
        reset()  # every run starts from an empty API
        self.api = api
        self.model: dict[int, dict[str, str]] = {}
        self.issued: set[int] = set()

    def expected(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, **self.model[user_id]}

    def email_owner(self, email: str) -> int | None:
        return next((uid for uid, user in self.model.items() if user["email"] == email), None)

    @rule(target=ids, name=names, email=emails)
    def create(self, name: str, email: str) -> Any:
        response = self.api.post("/users", json={"name": name, "email": email})
        if self.email_owner(email) is not None:
            assert response.status_code == 409, response.text
            return multiple()  # nothing new to remember
        assert response.status_code == 201, response.text
        user_id = response.json()["id"]
        assert user_id not in self.issued, f"id {user_id} was handed out before"
        self.issued.add(user_id)
        self.model[user_id] = {"name": name, "email": email}
        assert response.json() == self.expected(user_id)
        assert response.headers["location"] == f"http://testserver/users/{user_id}"
        return user_id

    # Ids from the bundle (live or deleted) and ids never handed out at all.
    @rule(user_id=st.one_of(ids, st.integers(min_value=1, max_value=50)))
    def read(self, user_id: int) -> None:
        response = self.api.get(f"/users/{user_id}")
        if user_id in self.model:
            assert response.status_code == 200, response.text
            assert response.json() == self.expected(user_id)
        else:
            assert response.status_code == 404, response.text

    @rule(
        user_id=st.one_of(ids, st.integers(min_value=1, max_value=50)),
        changes=st.fixed_dictionaries({}, optional={"name": names, "email": emails}),
    )
    def update(self, user_id: int, changes: dict[str, str]) -> None:
        response = self.api.patch(f"/users/{user_id}", json=changes)
        if user_id not in self.model:
            assert response.status_code == 404, response.text
            return
        owner = self.email_owner(changes.get("email", ""))
        if owner is not None and owner != user_id:
            assert response.status_code == 409, response.text
            return
        assert response.status_code == 200, response.text
        self.model[user_id].update(changes)  # the fields sent change, the others stay
        assert response.json() == self.expected(user_id)

    @rule(user_id=st.one_of(ids, st.integers(min_value=1, max_value=50)))
    def delete(self, user_id: int) -> None:
        response = self.api.delete(f"/users/{user_id}")
        if user_id in self.model:
            assert response.status_code == 204, response.text
            assert response.content == b""
            del self.model[user_id]
        else:
            assert response.status_code == 404, response.text

    @rule(limit=st.integers(min_value=1, max_value=4), offset=st.integers(min_value=0, max_value=5))
    def list_page(self, limit: int, offset: int) -> None:
        response = self.api.get("/users", params={"limit": limit, "offset": offset})
        assert response.status_code == 200, response.text
        ordered = [self.expected(uid) for uid in sorted(self.model)]
        assert response.json() == {
            "items": ordered[offset : offset + limit],
            "total": len(self.model),
            "limit": limit,
            "offset": offset,
        }


def bound(api: TestClient, reset: Callable[[], None]) -> type[UserApiMachine]:
    """The machine class, tied to one API client and its reset function."""

    class Bound(UserApiMachine):
        def __init__(self) -> None:
            super().__init__(api, reset)

    return Bound


# Every step is an HTTP request, so the counts are set here and hold under the CI profile
# too: 20 runs x 12 steps is ~250 requests, about a second.
MACHINE_SETTINGS = settings(max_examples=20, stateful_step_count=12)


def test_random_operation_sequences_agree_with_the_model(database: Database) -> None:
    """Any sequence of create/read/update/delete/list calls answers what the model predicts."""
    # `with`: one event loop for all the requests (the lifespan runs on the test database).
    with TestClient(app) as api:
        run_state_machine_as_test(bound(api, database.reset), settings=MACHINE_SETTINGS)


# derandomize and no example database: the same search, hence the same failure, every run.
# No shrink phase: the claim is that the machine FINDS the bug; shrinking to the minimal
# sequence (create, delete, create) would replay it about a hundred more times.
FINDER_SETTINGS = settings(
    max_examples=200,
    stateful_step_count=10,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def test_the_same_machine_finds_the_seeds_id_bug() -> None:
    """Against the seed's `id = len(users) + 1` the same machine fails: after a delete, a new
    user gets an id that was handed out already."""
    with (
        TestClient(naive.app) as api,
        pytest.raises(AssertionError, match=r"id \d+ was handed out before"),
    ):
        run_state_machine_as_test(bound(api, naive.users.clear), settings=FINDER_SETTINGS)
