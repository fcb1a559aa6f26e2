"""Anti-pattern 3: a blocking call inside `async def` stalls every other request.

Fix: a plain `def` handler, which FastAPI runs in a worker thread.

No timing ratios here: the stock client is replaced by `GatedInventory`, whose call blocks
its thread until the test opens the gate. While it is blocked, a helper thread asks the
event loop to answer GET /health and waits up to `patience` seconds for the answer, then
opens the gate. The order of events shows whether the loop could work meanwhile.
"""

import asyncio
import threading
import time
from concurrent import futures
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient

from .app import app, get_inventory
from .integrations import LegacyInventory
from .testing import PATIENCE, GatedInventory, overridden

client = TestClient(app)

# How long the helper watches for /health while the stock call blocks a *stalled* loop.
# There the answer cannot come, however fast the machine, so this only bounds the wait.
BRIEF_LOOK = 0.25


@dataclass(frozen=True)
class Observation:
    events: list[str]  # what happened, in order
    health_answered_while_blocked: bool
    stock_call_ran_on_event_loop: bool | None
    stock_response: httpx.Response
    health_response: httpx.Response


async def health_check_during_blocking_call(path: str, patience: float) -> Observation:
    inventory = GatedInventory(level=7)
    loop = asyncio.get_running_loop()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:

        async def health() -> httpx.Response:
            response = await http.get("/health")
            inventory.events.append("health answered")
            return response

        scheduled: list[futures.Future[httpx.Response]] = []
        answered_in_time: list[bool] = []

        def helper() -> None:
            # A thread of its own: it keeps going even when the event loop is stuck.
            try:
                assert inventory.entered.wait(PATIENCE), "the stock call never started"
                answer = asyncio.run_coroutine_threadsafe(health(), loop)
                scheduled.append(answer)
                done, _ = futures.wait([answer], timeout=patience)
                answered_in_time.append(bool(done))
            finally:
                inventory.gate.set()  # let the stock call return, whatever happened

        thread = threading.Thread(target=helper)
        with overridden(app, get_inventory, lambda: inventory):
            thread.start()
            stock_response = await http.get(path)
        # The helper opened the gate before the stock call could return: it is finishing.
        thread.join(PATIENCE)
        health_response = await asyncio.wrap_future(scheduled[0])
    return Observation(
        events=inventory.events,
        health_answered_while_blocked=answered_in_time[0],
        stock_call_ran_on_event_loop=inventory.ran_on_event_loop,
        stock_response=stock_response,
        health_response=health_response,
    )


def observe(path: str, patience: float) -> Observation:
    return asyncio.run(health_check_during_blocking_call(path, patience))


def test_blocking_call_in_async_handler_stalls_every_other_request() -> None:
    """While `async def` blocks in the stock call, /health cannot even start: it waits."""
    seen = observe("/before/stock/lamp", patience=BRIEF_LOOK)

    assert seen.stock_call_ran_on_event_loop is True, (
        "expected the blocking call on the loop's thread"
    )
    assert not seen.health_answered_while_blocked, "/health was served during the block"
    assert seen.events == ["stock call returned", "health answered"]
    assert seen.stock_response.json() == {"sku": "lamp", "in_stock": 7}
    assert seen.health_response.json() == {"status": "ok"}


def test_def_handler_blocks_only_its_worker_thread() -> None:
    """The same call in a `def` handler runs off the loop: /health is answered meanwhile."""
    seen = observe("/after/stock/lamp", patience=PATIENCE)

    assert seen.stock_call_ran_on_event_loop is False, "a def handler should run in a worker thread"
    assert seen.health_answered_while_blocked, "/health waited for the blocking call"
    assert seen.events == ["health answered", "stock call returned"]
    assert seen.stock_response.json() == {"sku": "lamp", "in_stock": 7}
    assert seen.health_response.json() == {"status": "ok"}


@pytest.mark.parametrize("prefix", ["/before", "/after"])
def test_both_stock_routes_answer_alike(prefix: str) -> None:
    """With the real (slow) client both routes give the same answers: only concurrency differs."""
    found = client.get(f"{prefix}/stock/lamp")
    desks = client.get(f"{prefix}/stock/desk")
    unknown = client.get(f"{prefix}/stock/sofa")
    malformed = client.get(f"{prefix}/stock/Lamp-1")

    assert (found.status_code, found.json()) == (200, {"sku": "lamp", "in_stock": 40})
    assert (desks.status_code, desks.json()) == (200, {"sku": "desk", "in_stock": 3})
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Unknown product"})
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["path", "sku"]


def test_legacy_client_blocks_its_thread_for_20_ms_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in SDK holds the calling thread with time.sleep(0.02): a 20 ms round trip."""
    naps: list[float] = []
    monkeypatch.setattr(time, "sleep", naps.append)  # the module LegacyInventory calls

    assert LegacyInventory().stock("lamp") == 40
    assert naps == [0.02], "one blocking 20 ms round trip per call"
