"""Lesson 37 claims about the service layer, tested with a session and no HTTP at all."""

import pytest

from .conftest import Database
from .schemas import UserCreate, UserUpdate
from .service import EmailTaken, UserNotFound, UserService


def test_the_service_does_crud_without_http(database: Database) -> None:
    """Create, get, page, update and delete work on a plain session; errors are domain
    exceptions, not HTTP statuses."""
    with database.factory() as session:
        service = UserService(session)
        ann = service.create(UserCreate(name="Ann", email="ann@example.com"))
        bob = service.create(UserCreate(name="Bob", email="bob@example.com"))
        assert service.get(ann.id) is ann
        items, total = service.page(limit=1, offset=1)
        assert ([user.id for user in items], total) == ([bob.id], 2)
        service.update(ann.id, UserUpdate(name="Annie"))
        assert (ann.name, ann.email) == ("Annie", "ann@example.com")
        service.delete(ann.id)
        with pytest.raises(UserNotFound):
            service.get(ann.id)
        with pytest.raises(UserNotFound):
            service.update(ann.id, UserUpdate(name="x"))
        with pytest.raises(UserNotFound):
            service.delete(ann.id)


def test_a_taken_email_raises_and_leaves_the_session_usable(database: Database) -> None:
    """EmailTaken on create and update; the service rolled back, so the session goes on."""
    with database.factory() as session:
        service = UserService(session)
        service.create(UserCreate(name="Ann", email="ann@example.com"))
        bob = service.create(UserCreate(name="Bob", email="bob@example.com"))
        with pytest.raises(EmailTaken):
            service.create(UserCreate(name="Ann 2", email="ann@example.com"))
        with pytest.raises(EmailTaken):
            service.update(bob.id, UserUpdate(email="ann@example.com"))
        assert service.page(limit=10, offset=0)[1] == 2
        assert service.get(bob.id).email == "bob@example.com", "the failed update was undone"


def test_ids_are_never_reused_even_after_deleting_the_newest(database: Database) -> None:
    """Delete the newest user and create another: the new id is higher (SQLite needs
    AUTOINCREMENT for that, PostgreSQL sequences do it anyway)."""
    with database.factory() as session:
        service = UserService(session)
        first = service.create(UserCreate(name="Ann", email="ann@example.com")).id
        newest = service.create(UserCreate(name="Bob", email="bob@example.com")).id
        service.delete(newest)
        assert service.create(UserCreate(name="Cy", email="cy@example.com")).id > newest > first
