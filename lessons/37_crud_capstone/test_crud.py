"""Lesson 37 claims about the HTTP contract: each CRUD operation's statuses, headers, bodies."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import String, event

from . import naive
from .app import app
from .conftest import Database
from .database import lifespan
from .models import User

client = TestClient(app)


def create(name: str, email: str) -> dict[str, Any]:
    response = client.post("/users", json={"name": name, "email": email})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_answers_201_with_the_location_of_the_new_user(database: Database) -> None:
    """POST /users → 201, the stored user, and a Location header that GET can follow."""
    response = client.post("/users", json={"name": "Ann", "email": "ann@example.com"})
    assert response.status_code == 201
    user = response.json()
    assert user == {"id": user["id"], "name": "Ann", "email": "ann@example.com"}
    assert response.headers["location"] == f"http://testserver/users/{user['id']}"
    followed = client.get(response.headers["location"])
    assert (followed.status_code, followed.json()) == (200, user)


def test_read_answers_200_or_404(database: Database) -> None:
    """GET /users/{id} → 200 and the user, or 404 with a fixed body; huge ids → 422."""
    user = create("Ann", "ann@example.com")
    assert client.get(f"/users/{user['id']}").json() == user
    missing = client.get(f"/users/{user['id'] + 1}")
    assert (missing.status_code, missing.json()) == (404, {"detail": "User not found"})
    assert client.get(f"/users/{2**31}").status_code == 422, "no INTEGER id is that large"
    assert client.get(f"/users/{2**31 - 1}").status_code == 404, "the largest INTEGER is an id"
    assert client.get("/users/0").status_code == 422, "ids start at 1"


def test_patch_changes_only_the_fields_sent(database: Database) -> None:
    """PATCH applies exclude_unset: a field left out keeps its value; {} changes nothing."""
    user = create("Ann", "ann@example.com")
    url = f"/users/{user['id']}"
    renamed = client.patch(url, json={"name": "Annie"})
    assert renamed.status_code == 200
    assert renamed.json() == {**user, "name": "Annie"}, "email kept"
    moved = client.patch(url, json={"email": "annie@example.com"})
    assert moved.json() == {**user, "name": "Annie", "email": "annie@example.com"}, "name kept"
    assert client.patch(url, json={}).json() == moved.json()
    assert client.get(url).json() == moved.json(), "the change was committed"
    missing = client.patch(f"/users/{user['id'] + 1}", json={"name": "x"})
    assert (missing.status_code, missing.json()) == (404, {"detail": "User not found"})


def test_a_write_answers_without_reading_the_row_back(database: Database) -> None:
    """After COMMIT the response is built from the objects in memory: no SELECT re-reads them."""
    user = create("Ann", "ann@example.com")
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        renamed = client.patch(f"/users/{user['id']}", json={"name": "Annie"})
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert renamed.json() == {**user, "name": "Annie"}
    # One SELECT finds the user, one UPDATE writes it. With expire_on_commit=True (the
    # default) COMMIT would expire the object and serialising it would SELECT it again.
    assert statements == ["SELECT", "UPDATE"], statements


def test_null_and_unknown_fields_are_422(database: Database) -> None:
    """PATCH {"name": null} is not "leave it out" (422), and no body may set an id (422)."""
    user = create("Ann", "ann@example.com")
    url = f"/users/{user['id']}"
    null = client.patch(url, json={"name": None})
    assert null.status_code == 422
    assert null.json()["detail"][0]["loc"] == ["body", "name"]
    assert "may be left out, but not null" in null.json()["detail"][0]["msg"]
    chosen_id = client.post("/users", json={"id": 99, "name": "Bob", "email": "bob@example.com"})
    assert chosen_id.status_code == 422
    assert chosen_id.json()["detail"][0]["type"] == "extra_forbidden"
    assert client.patch(url, json={"id": 99}).status_code == 422
    assert client.get(url).json() == user, "nothing changed"


def test_delete_answers_204_then_404(database: Database) -> None:
    """DELETE → 204 with an empty body; the user is gone: GET and DELETE again → 404."""
    user = create("Ann", "ann@example.com")
    url = f"/users/{user['id']}"
    deleted = client.delete(url)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_duplicate_email_is_409_on_create_and_on_update(database: Database) -> None:
    """A taken email → 409 from POST and from PATCH; a user may PATCH its own email."""
    ann = create("Ann", "ann@example.com")
    bob = create("Bob", "bob@example.com")
    conflict = {"detail": "Email already registered"}
    again = client.post("/users", json={"name": "Ann 2", "email": "ann@example.com"})
    assert (again.status_code, again.json()) == (409, conflict)
    assert client.get("/users").json()["total"] == 2, "the refused POST added no row"
    steal = client.patch(f"/users/{bob['id']}", json={"email": "ann@example.com"})
    assert (steal.status_code, steal.json()) == (409, conflict)
    assert client.get(f"/users/{bob['id']}").json() == bob, "the failed update left no trace"
    same = client.patch(f"/users/{ann['id']}", json={"email": "ann@example.com"})
    assert same.status_code == 200


def bounds(name: str) -> tuple[int, int]:
    """The minimum and maximum the app publishes for a GET /users query parameter."""
    parameters = app.openapi()["paths"]["/users"]["get"]["parameters"]
    (schema,) = [p["schema"] for p in parameters if p["name"] == name]
    return schema["minimum"], schema["maximum"]


def test_names_are_1_to_100_characters(database: Database) -> None:
    """A name is 1 to 100 characters (the column is VARCHAR(100)): "" and 101 → 422."""
    for name, status in (("", 422), ("x", 201), ("x" * 100, 201), ("x" * 101, 422)):
        response = client.post("/users", json={"name": name, "email": f"{len(name)}@example.com"})
        assert response.status_code == status, f"a name of {len(name)} characters"
    column_type = User.__table__.c.name.type
    assert isinstance(column_type, String)
    assert column_type.length == 100, "the column is VARCHAR(100): it holds what the API accepts"


def test_list_is_paginated_in_id_order(database: Database) -> None:
    """GET /users pages by limit/offset in id order, with the total; out-of-range → 422."""
    users = [create(f"User {n}", f"u{n}@example.com") for n in range(5)]
    pages = [client.get("/users", params={"limit": 2, "offset": o}).json() for o in (0, 2, 4, 6)]
    assert [page["items"] for page in pages] == [users[0:2], users[2:4], users[4:], []]
    assert {(page["total"], page["limit"]) for page in pages} == {(5, 2)}
    assert [page["offset"] for page in pages] == [0, 2, 4, 6]
    default = client.get("/users").json()
    assert (default["limit"], default["offset"], default["items"]) == (20, 0, users)

    published = {"limit": (1, 100), "offset": (0, 10_000)}
    assert {name: bounds(name) for name in published} == published
    for name, (low, high) in published.items():
        for value, status in ((low - 1, 422), (low, 200), (high, 200), (high + 1, 422)):
            response = client.get("/users", params={name: value})
            assert response.status_code == status, f"{name}={value}"


def test_every_error_status_is_documented(database: Database) -> None:
    """The 404s and 409s the routes can answer are declared in OpenAPI with their model."""
    paths = app.openapi()["paths"]
    declared = {
        (method, path): set(operation["responses"])
        for path, item in paths.items()
        for method, operation in item.items()
    }
    expected = {
        ("post", "/users"): {"201", "409", "422"},
        ("get", "/users"): {"200", "422"},
        ("get", "/users/{user_id}"): {"200", "404", "422"},
        ("patch", "/users/{user_id}"): {"200", "404", "409", "422"},
        ("delete", "/users/{user_id}"): {"204", "404", "422"},
    }
    for operation, statuses in expected.items():
        assert declared[operation] == statuses, operation
    problem = {"$ref": "#/components/schemas/Problem"}
    for (method, path), statuses in expected.items():
        for status in statuses & {"404", "409"}:  # every domain error, on every route
            response = paths[path][method]["responses"][status]
            schema = response["content"]["application/json"]["schema"]
            assert schema == problem, f"{method.upper()} {path} {status}"


def test_the_app_serves_the_database_its_lifespan_opens(database: Database) -> None:
    """With no override, `with TestClient(app)` runs the lifespan, whose engine serves."""
    app.dependency_overrides.clear()
    with TestClient(app) as served:
        user = served.post("/users", json={"name": "Ann", "email": "ann@example.com"}).json()
        engine = app.state.session_factory.kw["bind"]
    # An @asynccontextmanager: Starlette would wrap (and warn about) a bare async generator.
    assert app.router.lifespan_context is lifespan
    assert engine.url == database.engine.url, "DATABASE_URL points at the test database"
    with database.factory() as session:
        stored = session.get(User, user["id"])
        assert stored is not None
        assert (stored.name, stored.email) == ("Ann", "ann@example.com")


def test_the_seeds_id_scheme_overwrites_a_user_after_a_delete() -> None:
    """Seed scheme: create Ann (1) and Bob (2), delete Ann, create Cy → Cy gets id 2 and
    silently replaces Bob."""
    seed = TestClient(naive.app)
    for name in ("ann", "bob"):
        seed.post("/users", json={"name": name, "email": f"{name}@example.com"})
    assert seed.delete("/users/1").status_code == 204
    cy = seed.post("/users", json={"name": "cy", "email": "cy@example.com"})
    assert cy.status_code == 201
    assert cy.json()["id"] == 2, "len(users) + 1 == 2: Bob's id"
    assert seed.get("/users/2").json()["name"] == "cy"
    assert seed.get("/users").json()["total"] == 1, "Bob is gone"


def test_the_naive_variant_differs_only_in_its_ids() -> None:
    """Without deletes the seed's scheme behaves: 409 on a taken email, PATCH keeps what was
    not sent, 404 for nobody. So the state machine's failure is the id bug and nothing else."""
    seed = TestClient(naive.app)
    for name in ("ann", "bob"):
        seed.post("/users", json={"name": name, "email": f"{name}@example.com"})
    steal = seed.patch("/users/2", json={"email": "ann@example.com"})
    assert (steal.status_code, steal.json()) == (409, {"detail": "Email already registered"})
    renamed = seed.patch("/users/2", json={"name": "Bobby"})
    assert renamed.json() == {"id": 2, "name": "Bobby", "email": "bob@example.com"}
    assert seed.patch("/users/3", json={"name": "x"}).status_code == 404
    assert seed.delete("/users/3").status_code == 404
    assert seed.get("/users/0").status_code == 422, "the same published bounds"
    assert seed.get(f"/users/{2**31}").status_code == 422
    default = seed.get("/users").json()
    assert (default["limit"], default["offset"], [u["id"] for u in default["items"]]) == (
        20,
        0,
        [1, 2],
    )
    second = seed.get("/users", params={"limit": 1, "offset": 1}).json()
    assert ([u["id"] for u in second["items"]], second["total"]) == ([2], 2)
    assert seed.get("/users", params={"limit": 101}).status_code == 422
    assert seed.get("/users", params={"offset": 10_001}).status_code == 422
