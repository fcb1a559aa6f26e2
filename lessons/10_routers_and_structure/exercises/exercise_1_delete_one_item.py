"""Let an admin delete one item

Add `DELETE /api/v1/admin/items/{item_id}`: 204 with no body when the item existed, 404
`{"detail": "no item with id N"}` when it did not. Keep the layers apart: a `delete` method
in shop/services.py raises `ItemNotFound`, and a route in shop/routers/admin.py maps it to
404 (document it with `responses=`). The admin router already guards every route it holds.
"""

import pytest
from fastapi.testclient import TestClient

from ..app import API_PREFIX, app
from ..shop.dependencies import ADMIN_KEY
from ..shop.schemas import ItemCreate
from ..shop.services import ItemNotFound, ItemService

HINT = (
    "Copy the shape of `get_item` in items.py: call the service in a try block and turn the "
    "domain error into an HTTPException. The route needs no admin check of its own: "
    "living on the admin router is enough."
)

client = TestClient(app)
ADMIN = {"X-Admin-Key": ADMIN_KEY}
URL = f"{API_PREFIX}/admin/items"


def test_admin_deletes_exactly_the_named_item(fresh_service: ItemService) -> None:
    """DELETE .../admin/items/1 with the key → 204, empty body; only item 1 is gone."""
    fresh_service.create(ItemCreate(name="Pen", price=1.5))
    ink = fresh_service.create(ItemCreate(name="Ink", price=4.0))
    response = client.delete(f"{URL}/1", headers=ADMIN)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert fresh_service.list_items() == [ink], "only the named item is deleted"
    assert client.get(f"{API_PREFIX}/items/1").status_code == 404


def test_deleting_an_unknown_item_is_a_404_with_the_services_message() -> None:
    """An id nobody has → 404 {"detail": "no item with id 99"}, mapped from ItemNotFound."""
    response = client.delete(f"{URL}/99", headers=ADMIN)
    assert response.status_code == 404, response.text
    assert response.json() == {"detail": "no item with id 99"}


def test_the_service_deletes_without_http() -> None:
    """ItemService.delete removes an item and raises ItemNotFound for an unknown id."""
    service = ItemService()
    pen = service.create(ItemCreate(name="Pen", price=1.5))
    service.delete(pen.id)  # type: ignore[attr-defined]
    assert service.list_items() == []
    with pytest.raises(ItemNotFound) as missing:
        service.delete(pen.id)  # type: ignore[attr-defined]
    assert missing.value.item_id == pen.id


def test_deleting_one_item_needs_the_admin_key(fresh_service: ItemService) -> None:
    """Without the key, or with a wrong one → 401, and the item is still there."""
    fresh_service.create(ItemCreate(name="Pen", price=1.5))
    for headers in ({}, {"X-Admin-Key": "guess"}):
        response = client.delete(f"{URL}/1", headers=headers)
        assert response.status_code == 401, f"{headers} deleted an item"
    assert len(fresh_service.list_items()) == 1


def test_the_delete_route_is_documented_under_admin() -> None:
    """OpenAPI lists the operation with the admin tag and its 204, 401 and 404 responses."""
    operation = client.get("/openapi.json").json()["paths"][f"{URL}/{{item_id}}"]["delete"]
    assert operation["tags"] == ["admin"]
    assert {"204", "401", "404"} <= set(operation["responses"])
