"""Allow a second front end

An admin dashboard is being launched at https://admin.example.com and must call the API
from the browser. In lessons/13_cors/app.py, allow exactly that origin, without opening the
door to look-alikes such as https://admin.example.com.evil.test or http://admin.example.com.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "An origin is scheme + host (+ port), written exactly as the browser sends it in the "
    "Origin header. The middleware compares strings, so the list of origins is the only "
    "thing to change."
)

client = TestClient(app)
ADMIN = "https://admin.example.com"


def preflight(origin: str) -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "POST"}


def test_admin_dashboard_preflight_is_approved_with_credentials() -> None:
    """A preflight from https://admin.example.com is 200 with that origin echoed."""
    response = client.options("/api/notes", headers=preflight(ADMIN))
    assert response.status_code == 200, f"preflight answered {response.status_code}"
    assert response.headers["access-control-allow-origin"] == ADMIN
    assert response.headers["access-control-allow-credentials"] == "true"


def test_admin_dashboard_can_read_a_simple_response() -> None:
    """A GET from the admin origin carries ACAO = that origin, so the browser shows the data."""
    response = client.get("/api/public", headers={"Origin": ADMIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ADMIN


def test_look_alikes_of_the_admin_origin_stay_refused() -> None:
    """Another scheme, a suffix, a trailing slash or a sub-domain is still a foreign origin."""
    for origin in (
        "http://admin.example.com",
        "https://admin.example.com.evil.test",
        "https://admin.example.com/",
        "https://evil.admin.example.com",
    ):
        response = client.options("/api/notes", headers=preflight(origin))
        assert response.status_code == 400, f"{origin!r} was approved"
        assert "access-control-allow-origin" not in response.headers, origin
