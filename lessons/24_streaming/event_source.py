"""Server-Sent Events with fastapi.sse (FastAPI >= 0.135).

`response_class=EventSourceResponse` on a path operation that `yield`s: FastAPI writes the
text/event-stream format, sets the caching headers, and sends keep-alive comments when the
generator is idle.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

from .news import NEWS

router = APIRouter()


@router.get("/events/native", response_class=EventSourceResponse)
async def news_native(
    last_event_id: Annotated[int | None, Header()] = None,
) -> AsyncIterator[ServerSentEvent]:
    # The same news as /events/by-hand; raw_data sends the text as it is (no JSON quoting).
    for news_id, kind, text in NEWS:
        if last_event_id is None or news_id > last_event_id:
            yield ServerSentEvent(raw_data=text, event=kind, id=str(news_id))


class Price(BaseModel):
    symbol: str
    cents: int


@router.get("/events/prices", response_class=EventSourceResponse)
async def prices() -> AsyncIterator[Price]:
    # Plain items are validated as Price and sent as JSON in the data: field.
    yield Price(symbol="ACME", cents=1250)
    yield Price(symbol="INIT", cents=99)


@router.get("/events/greeting", response_class=EventSourceResponse)
async def greeting() -> AsyncIterator[ServerSentEvent]:
    # `data=` is always JSON-encoded, even a plain string: the wire shows "hello" in quotes.
    yield ServerSentEvent(data="hello", event="greeting")
