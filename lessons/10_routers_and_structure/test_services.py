"""Lesson 10 claims: the service layer works, and is tested, without HTTP or FastAPI."""

import ast
from pathlib import Path

import pytest

from .shop.schemas import ItemCreate
from .shop.services import DuplicateItemName, ItemNotFound, ItemService

SHOP = Path(__file__).parent / "shop"


def test_service_creates_lists_and_fetches_items_with_plain_calls() -> None:
    """No client, no app: the service is called like any Python object."""
    service = ItemService()
    pen = service.create(ItemCreate(name="Pen", price=1.5))
    ink = service.create(ItemCreate(name="Ink", price=4.0))
    assert (pen.id, ink.id) == (1, 2)
    assert service.get(pen.id) == pen
    assert service.list_items() == [pen, ink]
    assert service.stats().model_dump() == {"count": 2, "total_value": 5.5}


def test_service_raises_domain_errors_not_http_errors() -> None:
    """Failures are domain exceptions (ItemNotFound, DuplicateItemName), no status codes."""
    service = ItemService()
    service.create(ItemCreate(name="Pen", price=1.5))
    with pytest.raises(DuplicateItemName):
        service.create(ItemCreate(name="PEN", price=2.0))  # names clash ignoring case
    with pytest.raises(ItemNotFound) as missing:
        service.get(42)
    assert missing.value.item_id == 42


def test_clear_empties_the_service() -> None:
    """`clear` removes every item, so stats fall back to zero."""
    service = ItemService()
    service.create(ItemCreate(name="Pen", price=1.5))
    service.clear()
    assert service.list_items() == []
    assert service.stats().model_dump() == {"count": 0, "total_value": 0.0}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("module", ["services.py", "schemas.py"])
def test_service_layer_does_not_import_the_web_framework(module: str) -> None:
    """services.py and schemas.py import neither FastAPI nor Starlette: HTTP stays in routers."""
    web = imported_modules(SHOP / module) & {"fastapi", "starlette"}
    assert not web, f"shop/{module} imports {sorted(web)}: move HTTP concerns to the routers"
