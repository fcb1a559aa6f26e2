"""Lesson 15 claims about HTTPBearer: its missing-credentials answer changed in FastAPI 0.122."""

import pytest
from fastapi import HTTPException
from fastapi.security import HTTPBearer
from fastapi.testclient import TestClient

from . import app as lesson
from .support import bearer

client = TestClient(lesson.app)


@pytest.mark.fastapi(before="0.122")
def test_httpbearer_without_credentials_is_403_before_0_122() -> None:
    """Before 0.122, HTTPBearer() answers a missing header (or another scheme) with 403."""
    missing = client.get("/bearer/default")
    assert missing.status_code == 403
    assert missing.json() == {"detail": "Not authenticated"}
    assert "www-authenticate" not in missing.headers
    other_scheme = client.get("/bearer/default", headers={"Authorization": "Basic YTpi"})
    assert other_scheme.status_code == 403


@pytest.mark.fastapi(since="0.122")
def test_httpbearer_without_credentials_is_401_from_0_122() -> None:
    """From 0.122, HTTPBearer() answers 401 with WWW-Authenticate: Bearer, as HTTP intends."""
    missing = client.get("/bearer/default")
    assert missing.status_code == 401
    assert missing.json() == {"detail": "Not authenticated"}
    assert missing.headers["www-authenticate"] == "Bearer"
    other_scheme = client.get("/bearer/default", headers={"Authorization": "Basic YTpi"})
    assert other_scheme.status_code == 401


def test_httpbearer_with_auto_error_false_lets_you_answer_401_on_every_version() -> None:
    """HTTPBearer(auto_error=False) hands you None; the app's own 401 is version-proof."""
    missing = client.get("/bearer/explicit")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert (
        client.get("/bearer/explicit", headers={"Authorization": "Basic YTpi"}).status_code == 401
    )


def test_httpbearer_passes_a_valid_token_on_both_routes() -> None:
    """With a valid token both HTTPBearer routes identify the user; a bad token is 401."""
    for path in ("/bearer/default", "/bearer/explicit"):
        response = client.get(path, headers=bearer("bob"))
        assert response.json() == {"username": "bob", "role": "editor"}, path
        made_up = client.get(path, headers={"Authorization": "Bearer made-up"})
        assert made_up.status_code == 401, path


@pytest.mark.fastapi(since="0.122")
def test_auto_error_false_keeps_your_401_when_fastapis_default_answer_is_changed() -> None:
    """Restoring the old 403 via make_not_authenticated_error changes /bearer/default only."""

    # FastAPI's documented hook (0.122+) for apps that want the pre-0.122 answer back.
    def old_403(self: HTTPBearer) -> HTTPException:
        return HTTPException(status_code=403, detail="Not authenticated")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HTTPBearer, "make_not_authenticated_error", old_403)
        default = client.get("/bearer/default")
        explicit = client.get("/bearer/explicit")
    assert default.status_code == 403, "auto_error=True: FastAPI's answer, whatever it is"
    assert explicit.status_code == 401, "auto_error=False: the app's own answer"
    assert explicit.headers["www-authenticate"] == "Bearer"
