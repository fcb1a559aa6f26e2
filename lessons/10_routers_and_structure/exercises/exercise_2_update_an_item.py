"""Replace an item with PUT

Add `PUT /api/v1/items/{item_id}` taking the same body as POST and answering 200 with the
updated item (same id). Unknown id → 404; a name another item already has (ignoring case)
→ 409. Put the rules in an `ItemService.update(item_id, data)` method in shop/services.py
that raises the existing domain errors, and map them in shop/routers/items.py, documenting
both error statuses with `responses=`.
"""

from fastapi.testclient import TestClient

from ..app import API_PREFIX, app
from ..shop.schemas import ItemCreate
from ..shop.services import ItemService

HINT = (
    "An item may keep its own name: when you look for a clash, skip the item being updated. "
    "`self.get(item_id)` already raises ItemNotFound for you."
)

client = TestClient(app)
ITEMS = f"{API_PREFIX}/items"


def test_put_replaces_the_item_and_keeps_its_id(fresh_service: ItemService) -> None:
    """PUT .../items/1 → 200 with the new fields and id 1; a later GET sees the change."""
    fresh_service.create(ItemCreate(name="Pen", price=1.5))
    response = client.put(f"{ITEMS}/1", json={"name": "Fountain pen", "price": 12.5})
    assert response.status_code == 200, response.text
    assert response.json() == {"id": 1, "name": "Fountain pen", "price": 12.5}
    assert client.get(f"{ITEMS}/1").json() == response.json()
    assert len(fresh_service.list_items()) == 1, "PUT replaces, it does not add"


def test_put_to_an_unknown_id_is_a_404() -> None:
    """An id nobody has → 404 {"detail": "no item with id 7"}."""
    response = client.put(f"{ITEMS}/7", json={"name": "Pen", "price": 1})
    assert response.status_code == 404, response.text
    assert response.json() == {"detail": "no item with id 7"}


def test_taking_another_items_name_is_a_409(fresh_service: ItemService) -> None:
    """Renaming item 1 to item 2's name (any case) → 409, and item 1 is left unchanged."""
    pen = fresh_service.create(ItemCreate(name="Pen", price=1.5))
    fresh_service.create(ItemCreate(name="Ink", price=4.0))
    response = client.put(f"{ITEMS}/1", json={"name": "INK", "price": 2})
    assert response.status_code == 409, response.text
    assert response.json() == {"detail": "an item named 'INK' already exists"}
    assert fresh_service.get(1) == pen


def test_an_item_may_keep_its_own_name(fresh_service: ItemService) -> None:
    """Changing only the price (or the case of the name) is not a clash with itself."""
    fresh_service.create(ItemCreate(name="Pen", price=1.5))
    response = client.put(f"{ITEMS}/1", json={"name": "PEN", "price": 2.0})
    assert response.status_code == 200, response.text
    assert response.json() == {"id": 1, "name": "PEN", "price": 2.0}


def test_put_validates_the_body_like_post(fresh_service: ItemService) -> None:
    """The same ItemCreate rules apply: a price of 0 → 422, nothing changes."""
    pen = fresh_service.create(ItemCreate(name="Pen", price=1.5))
    assert client.put(f"{ITEMS}/1", json={"name": "Pen", "price": 0}).status_code == 422
    assert fresh_service.get(1) == pen


def test_put_documents_its_error_statuses() -> None:
    """OpenAPI lists 200, 404 and 409 for the PUT operation, under the items tag."""
    operation = client.get("/openapi.json").json()["paths"][f"{ITEMS}/{{item_id}}"]["put"]
    assert operation["tags"] == ["items"]
    assert {"200", "404", "409", "422"} <= set(operation["responses"])
