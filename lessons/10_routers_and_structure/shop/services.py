"""The shop's business rules.

Plain Python on purpose: nothing here imports FastAPI or knows about requests, headers or
status codes. Failures are domain exceptions; the routers decide which HTTP status each one
becomes. That is what lets tests (and a CLI, a queue worker...) call this layer directly.
"""

from .schemas import Item, ItemCreate, Stats


class ItemNotFound(LookupError):
    def __init__(self, item_id: int) -> None:
        super().__init__(f"no item with id {item_id}")
        self.item_id = item_id


class DuplicateItemName(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"an item named {name!r} already exists")
        self.name = name


class ItemService:
    """Keeps items in memory; a real project would hold a database session here instead."""

    def __init__(self) -> None:
        self._items: dict[int, Item] = {}
        self._next_id = 1

    def create(self, data: ItemCreate) -> Item:
        # A business rule: names are unique, ignoring case ("Pen" and "PEN" clash).
        if any(item.name.casefold() == data.name.casefold() for item in self._items.values()):
            raise DuplicateItemName(data.name)
        item = Item(id=self._next_id, **data.model_dump())
        self._items[item.id] = item
        self._next_id += 1
        return item

    def get(self, item_id: int) -> Item:
        try:
            return self._items[item_id]
        except KeyError:
            raise ItemNotFound(item_id) from None

    def list_items(self) -> list[Item]:
        return list(self._items.values())

    def stats(self) -> Stats:
        items = self._items.values()
        return Stats(count=len(items), total_value=sum(item.price for item in items))

    def clear(self) -> None:
        self._items.clear()
