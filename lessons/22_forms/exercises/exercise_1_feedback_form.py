"""Take a rating from a form

In lessons/22_forms/app.py, add `POST /feedback` reading two form fields: `rating`, a
required whole number from 1 to 5, and `comment`, optional text of at most 200 characters
(default ""). It answers `{"rating": ..., "comment": ...}`. Browsers post it urlencoded or
as multipart; a JSON body must be refused like on the lesson's other form endpoints.
"""

import pytest
from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Declare each field as Annotated[type, Form(...)]; Form() takes the same constraints as "
    "Query() (ge, le, max_length). Give comment a default to make it optional."
)

client = TestClient(app)


def test_feedback_reads_urlencoded_and_multipart_alike() -> None:
    """The same two fields, sent urlencoded or as multipart, give the same answer."""
    fields = {"rating": "4", "comment": "Clear & short +1"}
    urlencoded = client.post("/feedback", data=fields)
    multipart = client.post("/feedback", data=fields, files={"unused": ("", b"")})
    for response in (urlencoded, multipart):
        assert response.status_code == 200, response.text
        assert response.json() == {"rating": 4, "comment": "Clear & short +1"}


def test_comment_is_optional_and_defaults_to_empty() -> None:
    """Only the rating is required: without a comment the answer carries ""."""
    response = client.post("/feedback", data={"rating": "5"})
    assert response.status_code == 200, response.text
    assert response.json() == {"rating": 5, "comment": ""}


@pytest.mark.parametrize(("rating", "status"), [("0", 422), ("1", 200), ("5", 200), ("6", 422)])
def test_rating_is_accepted_from_1_to_5(rating: str, status: int) -> None:
    """Ratings 1 and 5 pass; 0 and 6 are a 422 on the form field `rating`."""
    response = client.post("/feedback", data={"rating": rating})
    assert response.status_code == status
    if status == 422:
        assert [e["loc"] for e in response.json()["detail"]] == [["body", "rating"]]


def test_comment_over_200_characters_is_422() -> None:
    """200 characters pass; 201 are a 422 string_too_long on `comment`."""
    assert client.post("/feedback", data={"rating": "3", "comment": "x" * 200}).status_code == 200
    response = client.post("/feedback", data={"rating": "3", "comment": "x" * 201})
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("string_too_long", ["body", "comment"])
    ]


def test_a_json_body_is_not_a_feedback_form() -> None:
    """JSON is not a form: the required rating counts as missing (422)."""
    response = client.post("/feedback", json={"rating": 4})
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("missing", ["body", "rating"])
    ]
