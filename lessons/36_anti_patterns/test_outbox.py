"""Anti-pattern 5: BackgroundTasks for a critical job. Fix: a transactional outbox.

A background task lives only in the memory of the process that answered: when it fails (or
the process dies first) the job is gone. An outbox row is written in the same transaction
as the order, survives anything, and is delivered by `process_outbox` until it succeeds.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from .app import app
from .models import STARTING_STOCK, Order, OutboxMessage, Product
from .services import process_outbox
from .testing import FakeWarehouse

client = TestClient(app)
# Errors raised after the response (a failing background task) or inside a route reach
# this client as what a real client sees, not as a Python exception.
quiet_client = TestClient(app, raise_server_exceptions=False)


def snapshot(sessions: sessionmaker[Session]) -> tuple[int, int, list[tuple[int, str, int]]]:
    """(lamps in stock, orders, outbox rows as (order_id, status, attempts)) right now."""
    with sessions() as session:
        lamps = session.get_one(Product, "lamp").stock
        orders = session.scalar(select(func.count()).select_from(Order))
        outbox = session.execute(
            select(OutboxMessage.order_id, OutboxMessage.status, OutboxMessage.attempts)
        ).all()
    return lamps, orders or 0, [(order_id, status, tries) for order_id, status, tries in outbox]


def test_background_task_ships_after_the_response_when_all_goes_well(
    sessions: sessionmaker[Session], warehouse: FakeWarehouse
) -> None:
    """On a good day BackgroundTasks looks fine: 201, then the parcel ships."""
    response = client.post("/before/orders", json={"sku": "lamp", "quantity": 2})

    assert response.status_code == 201
    assert response.json() == {"id": 1, "sku": "lamp", "quantity": 2}
    assert warehouse.shipped == [1]


def test_failed_background_task_loses_the_critical_job(
    sessions: sessionmaker[Session], warehouse: FakeWarehouse
) -> None:
    """The warehouse is down: the client got 201, the order is saved, the shipment is lost."""
    warehouse.down = True
    response = quiet_client.post("/before/orders", json={"sku": "lamp", "quantity": 2})

    assert response.status_code == 201, "the client was told all is well"
    assert warehouse.attempts == [1]
    assert warehouse.shipped == []
    assert snapshot(sessions) == (STARTING_STOCK["lamp"] - 2, 1, []), "no record of the job"
    # The warehouse comes back, a worker runs: it has nothing to deliver. The job is gone.
    warehouse.down = False
    with sessions() as session:
        assert process_outbox(session, warehouse) == 0
    assert warehouse.shipped == [], "order 1 was paid for and will never ship"


def test_outbox_order_records_the_job_and_calls_nobody_during_the_request(
    sessions: sessionmaker[Session], warehouse: FakeWarehouse
) -> None:
    """POST /after/orders commits the order and a pending outbox row; the warehouse waits."""
    response = client.post("/after/orders", json={"sku": "lamp", "quantity": 2})

    assert response.status_code == 201
    assert response.json() == {"id": 1, "sku": "lamp", "quantity": 2}
    assert warehouse.attempts == [], "delivery happens later, in the worker"
    assert snapshot(sessions) == (STARTING_STOCK["lamp"] - 2, 1, [(1, "pending", 0)])


def test_failed_delivery_stays_in_the_outbox_and_is_retried(
    sessions: sessionmaker[Session], warehouse: FakeWarehouse
) -> None:
    """The worker meets a dead warehouse: the row stays pending; the next run delivers it once."""
    assert client.post("/after/orders", json={"sku": "lamp", "quantity": 1}).status_code == 201

    warehouse.down = True
    with sessions() as session:
        assert process_outbox(session, warehouse) == 0
        message = session.scalars(select(OutboxMessage)).one()
        assert (message.status, message.attempts) == ("pending", 1)
        assert message.last_error == "WarehouseUnavailable: warehouse did not answer for order 1"

    warehouse.down = False
    with sessions() as session:
        assert process_outbox(session, warehouse) == 1
        assert process_outbox(session, warehouse) == 0, "a delivered message is not resent"
        message = session.scalars(select(OutboxMessage)).one()
        assert (message.status, message.attempts, message.last_error) == ("sent", 2, None)
    assert warehouse.attempts == [1, 1]
    assert warehouse.shipped == [1], "shipped exactly once, in the end"


class RamblingWarehouse:
    """A warehouse whose error message is far longer than the outbox column."""

    def ship(self, order_id: int) -> None:
        raise RuntimeError("x" * 500)


def test_recorded_error_is_cut_to_fit_its_column(
    sessions: sessionmaker[Session], warehouse: FakeWarehouse
) -> None:
    """last_error keeps the first 200 characters of the failure: the size of its column."""
    assert client.post("/after/orders", json={"sku": "lamp", "quantity": 1}).status_code == 201

    with sessions() as session:
        assert process_outbox(session, RamblingWarehouse()) == 0
        message = session.scalars(select(OutboxMessage)).one()

    assert message.last_error == ("RuntimeError: " + "x" * 500)[:200]
    assert len(message.last_error) == 200


def test_one_failing_message_does_not_hold_back_the_others(
    sessions: sessionmaker[Session], warehouse: FakeWarehouse
) -> None:
    """Each message is committed on its own: order 1 fails, orders 2 and 3 are still sent."""
    for _ in range(3):
        assert client.post("/after/orders", json={"sku": "lamp", "quantity": 1}).status_code == 201
    warehouse.refuse = frozenset({1})

    with sessions() as session:
        assert process_outbox(session, warehouse) == 2

    assert warehouse.attempts == [1, 2, 3], "oldest first"
    assert warehouse.shipped == [2, 3]
    assert snapshot(sessions)[2] == [(1, "pending", 1), (2, "sent", 1), (3, "sent", 1)]


class DiskFull(Exception):
    """Stands in for any failure while the outbox row is being written."""


def test_order_and_its_job_are_committed_together_or_not_at_all(
    sessions: sessionmaker[Session], warehouse: FakeWarehouse
) -> None:
    """If the outbox row cannot be written, the order is rolled back too: no order, no job."""

    def fail_on_outbox_row(session: Session, *args: Any) -> None:
        if any(isinstance(row, OutboxMessage) for row in session.new):
            raise DiskFull("no space left for the outbox row")

    event.listen(sessions, "before_flush", fail_on_outbox_row)
    response = quiet_client.post("/after/orders", json={"sku": "lamp", "quantity": 2})

    assert response.status_code == 500
    assert snapshot(sessions) == (STARTING_STOCK["lamp"], 0, []), "half an order was kept"
    assert warehouse.attempts == []


@pytest.mark.parametrize("prefix", ["/before", "/after"])
@pytest.mark.parametrize(
    ("order", "status", "detail"),
    [
        ({"sku": "sofa", "quantity": 1}, 404, "Unknown product 'sofa'"),
        ({"sku": "lamp", "quantity": 6}, 409, "Only 5 of 'lamp' left"),
    ],
)
def test_refused_order_writes_neither_order_nor_job(
    prefix: str,
    order: dict[str, object],
    status: int,
    detail: str,
    sessions: sessionmaker[Session],
    warehouse: FakeWarehouse,
) -> None:
    """Unknown product → 404, too few in stock → 409; either way nothing is written or sent."""
    response = client.post(f"{prefix}/orders", json=order)

    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert snapshot(sessions) == (STARTING_STOCK["lamp"], 0, [])
    assert warehouse.attempts == []


# The bounds come from the app's own OpenAPI schema (JSON numbers, hence int()).
QUANTITY = app.openapi()["components"]["schemas"]["OrderIn"]["properties"]["quantity"]
LOWEST, HIGHEST = int(QUANTITY["minimum"]), int(QUANTITY["maximum"])


@pytest.mark.parametrize("quantity", [LOWEST - 1, HIGHEST + 1])
def test_quantity_outside_the_documented_bounds_is_422(
    quantity: int, sessions: sessionmaker[Session], warehouse: FakeWarehouse
) -> None:
    """Quantities just outside the OpenAPI bounds are refused before any service code runs."""
    response = client.post("/after/orders", json={"sku": "lamp", "quantity": quantity})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "quantity"]
    assert snapshot(sessions) == (STARTING_STOCK["lamp"], 0, [])


def test_app_runs_on_its_own_seeded_database_with_no_setup() -> None:
    """Without any override the app uses its in-memory SQLite, created and stocked at import."""
    response = client.post("/after/orders", json={"sku": "desk", "quantity": 9})

    assert response.status_code == 409
    assert response.json() == {"detail": "Only 2 of 'desk' left"}, "the shop starts with 2 desks"
