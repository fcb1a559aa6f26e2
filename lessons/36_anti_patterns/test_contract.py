"""The documented contract: every route's error statuses, the input bounds, and the tables.

The numbers here are literal on purpose: they are what the README promises a client (and
what the database must be able to store), so a change to any of them is a change of
contract that a test should point out.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .app import SessionLocal, app
from .models import Product, User
from .testing import RecordingMailer

client = TestClient(app)


def on_both_apps(
    method: str, path: str, responses: dict[str, str]
) -> dict[tuple[str, str], dict[str, str]]:
    """The same documented answers for a route of the /before app and of the /after app."""
    return {(method, f"{prefix}{path}"): responses for prefix in ("/before", "/after")}


# Every operation's documented answers: status -> description. Each error status is one the
# route really returns (404 and 409 from the domain errors, 422 from validation).
DOCUMENTED_RESPONSES = {
    ("get", "/health"): {"200": "Successful Response"},
    **on_both_apps(
        "post",
        "/signup",
        {
            "201": "Successful Response",
            "409": "Email already registered",
            "422": "Validation Error",
        },
    ),
    **on_both_apps(
        "get",
        "/users/{user_id}",
        {"200": "Successful Response", "404": "No user", "422": "Validation Error"},
    ),
    **on_both_apps(
        "get",
        "/stock/{sku}",
        {"200": "Successful Response", "404": "Unknown product", "422": "Validation Error"},
    ),
    **on_both_apps(
        "post",
        "/orders",
        {
            "201": "Successful Response",
            "404": "Unknown product",
            "409": "Not enough stock",
            "422": "Validation Error",
        },
    ),
}


def test_openapi_documents_exactly_the_statuses_each_route_answers() -> None:
    """Each route documents its own error statuses (with the Problem model) and no others."""
    schema = app.openapi()
    documented = {
        (method, path): {
            status: answer["description"] for status, answer in op["responses"].items()
        }
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
    }
    # Only the lesson's own routes: exercise 1 adds GET /after/users, which its test checks.
    lesson_routes = {operation: documented.get(operation) for operation in DOCUMENTED_RESPONSES}
    assert lesson_routes == DOCUMENTED_RESPONSES, "a route documents a status it never answers"
    for (method, path), statuses in DOCUMENTED_RESPONSES.items():
        for status in set(statuses) & {"404", "409"}:
            body = schema["paths"][path][method]["responses"][status]["content"]
            assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_openapi_documents_the_literal_input_bounds() -> None:
    """Name 1-50 characters, password 8-128, quantity 1-10, user id 1..2**31-1."""
    schema = app.openapi()
    signup = schema["components"]["schemas"]["Signup"]["properties"]
    quantity = schema["components"]["schemas"]["OrderIn"]["properties"]["quantity"]
    (user_id,) = schema["paths"]["/after/users/{user_id}"]["get"]["parameters"]

    assert (signup["name"]["minLength"], signup["name"]["maxLength"]) == (1, 50)
    assert (signup["password"]["minLength"], signup["password"]["maxLength"]) == (8, 128)
    assert (quantity["minimum"], quantity["maximum"]) == (1, 10)
    assert (user_id["schema"]["minimum"], user_id["schema"]["maximum"]) == (1, 2**31 - 1)


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("name", "", False),
        ("name", "A", True),
        ("name", "A" * 50, True),
        ("name", "A" * 51, False),
        ("password", "p" * 7, False),
        ("password", "p" * 8, True),
        ("password", "p" * 128, True),
        ("password", "p" * 129, False),
    ],
)
def test_signup_enforces_the_literal_bounds(
    field: str,
    value: str,
    accepted: bool,
    sessions: sessionmaker[Session],
    mailer: RecordingMailer,
) -> None:
    """A name of 1-50 characters and a password of 8-128 are stored; one more or less is 422."""
    payload = {"name": "Ada", "email": "ada@example.com", "password": "s3cret-pw"} | {field: value}
    response = client.post("/after/signup", json=payload)

    if accepted:
        assert response.status_code == 201, response.text
        assert response.json()["name"] == payload["name"], "the name is stored as it was sent"
    else:
        assert response.status_code == 422, f"{field} of {len(value)} characters was accepted"
        assert response.json()["detail"][0]["loc"] == ["body", field]


@pytest.mark.parametrize(("quantity", "status"), [(0, 422), (1, 201), (10, 409), (11, 422)])
def test_order_quantity_is_bounded_from_1_to_10(
    quantity: int, status: int, sessions: sessionmaker[Session]
) -> None:
    """1 and 10 pass validation (10 lamps is more than the 5 in stock: 409); 0 and 11 are 422."""
    response = client.post("/after/orders", json={"sku": "lamp", "quantity": quantity})
    assert response.status_code == status, response.text


def test_the_largest_user_id_reaches_the_service(sessions: sessionmaker[Session]) -> None:
    """2**31-1 is a valid id (an unknown user: 404); 2**31 is refused before the database."""
    largest = client.get(f"/after/users/{2**31 - 1}")
    assert (largest.status_code, largest.json()) == (404, {"detail": "No user with id 2147483647"})
    assert client.get(f"/after/users/{2**31}").status_code == 422


def test_database_columns_fit_what_the_api_accepts(sessions: sessionmaker[Session]) -> None:
    """String columns are sized for the API: name 50, sku 20, email 320, hash 200, outbox 10/200."""
    with sessions() as session:
        inspector = inspect(session.connection())
        lengths = {
            (table, column["name"]): getattr(column["type"], "length", None)
            for table in ("users", "products", "outbox")
            for column in inspector.get_columns(table)
            if getattr(column["type"], "length", None) is not None
        }

    assert lengths == {
        ("users", "name"): 50,  # Signup.name: at most 50 characters
        ("users", "email"): 320,  # the longest address: 64 (local part) + "@" + 255 (domain)
        # a scrypt hash: ~174 characters, and room for a higher cost
        ("users", "password_hash"): 200,
        ("products", "sku"): 20,  # the SKU pattern: 1 to 20 lower-case letters
        ("outbox", "status"): 10,  # "pending" or "sent"
        ("outbox", "last_error"): 200,  # process_outbox cuts the error to this length
    }


def test_database_refuses_a_second_account_for_the_same_email(
    sessions: sessionmaker[Session],
) -> None:
    """The unique email column backs up the service's check: a second row with it fails."""
    with sessions() as session:
        session.add(User(name="Ada", email="ada@example.com", password_hash="x"))
        session.flush()
        session.add(User(name="Eve", email="ada@example.com", password_hash="y"))
        with pytest.raises(IntegrityError):
            session.flush()


@pytest.mark.parametrize("which", ["app", "tests"])
def test_objects_keep_their_values_after_commit(
    which: str, sessions: sessionmaker[Session]
) -> None:
    """expire_on_commit=False (the app's and the tests' sessions): values outlive the commit."""
    factory = SessionLocal if which == "app" else sessions
    with factory() as session:
        lamp = session.get_one(Product, "lamp")
        session.commit()
    # The session is closed: an expired attribute could not be reloaded now, it would raise.
    assert isinstance(lamp.stock, int), "the value was expired by the commit"
