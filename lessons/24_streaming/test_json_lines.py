"""Lesson 24 claims: a path operation that yields streams JSON Lines from FastAPI 0.134 on."""

import asyncio
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from lessons.testkit import fastapi_at_least

from .app import app
from .asgi_call import call

client = TestClient(app)


def countdown_bounds() -> tuple[int, int]:
    """The `start` bounds as the app publishes them in its OpenAPI schema."""
    parameters = app.openapi()["paths"]["/countdown"]["get"]["parameters"]
    schema = next(p["schema"] for p in parameters if p["name"] == "start")
    return schema["minimum"], schema["maximum"]


def body_chunks(path: str) -> list[bytes]:
    """The non-empty body messages the app sends for GET `path`, one entry per message."""
    chunks: list[bytes] = []
    start = asyncio.run(call(app, path, "", lambda chunk: chunks.append(chunk) if chunk else None))
    assert start["status"] == 200
    return chunks


@pytest.mark.fastapi(since="0.134")
def test_generator_path_operation_streams_json_lines() -> None:
    """A path operation that yields sends application/jsonl: one JSON value per line."""
    response = client.get("/countdown", params={"start": 3})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jsonl"
    assert response.text == "3\n2\n1\n"


@pytest.mark.fastapi(before="0.134")
def test_generator_path_operation_was_one_json_array_before_0_134() -> None:
    """Before 0.134 the same generator is drained first and sent as one JSON array."""
    response = client.get("/countdown", params={"start": 3})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == [3, 2, 1]
    assert body_chunks("/countdown") == [b"[3,2,1]"], "one message: nothing was streamed"


@pytest.mark.fastapi(since="0.134")
def test_json_lines_are_sent_one_message_per_item() -> None:
    """Each yielded item leaves the app as its own body message, as soon as it is made."""
    assert body_chunks("/countdown") == [b"3\n", b"2\n", b"1\n"]
    assert len(body_chunks("/readings")) == 3


def readings() -> list[dict[str, Any]]:
    response = client.get("/readings")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jsonl"
    items = [json.loads(line) for line in response.text.splitlines()]
    assert [item["sensor"] for item in items] == ["kitchen", "garage", "attic"]
    return items


# What `curl http://127.0.0.1:8000/readings` prints, as the README shows it.
DOCUMENTED_READINGS = (
    '{"sensor":"kitchen","celsius":21.5}\n'
    '{"sensor":"garage","celsius":8.25}\n'
    '{"sensor":"attic","celsius":30.0}\n'
)


@pytest.mark.fastapi(since="0.140.8")
def test_yield_annotation_validates_and_filters_each_item() -> None:
    """`-> AsyncIterator[Reading]` serialises each item as a Reading: extra fields stay home."""
    items = readings()
    assert all(set(item) == {"sensor", "celsius"} for item in items), items
    assert client.get("/readings").text == DOCUMENTED_READINGS, "the body the README shows"


@pytest.mark.fastapi(since="0.134", before="0.140.8")
def test_included_router_lost_the_item_type_before_0_140_8() -> None:
    """0.134-0.140.7: a streaming route added by include_router skipped its item type: leak."""
    items = readings()
    assert all("calibration_key" in item for item in items), (
        "on these versions the items are JSON-encoded as they are, extra fields included"
    )


def parse_countdown(response_text: str) -> Any:
    if fastapi_at_least("0.134"):
        return [json.loads(line) for line in response_text.splitlines()]
    return json.loads(response_text)


@pytest.mark.parametrize(
    ("start", "status", "items"),
    [(-1, 422, None), (0, 200, []), (10, 200, list(range(10, 0, -1))), (11, 422, None)],
)
def test_countdown_start_runs_from_0_to_10(
    start: int, status: int, items: list[int] | None
) -> None:
    """`start` is 0 to 10: 0 counts nothing, 10 counts 10..1, -1 and 11 are a 422 on `start`."""
    response = client.get("/countdown", params={"start": start})
    assert response.status_code == status, response.text
    if items is None:
        assert response.json()["detail"][0]["loc"] == ["query", "start"]
    else:
        assert parse_countdown(response.text) == items


@given(start=st.integers(min_value=-1000, max_value=1000))
def test_countdown_accepts_exactly_its_published_range(start: int) -> None:
    """Hypothesis: 200 iff `start` is inside the OpenAPI bounds, and then start..1 comes back."""
    low, high = countdown_bounds()
    response = client.get("/countdown", params={"start": start})
    if low <= start <= high:
        assert response.status_code == 200
        assert parse_countdown(response.text) == list(range(start, 0, -1))
    else:
        assert response.status_code == 422
