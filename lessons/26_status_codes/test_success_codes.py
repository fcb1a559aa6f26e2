"""Lesson 26 claims: 201 with a Location, 204 with nothing at all, 200/201 chosen at run time."""

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lessons.testkit import serve

from . import no_content
from .app import BOOKS, app

client = TestClient(app)
LIBRARIAN = {"Authorization": "Bearer librarian-token"}
BOOK: dict[str, Any] = {
    "isbn": "9780131103627",
    "title": "The C Programming Language",
    "year": 1988,
}
OTHER: dict[str, Any] = {"isbn": "9780201633610", "title": "Design Patterns", "year": 1994}


def test_create_answers_201_with_a_location_from_the_router() -> None:
    """POST → 201, the book, and a Location built by the router; following it finds the book."""
    response = client.post("/books", json=BOOK, headers=LIBRARIAN)
    assert response.status_code == 201
    assert response.json() == BOOK
    expected = "http://testserver" + app.url_path_for("read_book", isbn=BOOK["isbn"])
    assert response.headers["location"] == expected
    assert expected.endswith(f"/books/{BOOK['isbn']}")
    followed = client.get(response.headers["location"])
    assert followed.status_code == 200
    assert followed.json() == BOOK


def test_location_follows_a_mount_prefix_and_root_path() -> None:
    """url_for includes where the app is mounted and the proxy's root_path: nothing hard-coded."""
    parent = FastAPI()
    parent.mount("/v1", app)
    mounted = TestClient(parent).post("/v1/books", json=BOOK, headers=LIBRARIAN)
    assert mounted.headers["location"] == f"http://testserver/v1/books/{BOOK['isbn']}"

    behind_proxy = TestClient(app, root_path="/library")
    response = behind_proxy.post("/books", json=OTHER, headers=LIBRARIAN)
    assert response.headers["location"] == f"http://testserver/library/books/{OTHER['isbn']}"


def test_delete_answers_204_with_no_body_and_no_content_headers() -> None:
    """DELETE → 204: an empty body, and no Content-Type or Content-Length describing one."""
    client.post("/books", json=BOOK, headers=LIBRARIAN)
    response = client.delete(f"/books/{BOOK['isbn']}", headers=LIBRARIAN)
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    assert "content-length" not in response.headers
    assert BOOK["isbn"] not in BOOKS


def test_put_creates_with_201_and_replaces_with_200() -> None:
    """The injected Response sets the code at run time: 201 + Location when new, 200 after."""
    url = f"/books/{BOOK['isbn']}"
    created = client.put(url, json=BOOK, headers=LIBRARIAN)
    assert created.status_code == 201
    assert created.headers["location"] == f"http://testserver{url}"
    renamed = {**BOOK, "title": "The C Programming Language, 2nd ed."}
    replaced = client.put(url, json=renamed, headers=LIBRARIAN)
    assert replaced.status_code == 200
    assert "location" not in replaced.headers, "a replaced book has not moved"
    assert replaced.json() == renamed
    assert client.get(url).json() == renamed


def test_success_codes_are_documented() -> None:
    """status_code= becomes the documented success code; 204 documents no content at all."""
    paths = client.get("/openapi.json").json()["paths"]
    assert "201" in paths["/books"]["post"]["responses"]
    assert "200" not in paths["/books"]["post"]["responses"]
    put = paths["/books/{isbn}"]["put"]["responses"]
    assert {"200", "201"} <= set(put), "an upsert documents both outcomes"
    deleted = paths["/books/{isbn}"]["delete"]["responses"]["204"]
    assert "content" not in deleted


def test_204_variants_as_the_app_sends_them() -> None:
    """ASGI level: the default class adds a JSON content type; JSONResponse(None) sends `null`."""
    variants = TestClient(no_content.app)
    right = variants.delete("/right")
    assert (right.status_code, right.content, right.headers.get("content-type")) == (204, b"", None)
    default = variants.delete("/default")
    assert (default.status_code, default.content) == (204, b"")
    assert default.headers["content-type"] == "application/json"
    json_null = variants.delete("/json-null")
    assert (json_null.status_code, json_null.content) == (204, b"null")


def test_204_with_a_body_breaks_on_a_real_server() -> None:
    """Through Uvicorn a 204 body is refused: the client sees nothing, the server logs an error."""
    with (
        serve("lessons.26_status_codes.no_content:app") as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        right = http.delete("/right")
        json_null = http.delete("/json-null")
    # The server has stopped, so its whole log has been read.
    log = "".join(server.output)
    assert (right.status_code, right.content) == (204, b"")
    assert "content-length" not in right.headers
    assert (json_null.status_code, json_null.content) == (204, b"")
    assert "Too much data for declared Content-Length" in log
    assert log.count("Exception in ASGI application") == 1, "only /json-null fails"
