"""Stop retrying a hopeless job: dead letters.

In services.py, add `MAX_ATTEMPTS = 3` and change `process_outbox`: when a delivery fails
for the MAX_ATTEMPTS-th time, set the message's status to "dead" instead of leaving it
"pending". The worker never tries a dead message again (a person looks at those), so one
broken order cannot be retried forever.
"""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .. import services
from ..app import app
from ..models import OutboxMessage
from ..testing import FakeWarehouse

HINT: str = (
    "The failure branch of process_outbox already counts attempts; compare the count with "
    "the limit there. The worker only selects status == 'pending', so a message with any "
    "other status is left alone."
)

client = TestClient(app)


def order_one_lamp() -> None:
    assert client.post("/after/orders", json={"sku": "lamp", "quantity": 1}).status_code == 201


def status_after_runs(sessions: sessionmaker[Session], warehouse: FakeWarehouse, runs: int) -> str:
    for _ in range(runs):
        with sessions() as session:
            services.process_outbox(session, warehouse)
    with sessions() as session:
        return session.scalars(select(OutboxMessage.status)).one()


def test_message_is_dead_after_max_attempts_and_never_retried(
    sessions: sessionmaker[Session],
) -> None:
    """Three failed deliveries make the message "dead"; a fourth run does not try it."""
    limit = getattr(services, "MAX_ATTEMPTS", None)
    assert limit == 3, "add MAX_ATTEMPTS = 3 to services.py"
    order_one_lamp()
    warehouse = FakeWarehouse(down=True)

    assert status_after_runs(sessions, warehouse, runs=2) == "pending", "dead too early"
    assert status_after_runs(sessions, warehouse, runs=1) == "dead"
    warehouse.down = False
    assert status_after_runs(sessions, warehouse, runs=1) == "dead"
    assert warehouse.attempts == [1, 1, 1], "a dead message was tried again"
    assert warehouse.shipped == []


def test_delivery_on_the_last_allowed_attempt_still_counts(
    sessions: sessionmaker[Session],
) -> None:
    """Two failures, then success on attempt three: the message is "sent", not "dead"."""
    assert getattr(services, "MAX_ATTEMPTS", None) == 3, "add MAX_ATTEMPTS = 3 to services.py"
    order_one_lamp()
    warehouse = FakeWarehouse(down=True)

    assert status_after_runs(sessions, warehouse, runs=2) == "pending"
    warehouse.down = False
    assert status_after_runs(sessions, warehouse, runs=1) == "sent"
    assert warehouse.shipped == [1]
