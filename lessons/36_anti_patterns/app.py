"""Lesson 36: common FastAPI anti-patterns, each next to its fix.

Every pair has a `/before/...` route (the anti-pattern) and an `/after/...` route (the fix),
so you can call both and compare. The service layer lives in services.py, the tables in
models.py, and stand-ins for the outside world (mail, a legacy stock service, a warehouse)
in integrations.py.

Serve it with:  uvicorn "lessons.36_anti_patterns.app:app" --reload
"""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from .integrations import (
    Inventory,
    LegacyInventory,
    Mailer,
    SmtpMailer,
    Warehouse,
    WarehouseClient,
)
from .models import Base, Order, OutboxMessage, User, seed_products
from .services import (
    DomainError,
    EmailTaken,
    OutOfStock,
    UnknownProduct,
    UnknownUser,
    create_order,
    get_user,
    hash_password,
    register_user,
)

# --- The database: in-memory SQLite, so `uvicorn` just works ------------------------------
# StaticPool keeps the one in-memory database alive (every session shares its connection).
# Tests never use it: each one overrides `get_session` with a fresh database of its own.
engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
Base.metadata.create_all(engine)
# expire_on_commit=False: objects keep their values after commit, so a route can commit
# and then return the object it just saved.
SessionLocal = sessionmaker(engine, expire_on_commit=False)
with SessionLocal.begin() as seeding:
    seed_products(seeding)


def get_session() -> Iterator[Session]:
    with SessionLocal() as session:  # closing rolls back whatever was not committed
        yield session


# --- The outside world, as dependencies, so tests can swap each one ----------------------
def get_mailer() -> Mailer:
    return SmtpMailer()


def get_inventory() -> Inventory:
    return LegacyInventory()


def get_warehouse() -> Warehouse:
    return WarehouseClient()


SessionDep = Annotated[Session, Depends(get_session)]
MailerDep = Annotated[Mailer, Depends(get_mailer)]
InventoryDep = Annotated[Inventory, Depends(get_inventory)]
WarehouseDep = Annotated[Warehouse, Depends(get_warehouse)]

app = FastAPI(title="Lesson 36: anti-patterns and their fixes")


# The service layer raises domain errors; they become HTTP answers here, once, at the edge.
DOMAIN_ERROR_STATUS: dict[type[DomainError], int] = {
    EmailTaken: 409,
    UnknownUser: 404,
    UnknownProduct: 404,
    OutOfStock: 409,
}


@app.exception_handler(DomainError)
async def domain_error_to_http(request: Request, exc: DomainError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=DOMAIN_ERROR_STATUS[type(exc)])


class Problem(BaseModel):
    detail: str


def problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


# === 1. Business logic in the route  vs  a service layer =================================


class Signup(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    email: EmailStr
    password: str = Field(min_length=8, max_length=128)


class UserOut(BaseModel):
    # No `from_attributes` needed: FastAPI reads the fields off the returned ORM object
    # itself when it applies a response model (lesson 18 proves it).
    id: int
    name: str
    email: str


@app.post(
    "/before/signup",
    status_code=201,
    response_model=UserOut,
    responses={409: problem("Email already registered")},
)
def signup_before(payload: Signup, session: SessionDep, mailer: MailerDep) -> User:
    # ANTI-PATTERN: the rules (one account per address, case-insensitive) live in the
    # handler and speak HTTP. To test them you need a client; to reuse them from a script
    # or a worker you would have to raise HTTPException there too, or copy them.
    email = payload.email.lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise HTTPException(status_code=409, detail="Email already registered")
    user = User(name=payload.name, email=email, password_hash=hash_password(payload.password))
    session.add(user)
    session.commit()
    mailer.send(user.email, "Welcome!")
    return user


@app.post(
    "/after/signup",
    status_code=201,
    response_model=UserOut,
    responses={409: problem("Email already registered")},
)
def signup_after(payload: Signup, session: SessionDep, mailer: MailerDep) -> User:
    # FIX: the route only translates HTTP to a service call and back. EmailTaken, raised by
    # the service, becomes a 409 in `domain_error_to_http`.
    user = register_user(session, name=payload.name, email=payload.email, password=payload.password)
    session.commit()
    mailer.send(user.email, "Welcome!")
    return user


# === 2. Returning an ORM object without a response model  vs  response_model ==============

UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # bounded: SQL integers are not infinite


@app.get("/before/users/{user_id}", response_model=None, responses={404: problem("No user")})
def read_user_before(user_id: UserId, session: SessionDep) -> User:
    # ANTI-PATTERN: the ORM object goes out as it is. Annotating `-> User` alone fails at
    # startup (an ORM class is not a Pydantic type), so `response_model=None` silences it,
    # and FastAPI then serialises every loaded column: password_hash included.
    return get_user(session, user_id)


@app.get("/after/users/{user_id}", response_model=UserOut, responses={404: problem("No user")})
def read_user_after(user_id: UserId, session: SessionDep) -> User:
    # FIX: the same ORM object, filtered through UserOut: only id, name and email leave.
    return get_user(session, user_id)


# === 3. Blocking I/O inside `async def`  vs  a plain `def` ================================

Sku = Annotated[str, Path(pattern=r"^[a-z]{1,20}$")]


class StockLevel(BaseModel):
    sku: str
    in_stock: int


@app.get("/before/stock/{sku}", responses={404: problem("Unknown product")})
async def stock_before(sku: Sku, inventory: InventoryDep) -> StockLevel:
    # ANTI-PATTERN: `async def` runs on the event loop's thread, and inventory.stock()
    # blocks that thread. Until it returns, no other request on this worker moves at all.
    level = inventory.stock(sku)
    if level is None:
        raise HTTPException(status_code=404, detail="Unknown product")
    return StockLevel(sku=sku, in_stock=level)


@app.get("/after/stock/{sku}", responses={404: problem("Unknown product")})
def stock_after(sku: Sku, inventory: InventoryDep) -> StockLevel:
    # FIX: a plain `def` handler runs in a worker thread; only that thread waits. (Inside
    # an `async def`, `await run_in_threadpool(inventory.stock, sku)` does the same.)
    level = inventory.stock(sku)
    if level is None:
        raise HTTPException(status_code=404, detail="Unknown product")
    return StockLevel(sku=sku, in_stock=level)


# === 4. Tests that forget a dependency override ===========================================
# Nothing to fix in the app: `get_mailer` and `get_warehouse` above are already the seams.
# The anti-pattern and its fix are in test_forgotten_overrides.py and conftest.py.


# === 5. BackgroundTasks for a critical job  vs  a transactional outbox ====================


class OrderIn(BaseModel):
    sku: str = Field(pattern=r"^[a-z]{1,20}$")
    quantity: int = Field(ge=1, le=10)


class OrderOut(BaseModel):
    id: int
    sku: str
    quantity: int


ORDER_ERRORS: dict[int | str, dict[str, Any]] = {
    404: problem("Unknown product"),
    409: problem("Not enough stock"),
}


@app.post("/before/orders", status_code=201, response_model=OrderOut, responses=ORDER_ERRORS)
def order_before(
    payload: OrderIn,
    session: SessionDep,
    warehouse: WarehouseDep,
    background_tasks: BackgroundTasks,
) -> Order:
    order = create_order(session, sku=payload.sku, quantity=payload.quantity)
    session.commit()
    # ANTI-PATTERN: the order is saved, but "ship it" exists only in this process's memory.
    # If the warehouse call fails, or the process dies before the task runs, the job is
    # gone: nothing retries it, and nothing records that a paid order never shipped.
    background_tasks.add_task(warehouse.ship, order.id)
    return order


@app.post("/after/orders", status_code=201, response_model=OrderOut, responses=ORDER_ERRORS)
def order_after(payload: OrderIn, session: SessionDep) -> Order:
    order = create_order(session, sku=payload.sku, quantity=payload.quantity)
    # FIX: the job is a row, written in the SAME transaction as the order: both are
    # committed or neither is. `services.process_outbox` delivers it later, and retries.
    session.add(OutboxMessage(order_id=order.id))
    session.commit()
    return order
