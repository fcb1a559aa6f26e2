"""Admin routes: every one of them requires the admin key, declared once on the router."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from ..dependencies import get_item_service, require_admin_key
from ..schemas import HTTPError, Stats
from ..services import ItemService

# `dependencies=[...]` on the router runs `require_admin_key` before every route below,
# including routes added later: nobody can forget the check on a new admin endpoint.
router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin_key)],
    responses={401: {"model": HTTPError, "description": "Admin key missing or wrong"}},
)

Service = Annotated[ItemService, Depends(get_item_service)]


@router.get("/stats")
def stats(service: Service) -> Stats:
    return service.stats()


@router.delete("/items", status_code=204)
def delete_all_items(service: Service) -> Response:
    service.clear()
    return Response(status_code=204)
