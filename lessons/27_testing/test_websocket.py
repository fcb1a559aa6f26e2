"""Lesson 27 claim: TestClient drives WebSockets too (httpx.AsyncClient has no WebSocket)."""

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect


def test_websocket_echoes_in_capitals_and_closes_normally(client: TestClient) -> None:
    """websocket_connect opens the socket; frames go both ways; the server's close is seen."""
    with client.websocket_connect("/ws") as websocket:
        websocket.send_text("hello")
        assert websocket.receive_text() == "HELLO"
        websocket.send_text("again")
        assert websocket.receive_text() == "AGAIN"
        websocket.send_text("bye")
        with pytest.raises(WebSocketDisconnect) as closed:
            websocket.receive_text()
    assert closed.value.code == 1000, "a normal closure, initiated by the server"


def test_websocket_on_an_http_route_is_refused(client: TestClient) -> None:
    """Connecting to a path with no WebSocket route fails the handshake (close code 1000)."""
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/health"):
        pytest.fail("the handshake must not succeed")
    assert refused.value.code == 1000, "Starlette closes unmatched WebSocket paths with 1000"


def test_websocket_client_leaving_first_ends_the_handler_cleanly(client: TestClient) -> None:
    """A client that disconnects mid-conversation ends the handler without an error."""
    with client.websocket_connect("/ws") as websocket:
        websocket.send_text("hi")
        assert websocket.receive_text() == "HI"
    # Leaving the block closed the socket from the client side. Had the handler let the
    # WebSocketDisconnect escape, TestClient would re-raise it here; the app still serves.
    assert client.get("/health").json() == {"status": "ok"}
