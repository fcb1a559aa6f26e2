"""Lesson 29: offset pagination (page + limit) and cursor pagination (opaque next_cursor).

Serve it with:  uvicorn "lessons.29_pagination.app:app" --reload
Then:           curl 'http://127.0.0.1:8000/offset/products?page=2&limit=5'
                curl 'http://127.0.0.1:8000/cursor/products?limit=5'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine, String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool


# --- The table ------------------------------------------------------------------------------
class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "products"

    # The id only ever grows, so "newest first" is "id descending", and the id is unique:
    # a cursor needs a unique sort key, or rows that tie on it are skipped or repeated.
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


def make_engine() -> Engine:
    """An in-memory SQLite database; StaticPool shares its one connection across threads."""
    return create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )


def seed(engine: Engine, names: list[str]) -> None:
    """Create the table and insert `names` in order (the last one is the newest)."""
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(Product(name=name) for name in names)
        session.commit()


engine = make_engine()
seed(engine, [f"Product {number}" for number in range(1, 48)])  # 47: the last page is partial
SessionLocal = sessionmaker(engine)


def get_session() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


# --- Schemas --------------------------------------------------------------------------------
class ProductIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class OffsetPage(BaseModel):
    items: list[ProductOut]
    total: int
    page: int
    limit: int
    pages: int


class CursorPage(BaseModel):
    items: list[ProductOut]
    next_cursor: str | None


# The bounds live here once; the property tests read them back from the OpenAPI schema.
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page")]
# An upper bound on `page` too: an unbounded page makes an unbounded OFFSET (a slow scan,
# and past 2**63 a number the database cannot even store).
Page = Annotated[int, Query(ge=1, le=10_000, description="1-based page number")]

app = FastAPI(title="Lesson 29: pagination")
NEWEST_FIRST = Product.id.desc()


# --- Offset pagination ----------------------------------------------------------------------
@app.get("/offset/products")
def list_products_by_page(session: SessionDep, page: Page = 1, limit: Limit = 20) -> OffsetPage:
    total = session.scalar(select(func.count()).select_from(Product)) or 0
    # The database still reads and throws away the first `offset` rows: deep pages get slow.
    offset = (page - 1) * limit
    rows = session.scalars(select(Product).order_by(NEWEST_FIRST).offset(offset).limit(limit))
    return OffsetPage(
        items=[ProductOut.model_validate(row) for row in rows],
        total=total,
        page=page,
        limit=limit,
        pages=math.ceil(total / limit),  # 0 for an empty table: there is no page to show
    )


# --- Cursor pagination ----------------------------------------------------------------------
# The cursor is "base64(payload).base64(signature)". The client may not read, build or
# edit it: the HMAC signature makes any change detectable. A demo key is generated at
# start-up (cursors die with the process); a real deployment loads a fixed key from settings.
# 32 bytes = 256 bits, the size of SHA-256's output: RFC 2104's recommended key length.
CURSOR_KEY = secrets.token_bytes(32)


class CursorPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    before_id: int = Field(ge=1)


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


URL_SAFE_BASE64 = re.compile(r"[A-Za-z0-9_-]*")


def _b64decode(text: str) -> bytes:
    # Only the URL-safe alphabet: Python's decoder also takes the standard alphabet's "+" and
    # "/" (newer Pythons warn about them), so check the text before decoding it.
    if not URL_SAFE_BASE64.fullmatch(text):
        raise ValueError("not URL-safe base64")
    data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    # Strict: the last character of a base64 string carries unused bits, so several
    # spellings decode to the same bytes. Accept only the one spelling we produce, so that
    # every edit of a cursor, even one that decodes to the same bytes, is rejected.
    if _b64encode(data) != text:
        raise ValueError("not canonical unpadded URL-safe base64")
    return data


def sign(payload: bytes) -> str:
    signature = hmac.new(CURSOR_KEY, payload, hashlib.sha256).digest()
    return f"{_b64encode(payload)}.{_b64encode(signature)}"


def encode_cursor(before_id: int) -> str:
    return sign(CursorPayload(before_id=before_id).model_dump_json().encode())


def decode_cursor(cursor: str) -> CursorPayload:
    """The payload of a cursor this server issued; anything else is a 400, never a 500."""
    invalid = HTTPException(status_code=400, detail="Invalid cursor")
    encoded_payload, dot, encoded_signature = cursor.partition(".")
    if not dot:
        raise invalid
    try:
        payload = _b64decode(encoded_payload)
        signature = _b64decode(encoded_signature)
    except ValueError:  # not our alphabet, bad length (binascii.Error), not our spelling
        raise invalid from None
    expected = hmac.new(CURSOR_KEY, payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):  # constant time: no timing oracle
        raise invalid
    try:
        return CursorPayload.model_validate_json(payload)
    except ValidationError:  # signed, but not JSON or not a position (key misuse)
        raise invalid from None


@app.get(
    "/cursor/products",
    responses={400: {"description": "The cursor was not issued by this server"}},
)
def list_products_by_cursor(
    session: SessionDep,
    limit: Limit = 20,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> CursorPage:
    query = select(Product).order_by(NEWEST_FIRST)
    if cursor is not None:
        # Keyset pagination: "rows after the last one I saw", found through the index.
        # Rows inserted or deleted elsewhere in the table cannot shift this position.
        query = query.where(Product.id < decode_cursor(cursor).before_id)
    # One extra row tells us whether another page exists, without counting the table.
    rows = list(session.scalars(query.limit(limit + 1)))
    page, more = rows[:limit], len(rows) > limit
    return CursorPage(
        items=[ProductOut.model_validate(row) for row in page],
        next_cursor=encode_cursor(page[-1].id) if more else None,
    )


# --- Writes (so tests can change the table between two page requests) -----------------------
@app.post("/products", status_code=201)
def create_product(product: ProductIn, session: SessionDep) -> ProductOut:
    row = Product(name=product.name)
    session.add(row)
    session.commit()
    return ProductOut.model_validate(row)


@app.delete(
    "/products/{product_id}",
    status_code=204,
    responses={404: {"description": "No product with this id"}},
)
def delete_product(
    # SQLite stores at most a signed 64-bit integer; a larger id must be a 422, not a 500.
    product_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    session: SessionDep,
) -> Response:
    row = session.get(Product, product_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Product not found")
    session.delete(row)
    session.commit()
    return Response(status_code=204)
