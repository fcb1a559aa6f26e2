"""Lesson 15 claims about object-level authorisation: whose article, whose note."""

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from . import app as lesson
from .app import Role
from .support import bearer

client = TestClient(lesson.app)


def test_editor_edits_own_article_but_not_someone_elses() -> None:
    """bob (editor) may edit his article (200) but not carol's (403, left unchanged)."""
    bob = bearer("bob")
    own = client.put("/articles/1", json={"title": "Edited by bob"}, headers=bob)
    assert own.status_code == 200
    assert own.json()["title"] == "Edited by bob"
    others = client.put("/articles/2", json={"title": "Defaced"}, headers=bob)
    assert others.status_code == 403
    assert others.json() == {"detail": "Not your article"}
    assert lesson.ARTICLES[2].title == "Carol on caching", "the refused edit changed nothing"
    missing = client.put("/articles/999", json={"title": "x"}, headers=bob)
    assert missing.status_code == 404


@given(
    username=st.sampled_from(sorted(lesson.USERS)),
    article_id=st.sampled_from(sorted(lesson.ARTICLES)),
)
def test_article_edits_follow_the_ownership_rule_for_any_pair(
    username: str, article_id: int
) -> None:
    """Hypothesis: authors edit their own articles, admins any, viewers none; others get 403."""
    role = lesson.USERS[username].role
    author = lesson.ARTICLES[article_id].author
    # The rule in words, written independently of may_edit_article():
    expected = 200 if role == Role.ADMIN or (role == Role.EDITOR and author == username) else 403
    response = client.put(
        f"/articles/{article_id}", json={"title": f"by {username}"}, headers=bearer(username)
    )
    assert response.status_code == expected, (username, role, author, response.text)


def test_someone_elses_private_note_is_indistinguishable_from_a_missing_one() -> None:
    """Private objects answer 404 to non-owners, byte for byte what a missing id gets."""
    bob = bearer("bob")
    assert client.get("/notes/1", headers=bob).status_code == 200
    carols = client.get("/notes/2", headers=bob)
    missing = client.get("/notes/999", headers=bob)
    assert carols.status_code == missing.status_code == 404
    assert carols.content == missing.content
    assert dict(carols.headers) == dict(missing.headers)


@given(
    # Existing ids (everyone's notes) as well as any other integer.
    note_id=st.sampled_from(sorted(lesson.NOTES)) | st.integers(min_value=-(2**63), max_value=2**63)
)
def test_probing_note_ids_reveals_only_your_own_notes(note_id: int) -> None:
    """Hypothesis: for any id, bob gets 200 only for his notes and the one same 404 otherwise."""
    response = client.get(f"/notes/{note_id}", headers=bearer("bob"))
    note = lesson.NOTES.get(note_id)
    if note is not None and note.owner == "bob":
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "Note not found"}


def test_guarded_actions_on_missing_objects_are_404_for_whoever_may_act() -> None:
    """An admin publishing a missing article or deleting a missing user gets 404, exactly."""
    admin = bearer("alice")
    publish = client.post("/articles/999/publish", headers=admin)
    assert publish.status_code == 404
    assert publish.json() == {"detail": "Article not found"}
    delete = client.delete("/users/nobody", headers=admin)
    assert delete.status_code == 404
    assert delete.json() == {"detail": "User not found"}
    assert set(lesson.USERS) == {"alice", "bob", "carol", "dave"}, "nothing was deleted"


def test_seeded_articles_are_listed_with_their_ids_and_unpublished() -> None:
    """GET /articles lists the two demo articles under their ids; nothing starts published."""
    response = client.get("/articles", headers=bearer("dave"))
    assert response.status_code == 200
    assert response.json() == [
        {"id": 1, "title": "Bob's first article", "author": "bob", "published": False},
        {"id": 2, "title": "Carol on caching", "author": "carol", "published": False},
    ], "each article's id is the id it is stored (and edited) under"


def test_a_new_article_gets_the_next_id_its_author_and_starts_unpublished() -> None:
    """POST /articles: id = highest id + 1 (1 in an empty store), author = caller, unpublished."""
    created = client.post("/articles", json={"title": "New"}, headers=bearer("bob"))
    assert created.status_code == 201
    assert created.json() == {"id": 3, "title": "New", "author": "bob", "published": False}
    assert set(lesson.ARTICLES) == {1, 2, 3}, "the new article is added, none is overwritten"
    lesson.ARTICLES.clear()
    first = client.post("/articles", json={"title": "First"}, headers=bearer("carol"))
    assert first.json() == {"id": 1, "title": "First", "author": "carol", "published": False}, (
        "ids start at 1"
    )


def test_publishing_marks_exactly_that_article_published() -> None:
    """A moderator's POST /articles/1/publish answers the article with published: true."""
    response = client.post("/articles/1/publish", headers=bearer("alice"))
    assert response.status_code == 200
    assert response.json() == {
        "id": 1,
        "title": "Bob's first article",
        "author": "bob",
        "published": True,
    }
    listed = client.get("/articles", headers=bearer("dave")).json()
    assert [article["published"] for article in listed] == [True, False]


def test_each_owner_reads_their_own_note_under_its_id() -> None:
    """bob reads note 1 and carol note 2, each answered in full with that id."""
    assert client.get("/notes/1", headers=bearer("bob")).json() == {
        "id": 1,
        "owner": "bob",
        "text": "Bob's private note",
    }
    carols = client.get("/notes/2", headers=bearer("carol"))
    assert carols.status_code == 200
    assert carols.json() == {"id": 2, "owner": "carol", "text": "Carol's private note"}


def test_article_titles_are_1_to_200_characters() -> None:
    """Creating and editing both accept titles of 1 and 200 characters and refuse 0 and 201."""
    bob = bearer("bob")
    for method, path, success in (("POST", "/articles", 201), ("PUT", "/articles/1", 200)):
        for title, expected in (("", 422), ("x", success), ("x" * 200, success), ("x" * 201, 422)):
            response = client.request(method, path, json={"title": title}, headers=bob)
            assert response.status_code == expected, f"{method} {path}: {len(title)} characters"
