"""Anti-pattern 1: business logic in the route. Fix: a service layer tested without HTTP.

The service tests below never build an app client: they call plain functions with a
session. Only the contract test goes through HTTP, to show the refactor changed nothing a
client can see.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Select, create_engine, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from lessons.testkit import isolated_database

from . import services
from .app import Signup, app, signup_before
from .models import Order, Product, User
from .services import (
    EmailTaken,
    OutOfStock,
    create_order,
    hash_password,
    register_user,
    verify_password,
)
from .testing import RecordingMailer, seeded_sessionmaker

client = TestClient(app)

# Read at import, before conftest's autouse fixture turns the cost down for each test.
PRODUCTION_SCRYPT_COST = services.SCRYPT_COST


def test_service_registers_a_user_without_any_http(sessions: sessionmaker[Session]) -> None:
    """`register_user` is a plain function: called with a session, it stores a hashed user."""
    with sessions() as session:
        user = register_user(session, name="Ada", email="Ada@Example.com", password="s3cret-pw")
        stored = session.scalars(select(User)).one()

    assert stored is user
    assert (user.id, user.name, user.email) == (1, "Ada", "ada@example.com")
    assert user.password_hash.startswith(f"scrypt${services.SCRYPT_COST}$")
    assert "s3cret-pw" not in user.password_hash, "the password itself must never be stored"
    salt = user.password_hash.split("$")[2]
    assert len(bytes.fromhex(salt)) == 16, "a 128-bit random salt (NIST SP 800-132's minimum)"
    assert verify_password("s3cret-pw", user.password_hash)
    assert not verify_password("s3cret-pW", user.password_hash)


def test_password_hash_records_its_cost_so_raising_it_keeps_old_hashes_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each hash names its scrypt cost; the shipped cost is RFC 7914's 2**14."""
    assert PRODUCTION_SCRYPT_COST == 2**14, "the cost RFC 7914 suggests for interactive logins"
    old = hash_password("s3cret-pw")
    monkeypatch.setattr(services, "SCRYPT_COST", 2 * services.SCRYPT_COST)
    new = hash_password("s3cret-pw")

    assert old.split("$")[:2] == ["scrypt", str(services.SCRYPT_COST // 2)]
    assert new.split("$")[:2] == ["scrypt", str(services.SCRYPT_COST)]
    assert old != new, "each hash has its own random salt"
    assert verify_password("s3cret-pw", old), "an old hash must survive a cost increase"
    assert verify_password("s3cret-pw", new)


def test_services_take_their_arguments_by_keyword(sessions: sessionmaker[Session]) -> None:
    """After the session everything is keyword-only: two strings cannot be swapped silently."""
    with sessions() as session:
        with pytest.raises(TypeError):
            register_user(session, "Ada", "ada@example.com", "s3cret-pw")  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            create_order(session, "lamp", 1)  # type: ignore[call-arg]
        assert not session.new, "nothing was staged by the refused calls"


# SQLite has no row locks and drops FOR UPDATE when it compiles; PostgreSQL's compiler
# shows the SQL a real deployment would send. Creating an engine does not connect.
POSTGRESQL = create_engine("postgresql+psycopg://").dialect


def test_create_order_locks_the_product_row(sessions: sessionmaker[Session]) -> None:
    """The stock is read FOR UPDATE (rendered on PostgreSQL), so two orders cannot both win."""
    statements: list[str] = []

    def record(state: ORMExecuteState) -> None:
        assert isinstance(state.statement, Select)
        statements.append(str(state.statement.compile(dialect=POSTGRESQL)))

    with sessions() as session:
        event.listen(session, "do_orm_execute", record)
        create_order(session, sku="lamp", quantity=1)

    product_reads = [sql for sql in statements if "FROM products" in sql]
    assert len(product_reads) == 1
    assert product_reads[0].endswith("FOR UPDATE"), product_reads[0]


def test_service_refuses_a_taken_email_with_a_domain_error(
    sessions: sessionmaker[Session],
) -> None:
    """A second signup for the same address (any capitalisation) raises EmailTaken, not HTTP."""
    with sessions() as session:
        register_user(session, name="Ada", email="ada@example.com", password="s3cret-pw")
        with pytest.raises(EmailTaken, match=r"^Email already registered$") as raised:
            register_user(session, name="Eve", email="ADA@example.com", password="0ther-pw")
        count = session.scalar(select(func.count()).select_from(User))

    assert not isinstance(raised.value, HTTPException), "a service must not speak HTTP"
    assert count == 1


def test_logic_in_the_route_can_only_say_no_in_http(sessions: sessionmaker[Session]) -> None:
    """Called directly, the logic-in-route handler rejects a duplicate with HTTPException(409)."""
    with sessions() as session:
        register_user(session, name="Ada", email="ada@example.com", password="s3cret-pw")
        session.commit()
        payload = Signup(name="Eve", email="ada@example.com", password="0ther-pw")
        with pytest.raises(HTTPException) as raised:
            signup_before(payload, session, RecordingMailer())

    # The rule is right, but a worker or a script reusing it would now handle status codes.
    assert raised.value.status_code == 409
    assert raised.value.detail == "Email already registered"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_service_layer_imports_no_web_framework() -> None:
    """services.py imports neither FastAPI nor Starlette: its rules work outside HTTP."""
    imports = imported_modules(Path(services.__file__))
    web = sorted(name for name in imports if name.split(".")[0] in {"fastapi", "starlette"})
    assert "sqlalchemy" in imports, "the scan found the module's imports"
    assert web == [], f"services.py depends on the web layer: {web}"


@pytest.mark.parametrize("prefix", ["/before", "/after"])
def test_refactor_keeps_the_http_contract(
    prefix: str, sessions: sessionmaker[Session], mailer: RecordingMailer
) -> None:
    """Logic in the route or in the service: clients see the same 201, 409 and welcome email."""
    body = {"name": "Ada", "email": "Ada@example.com", "password": "s3cret-pw"}
    created = client.post(f"{prefix}/signup", json=body)
    duplicate = client.post(f"{prefix}/signup", json={**body, "email": "ADA@example.com"})

    assert created.status_code == 201
    assert created.json() == {"id": 1, "name": "Ada", "email": "ada@example.com"}
    assert duplicate.status_code == 409
    assert duplicate.json() == {"detail": "Email already registered"}
    assert mailer.sent == [("ada@example.com", "Welcome!")], "one welcome email, no more"


# --- A service is cheap to test thoroughly: property-based, straight on the function -----

# The quantities the API lets through, read from its own OpenAPI schema: edit the bounds
# on OrderIn and this test follows.
QUANTITY = app.openapi()["components"]["schemas"]["OrderIn"]["properties"]["quantity"]
LOWEST, HIGHEST = int(QUANTITY["minimum"]), int(QUANTITY["maximum"])


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    """One seeded database for the whole module: each example below rolls back its changes."""
    with isolated_database(tmp_path_factory.mktemp("shop")) as url:
        engine = create_engine(url)
        try:
            yield seeded_sessionmaker(engine)
        finally:
            engine.dispose()


@given(
    stock=st.integers(min_value=0, max_value=2 * HIGHEST),
    quantity=st.integers(min_value=LOWEST, max_value=HIGHEST),
)
def test_create_order_succeeds_exactly_when_stock_suffices(
    shop: sessionmaker[Session], stock: int, quantity: int
) -> None:
    """For any stock and any quantity the API accepts, an order succeeds iff quantity <= stock."""
    with shop() as session:
        lamp = session.get_one(Product, "lamp")
        lamp.stock = stock
        if quantity <= stock:
            order = create_order(session, sku="lamp", quantity=quantity)
            assert lamp.stock == stock - quantity
            assert session.scalars(select(Order)).all() == [order]
            assert (order.sku, order.quantity) == ("lamp", quantity)
        else:
            with pytest.raises(OutOfStock, match=rf"^Only {stock} of 'lamp' left$"):
                create_order(session, sku="lamp", quantity=quantity)
            assert lamp.stock == stock, "a refused order must not touch the stock"
            assert session.scalars(select(Order)).all() == []
        session.rollback()  # nothing was committed: the next example starts from the seed
