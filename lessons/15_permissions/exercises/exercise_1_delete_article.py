"""Let authors delete their articles

Add `DELETE /articles/{article_id}` to lessons/15_permissions/app.py, answering 204. Who
may delete is who may edit: the article's author (with articles:write), or a moderator.
Someone else's article is 403 "Not your article", a missing one 404 "Article not found".
Ask the policy; do not compare usernames or roles in the route. Document 401, 403 and 404.
"""

from fastapi.testclient import TestClient

from .. import app as lesson
from ..support import bearer

HINT = (
    "edit_article already does all of this for PUT: the same guard, "
    "Depends(require(Permission.ARTICLES_WRITE)), the same 404, and may_edit_article for "
    "the object-level question. Then remove the article from ARTICLES."
)

client = TestClient(lesson.app)


def test_an_author_deletes_their_own_article() -> None:
    """bob deletes article 1 (his): 204 with no body, and it is gone."""
    response = client.delete("/articles/1", headers=bearer("bob"))
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert set(lesson.ARTICLES) == {2}


def test_someone_elses_article_is_403_and_stays() -> None:
    """bob deleting carol's article: 403 "Not your article", nothing deleted."""
    response = client.delete("/articles/2", headers=bearer("bob"))
    assert response.status_code == 403
    assert response.json() == {"detail": "Not your article"}
    assert set(lesson.ARTICLES) == {1, 2}


def test_a_moderator_deletes_any_article_and_a_missing_one_is_404() -> None:
    """alice (admin) deletes carol's article (204); a missing id is 404 "Article not found"."""
    admin = bearer("alice")
    assert client.delete("/articles/2", headers=admin).status_code == 204
    missing = client.delete("/articles/999", headers=admin)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Article not found"}
    assert set(lesson.ARTICLES) == {1}


def test_viewers_anonymous_and_read_only_tokens_are_refused() -> None:
    """A viewer is 403 by role, no token is 401, a token without articles:write is 403."""
    viewer = client.delete("/articles/1", headers=bearer("dave"))
    assert viewer.status_code == 403
    assert viewer.json() == {"detail": "Role viewer lacks permission articles:write"}
    assert client.delete("/articles/1").status_code == 401
    read_only = client.delete("/articles/1", headers=bearer("bob", scopes=["articles:read"]))
    assert read_only.json() == {"detail": "Missing scope: articles:write"}
    assert set(lesson.ARTICLES) == {1, 2}


def test_the_route_documents_its_scope_and_errors() -> None:
    """OpenAPI: the operation requires the articles:write scope and lists 401, 403 and 404."""
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/articles/{article_id}"]["delete"]
    assert operation["security"] == [{"OAuth2PasswordBearer": ["articles:write"]}]
    assert {"204", "401", "403", "404"} <= set(operation["responses"])
