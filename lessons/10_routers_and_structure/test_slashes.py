"""Lesson 10 claims: `/items` vs `/items/`, the 307 redirect, and turning it off."""

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from .app import API_PREFIX, app, create_app

client = TestClient(app)


def test_missing_trailing_slash_redirects_with_307() -> None:
    """`/api/v1/items` is not a route (`/api/v1/items/` is): the app answers 307 to it."""
    response = client.get(f"{API_PREFIX}/items", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"http://testserver{API_PREFIX}/items/"


def test_extra_trailing_slash_redirects_to_the_declared_path() -> None:
    """It works both ways: `/items/1/` redirects to the declared `/items/{item_id}`."""
    response = client.get(f"{API_PREFIX}/items/1/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"http://testserver{API_PREFIX}/items/1"


def test_clients_that_follow_the_redirect_pay_an_extra_round_trip() -> None:
    """A following client gets the list, after a 307 hop it had to make first."""
    response = client.get(f"{API_PREFIX}/items")
    assert response.status_code == 200
    assert [hop.status_code for hop in response.history] == [307]


def test_307_keeps_the_method_and_the_body() -> None:
    """POST to `/items` → 307 → the client re-sends the POST and its body to `/items/`: 201."""
    response = client.post(f"{API_PREFIX}/items", json={"name": "Redirected pen", "price": 1})
    assert [hop.status_code for hop in response.history] == [307]
    assert response.request.method == "POST"
    assert response.status_code == 201
    assert response.json()["name"] == "Redirected pen"


def test_redirect_slashes_false_answers_404() -> None:
    """`FastAPI(redirect_slashes=False)`: the path without its slash is simply not found."""
    strict = TestClient(create_app(redirect_slashes=False))
    assert strict.get(f"{API_PREFIX}/items", follow_redirects=False).status_code == 404
    assert strict.get(f"{API_PREFIX}/items/1/", follow_redirects=False).status_code == 404
    assert strict.get(f"{API_PREFIX}/items/").status_code == 200  # the declared path still works


def test_router_level_redirect_slashes_is_ignored_once_included() -> None:
    """`APIRouter(redirect_slashes=False)` changes nothing after include: the app decides."""
    router = APIRouter(prefix="/things", redirect_slashes=False)

    @router.get("/")
    def list_things() -> list[str]:
        return []

    combined = FastAPI()  # redirect_slashes=True, the default
    combined.include_router(router)
    response = TestClient(combined).get("/things", follow_redirects=False)
    assert response.status_code == 307, "the router's redirect_slashes=False took effect"
