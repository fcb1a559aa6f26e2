"""Call the app as a bare ASGI callable and see its response chunk by chunk.

TestClient and httpx.ASGITransport collect the whole body before they return, so they cannot
show streaming or measure memory. Here every body message goes to `on_chunk` as it is sent,
and nothing is kept unless `on_chunk` keeps it.
"""

import asyncio
from collections.abc import Callable

from starlette.types import ASGIApp, Message

from lessons.testkit import http_scope


async def call(app: ASGIApp, path: str, query: str, on_chunk: Callable[[bytes], None]) -> Message:
    """GET `path?query`; pass each body chunk to `on_chunk`; return http.response.start."""
    scope = http_scope(path, query_string=query.encode())
    response_done = asyncio.Event()
    start: Message = {}

    async def receive() -> Message:
        # A GET has no body and these routes never ask for one. Starlette calls receive()
        # only to listen for a disconnect while it streams: the client "leaves" once the
        # whole body has arrived.
        await response_done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        else:  # "http.response.body": the only other message of a plain HTTP response
            on_chunk(message.get("body", b""))
            if not message.get("more_body", False):
                response_done.set()

    await app(scope, receive, send)
    assert response_done.is_set(), "the app returned without finishing its response"
    return start
