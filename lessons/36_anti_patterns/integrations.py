"""The outside world as the app sees it: a mail server, a legacy stock service, a warehouse.

In production each "real" client below would send a real email, make a slow blocking call
or ship a real parcel. Here each one writes what it did to a module-level list instead, so
a test can tell when it reached the real thing, which is exactly what a test must not do.
The Protocols say what the app needs; a test double only has to match them.
"""

import time
from typing import ClassVar, Protocol

real_emails_sent: list[str] = []  # addresses a real welcome email went to
real_parcels_shipped: list[int] = []  # orders a real parcel left the warehouse for


class Mailer(Protocol):
    def send(self, to: str, subject: str) -> None: ...


class SmtpMailer:
    def send(self, to: str, subject: str) -> None:
        real_emails_sent.append(to)  # in production: a real email to a real person


class Inventory(Protocol):
    def stock(self, sku: str) -> int | None: ...


class LegacyInventory:
    """A synchronous SDK for an old stock service.

    Like `requests.get` or a sync database driver, each call holds the calling thread until
    the answer arrives; `time.sleep` plays the network round trip.
    """

    LATENCY_SECONDS = 0.02
    LEVELS: ClassVar[dict[str, int]] = {"lamp": 40, "desk": 3}  # what the old service reports

    def stock(self, sku: str) -> int | None:
        time.sleep(self.LATENCY_SECONDS)
        return self.LEVELS.get(sku)


class WarehouseUnavailable(RuntimeError):
    """The warehouse API is down or timed out: stands in for any failure of a remote job."""


class Warehouse(Protocol):
    def ship(self, order_id: int) -> None: ...


class WarehouseClient:
    def ship(self, order_id: int) -> None:
        real_parcels_shipped.append(order_id)  # in production: a real parcel leaves
