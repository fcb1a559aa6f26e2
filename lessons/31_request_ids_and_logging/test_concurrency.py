"""Lesson 31 claims: requests in flight together never see each other's ID."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from . import global_variable
from .app import ORDERS, app, get_order_lookup, logger, lookup_order

IN_FLIGHT = 8  # requests held open at the same time


def barrier_lookup(barrier: asyncio.Barrier) -> Callable[[int], Awaitable[str | None]]:
    """An order lookup that waits until every request has reached it: all are in flight."""

    async def lookup(order_id: int) -> str | None:
        logger.info("order %d waits at the barrier", order_id)
        await barrier.wait()  # the event loop runs the other requests' code here
        logger.info("order %d passed the barrier", order_id)
        return ORDERS.get(order_id)

    return lookup


async def gather_requests(
    target: FastAPI, requests: list[tuple[str, dict[str, str]]]
) -> list[httpx.Response]:
    """Send all requests at once (one task each) and wait, at most 30 s, for every answer."""
    transport = httpx.ASGITransport(app=target)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        async with asyncio.timeout(30):  # a barrier that never fills must fail, not hang
            return await asyncio.gather(
                *(client.get(path, headers=headers) for path, headers in requests)
            )


@pytest.mark.asyncio
async def test_concurrent_requests_never_see_each_others_id(
    logs: pytest.LogCaptureFixture,
) -> None:
    """All requests wait at one barrier; each response and log record keeps its own ID."""
    barrier = asyncio.Barrier(IN_FLIGHT)
    app.dependency_overrides[get_order_lookup] = lambda: barrier_lookup(barrier)
    # Order i is sent with ID req-i; two requests send none and get a generated ID.
    requests = [
        (f"/orders/{i}", {} if i % 4 == 0 else {"X-Request-ID": f"req-{i}"})
        for i in range(1, IN_FLIGHT + 1)
    ]
    responses = await gather_requests(app, requests)

    ids = {}
    for i, ((_, sent), response) in enumerate(zip(requests, responses, strict=True), start=1):
        echoed = response.headers["X-Request-ID"]
        if "X-Request-ID" in sent:
            assert echoed == sent["X-Request-ID"], f"order {i}: header has another ID"
        else:
            assert uuid.UUID(echoed).version == 4, f"order {i}: not a generated ID"
        assert response.json()["request_id"] == echoed, f"order {i}: body has another ID"
        ids[i] = echoed
    assert len(set(ids.values())) == IN_FLIGHT, "every request has its own ID"

    # Tie each log record to its request by the order number in the message (not by ID).
    passed = 0
    for record in logs.records:
        if record.name != logger.name:
            continue
        number = re.search(r"order (\d+)|/orders/(\d+)", record.getMessage())
        assert number, record.getMessage()
        order_id = int(number.group(1) or number.group(2))
        assert getattr(record, "request_id", None) == ids[order_id], record.getMessage()
        passed += record.getMessage().endswith("passed the barrier")
    assert passed == IN_FLIGHT, "each request logged again after the interleaving"


@pytest.mark.asyncio
async def test_a_global_variable_mixes_up_concurrent_requests() -> None:
    """The same barrier on a module-level variable: every request reads the last one's ID."""
    barrier = asyncio.Barrier(IN_FLIGHT)
    global_variable.app.dependency_overrides[global_variable.get_pause] = lambda: barrier.wait
    try:
        requests = [("/whoami", {"X-Request-ID": f"req-{i}"}) for i in range(IN_FLIGHT)]
        responses = await gather_requests(global_variable.app, requests)
    finally:
        global_variable.app.dependency_overrides.clear()
    seen = [response.json()["request_id"] for response in responses]
    # Every middleware wrote the variable before the barrier let any handler read it.
    assert len(set(seen)) == 1, seen
    wrong = [i for i, request_id in enumerate(seen) if request_id != f"req-{i}"]
    assert len(wrong) == IN_FLIGHT - 1, "all but the last writer got another request's ID"


def test_a_global_variable_looks_right_one_request_at_a_time() -> None:
    """Why the bug survives review: sent one after another, every request reads its own ID."""
    with TestClient(global_variable.app) as sequential:
        seen = [
            sequential.get("/whoami", headers={"X-Request-ID": f"req-{i}"}).json() for i in range(3)
        ]
    assert seen == [{"request_id": f"req-{i}"} for i in range(3)]


@pytest.mark.parametrize(
    "stand_in",
    [lambda: lookup_order(1), global_variable.pause],
    ids=["app.lookup_order", "global_variable.pause"],
)
@pytest.mark.asyncio
async def test_the_stand_in_database_await_gives_the_loop_exactly_one_turn(
    stand_in: Callable[[], Awaitable[object]],
) -> None:
    """`await asyncio.sleep(0)` lets other tasks run once, then is done: no real waiting."""
    waiting = asyncio.ensure_future(stand_in())
    try:
        await asyncio.sleep(0)  # one turn of the loop: the stand-in starts and yields
        assert not waiting.done(), "it must pause, so that other requests run there"
        await asyncio.sleep(0)  # the next turn: it resumes and finishes
        assert waiting.done(), "it must not wait for a timer: the demo costs no time"
    finally:
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
