"""Let the front ends send PUT

The front ends are about to edit notes with PUT requests. A browser asks first, with a
preflight; today the policy answers "Disallowed CORS method". In lessons/13_cors/app.py,
let the allowed origins preflight PUT as well, and nothing more: DELETE stays refused.
"""

from fastapi.testclient import TestClient

from ..app import ALLOWED_ORIGINS, app

HINT = (
    "The preflight's Access-Control-Request-Method is checked against one option of "
    "CORSMiddleware. Add to it; a wildcard would also let DELETE through."
)

client = TestClient(app)


def methods(value: str) -> set[str]:
    return {item.strip() for item in value.split(",")}


def test_put_preflight_from_an_allowed_origin_is_approved() -> None:
    """A PUT preflight from each allowed origin is 200, listing exactly GET, POST and PUT."""
    for origin in ALLOWED_ORIGINS:
        response = client.options(
            "/api/notes", headers={"Origin": origin, "Access-Control-Request-Method": "PUT"}
        )
        assert response.status_code == 200, f"{origin}: {response.status_code} {response.text}"
        allowed = methods(response.headers["access-control-allow-methods"])
        assert allowed == {"GET", "POST", "PUT"}, f"allowed methods: {sorted(allowed)}"


def test_delete_preflight_is_still_refused() -> None:
    """Least privilege: DELETE, which the front ends do not send, stays a 400."""
    response = client.options(
        "/api/notes",
        headers={"Origin": ALLOWED_ORIGINS[0], "Access-Control-Request-Method": "DELETE"},
    )
    assert response.status_code == 400
    assert response.text == "Disallowed CORS method"


def test_put_preflight_from_a_foreign_origin_is_refused() -> None:
    """Allowing a method widens nothing for origins outside the list."""
    response = client.options(
        "/api/notes",
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "PUT"},
    )
    assert response.status_code == 400
    assert response.text == "Disallowed CORS origin"
