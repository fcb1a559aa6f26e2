"""Report readiness from the lifespan's resources

In lessons/17_lifespan/app.py, add `GET /ready`. When the lifespan has put an open pool on
`app.state`, it answers 200 `{"ready": true, "pool_size": <the pool's size>}`. Otherwise
(startup never ran, or shutdown already removed the pool) it answers 503
`{"detail": "Not ready"}`, and the operation documents that 503 in the OpenAPI schema.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Reach the pool the way /sentiment does, through `request.app.state`, but check first "
    "with getattr(..., None): a missing pool means the lifespan has not run. Raise an "
    "HTTPException with status 503 and list 503 in the decorator's `responses=`."
)


def test_ready_is_200_with_the_pool_size_while_the_app_is_running() -> None:
    """Inside `with TestClient(app)` the lifespan ran: 200 and the pool's size, 5."""
    with TestClient(app) as client:
        response = client.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {"ready": True, "pool_size": 5}


def test_ready_is_503_before_startup_and_after_shutdown() -> None:
    """With no lifespan run (and after one has ended) /ready answers 503 "Not ready"."""
    if hasattr(app.state, "pool"):
        del app.state.pool  # a pool left by another test would hide the claim
    before = TestClient(app).get("/ready")  # no `with`: startup never runs
    assert before.status_code == 503, before.text
    assert before.json() == {"detail": "Not ready"}

    with TestClient(app):
        pass
    after = TestClient(app).get("/ready")
    assert after.status_code == 503, "shutdown removed the pool: not ready any more"
    assert after.json() == {"detail": "Not ready"}


def test_ready_documents_its_503() -> None:
    """The schema lists 503 for GET /ready, so clients and load balancers know to expect it."""
    operation = app.openapi()["paths"]["/ready"]["get"]
    assert {"200", "503"} <= set(operation["responses"]), operation["responses"]
