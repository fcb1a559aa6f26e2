"""Fixtures for this lesson: a private database per test, and fakes for the outside world.

Every fake is installed with `overridden(...)`, which removes it when the test ends, and
`no_leftover_overrides` fails any test that forgets to (the fix for anti-pattern 4).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from lessons.testkit import isolated_database

from . import integrations, services
from .app import app, get_mailer, get_session, get_warehouse
from .testing import (
    FakeWarehouse,
    RecordingMailer,
    no_leftover_overrides,
    overridden,
    seeded_sessionmaker,
)


@pytest.fixture(autouse=True)
def clean_world() -> Iterator[None]:
    """Around every test: nothing sent for real yet, and no override left behind after."""
    integrations.real_emails_sent.clear()
    integrations.real_parcels_shipped.clear()
    with no_leftover_overrides(app):
        yield


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests hash at a tiny scrypt cost: same code, milliseconds instead of a second a hash.

    Common practice (Django's docs advise a fast hasher for tests). The cost is stored in
    each hash, so verification follows whatever cost made the hash.
    """
    monkeypatch.setattr(services, "SCRYPT_COST", 2**4)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A fresh, seeded database for this test, wired into the app in place of the default."""
    with isolated_database(tmp_path) as url:
        engine = create_engine(url)
        try:
            factory = seeded_sessionmaker(engine)

            def test_session() -> Iterator[Session]:
                with factory() as session:
                    yield session

            with overridden(app, get_session, test_session):
                yield factory
        finally:
            engine.dispose()


@pytest.fixture
def mailer() -> Iterator[RecordingMailer]:
    """The app's mailer replaced by a recorder for this test."""
    fake = RecordingMailer()
    with overridden(app, get_mailer, lambda: fake):
        yield fake


@pytest.fixture
def warehouse() -> Iterator[FakeWarehouse]:
    """The app's warehouse replaced by a fake (up by default) for this test."""
    fake = FakeWarehouse()
    with overridden(app, get_warehouse, lambda: fake):
        yield fake
