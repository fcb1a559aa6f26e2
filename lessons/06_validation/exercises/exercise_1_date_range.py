"""Check two fields against each other

In lessons/06_validation/app.py, add a `Booking` model with two dates, `start` and `end`,
and `POST /bookings` (status 201) that returns it. A booking whose end is not after its
start is a 422 `value_error` located at the body itself, with a message that says why.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "A field validator sees one field; a rule about two fields belongs to the whole model. "
    'Pydantic\'s `model_validator(mode="after")` runs on the finished instance, and a '
    "ValueError raised there becomes an ordinary 422 entry."
)

client = TestClient(app)


def test_a_booking_whose_end_follows_its_start_is_created() -> None:
    """POST /bookings with end after start answers 201 and echoes the dates."""
    booking = {"start": "2026-07-01", "end": "2026-07-05"}
    response = client.post("/bookings", json=booking)
    assert response.status_code == 201, (
        f"POST /bookings answered {response.status_code}: add the operation (status 201)"
    )
    assert response.json() == booking


def test_an_end_on_or_before_the_start_is_a_model_level_422() -> None:
    """end <= start is one 422 `value_error` at ["body"], whose message mentions the end."""
    for end in ("2026-07-01", "2026-06-30"):
        response = client.post("/bookings", json={"start": "2026-07-01", "end": end})
        assert response.status_code == 422, f"end={end} answered {response.status_code}"
        [error] = response.json()["detail"]
        assert error["type"] == "value_error", f"expected a value_error, got {error}"
        assert error["loc"] == ["body"], "a rule about two fields is located at the model"
        assert "end" in error["msg"], f"the message should say what is wrong: {error['msg']!r}"


def test_each_date_is_still_type_checked() -> None:
    """A value that is not a date is a 422 located at its field, before the range rule runs."""
    response = client.post("/bookings", json={"start": "soon", "end": "2026-07-05"})
    assert response.status_code == 422, f"start='soon' answered {response.status_code}"
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "start"]]
