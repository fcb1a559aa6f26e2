"""Cancel an order in the service layer.

Add `cancel_order(session, order_id)` to services.py. It puts the quantity back in stock
and deletes the order with its pending outbox message (a cancelled order must not ship).
An unknown id raises a new `UnknownOrder(DomainError)`; an order whose message was already
sent raises a new `AlreadyShipped(DomainError)`. Like the other services it does not
commit. No route is needed: these tests call the function directly.
"""

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .. import services
from ..models import Order, OutboxMessage, Product
from ..testing import FakeWarehouse

HINT: str = (
    "Look the order up with session.get, then its outbox row with a select on order_id. "
    "session.delete(row) removes a row; delete the outbox message before the order it "
    "points to."
)


def service(name: str) -> Any:
    found = getattr(services, name, None)
    assert found is not None, f"services.py has no `{name}` yet"
    return found


def place_order(session: Session, quantity: int) -> int:
    """An order for lamps plus its outbox message, committed, as POST /after/orders does."""
    order = services.create_order(session, sku="lamp", quantity=quantity)
    session.add(OutboxMessage(order_id=order.id))
    session.commit()
    return order.id


def test_cancel_restores_stock_and_drops_the_pending_shipment(
    sessions: sessionmaker[Session],
) -> None:
    """Cancelling puts the lamps back and leaves no order and no message to ship."""
    cancel_order = service("cancel_order")
    with sessions() as session:
        order_id = place_order(session, quantity=3)
        cancel_order(session, order_id)
        session.commit()

    with sessions() as session:
        assert session.get_one(Product, "lamp").stock == 5
        assert session.scalars(select(Order)).all() == []
        assert session.scalars(select(OutboxMessage)).all() == []


def test_cancel_of_an_unknown_order_is_a_domain_error(sessions: sessionmaker[Session]) -> None:
    """An id with no order raises UnknownOrder, a DomainError (the web layer would say 404)."""
    cancel_order = service("cancel_order")
    unknown_order = service("UnknownOrder")
    assert issubclass(unknown_order, services.DomainError)
    with sessions() as session, pytest.raises(unknown_order):
        cancel_order(session, 42)


def test_cancel_of_a_shipped_order_is_refused(sessions: sessionmaker[Session]) -> None:
    """Once the outbox message is sent, cancelling raises AlreadyShipped and changes nothing."""
    cancel_order = service("cancel_order")
    already_shipped = service("AlreadyShipped")
    assert issubclass(already_shipped, services.DomainError)
    with sessions() as session:
        order_id = place_order(session, quantity=1)
        assert services.process_outbox(session, FakeWarehouse()) == 1
        with pytest.raises(already_shipped):
            cancel_order(session, order_id)
        session.rollback()

    with sessions() as session:
        assert session.get_one(Product, "lamp").stock == 4
        assert session.get(Order, order_id) is not None
