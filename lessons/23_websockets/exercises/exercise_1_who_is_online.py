"""Ask who is online

In lessons/23_websockets/app.py, add a WebSocket route `/ws/online`. It authenticates the
handshake exactly like the chat (same token rules, same refusal), then sends one JSON frame
`{"type": "online", "users": [...]}` listing the users connected to the chat, sorted by
name, and closes the connection normally (1000).
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from ..app import TOKENS, app, manager

HINT = (
    "Reuse the chat's dependency: Depends(websocket_user) on the new endpoint refuses bad "
    "tokens before accept(). The manager maps each connection to its user."
)

TOKEN_OF = {user: token for token, user in TOKENS.items()}


@pytest.fixture(autouse=True)
def empty_room() -> Iterator[None]:
    """Every test starts and ends with no registered chat connection."""
    manager.clear()
    yield
    manager.clear()


def online_frame(client: TestClient, token: str) -> tuple[object, int]:
    """Connect to /ws/online; return the frame it sends and the close code that follows."""
    with client.websocket_connect(f"/ws/online?token={token}") as ws:
        frame = ws.receive_json()
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    return frame, closed.value.code


def test_online_lists_the_chat_users_sorted_then_closes_normally() -> None:
    """With carol and alice in the chat, dave sees ["alice", "carol"] and a 1000 close."""
    with TestClient(app) as room:
        with (
            room.websocket_connect(f"/ws/chat?token={TOKEN_OF['carol']}") as carol,
            room.websocket_connect(f"/ws/chat?token={TOKEN_OF['alice']}") as alice,
        ):
            carol.receive_json()  # the welcome frames: both are registered now
            alice.receive_json()
            frame, code = online_frame(room, TOKEN_OF["dave"])
        assert frame == {"type": "online", "users": ["alice", "carol"]}
        assert code == 1000


def test_online_in_an_empty_room_is_an_empty_list() -> None:
    """Nobody in the chat: the list is empty (asking does not join the chat)."""
    with TestClient(app) as room:
        frame, code = online_frame(room, TOKEN_OF["bob"])
    assert frame == {"type": "online", "users": []}
    assert code == 1000
    assert len(manager) == 0


def test_online_refuses_an_invalid_token_with_1008() -> None:
    """A token outside the table is refused on the handshake with 1008, like the chat."""
    with (
        TestClient(app) as room,
        pytest.raises(WebSocketDisconnect) as refused,
        room.websocket_connect("/ws/online?token=nope") as ws,
    ):
        ws.receive_json()
    assert refused.value.code == 1008
