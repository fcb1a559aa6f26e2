"""Filter events by date

In lessons/03_query_parameters/app.py, add `GET /events` with an optional query parameter
`since` of type `datetime.date` (absent means None), answering `{"since": <the date or
null>}`. `?since=2024-05-01` must arrive as a date, and a string that is not a date must be
a 422 located at the parameter.
"""

import datetime

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Follow `search` in /products: a type, `| None`, and a default of None. Use the `date` "
    "class from the datetime module as the type; FastAPI returns it as an ISO string."
)

client = TestClient(app)


def test_since_is_parsed_as_a_date_and_echoed_in_iso_form() -> None:
    """?since=2024-05-01 → 200 {"since": "2024-05-01"}; without it → {"since": null}."""
    day = datetime.date(2024, 5, 1)
    response = client.get("/events", params={"since": day.isoformat()})
    assert response.status_code == 200, f"GET /events?since=... answered {response.status_code}"
    assert response.json() == {"since": day.isoformat()}
    assert client.get("/events").json() == {"since": None}


def test_impossible_date_is_422_at_query_since() -> None:
    """?since=2024-13-01 (month 13) → 422 with its only error at ["query", "since"]."""
    response = client.get("/events", params={"since": "2024-13-01"})
    assert response.status_code == 422, (
        f"GET /events?since=2024-13-01 answered {response.status_code}"
    )
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "since"]


def test_openapi_documents_since_as_an_optional_date() -> None:
    """OpenAPI lists `since` as an optional query parameter with a date format."""
    [parameter] = app.openapi()["paths"]["/events"]["get"]["parameters"]
    assert parameter["name"] == "since"
    assert parameter["in"] == "query"
    assert parameter.get("required", False) is False
    assert "date" in str(parameter["schema"]), parameter["schema"]
