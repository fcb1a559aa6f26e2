"""Lesson 11 claims: a handler for Starlette's HTTPException also sees the router's 404/405."""

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from .uniform import app

client = TestClient(app)


def test_starlette_http_handler_catches_the_routers_404() -> None:
    """An unknown path (raised by the router itself) answers in the handler's envelope."""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "http_404", "message": "Not Found"}}


def test_starlette_http_handler_catches_the_routers_405_and_keeps_allow() -> None:
    """A wrong method gets the envelope too, and the Allow header survives the handler."""
    response = client.post("/me")
    assert response.status_code == 405
    assert response.json() == {"error": {"code": "http_405", "message": "Method Not Allowed"}}
    assert response.headers["allow"] == "GET"


def test_starlette_http_handler_catches_fastapis_http_exception() -> None:
    """FastAPI's HTTPException is a subclass, so a route's own raise is handled the same way."""
    response = client.get("/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "http_401", "message": "Not authenticated"}}
    assert response.headers["www-authenticate"] == "Bearer"


def test_handler_for_fastapis_http_exception_misses_the_routers_404() -> None:
    """Registered for fastapi.HTTPException instead, the handler never sees router 404/405."""
    narrow = FastAPI()

    @narrow.exception_handler(HTTPException)
    async def only_fastapi_errors(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": {"code": "seen"}}, status_code=exc.status_code)

    @narrow.get("/me")
    def read_me() -> dict[str, str]:
        raise HTTPException(status_code=401, detail="Not authenticated")

    narrow_client = TestClient(narrow)
    assert narrow_client.get("/me").json() == {"error": {"code": "seen"}}
    assert narrow_client.get("/no-such-page").json() == {"detail": "Not Found"}
    assert narrow_client.post("/me").json() == {"detail": "Method Not Allowed"}
