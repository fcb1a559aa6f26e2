"""Test doubles and override helpers that this lesson's tests and exercises share.

Not a test module itself (pytest collects only test_*.py): it is the "fix" half of the
forgotten-override anti-pattern, a place where overriding is done one careful way.
"""

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .integrations import WarehouseUnavailable
from .models import Base, seed_products

# An upper bound for waits on events that a test itself triggers: never reached unless a
# test is broken, so it can be generous for a loaded machine.
PATIENCE = 10.0

Dependency = Callable[..., Any]


@contextmanager
def overridden(app: FastAPI, dependency: Dependency, replacement: Dependency) -> Iterator[None]:
    """Swap `dependency` for `replacement` inside the block only, even if the block fails."""
    app.dependency_overrides[dependency] = replacement
    try:
        yield
    finally:
        del app.dependency_overrides[dependency]


@contextmanager
def no_leftover_overrides(app: FastAPI) -> Iterator[None]:
    """Fail loudly if the block leaves an override behind (after removing it, so the leak
    cannot spread to the next test)."""
    yield
    leftovers = [
        getattr(dependency, "__name__", dependency) for dependency in app.dependency_overrides
    ]
    app.dependency_overrides.clear()
    assert not leftovers, f"dependency overrides left behind: {leftovers}"


def seeded_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Create the tables in an empty database, stock the shop, return a session factory."""
    Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)  # as the app's own
    with factory.begin() as session:
        seed_products(session)
    return factory


class RecordingMailer:
    """A mailer that sends nothing and remembers what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, to: str, subject: str) -> None:
        self.sent.append((to, subject))


class FakeWarehouse:
    """A warehouse that records every attempt; `down` (or an id in `refuse`) makes it fail."""

    def __init__(self, *, down: bool = False, refuse: frozenset[int] = frozenset()) -> None:
        self.down = down
        self.refuse = refuse
        self.attempts: list[int] = []
        self.shipped: list[int] = []

    def ship(self, order_id: int) -> None:
        self.attempts.append(order_id)
        if self.down or order_id in self.refuse:
            raise WarehouseUnavailable(f"warehouse did not answer for order {order_id}")
        self.shipped.append(order_id)


def event_loop_running_here() -> bool:
    """True when the calling thread is running an asyncio event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class GatedInventory:
    """A blocking stock client whose calls stay blocked until the test opens the gate.

    `events` records, in order, what happened across all threads, so a test can see
    whether anything else ran while a call was blocked.
    """

    def __init__(self, level: int) -> None:
        self.level = level
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.events: list[str] = []
        self.ran_on_event_loop: bool | None = None

    def stock(self, sku: str) -> int | None:
        self.ran_on_event_loop = event_loop_running_here()
        self.entered.set()
        self.gate.wait(PATIENCE)  # blocks this thread, like any synchronous network call
        self.events.append("stock call returned")
        return self.level
