"""Add a yearly report

`/reports/{period}` accepts day, week and month. In lessons/02_path_parameters/app.py,
make it accept `year` too, covering 365 days. Change only the `Period` enum: the route,
the docs and the validation all follow from it.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "An Enum member is one line in the class body. `days` looks the value up in a dict, so "
    "the new value needs an entry there as well, or the handler fails with a KeyError."
)

client = TestClient(app)


def test_year_is_an_accepted_period_of_365_days() -> None:
    """/reports/year → 200 with {"period": "year", "days": 365}."""
    response = client.get("/reports/year")
    assert response.status_code == 200, f"GET /reports/year answered {response.status_code}"
    assert response.json() == {"period": "year", "days": 365}


def test_openapi_lists_year_after_the_original_periods() -> None:
    """The documented enum is exactly day, week, month, year: the docs follow the Enum."""
    operation = app.openapi()["paths"]["/reports/{period}"]["get"]
    [parameter] = operation["parameters"]
    assert parameter["schema"]["enum"] == ["day", "week", "month", "year"]
