"""Public item routes. Each handler: take HTTP input, call the service, map its errors."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from ..dependencies import get_item_service
from ..schemas import HTTPError, Item, ItemCreate
from ..services import DuplicateItemName, ItemNotFound, ItemService

# Every route below gets the "/items" prefix and the "items" tag (which groups the
# operations in /docs). app.py adds a further "/api/v1" prefix when it includes the router.
router = APIRouter(prefix="/items", tags=["items"])

Service = Annotated[ItemService, Depends(get_item_service)]


# "/" + prefix "/items" = "/items/": the canonical path ends in a slash, so a request for
# "/items" is answered with a 307 redirect to "/items/".
@router.get("/")
def list_items(service: Service) -> list[Item]:
    return service.list_items()


@router.post(
    "/",
    status_code=201,
    responses={409: {"model": HTTPError, "description": "An item with this name exists"}},
)
def create_item(data: ItemCreate, service: Service) -> Item:
    try:
        return service.create(data)
    except DuplicateItemName as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None


@router.get("/{item_id}", responses={404: {"model": HTTPError, "description": "No such item"}})
def get_item(item_id: int, service: Service) -> Item:
    try:
        return service.get(item_id)
    except ItemNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
