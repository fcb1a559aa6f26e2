"""Lesson 14 claims about logging in: POST /token, no user enumeration, bad forms, OpenAPI."""

import statistics
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from . import app as lesson
from .support import bearer, sign_up

client = TestClient(lesson.app)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def bob() -> str:
    """A registered user, bob, whose password is PASSWORD."""
    sign_up(client, "bob", PASSWORD, full_name="Bob")
    return "bob"


def test_login_returns_a_bearer_access_token_and_a_refresh_token(bob: str) -> None:
    """POST /token with form fields answers access_token, refresh_token and token_type bearer."""
    response = client.post("/token", data={"username": bob, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert set(body) == {"access_token", "refresh_token", "token_type"}
    me = client.get("/users/me", headers=bearer(body["access_token"]))
    assert me.json() == {"username": "bob", "full_name": "Bob"}


def test_demo_user_logs_in_with_the_password_in_the_readme() -> None:
    """alice / down-the-rabbit-hole works against the stored production-cost Argon2 hash."""
    response = client.post("/token", data={"username": "alice", "password": "down-the-rabbit-hole"})
    assert response.status_code == 200, response.text


def test_wrong_password_and_unknown_user_get_the_identical_401(bob: str) -> None:
    """Status, body and every header are the same: the answer does not reveal who exists."""
    wrong_password = client.post("/token", data={"username": bob, "password": "not it"})
    unknown_user = client.post("/token", data={"username": "nobody", "password": "not it"})
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json()
    assert wrong_password.json() == {"detail": "Incorrect username or password"}
    assert dict(wrong_password.headers) == dict(unknown_user.headers)
    assert wrong_password.headers["www-authenticate"] == "Bearer"


def test_unknown_user_still_costs_one_password_verification(
    bob: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A login for an unknown user runs Argon2 once, against the dummy hash, like a real user."""
    calls: list[str] = []
    real_verify: Callable[[str, str], bool] = lesson.password_hash.verify

    def counting_verify(password: str, hashed: str) -> bool:
        calls.append(hashed)
        return real_verify(password, hashed)

    monkeypatch.setattr(lesson.password_hash, "verify", counting_verify)
    client.post("/token", data={"username": "nobody", "password": "guess"})
    assert calls == [lesson.DUMMY_HASH], "unknown user: one verification, against the dummy"
    calls.clear()
    client.post("/token", data={"username": bob, "password": "guess"})
    assert calls == [lesson.USERS[bob].password_hash], "known user: one verification"


def test_unknown_user_and_wrong_password_take_comparable_time(bob: str) -> None:
    """Measured: authenticate() spends about as long on an unknown user as on a wrong password."""
    # Without the dummy verification an unknown user returns ~1000x faster (a dict miss vs.
    # an Argon2 run). Interleaved samples and medians absorb a busy machine; the accepted
    # band (3x either way) is wide, the failure it guards against is not.
    unknown: list[float] = []
    wrong: list[float] = []
    for _ in range(31):
        start = time.perf_counter()
        lesson.authenticate("nobody", "guess")
        middle = time.perf_counter()
        lesson.authenticate(bob, "guess")
        wrong.append(time.perf_counter() - middle)
        unknown.append(middle - start)
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 1 / 3 < ratio < 3, f"unknown-user/wrong-password time ratio {ratio:.3f}"


def test_login_needs_form_fields_not_json(bob: str) -> None:
    """The password flow reads form fields: a JSON body or a missing field is a 422."""
    as_json = client.post("/token", json={"username": bob, "password": PASSWORD})
    assert as_json.status_code == 422
    missing = client.post("/token", data={"username": bob})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "password"]


def test_grant_type_other_than_password_is_422(bob: str) -> None:
    """OAuth2PasswordRequestForm accepts grant_type "password" or nothing, never another."""
    ok = client.post(
        "/token", data={"username": bob, "password": PASSWORD, "grant_type": "password"}
    )
    assert ok.status_code == 200
    other = client.post(
        "/token",
        data={"username": bob, "password": PASSWORD, "grant_type": "client_credentials"},
    )
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["body", "grant_type"]


form_values = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)


@given(
    fields=st.dictionaries(
        st.sampled_from(["username", "password", "grant_type", "scope", "client_id", "extra"]),
        form_values,
    )
)
def test_any_login_form_gets_a_4xx_never_a_500(fields: dict[str, str]) -> None:
    """Whatever form is posted to /token, the answer is 401 or 422, never a server error."""
    response = client.post("/token", data=fields)
    assert response.status_code in {401, 422}, (response.status_code, response.text)
    if response.status_code == 401:
        assert response.headers["www-authenticate"] == "Bearer"


def test_openapi_declares_the_password_flow_and_its_token_url(bob: str) -> None:
    """OpenAPI has an oauth2 password flow whose tokenUrl is the login route, and uses it."""
    schema = client.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {"password": {"scopes": {}, "tokenUrl": "token"}},
        }
    }
    assert schema["paths"]["/users/me"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]
    # The tokenUrl really is where Swagger UI's "Authorize" button can log in.
    token_url = "/" + schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"]
    response = client.post(token_url, data={"username": bob, "password": PASSWORD})
    assert response.status_code == 200


def test_openapi_documents_the_401_and_409_each_route_can_answer() -> None:
    """Every guarded route documents 401 (HTTPError body) and sign-up documents 409."""
    paths = client.get("/openapi.json").json()["paths"]
    error_body = {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
    unauthorized = {
        "description": "Missing, invalid, expired or revoked credentials",
        "content": error_body,
    }
    expected_codes = {
        ("post", "/token"): {"200", "401", "422"},
        ("post", "/token/refresh"): {"200", "401", "422"},
        ("post", "/logout"): {"204", "401"},
        ("get", "/users/me"): {"200", "401"},
        ("get", "/scheme-only"): {"200", "401"},
        ("post", "/users"): {"201", "409", "422"},
    }
    for (method, path), codes in expected_codes.items():
        responses = paths[path][method]["responses"]
        assert set(responses) == codes, f"{method.upper()} {path} documents {sorted(responses)}"
        if "401" in codes:
            assert responses["401"] == unauthorized, f"{method.upper()} {path}: the 401"
    conflict = paths["/users"]["post"]["responses"]["409"]
    assert conflict == {"description": "Username taken", "content": error_body}
