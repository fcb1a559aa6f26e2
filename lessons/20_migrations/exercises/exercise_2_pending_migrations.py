"""Know what a deployment would change: list the pending migrations.

In migrate.py, write `pending_migrations(url: str) -> list[str]`: the revision ids that
`upgrade head` would apply to that database, oldest first (every revision for an empty
database, none for one at head). A deploy script or a readiness check can print or refuse
on it.
"""

from collections.abc import Callable
from typing import cast

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from .. import migrate

HINT: str = (
    "MigrationContext.configure(connection).get_current_revision() says where the database "
    "is; ScriptDirectory.from_config(config).iterate_revisions('head', current) walks from "
    "the head back down to it (newest first)."
)


def pending_migrations() -> Callable[[str], list[str]]:
    function = getattr(migrate, "pending_migrations", None)
    assert function is not None, "migrate.py has no pending_migrations(url) yet"
    return cast(Callable[[str], list[str]], function)


def every_revision(config: Config) -> list[str]:
    script = ScriptDirectory.from_config(config)
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_an_empty_database_has_every_migration_pending(config: Config, database_url: str) -> None:
    """A database that was never migrated has all revisions pending, oldest first."""
    assert pending_migrations()(database_url) == every_revision(config)


def test_a_database_at_0001_has_the_rest_pending(config: Config, database_url: str) -> None:
    """After `upgrade 0001`, exactly the later revisions are pending."""
    command.upgrade(config, "0001")
    assert pending_migrations()(database_url) == every_revision(config)[1:]


def test_a_database_at_head_has_nothing_pending(config: Config, database_url: str) -> None:
    """After `upgrade head`, nothing is pending."""
    command.upgrade(config, "head")
    assert pending_migrations()(database_url) == []
