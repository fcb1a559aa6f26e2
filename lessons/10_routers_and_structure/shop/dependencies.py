"""What the routes ask FastAPI to inject."""

import secrets
from typing import Annotated

from fastapi import Header, HTTPException

from .services import ItemService

# A demo key so the app runs with no setup; a real app reads it from its settings (lesson 28).
ADMIN_KEY = "demo-admin-key"

# One service for the whole process. Routes never touch this variable: they ask for
# `get_item_service`, which tests replace with a fresh service through dependency_overrides.
_service = ItemService()


def get_item_service() -> ItemService:
    return _service


def require_admin_key(x_admin_key: Annotated[str | None, Header()] = None) -> None:
    """Let the request through only with the right `X-Admin-Key` header."""
    # compare_digest takes the same time whatever the input: no timing hints for guessers.
    # It compares bytes: given a str with a non-ASCII character it raises (a 500).
    if x_admin_key is None or not secrets.compare_digest(x_admin_key.encode(), ADMIN_KEY.encode()):
        raise HTTPException(
            status_code=401,
            detail="Admin key missing or wrong",
            headers={"WWW-Authenticate": "X-Admin-Key"},
        )
