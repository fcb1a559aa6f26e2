"""JSON Lines from a path operation that `yield`s (FastAPI >= 0.134).

The return annotation `AsyncIterator[Reading]` does for each item what a response model does
for a whole body: every yielded value is validated and serialised as a `Reading`, one line
of JSON each.
"""

from collections.abc import AsyncIterator

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter()


class Reading(BaseModel):
    sensor: str
    celsius: float


class StoredReading(Reading):
    # What the data source holds: one field more than the API should publish.
    calibration_key: str


STORE = [
    StoredReading(sensor="kitchen", celsius=21.5, calibration_key="k-93f2"),
    StoredReading(sensor="garage", celsius=8.25, calibration_key="k-11aa"),
    StoredReading(sensor="attic", celsius=30.0, calibration_key="k-7c0d"),
]


@router.get("/readings")
async def readings() -> AsyncIterator[Reading]:
    for stored in STORE:
        yield stored  # serialised as a Reading: calibration_key never leaves the server
