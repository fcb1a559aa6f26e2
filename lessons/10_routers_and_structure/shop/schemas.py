"""Pydantic models: the shapes that cross the HTTP boundary."""

from pydantic import BaseModel, Field


class ItemCreate(BaseModel):
    """What a client sends to create an item."""

    name: str = Field(min_length=1, max_length=40)
    price: float = Field(gt=0, le=10_000)


class Item(ItemCreate):
    """An item as stored and returned: the client's fields plus the id we assigned."""

    id: int


class Stats(BaseModel):
    count: int
    total_value: float


class HTTPError(BaseModel):
    """The body of an HTTPException, declared in `responses=` so the docs show each error."""

    detail: str
