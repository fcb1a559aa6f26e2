"""Lesson 15 claims about roles: 401 vs 403, one policy table, a require(permission) factory."""

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from . import app as lesson
from .app import Permission, Role
from .support import ACTIONS, USER_WITH_ROLE, bearer, perform

client = TestClient(lesson.app)


def test_require_admin_admits_admins_forbids_users_and_challenges_anonymous() -> None:
    """The seed's require_admin: admin → 204, editor/viewer → 403, anonymous → 401."""
    as_editor = client.delete("/users/carol", headers=bearer("bob"))
    assert as_editor.status_code == 403, "authenticated, but not allowed"
    assert "www-authenticate" not in as_editor.headers, "a 403 is not a login challenge"
    assert client.delete("/users/carol", headers=bearer("dave")).status_code == 403
    anonymous = client.delete("/users/carol")
    assert anonymous.status_code == 401, "not authenticated: log in first"
    assert anonymous.headers["www-authenticate"] == "Bearer", "a 401 says how to authenticate"
    bad_token = client.delete("/users/carol", headers={"Authorization": "Bearer made-up"})
    assert bad_token.status_code == 401
    assert "carol" in lesson.USERS, "nothing was deleted by the refused requests"
    assert client.delete("/users/carol", headers=bearer("alice")).status_code == 204
    assert "carol" not in lesson.USERS


def test_every_guarded_route_answers_anonymous_requests_with_401() -> None:
    """Every operation OpenAPI marks as OAuth2-protected challenges a request without a token."""
    paths = client.get("/openapi.json").json()["paths"]
    guarded = [
        (method, path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if any("OAuth2PasswordBearer" in entry for entry in operation.get("security", []))
    ]
    assert len(guarded) >= 7, guarded
    for method, path in guarded:
        concrete = path.replace("{article_id}", "1").replace("{note_id}", "1")
        response = client.request(method, concrete.replace("{username}", "carol"))
        assert response.status_code == 401, (method, path)
        assert response.headers["www-authenticate"] == "Bearer", (method, path)


def test_each_action_needs_exactly_its_permission() -> None:
    """Every permission has an action, and OpenAPI shows that route requires that scope alone."""
    assert set(ACTIONS) == set(Permission), "every permission is exercised by some route"
    paths = client.get("/openapi.json").json()["paths"]
    for permission, action in ACTIONS.items():
        operation = paths[action.template][action.method.lower()]
        assert operation["security"] == [{"OAuth2PasswordBearer": [permission]}], action


def test_every_role_and_action_gets_what_the_policy_table_says() -> None:
    """Every (role, action) pair: allowed by POLICY → success, otherwise 403; anonymous → 401."""
    for permission, action in ACTIONS.items():
        assert perform(action, {}).status_code == 401, f"anonymous {action}"
        for role in Role:
            allowed = lesson.is_allowed(role, permission)
            response = perform(action, bearer(USER_WITH_ROLE[role]))
            assert response.status_code == (action.success if allowed else 403), (role, action)
            if not allowed:
                assert response.json() == {"detail": f"Role {role} lacks permission {permission}"}


policy_tables = st.fixed_dictionaries(
    {role: st.sets(st.sampled_from(list(Permission))) for role in Role}
)


@given(
    table=policy_tables,
    role=st.sampled_from(list(Role)),
    permission=st.sampled_from(list(Permission)),
)
def test_any_policy_table_is_exactly_what_the_routes_enforce(
    table: dict[Role, set[Permission]], role: Role, permission: Permission
) -> None:
    """Hypothesis: replace POLICY by any table; every (role, action) outcome follows the table."""
    # If any route checked roles by itself (if user.role == "admin"), some table would
    # contradict it and this test would find the pair.
    action = ACTIONS[permission]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lesson, "POLICY", table)
        response = perform(action, bearer(USER_WITH_ROLE[role]))
    expected = action.success if permission in table[role] else 403
    assert response.status_code == expected, response.text


def test_policy_table_grants_what_the_readme_documents() -> None:
    """The table in the README: admins everything, editors read+write, viewers read."""
    assert lesson.POLICY == {
        Role.ADMIN: {
            Permission.ARTICLES_READ,
            Permission.ARTICLES_WRITE,
            Permission.ARTICLES_MODERATE,
            Permission.USERS_MANAGE,
        },
        Role.EDITOR: {Permission.ARTICLES_READ, Permission.ARTICLES_WRITE},
        Role.VIEWER: {Permission.ARTICLES_READ},
    }


def test_a_demoted_user_loses_access_at_once() -> None:
    """Roles are read per request: a token issued before a demotion stops working for writes."""
    headers = bearer("bob")
    assert client.post("/articles", json={"title": "Before"}, headers=headers).status_code == 201
    lesson.USERS["bob"].role = Role.VIEWER
    after = client.post("/articles", json={"title": "After"}, headers=headers)
    assert after.status_code == 403
    assert after.json() == {"detail": "Role viewer lacks permission articles:write"}


def test_token_of_a_deleted_user_is_401() -> None:
    """A token for a user who was deleted after login no longer authenticates anyone."""
    headers = bearer("carol")
    assert client.get("/articles", headers=headers).status_code == 200
    del lesson.USERS["carol"]
    assert client.get("/articles", headers=headers).status_code == 401
