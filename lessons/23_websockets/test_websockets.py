"""Lesson 23 claims: the WebSocket life cycle, handshake auth, a robust chat room."""

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from lessons.testkit import serve

from .app import MAX_CONNECTIONS, TOKENS, ChatMessage, app, manager

# A TestClient used WITHOUT `with` gives every websocket_connect() its own event loop in its
# own thread. Fine for one connection at a time (the Hypothesis tests below use it), wrong
# for a chat room: a broadcast would cross event loops. Multi-client tests use `room`.
client = TestClient(app)

# Read the message bounds from the app's own schema, so edits to ChatMessage keep the
# tests meaningful.
TEXT_SCHEMA = ChatMessage.model_json_schema()["properties"]["text"]
MIN_TEXT, MAX_TEXT = TEXT_SCHEMA["minLength"], TEXT_SCHEMA["maxLength"]

TOKEN_OF = {user: token for token, user in TOKENS.items()}
ALICE, BOB, CAROL, DAVE = (
    f"/ws/chat?token={TOKEN_OF[u]}" for u in ("alice", "bob", "carol", "dave")
)

PATIENCE = 30.0  # seconds a real server or client may take on a loaded machine


@pytest.fixture(autouse=True)
def empty_room() -> Iterator[None]:
    """Every test starts and ends with no registered chat connection."""
    manager.clear()
    yield
    manager.clear()


@pytest.fixture
def room() -> Iterator[TestClient]:
    """A TestClient whose WebSocket sessions all share one event loop, like a real server."""
    with TestClient(app) as shared:
        yield shared


def join(ws: WebSocketTestSession, user: str) -> None:
    """Read the welcome frame: after it, the server has registered this connection."""
    welcome = ws.receive_json()
    assert welcome["type"] == "welcome", welcome
    assert welcome["user"] == user, welcome


def closed_code(ws: WebSocketTestSession) -> tuple[int, str]:
    """Receive until the server closes; return the close code and reason."""
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    return closed.value.code, closed.value.reason


# --- the life cycle --------------------------------------------------------------------


def test_echo_accepts_and_answers_every_text_message() -> None:
    """After accept(), each text frame the client sends gets its own text reply."""
    with client.websocket_connect("/ws/echo") as ws:
        for text in ("hello", "héllo wörld", "3"):
            ws.send_text(text)
            assert ws.receive_text() == f"echo: {text}"


def test_server_closes_with_normal_closure_when_told_bye() -> None:
    """The server can end the conversation: "bye" → close frame 1000 (normal closure)."""
    with client.websocket_connect("/ws/echo") as ws:
        ws.send_text("bye")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert (closed.value.code, closed.value.reason) == (1000, "bye")


def test_chat_speaks_json_in_text_frames() -> None:
    """send_json() travels as a text frame holding JSON; receive_json() parses it back."""
    with client.websocket_connect(ALICE) as ws:
        raw = ws.receive()  # the ASGI message behind the first frame
        assert raw["type"] == "websocket.send"
        assert raw.get("bytes") is None, "JSON goes in a text frame, not a binary one"
        assert json.loads(raw["text"]) == {"type": "welcome", "user": "alice", "online": 1}
        ws.send_json({"text": "anyone here?"})
        assert ws.receive_json() == {"type": "ack", "delivered": 0}


# --- authentication on the handshake ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "cookies"),
    [
        ("/ws/chat", {}),
        ("/ws/chat?token=", {}),
        ("/ws/chat?token=mallory-token", {}),
        ("/ws/chat", {"token": "mallory-token"}),
    ],
    ids=["no-token", "empty-token", "unknown-query-token", "unknown-cookie-token"],
)
def test_handshake_without_a_valid_token_is_closed_with_1008(
    url: str, cookies: dict[str, str]
) -> None:
    """A missing or unknown token closes the handshake with 1008 (policy violation)."""
    anonymous = TestClient(app, cookies=cookies)
    with pytest.raises(WebSocketDisconnect) as refused, anonymous.websocket_connect(url):
        pass  # not reached: websocket_connect raises
    # Closing before accept() surfaces in TestClient as WebSocketDisconnect raised by
    # websocket_connect itself (every Starlette in the matrix); a real server turns it
    # into an HTTP 403 answer to the handshake (see the Uvicorn test below).
    assert (refused.value.code, refused.value.reason) == (1008, "invalid token")
    assert len(manager) == 0, "a refused client is never registered"


@pytest.mark.parametrize("where", ["query", "cookie"])
def test_valid_token_in_query_or_cookie_opens_the_chat(where: str) -> None:
    """The handshake token may come in the query string or in a `token` cookie."""
    if where == "query":
        session = TestClient(app)
        url = f"/ws/chat?token={TOKEN_OF['bob']}"
    else:
        session = TestClient(app, cookies={"token": TOKEN_OF["bob"]})
        url = "/ws/chat"
    with session, session.websocket_connect(url) as ws:
        assert ws.receive_json() == {"type": "welcome", "user": "bob", "online": 1}


@given(token=st.text())
def test_any_token_outside_the_table_is_refused(token: str) -> None:
    """Hypothesis: every query token that is not in the app's token table gets 1008."""
    expected_user = TOKENS.get(token)
    url = "/ws/chat?" + urlencode({"token": token})
    if expected_user is not None:  # Hypothesis found a real token: it must work
        with client.websocket_connect(url) as ws:
            assert ws.receive_json()["user"] == expected_user
        return
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(url):
        pass  # not reached: websocket_connect raises
    assert refused.value.code == 1008


# --- the connection manager -------------------------------------------------------------


def test_disconnect_removes_the_client_from_the_manager(room: TestClient) -> None:
    """When a client leaves, the manager forgets it: size drops and broadcasts skip it."""
    with room.websocket_connect(ALICE) as alice:
        join(alice, "alice")
        with room.websocket_connect(BOB) as bob:
            join(bob, "bob")
            assert len(manager) == 2
        # Leaving the block closed bob's socket and waited for his handler to finish.
        assert len(manager) == 1, "bob's handler must unregister him in its finally block"
        alice.send_json({"text": "still there?"})
        assert alice.receive_json() == {"type": "ack", "delivered": 0}
    assert len(manager) == 0


def test_message_from_one_client_reaches_all_the_others(room: TestClient) -> None:
    """Broadcast: every other client receives the message, the sender gets a count."""
    with (
        room.websocket_connect(ALICE) as alice,
        room.websocket_connect(BOB) as bob,
        room.websocket_connect(CAROL) as carol,
    ):
        for ws, user in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
            join(ws, user)

        alice.send_json({"text": "hi all"})
        assert alice.receive_json() == {"type": "ack", "delivered": 2}
        for other in (bob, carol):
            assert other.receive_json() == {"type": "message", "from": "alice", "text": "hi all"}

        carol.send_json({"text": "hi alice"})
        assert carol.receive_json() == {"type": "ack", "delivered": 2}
        for other in (alice, bob):
            assert other.receive_json() == {"type": "message", "from": "carol", "text": "hi alice"}


def test_connection_limit_refuses_the_next_client_with_1013(room: TestClient) -> None:
    """With MAX_CONNECTIONS open, the next client is closed with 1013 (try again later)."""
    assert MAX_CONNECTIONS == 3, "this test opens exactly MAX_CONNECTIONS clients"
    with (
        room.websocket_connect(ALICE) as alice,
        room.websocket_connect(BOB) as bob,
        room.websocket_connect(CAROL) as carol,
    ):
        for ws, user in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
            join(ws, user)
        with room.websocket_connect(DAVE) as dave:
            assert closed_code(dave) == (1013, "chat is full")
        assert len(manager) == MAX_CONNECTIONS
        alice.send_json({"text": "dave could not join"})
        assert alice.receive_json() == {"type": "ack", "delivered": 2}, "dave never joined"
    with room.websocket_connect(DAVE) as dave:
        join(dave, "dave")  # the limit counts open connections: room again once they left


# --- invalid input never crashes the server ---------------------------------------------


def test_invalid_json_gets_an_error_frame_and_the_connection_stays_open(room: TestClient) -> None:
    """Text that is not JSON → an error frame; the same connection then works normally."""
    with room.websocket_connect(ALICE) as alice, room.websocket_connect(BOB) as bob:
        join(alice, "alice")
        join(bob, "bob")
        alice.send_text("{not json")
        error = alice.receive_json()
        assert error["type"] == "error"
        assert [problem["type"] for problem in error["detail"]] == ["json_invalid"]
        alice.send_json({"text": "sorry"})
        assert alice.receive_json() == {"type": "ack", "delivered": 1}
        assert bob.receive_json() == {"type": "message", "from": "alice", "text": "sorry"}


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({}, "missing"),
        ({"text": 5}, "string_type"),
        ({"text": "a" * (MIN_TEXT - 1)}, "string_too_short"),
        ({"text": "a" * (MAX_TEXT + 1)}, "string_too_long"),
        ({"text": "hi", "admin": True}, "extra_forbidden"),
        (["text", "hi"], "model_type"),
    ],
)
def test_wrong_shape_gets_an_error_frame_naming_the_problem(payload: Any, problem: str) -> None:
    """Valid JSON of the wrong shape → an error frame with Pydantic's error type."""
    with client.websocket_connect(ALICE) as alice:
        join(alice, "alice")
        alice.send_json(payload)
        error = alice.receive_json()
        assert error["type"] == "error"
        assert problem in [p["type"] for p in error["detail"]], error
        alice.send_json({"text": "ok now"})
        assert alice.receive_json() == {"type": "ack", "delivered": 0}


# The Hypothesis test below reads the bounds from ChatMessage, so it follows any edit of the
# model. This one pins the numbers the README documents: moving a bound changes the protocol.
@pytest.mark.parametrize(
    ("length", "problem"),
    [(0, "string_too_short"), (1, None), (200, None), (201, "string_too_long")],
)
def test_a_chat_message_holds_1_to_200_characters(length: int, problem: str | None) -> None:
    """The documented text length is 1 to 200 characters; 0 or 201 get an error frame."""
    with client.websocket_connect(ALICE) as alice:
        join(alice, "alice")
        alice.send_json({"text": "a" * length})
        reply = alice.receive_json()
    if problem is None:
        assert reply == {"type": "ack", "delivered": 0}, f"{length} is inside the documented 1..200"
    else:
        assert reply["type"] == "error", f"{length} is outside the documented 1..200"
        assert [(p["type"], p["loc"]) for p in reply["detail"]] == [(problem, ["text"])], reply


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, biased towards objects that look like chat messages."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=6,
    )
    near_misses = st.fixed_dictionaries(
        {"text": st.text(max_size=MAX_TEXT + 5) | scalars},
        optional={"extra": scalars},
    )
    return values | near_misses


def is_valid_chat_message(value: Any) -> bool:
    """The oracle, written from the protocol's description, not from ChatMessage."""
    return (
        isinstance(value, dict)
        and set(value) == {"text"}
        and isinstance(value["text"], str)
        and MIN_TEXT <= len(value["text"]) <= MAX_TEXT
    )


@given(value=json_values())
def test_any_json_value_gets_an_ack_or_an_error_frame(value: Any) -> None:
    """Hypothesis: any JSON value → ack iff it is a valid message, else an error frame."""
    with client.websocket_connect(ALICE) as alice:
        join(alice, "alice")
        alice.send_text(json.dumps(value))
        reply = alice.receive_json()
        expected = "ack" if is_valid_chat_message(value) else "error"
        assert reply["type"] == expected, (value, reply)
        alice.send_json({"text": "still alive"})
        assert alice.receive_json() == {"type": "ack", "delivered": 0}


def test_binary_frame_is_closed_with_1003_and_the_room_keeps_working(room: TestClient) -> None:
    """A binary frame on this text protocol → close 1003; the other clients chat on."""
    with room.websocket_connect(ALICE) as alice, room.websocket_connect(BOB) as bob:
        join(alice, "alice")
        join(bob, "bob")
        with room.websocket_connect(CAROL) as carol:
            join(carol, "carol")
            carol.send_bytes(b'{"text": "sneaky"}')
            assert closed_code(carol) == (1003, "text only")
        assert len(manager) == 2
        alice.send_json({"text": "carol left"})
        assert alice.receive_json() == {"type": "ack", "delivered": 1}
        assert bob.receive_json() == {"type": "message", "from": "alice", "text": "carol left"}


# --- a real server and a real client ----------------------------------------------------


def test_real_uvicorn_serves_the_chat_to_real_websocket_clients() -> None:
    """Over a real socket: refused handshake = HTTP 403, broadcast works, limit sends 1013."""
    with serve("lessons.23_websockets.app:app") as server:
        ws_url = server.base_url.replace("http://", "ws://", 1)

        # A close before accept() has no close frame to travel in: Uvicorn answers the
        # handshake with HTTP 403, so a real client never sees 1008.
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{ws_url}/ws/chat?token=mallory-token", open_timeout=PATIENCE)
        assert refused.value.response.status_code == 403

        with (
            connect(f"{ws_url}{ALICE}", open_timeout=PATIENCE) as alice,
            connect(
                f"{ws_url}/ws/chat",
                additional_headers={"Cookie": f"token={TOKEN_OF['bob']}"},
                open_timeout=PATIENCE,
            ) as bob,
            connect(f"{ws_url}{CAROL}", open_timeout=PATIENCE) as carol,
        ):
            users = [json.loads(ws.recv(timeout=PATIENCE))["user"] for ws in (alice, bob, carol)]
            assert users == ["alice", "bob", "carol"]

            # The limit closes AFTER accept(), so the code and reason do reach a real client.
            with (
                connect(f"{ws_url}{DAVE}", open_timeout=PATIENCE) as dave,
                pytest.raises(ConnectionClosed) as full,
            ):
                dave.recv(timeout=PATIENCE)
            assert full.value.rcvd is not None
            assert (full.value.rcvd.code, full.value.rcvd.reason) == (1013, "chat is full")

            alice.send(json.dumps({"text": "over the wire"}))
            assert json.loads(alice.recv(timeout=PATIENCE)) == {"type": "ack", "delivered": 2}
            for other in (bob, carol):
                message = json.loads(other.recv(timeout=PATIENCE))
                assert message == {"type": "message", "from": "alice", "text": "over the wire"}

    log = "".join(server.output)
    # Why a cookie (or a short-lived ticket) beats a query token: the URL is logged.
    assert "token=mallory-token" in log, "query-string tokens end up in the access log"
    assert TOKEN_OF["bob"] not in log, "a cookie is not part of the logged request line"
