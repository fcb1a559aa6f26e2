"""Stream a CSV export

In lessons/24_streaming/app.py, add `GET /export.csv` with a query parameter `rows` (1 to
1000, default 3). It streams a CSV file from a generator: first the line `n,square`, then
one line `k,k*k` for k = 1..rows, each line yielded on its own and ending in "\\n". Send it
as `text/csv` with `Content-Disposition: attachment; filename="squares.csv"` (browsers then
save it), and document `text/csv` in OpenAPI like the lesson's other streams.
"""

import asyncio

import pytest
from fastapi.testclient import TestClient

from ..app import app
from ..asgi_call import call

HINT = (
    "Copy the shape of /download: a generator function, a StreamingResponse with a "
    "media_type and headers=, and the route decorator's response_class= and responses=. "
    "Query(ge=..., le=...) bounds `rows`."
)

client = TestClient(app)


def test_export_streams_a_header_and_one_line_per_row() -> None:
    """GET /export.csv?rows=3 is the exact CSV text, served as text/csv, as an attachment."""
    response = client.get("/export.csv", params={"rows": 3})
    assert response.status_code == 200, response.text
    assert response.text == "n,square\n1,1\n2,4\n3,9\n"
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="squares.csv"'


def test_export_defaults_to_three_rows() -> None:
    """Without `rows` the export has its header and three rows."""
    assert client.get("/export.csv").text.splitlines() == ["n,square", "1,1", "2,4", "3,9"]


def test_each_line_leaves_the_app_as_its_own_body_message() -> None:
    """Streamed, not built first: rows=5 arrives as 6 body messages (the header and 5 rows)."""
    chunks: list[bytes] = []
    start = asyncio.run(
        call(app, "/export.csv", "rows=5", lambda c: chunks.append(c) if c else None)
    )
    assert start["status"] == 200
    assert chunks == [b"n,square\n", b"1,1\n", b"2,4\n", b"3,9\n", b"4,16\n", b"5,25\n"]


@pytest.mark.parametrize(("rows", "status"), [("0", 422), ("1", 200), ("1000", 200), ("1001", 422)])
def test_rows_must_be_between_1_and_1000(rows: str, status: int) -> None:
    """`rows` outside 1..1000 is a 422 on `rows`; both ends of the range are accepted."""
    response = client.get("/export.csv", params={"rows": rows})
    assert response.status_code == status
    if status == 200:
        assert response.text.splitlines()[-1] == f"{rows},{int(rows) ** 2}"
    else:
        assert response.json()["detail"][0]["loc"] == ["query", "rows"]


def test_openapi_documents_the_export_as_text_csv() -> None:
    """The 200 response of /export.csv is documented as text/csv, and only as that."""
    responses = app.openapi()["paths"]["/export.csv"]["get"]["responses"]
    assert list(responses["200"]["content"]) == ["text/csv"]
