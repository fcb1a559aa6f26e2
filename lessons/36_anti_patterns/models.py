"""The shop's tables, in SQLAlchemy 2.0 style.

`User.password_hash` is the column that must never reach a client: the response-model pair
in app.py shows how it leaks and how to stop it.
"""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    # Unique: the database backs up the service's "one account per address" check, which
    # two simultaneous signups could otherwise both pass.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))


class Product(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(20), primary_key=True)
    stock: Mapped[int]


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"))
    quantity: Mapped[int]


class OutboxMessage(Base):
    """A job that must not be lost ("ship order 7"), stored as a row.

    It is written in the same transaction as the order, so either both exist or neither
    does. A worker delivers it later; until it succeeds the row stays `pending`.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # or "sent"
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(200), default=None)


# What the shop sells when it starts: every fresh database (the app's, each test's) gets it.
STARTING_STOCK = {"lamp": 5, "desk": 2}


def seed_products(session: Session) -> None:
    session.add_all(Product(sku=sku, stock=stock) for sku, stock in STARTING_STOCK.items())
