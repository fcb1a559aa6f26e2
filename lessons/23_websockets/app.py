"""Lesson 23: WebSockets — accept, receive, send, close, handshake authentication, a chat room.

Serve it with:  uvicorn "lessons.23_websockets.app:app"
Talk to it with:  python -m websockets "ws://127.0.0.1:8000/ws/echo"
"""

from typing import Annotated, Any

from fastapi import Cookie, Depends, FastAPI, Query, WebSocket, WebSocketException, status
from fastapi.websockets import WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, ValidationError

app = FastAPI(title="Lesson 23: WebSockets")


# --- 1. The life cycle: accept, receive, send, close ------------------------------------
@app.websocket("/ws/echo")
async def echo(websocket: WebSocket) -> None:
    await websocket.accept()  # completes the handshake (HTTP 101 Switching Protocols)
    try:
        while True:
            text = await websocket.receive_text()
            if text == "bye":
                # The server may end the conversation too; 1000 means "normal closure".
                await websocket.close(code=status.WS_1000_NORMAL_CLOSURE, reason="bye")
                return
            await websocket.send_text(f"echo: {text}")
    except WebSocketDisconnect:
        return  # the client went away: nothing to clean up here


# --- 2. Authentication happens on the handshake ------------------------------------------
# Browsers cannot set an Authorization header on a WebSocket, so the token travels in the
# query string or in a cookie. Demo tokens; a real app verifies a JWT (lesson 14).
TOKENS = {"alice-token": "alice", "bob-token": "bob", "carol-token": "carol", "dave-token": "dave"}


def websocket_user(
    token: Annotated[str | None, Query()] = None,
    cookie_token: Annotated[str | None, Cookie(alias="token")] = None,
) -> str:
    """The user the handshake's token belongs to; the query string wins over the cookie."""
    user = TOKENS.get(token or cookie_token or "")
    if user is None:
        # Raised before accept(): the connection is refused with 1008 "policy violation".
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION, reason="invalid token")
    return user


# --- 3. A connection manager: who is connected, how many may be -------------------------
class ConnectionManager:
    """The open chat connections of this process (one process: see the README's caveat)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.connections: dict[WebSocket, str] = {}

    def __len__(self) -> int:
        return len(self.connections)

    def try_add(self, websocket: WebSocket, user: str) -> bool:
        # No `await` between the check and the insert: nothing else runs on the event loop
        # in between, so two clients cannot both take the last free place.
        if len(self.connections) >= self.limit:
            return False
        self.connections[websocket] = user
        return True

    def remove(self, websocket: WebSocket) -> None:
        self.connections.pop(websocket, None)

    def clear(self) -> None:
        self.connections.clear()

    async def broadcast(self, message: dict[str, Any], *, sender: WebSocket) -> int:
        """Send `message` to every connection except the sender's; return how many got it."""
        others = [ws for ws in self.connections if ws is not sender]
        for websocket in others:
            await websocket.send_json(message)
        return len(others)


MAX_CONNECTIONS = 3
manager = ConnectionManager(limit=MAX_CONNECTIONS)


# --- 4. The messages clients may send ---------------------------------------------------
class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=200)


# --- 5. The chat room: broadcast, limit, invalid input ----------------------------------
@app.websocket("/ws/chat")
async def chat(websocket: WebSocket, user: Annotated[str, Depends(websocket_user)]) -> None:
    await websocket.accept()
    if not manager.try_add(websocket, user):
        # Accept first, then close: a close code only reaches a real client after the
        # handshake (a refused handshake is a bare HTTP 403). 1013 "try again later" says
        # the server is busy, not that the client did anything wrong.
        await websocket.close(code=status.WS_1013_TRY_AGAIN_LATER, reason="chat is full")
        return
    try:
        # The first frame tells the client it is in (and, in tests, that it is registered).
        await websocket.send_json({"type": "welcome", "user": user, "online": len(manager)})
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is None:
                # A binary frame on a text protocol: 1003 "unsupported data".
                await websocket.close(code=status.WS_1003_UNSUPPORTED_DATA, reason="text only")
                return
            try:
                chat_message = ChatMessage.model_validate_json(message["text"])
            except ValidationError as error:
                # Bad JSON or a wrong shape: tell this client, keep the connection open.
                problems = [
                    {"loc": list(e["loc"]), "type": e["type"], "msg": e["msg"]}
                    for e in error.errors()
                ]
                await websocket.send_json({"type": "error", "detail": problems})
                continue
            delivered = await manager.broadcast(
                {"type": "message", "from": user, "text": chat_message.text}, sender=websocket
            )
            await websocket.send_json({"type": "ack", "delivered": delivered})
    finally:
        # However the loop ends (client left, server closed, cancelled), forget the client.
        manager.remove(websocket)
