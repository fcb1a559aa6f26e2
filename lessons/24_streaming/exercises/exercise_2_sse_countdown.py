"""Count down with Server-Sent Events

In lessons/24_streaming/app.py, add `GET /events/countdown` with a query parameter `start`
(1 to 10, default 3). Using `sse_event`, it streams one event of type `tick` per number from
`start` down to 1 (data and id both the number), then one event of type `done` with the
data `liftoff` and no id. Serve it as text/event-stream with the same headers as
/events/by-hand, and document the media type in OpenAPI.
"""

import pytest
from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Follow /events/by-hand: an async generator that yields sse_event(...) strings, wrapped "
    "in a StreamingResponse. The id must be a string; the final event passes no event_id."
)

client = TestClient(app)


def test_countdown_stream_is_exactly_these_events() -> None:
    """start=2: tick 2, tick 1 (each with its id), then done/liftoff, in SSE wire format."""
    response = client.get("/events/countdown", params={"start": 2})
    assert response.status_code == 200, response.text
    assert response.text == (
        "event: tick\ndata: 2\nid: 2\n\n"
        "event: tick\ndata: 1\nid: 1\n\n"
        "event: done\ndata: liftoff\n\n"
    )


def test_countdown_is_an_uncached_event_stream() -> None:
    """The same headers as /events/by-hand: event-stream, no-cache, no proxy buffering."""
    response = client.get("/events/countdown")
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert response.text.count("event: tick\n") == 3, "start defaults to 3"


@pytest.mark.parametrize(("start", "status"), [("0", 422), ("1", 200), ("10", 200), ("11", 422)])
def test_start_must_be_between_1_and_10(start: str, status: int) -> None:
    """`start` outside 1..10 is a 422 on `start`; both ends of the range are accepted."""
    response = client.get("/events/countdown", params={"start": start})
    assert response.status_code == status
    if status == 200:
        assert response.text.startswith(f"event: tick\ndata: {start}\nid: {start}\n\n")
    else:
        assert response.json()["detail"][0]["loc"] == ["query", "start"]


def test_openapi_documents_the_countdown_as_an_event_stream() -> None:
    """The 200 response of /events/countdown is documented as text/event-stream only."""
    responses = app.openapi()["paths"]["/events/countdown"]["get"]["responses"]
    assert list(responses["200"]["content"]) == ["text/event-stream"]
