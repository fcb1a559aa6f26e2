"""Wait for two things at once

In lessons/09_async_and_sync/app.py, add `GET /work/two-at-once`, an `async def` handler
that does two units of awaited work (each: inside `with in_flight:`, await
`asyncio.sleep(WORK_SECONDS)`) at the same time rather than one after the other, and
answers `{"status": "done"}`.
"""

from fastapi.testclient import TestClient

from ..app import app, in_flight

HINT = (
    "Two `await`s in a row run one after the other. Write the unit of work as a coroutine "
    "function and hand two calls of it to asyncio.gather, which runs them side by side on "
    "the same event loop."
)

client = TestClient(app)


def test_both_waits_are_in_progress_at_the_same_moment() -> None:
    """One request to /work/two-at-once has two units of work in flight at once."""
    in_flight.reset()
    response = client.get("/work/two-at-once")
    assert response.status_code == 200, (
        f"GET /work/two-at-once answered {response.status_code}: add the route"
    )
    assert response.json() == {"status": "done"}
    assert in_flight.peak == 2, (
        f"at most {in_flight.peak} unit(s) of work were in flight at once: wrap each in "
        "`with in_flight:` and run both concurrently"
    )
    assert in_flight.now == 0, "every unit of work has finished when the response is sent"
