"""Let the page read a response header

Make GET /api/public answer with a header `X-Data-Version: 3` (the version of the public
data). A page on an allowed origin can read the body already, but browsers hide every
response header outside a short "safe" list unless the server exposes it. In
lessons/13_cors/app.py, send the header and expose it to the allowed origins.
"""

from fastapi.testclient import TestClient

from ..app import ALLOWED_ORIGINS, app

HINT = (
    "Two steps. The route sets the header on the response (take a `response: Response` "
    "parameter). CORSMiddleware has an option that lists the response headers a page may "
    "read: it becomes Access-Control-Expose-Headers."
)

client = TestClient(app)


def test_public_data_carries_its_version_header() -> None:
    """GET /api/public answers 200, the same body, and X-Data-Version: 3."""
    response = client.get("/api/public")
    assert response.status_code == 200
    assert response.json() == {"message": "public data"}
    assert response.headers.get("x-data-version") == "3"


def test_allowed_origin_is_told_it_may_read_the_header() -> None:
    """A GET from an allowed origin lists x-data-version in Access-Control-Expose-Headers."""
    response = client.get("/api/public", headers={"Origin": ALLOWED_ORIGINS[0]})
    exposed = response.headers.get("access-control-expose-headers", "")
    assert "x-data-version" in {item.strip().lower() for item in exposed.split(",")}, exposed
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGINS[0]


def test_foreign_origin_gets_no_cors_headers_at_all() -> None:
    """Exposing a header trusts no one new: a foreign origin still gets no ACAO."""
    response = client.get("/api/public", headers={"Origin": "https://evil.test"})
    assert response.headers.get("x-data-version") == "3"
    assert "access-control-allow-origin" not in response.headers
