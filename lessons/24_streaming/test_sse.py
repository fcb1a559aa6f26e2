"""Lesson 24 claims: the text/event-stream format by hand, and fastapi.sse from FastAPI 0.135."""

import importlib
import json
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from .app import app, sse_event
from .news import NEWS

client = TestClient(app)


def parse_event_stream(text: str) -> list[dict[str, str]]:
    """Read a text/event-stream the way a browser's EventSource does (HTML standard, 9.2.6).

    Written from the standard, not from the app: lines end at CRLF, LF or CR; a blank line
    dispatches the event; `:` starts a comment; one space after the colon is dropped; data
    lines are joined with "\\n"; an event without data is not dispatched.
    """
    events: list[dict[str, str]] = []
    data: list[str] = []
    event_type = ""
    last_id = ""
    for line in re.split(r"\r\n|\r|\n", text):
        if line == "":
            if data:
                events.append(
                    {"event": event_type or "message", "data": "\n".join(data), "id": last_id}
                )
            data, event_type = [], ""
            continue
        if line.startswith(":"):
            continue
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field == "event":
            event_type = value
        elif field == "id" and "\0" not in value:
            last_id = value
    return events


# What `curl -N http://127.0.0.1:8000/events/by-hand` prints, as the README shows it.
DOCUMENTED_STREAM = (
    "event: headline\ndata: Streaming lesson published\nid: 1\n\n"
    "event: headline\ndata: SSE explained\nid: 2\n\n"
    "event: quote\ndata: first line\ndata: second line\ndata: third line\nid: 3\n\n"
    "event: headline\ndata: That is all for today\nid: 4\n\n"
)
EXPECTED_NEWS = [{"event": kind, "data": text, "id": str(n)} for n, kind, text in NEWS]


# --- by hand, every version -------------------------------------------------------------


def test_hand_written_stream_has_the_event_stream_wire_format() -> None:
    """event:, data: and id: lines, each event ended by a blank line, as text/event-stream."""
    response = client.get("/events/by-hand")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert response.text == DOCUMENTED_STREAM, "the stream the README shows, byte for byte"


def test_multi_line_data_is_sent_as_several_data_lines() -> None:
    """Data with line breaks becomes one data: line per line; the client joins them again."""
    text = client.get("/events/by-hand").text
    assert "data: first line\ndata: second line\ndata: third line\n" in text
    assert parse_event_stream(text) == EXPECTED_NEWS


def test_last_event_id_resumes_the_stream_after_that_event() -> None:
    """A reconnecting client sends Last-Event-ID; the stream continues after that event."""
    response = client.get("/events/by-hand", headers={"Last-Event-ID": "2"})
    assert parse_event_stream(response.text) == EXPECTED_NEWS[2:]
    assert response.text == DOCUMENTED_STREAM.split("id: 2\n\n")[1], "events 3 and 4 only"


def test_sse_event_refuses_line_breaks_in_event_or_id() -> None:
    """An event name or id with a line break would forge extra fields: refused."""
    with pytest.raises(ValueError, match="single lines"):
        sse_event("x", event="headline\ndata: forged")
    with pytest.raises(ValueError, match="single lines"):
        sse_event("x", event_id="7\rretry: 1")


def test_sse_event_takes_event_and_id_by_keyword_only() -> None:
    """Event name and id are both optional strings: passed by position, they could swap."""
    assert sse_event(data="x", event="quote", event_id="3") == "event: quote\ndata: x\nid: 3\n\n"
    with pytest.raises(TypeError):
        sse_event("x", "quote", "3")  # type: ignore[call-arg]


single_line = st.text().filter(lambda s: "\r" not in s and "\n" not in s)


@given(
    data=st.text(),
    event=st.none() | single_line,
    event_id=st.none() | single_line.filter(lambda s: "\0" not in s),
)
def test_any_text_survives_the_hand_written_format(
    data: str, event: str | None, event_id: str | None
) -> None:
    """Hypothesis: what an EventSource reads back is what was sent (line ends become LF)."""
    parsed = parse_event_stream(sse_event(data, event=event, event_id=event_id))
    expected_data = data.replace("\r\n", "\n").replace("\r", "\n")
    assert parsed == [{"event": event or "message", "data": expected_data, "id": event_id or ""}]


# --- fastapi.sse, FastAPI >= 0.135 -------------------------------------------------------


@pytest.mark.fastapi(before="0.135")
def test_fastapi_sse_does_not_exist_before_0_135() -> None:
    """Older FastAPI has no fastapi.sse: SSE is a StreamingResponse you format yourself."""
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("fastapi.sse")
    assert client.get("/events/native").status_code == 404


@pytest.mark.fastapi(since="0.135")
def test_event_source_response_sends_the_same_bytes_as_the_hand_written_stream() -> None:
    """EventSourceResponse + ServerSentEvent(raw_data=...) produce the same stream as by hand."""
    for headers in ({}, {"Last-Event-ID": "2"}):
        native = client.get("/events/native", headers=headers)
        by_hand = client.get("/events/by-hand", headers=headers)
        assert native.text == by_hand.text, headers
    assert native.headers["content-type"].startswith("text/event-stream")
    assert native.headers["cache-control"] == "no-cache"
    assert native.headers["x-accel-buffering"] == "no"


@pytest.mark.fastapi(since="0.135")
def test_event_source_response_sends_items_and_data_as_json() -> None:
    """Yielded models become JSON data: lines; ServerSentEvent(data="hello") is quoted JSON."""
    prices = parse_event_stream(client.get("/events/prices").text)
    assert [json.loads(event["data"]) for event in prices] == [
        {"symbol": "ACME", "cents": 1250},
        {"symbol": "INIT", "cents": 99},
    ]
    greeting = client.get("/events/greeting").text
    assert greeting == 'event: greeting\ndata: "hello"\n\n', "data= is always JSON-encoded"
