"""Give awaited work a deadline

In lessons/09_async_and_sync/app.py, add `GET /work/with-deadline?seconds=...` (an
`async def` handler; `seconds` a float, greater than 0 and at most 10). It awaits
`asyncio.sleep(WORK_SECONDS)` but gives up after `seconds`: then it answers 504
`{"detail": "Work missed its deadline"}` (document it); otherwise `{"status": "done"}`.
"""

from fastapi.testclient import TestClient

from ..app import WORK_SECONDS, app

HINT = (
    "asyncio.wait_for (or `async with asyncio.timeout(...)`) cancels the awaited work when "
    "time is up and raises TimeoutError; turn that into an HTTPException. Query() gives "
    "the parameter its bounds."
)

client = TestClient(app)


def test_work_that_misses_its_deadline_is_a_504() -> None:
    """A deadline far shorter than the work answers 504 with a clear detail."""
    response = client.get("/work/with-deadline", params={"seconds": WORK_SECONDS / 20})
    assert response.status_code == 504, (
        f"a {WORK_SECONDS / 20}s deadline answered {response.status_code}: add the route and "
        "give up when the deadline passes"
    )
    assert response.json() == {"detail": "Work missed its deadline"}


def test_work_within_its_deadline_completes() -> None:
    """A generous deadline lets the work finish: 200 {"status": "done"}."""
    response = client.get("/work/with-deadline", params={"seconds": 10})
    assert response.status_code == 200, f"a 10s deadline answered {response.status_code}"
    assert response.json() == {"status": "done"}


def test_the_deadline_is_validated_and_the_504_documented() -> None:
    """seconds=0 and seconds=11 are 422s; OpenAPI lists the 504 of the route."""
    for seconds in (0, 11):
        response = client.get("/work/with-deadline", params={"seconds": seconds})
        assert response.status_code == 422, f"seconds={seconds} answered {response.status_code}"
    operation = app.openapi()["paths"].get("/work/with-deadline", {}).get("get")
    assert operation is not None, "GET /work/with-deadline is not in the OpenAPI document"
    assert "504" in operation["responses"], "declare the 504 with responses="
