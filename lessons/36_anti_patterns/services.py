"""The service layer: the shop's business rules as plain functions of a SQLAlchemy Session.

Nothing here knows about HTTP: no FastAPI import, no status codes, no request objects. A
rule is broken by raising a `DomainError`; the web layer decides which status that is. So
the rules can be tested by calling them (no client, no app) and reused by anything that
has a session: a route, a worker, a command-line script.

The caller owns the transaction: these functions stage changes in the session and the
caller commits (a route at the end of a request, the worker after each job, a test never).
"""

import hashlib
import hmac
import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from .integrations import Warehouse
from .models import Order, OutboxMessage, Product, User


class DomainError(Exception):
    """A business rule said no. Its message is fit to show to the client."""


class EmailTaken(DomainError):
    pass


class UnknownUser(DomainError):
    pass


class UnknownProduct(DomainError):
    pass


class OutOfStock(DomainError):
    pass


# --- Passwords ---------------------------------------------------------------------------
# scrypt from the standard library, salted, at the cost RFC 7914 suggests for interactive
# logins. (Lesson 14 uses argon2 through pwdlib; either is fine, a bare sha256 is not.)
# The cost is stored in each hash, so raising it later still verifies the old hashes.
SCRYPT_COST = 2**14


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_COST, r=8, p=1)
    return f"scrypt${SCRYPT_COST}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    _, cost, salt, expected = stored.split("$")
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(cost), r=8, p=1)
    return hmac.compare_digest(digest.hex(), expected)  # constant time: no timing hints


# --- Users -------------------------------------------------------------------------------


def register_user(session: Session, *, name: str, email: str, password: str) -> User:
    email = email.lower()  # one account per address, however it is capitalised
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken("Email already registered")
    user = User(name=name, email=email, password_hash=hash_password(password))
    session.add(user)
    session.flush()  # sends the INSERT (not a commit), so user.id is known
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UnknownUser(f"No user with id {user_id}")
    return user


# --- Orders and the outbox ---------------------------------------------------------------


def create_order(session: Session, *, sku: str, quantity: int) -> Order:
    # FOR UPDATE locks the product row on PostgreSQL, so two simultaneous orders cannot both
    # take the last lamp. (SQLite locks the whole database on write and ignores it.)
    product = session.get(Product, sku, with_for_update=True)
    if product is None:
        raise UnknownProduct(f"Unknown product {sku!r}")
    if product.stock < quantity:
        raise OutOfStock(f"Only {product.stock} of {sku!r} left")
    product.stock -= quantity
    order = Order(sku=sku, quantity=quantity)
    session.add(order)
    session.flush()  # order.id is needed by whoever records the shipping job
    return order


def process_outbox(session: Session, warehouse: Warehouse) -> int:
    """Deliver every pending outbox message to the warehouse; return how many succeeded.

    Runs outside any request: on a schedule, or in a loop in a worker process. A failed
    delivery is recorded and its row stays `pending`, so the next run tries it again.
    Delivery is at least once (a crash between `ship` and `commit` repeats it), so the
    receiver must treat a repeated order id as a no-op.
    """
    pending = session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id)
    ).all()
    delivered = 0
    for message in pending:
        message.attempts += 1
        try:
            warehouse.ship(message.order_id)
        except Exception as error:  # any failure at all means "try again next run"
            message.last_error = f"{type(error).__name__}: {error}"[:200]
        else:
            message.status = "sent"
            message.last_error = None
            delivered += 1
        session.commit()  # one message at a time: a later failure cannot undo this one
    return delivered
