"""Lesson 25: OpenAPI metadata, custom docs URLs, and hiding or protecting the docs.

Serve it with:  uvicorn "lessons.25_openapi_docs.app:app" --reload
Pick who may read the docs with DOCS_MODE=public (the default), protected or off.
"""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Request, UploadFile, status
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field


# --- The setting that decides who may read the docs -----------------------------------
class DocsMode(StrEnum):
    PUBLIC = "public"  # anyone: fine for an open API or a developer's machine
    PROTECTED = "protected"  # only with the docs password (HTTP Basic)
    OFF = "off"  # production: no pages and no schema at all, every docs URL is a 404


# frozen: the protected docs keep this object and read the password on every request, so
# nothing may change it once the app is built.
@dataclass(frozen=True)
class Settings:
    docs_mode: DocsMode = DocsMode.PUBLIC
    docs_username: str = "docs"
    # A demo value so the lesson starts with no setup; a real deployment sets DOCS_PASSWORD.
    docs_password: str = "docs-demo-pass"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        # DocsMode("typo") raises ValueError: a misspelt mode stops the app from starting
        # instead of silently publishing the docs.
        return cls(
            docs_mode=DocsMode(env.get("DOCS_MODE", DocsMode.PUBLIC)),
            docs_username=env.get("DOCS_USERNAME", cls.docs_username),
            docs_password=env.get("DOCS_PASSWORD", cls.docs_password),
        )


# Where the docs live. Custom URLs keep them apart from the API's own paths.
DOCS_URL = "/api-docs"
REDOC_URL = "/api-redoc"
OPENAPI_URL = "/openapi.json"

# --- Metadata that ends up in /openapi.json -------------------------------------------
DESCRIPTION = """
Order coffee and look your orders up again.

The docs render this text as **Markdown**.
"""

# The order of this list is the order of the sections in Swagger UI and ReDoc.
TAGS_METADATA: list[dict[str, Any]] = [
    {"name": "orders", "description": "Place orders and read them back."},
    {
        "name": "health",
        "description": "Liveness for load balancers and uptime checks.",
        "externalDocs": {
            "description": "How Kubernetes uses liveness probes",
            "url": "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        },
    },
]


# --- Models: field examples are published in the schema --------------------------------
class OrderIn(BaseModel):
    item: str = Field(min_length=1, max_length=40, examples=["flat white"])
    quantity: int = Field(ge=1, le=20, examples=[2])


class Order(OrderIn):
    id: int


class Problem(BaseModel):
    detail: str = Field(examples=["Order 42 not found"])


ORDERS: dict[int, Order] = {}

router = APIRouter()


@router.post(
    "/orders",
    tags=["orders"],
    status_code=status.HTTP_201_CREATED,
    summary="Place an order",
    response_description="The order as stored, with the id it was given",
)
def place_order(
    order: Annotated[
        OrderIn,
        # Named examples: Swagger UI offers them in a drop-down next to the request body.
        Body(
            openapi_examples={
                "one": {
                    "summary": "A single drink",
                    "value": {"item": "flat white", "quantity": 1},
                },
                "office": {
                    "summary": "A round for the office",
                    "value": {"item": "espresso", "quantity": 12},
                },
            }
        ),
    ],
) -> Order:
    """Store the order and return it with its new id.

    The docstring becomes the operation's **description** in the docs.
    """
    # Orders are never deleted here, so the count + 1 is a fresh id.
    stored = Order(id=len(ORDERS) + 1, **order.model_dump())
    ORDERS[stored.id] = stored
    return stored


ORDER_EXAMPLE = {"id": 7, "item": "flat white", "quantity": 2}


@router.get(
    "/orders/{order_id}",
    tags=["orders"],
    summary="Read one order",
    response_description="The order",
    # `responses=` adds to what FastAPI generates: an example for the 200 and a whole
    # documented 404 with its own model, description and example.
    responses={
        200: {"content": {"application/json": {"example": ORDER_EXAMPLE}}},
        404: {
            "model": Problem,
            "description": "No order has this id",
            "content": {"application/json": {"example": {"detail": "Order 42 not found"}}},
        },
    },
)
def read_order(order_id: int) -> Order:
    if order_id not in ORDERS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Order {order_id} not found")
    return ORDERS[order_id]


# A file upload: the schema describes the form field as binary content, one of the places
# where FastAPI's generated schema changed between versions (see README, Version notes).
@router.post(
    "/orders/{order_id}/receipt",
    tags=["orders"],
    summary="Attach a scanned receipt",
    responses={404: {"model": Problem, "description": "No order has this id"}},
)
async def attach_receipt(order_id: int, receipt: UploadFile) -> dict[str, int | str | None]:
    read_order(order_id)
    return {"order_id": order_id, "filename": receipt.filename, "size": len(await receipt.read())}


# Still served, but flagged in the schema: Swagger UI greys it out and strikes it through.
@router.get(
    "/order-lookup",
    tags=["orders"],
    summary="Read one order (old query-string form)",
    deprecated=True,
    responses={404: {"model": Problem, "description": "No order has this id"}},
)
def lookup_order(id: int) -> Order:
    return read_order(id)


# Served, but absent from the schema and so from the docs: for probes and internal tools.
@router.get("/internal/stats", include_in_schema=False)
def internal_stats() -> dict[str, int]:
    return {"orders": len(ORDERS)}


@router.get("/health", tags=["health"], summary="Is the service up?")
def health() -> dict[str, str]:
    return {"status": "ok"}


# --- Docs behind HTTP Basic authentication --------------------------------------------
def docs_router(settings: Settings) -> APIRouter:
    """Swagger UI, ReDoc and the schema, each answering only with the docs password."""
    basic = HTTPBasic(realm="docs")

    def require_docs_user(
        credentials: Annotated[HTTPBasicCredentials, Depends(basic)],
    ) -> None:
        # compare_digest takes as long for a wrong first character as for a wrong last
        # one, so response times do not reveal how much of a guess was right. Compare
        # bytes: given a str with non-ASCII characters it raises TypeError (a 500 on every
        # login if the configured password had an accent). Check both parts, always.
        user_ok = secrets.compare_digest(
            credentials.username.encode(), settings.docs_username.encode()
        )
        password_ok = secrets.compare_digest(
            credentials.password.encode(), settings.docs_password.encode()
        )
        if not (user_ok and password_ok):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail="Incorrect docs username or password",
                headers={"WWW-Authenticate": 'Basic realm="docs"'},
            )

    # Every route of this router needs the password, and none appears in the schema.
    protected = APIRouter(dependencies=[Depends(require_docs_user)], include_in_schema=False)

    @protected.get(OPENAPI_URL)
    def openapi_schema(request: Request) -> dict[str, Any]:
        # The app builds (and caches) its schema even with openapi_url=None.
        application: FastAPI = request.app
        return application.openapi()

    @protected.get(DOCS_URL)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title="Orders API docs")

    @protected.get(REDOC_URL)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=OPENAPI_URL, title="Orders API docs")

    return protected


# --- The app factory: one setting, three ways to publish the docs ----------------------
def create_app(settings: Settings) -> FastAPI:
    public = settings.docs_mode is DocsMode.PUBLIC
    application = FastAPI(
        title="Orders API",
        version="1.4.0",
        summary="A small ordering API that documents itself.",
        description=DESCRIPTION,
        openapi_tags=TAGS_METADATA,
        # None switches a URL off: FastAPI then registers no route there at all (404).
        docs_url=DOCS_URL if public else None,
        redoc_url=REDOC_URL if public else None,
        openapi_url=OPENAPI_URL if public else None,
    )
    application.include_router(router)
    if settings.docs_mode is DocsMode.PROTECTED:
        application.include_router(docs_router(settings))
    return application


app = create_app(Settings.from_env())
