"""Catch a task's failure inside the task

In lessons/16_background_tasks/app.py, add `POST /reports/{report_id}/guarded`: the same
report id rule and the same 202 answer as /reports/{report_id}. It queues ONE task,
`render_report_safely(report_id)`, which calls `render_report(report_id)` and, when that
raises `RendererUnavailable`, appends `"task: <report_id> failed, queued for retry"` to
`events` instead of letting the error escape. Leave /reports/{report_id} as it is.
"""

from fastapi.testclient import TestClient

from .. import app as lesson
from ..app import app

HINT = (
    "Nobody is waiting for a background task's result, so nobody can catch its error but the "
    "task itself: wrap the call in try/except RendererUnavailable inside the new task function."
)

# The default: a task's exception that escapes is re-raised from the request call.
client = TestClient(app)


def test_guarded_report_is_accepted_and_its_failure_is_recorded() -> None:
    """202 "accepted", no exception escapes, and the failure is written down for a retry."""
    lesson.events.clear()
    response = client.post("/reports/q3-sales/guarded")

    assert response.status_code == 202, response.text
    assert response.json() == {"report_id": "q3-sales", "status": "accepted"}
    assert lesson.events == [
        "task: rendering q3-sales",
        "task: q3-sales failed, queued for retry",
    ]


def test_guarded_report_keeps_the_report_id_rule() -> None:
    """An id outside `^[a-z0-9-]{1,40}$` is a 422, and no task runs."""
    lesson.events.clear()
    assert client.post("/reports/NOT%20OK/guarded").status_code == 422
    assert client.post(f"/reports/{'r' * 41}/guarded").status_code == 422
    assert lesson.events == []
