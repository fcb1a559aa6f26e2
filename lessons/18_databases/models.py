"""Lesson 18's tables, declared in SQLAlchemy 2.0 style: `Mapped[...]` + `mapped_column`."""

import secrets

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Column lengths live in one place: the request schemas in app.py reuse them, so a value the
# API accepts always fits its column (PostgreSQL rejects an over-long VARCHAR with an error).
NAME_LENGTH = 100
EMAIL_LENGTH = 320
TITLE_LENGTH = 200


class Base(DeclarativeBase):
    pass


def new_api_key() -> str:
    return secrets.token_hex(32)


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # unique=True makes the DATABASE the judge of duplicates: two requests racing each other
    # cannot both pass, which a "SELECT first, then INSERT" check in Python cannot promise.
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    # A server-side secret (an API key here; a password hash is the classic case). It is a
    # column like any other, so only the response model stands between it and the client.
    api_key: Mapped[str] = mapped_column(String(64), default=new_api_key)
    # order_by: an author's books always come back in insertion order.
    books: Mapped[list["Book"]] = relationship(back_populates="author", order_by="Book.id")


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")
