"""Lesson 20 claims: the migrations build, remove and rebuild the schema, and match the models.

Alembic runs in-process through its `command` API, against the test's own empty database.
"""

import io
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, create_engine, inspect, select, text

from lessons.testkit import REPO_ROOT

from .migrate import DATABASE_URL_ENV, HERE, alembic_config
from .models import Base, Task

Schema = dict[str, Any]


def snapshot(url: str) -> Schema:
    """Everything the database says about its tables: columns, keys, indexes, constraints."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            return {
                table: {
                    "columns": [
                        (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                        for c in inspector.get_columns(table)
                    ],
                    "primary_key": inspector.get_pk_constraint(table),
                    "foreign_keys": inspector.get_foreign_keys(table),
                    "indexes": inspector.get_indexes(table),
                    "unique": inspector.get_unique_constraints(table),
                }
                for table in sorted(inspector.get_table_names())
            }
    finally:
        engine.dispose()


def app_tables(url: str) -> Schema:
    """The snapshot without Alembic's own bookkeeping table (created by the first upgrade)."""
    return {name: table for name, table in snapshot(url).items() if name != "alembic_version"}


def current_revision(url: str) -> str | None:
    """The revision stamped in the database's alembic_version table (None: not migrated)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def revisions_oldest_first(config: Config) -> list[str]:
    """Every revision id in the migrations folder, from the first to the head."""
    script = ScriptDirectory.from_config(config)
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def differences(url: str, metadata: MetaData) -> list[Any]:
    """What autogenerate would put in a new migration to make the database match `metadata`."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            diff: list[Any] = compare_metadata(MigrationContext.configure(connection), metadata)
            return diff
    finally:
        engine.dispose()


def add_version_folder(config: Config, folder: Path) -> None:
    """Let Alembic find revisions in `folder` too, besides the lesson's migrations/versions."""
    folders = os.pathsep.join([str(HERE / "migrations" / "versions"), str(folder)])
    config.set_main_option("version_locations", folders.replace("%", "%%"))


# --- upgrade / downgrade ---------------------------------------------------------------------


def test_upgrade_head_creates_the_schema_on_an_empty_database(
    config: Config, database_url: str
) -> None:
    """`upgrade head` on an empty database creates the tasks table and stamps the head revision."""
    assert snapshot(database_url) == {}, "the database starts empty"

    command.upgrade(config, "head")

    schema = snapshot(database_url)
    assert set(schema) == {"alembic_version", "tasks"}
    columns = [(name, nullable) for name, _type, nullable, _default in schema["tasks"]["columns"]]
    # The models are the spec: the same columns, in order, equally nullable.
    expected = [(c.name, c.nullable) for c in Base.metadata.tables["tasks"].columns]
    assert columns == expected
    assert columns[:3] == [("id", False), ("title", False), ("done", False)]
    head = ScriptDirectory.from_config(config).get_current_head()
    assert current_revision(database_url) == head


def test_downgrade_base_removes_the_schema(config: Config, database_url: str) -> None:
    """`downgrade base` drops every table the migrations made; only an empty version table stays."""
    command.upgrade(config, "head")

    command.downgrade(config, "base")

    assert set(snapshot(database_url)) == {"alembic_version"}
    assert current_revision(database_url) is None


def test_upgrade_downgrade_upgrade_round_trips_to_the_same_schema(
    config: Config, database_url: str
) -> None:
    """After upgrade → downgrade → upgrade the database is exactly what the first upgrade made."""
    command.upgrade(config, "head")
    first = snapshot(database_url)

    command.downgrade(config, "base")
    command.upgrade(config, "head")

    assert snapshot(database_url) == first


def test_every_migration_downgrades_to_the_schema_before_it(
    config: Config, database_url: str
) -> None:
    """Step by step: each revision's downgrade restores exactly the schema before its upgrade."""
    revisions = revisions_oldest_first(config)
    assert revisions[:2] == ["0001", "0002"], "the lesson's two migrations come first"
    for revision in revisions:
        before = app_tables(database_url)
        command.upgrade(config, revision)
        assert app_tables(database_url) != before, f"{revision} changed nothing"
        command.downgrade(config, "-1")
        assert app_tables(database_url) == before, f"{revision}'s downgrade is not its inverse"
        command.upgrade(config, revision)


# --- models and migrations agree -------------------------------------------------------------


def test_models_and_migrations_agree(config: Config, database_url: str) -> None:
    """After `upgrade head`, autogenerate finds nothing to add: no forgotten migration."""
    command.upgrade(config, "head")
    assert differences(database_url, Base.metadata) == []


def test_the_comparison_catches_a_model_change_without_a_migration(
    config: Config, database_url: str
) -> None:
    """A column added to the models but to no migration shows up as an `add_column`."""
    command.upgrade(config, "head")
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    tasks = Base.metadata.tables["tasks"].to_metadata(changed)
    tasks.append_column(Column("priority", Integer, nullable=True))

    diff = differences(database_url, changed)

    assert [(op, table, column.name) for op, _schema, table, column in diff] == [
        ("add_column", "tasks", "priority")
    ]


def test_autogenerate_sees_a_renamed_column_as_a_drop_and_an_add(
    config: Config, database_url: str
) -> None:
    """Renaming `title` in the models reads as add `name` + drop `title`: review before running."""
    command.upgrade(config, "head")
    renamed = MetaData()
    tasks = Base.metadata.tables["tasks"].to_metadata(renamed)
    tasks.c.title.name = "name"  # what a rename in the model class amounts to

    diff = differences(database_url, renamed)

    found = sorted((op, column.name) for op, _schema, _table, column in diff)
    # Run as generated, this migration would drop every title: a rename must be written
    # by hand (op.alter_column(..., new_column_name=...)).
    assert found == [("add_column", "name"), ("remove_column", "title")]


# --- data survives ----------------------------------------------------------------------------


def test_adding_the_done_column_keeps_existing_rows(config: Config, database_url: str) -> None:
    """Rows written before revision 0002 are still there after it, with done = false."""
    command.upgrade(config, "0001")
    titles = ["write the lesson", "review it", "it's done — 完了", "x" * 200]
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            # Plain SQL: at revision 0001 the models' `done` column does not exist yet.
            for title in titles:
                connection.execute(text("INSERT INTO tasks (title) VALUES (:t)"), {"t": title})

        command.upgrade(config, "head")

        with engine.connect() as connection:
            rows = connection.execute(
                select(Task.id, Task.title, Task.done).order_by(Task.id)
            ).all()
    finally:
        engine.dispose()
    assert [(title, done) for _id, title, done in rows] == [(t, False) for t in titles]


# --- other ways to run the same migrations ----------------------------------------------------


def test_offline_mode_prints_the_sql_and_touches_no_database(
    config: Config, database_url: str
) -> None:
    """`upgrade head --sql` renders every migration's DDL for review and changes nothing."""
    output = io.StringIO()
    config.output_buffer = output

    command.upgrade(config, "head", sql=True)

    sql = output.getvalue()
    assert "CREATE TABLE tasks" in sql
    assert "ALTER TABLE tasks ADD COLUMN done BOOLEAN" in sql
    assert sql.index("Running upgrade  -> 0001") < sql.index("Running upgrade 0001 -> 0002")
    assert snapshot(database_url) == {}, "nothing ran against the database"


SEED_MIGRATION = '''"""Seed a task (a data migration, for the offline-mode test).

Revision ID: seed
Revises: {head}
"""

import sqlalchemy as sa
from alembic import op

revision = "seed"
down_revision = "{head}"


def upgrade() -> None:
    tasks = sa.table("tasks", sa.column("title", sa.String))
    op.execute(tasks.insert().values(title="seeded by a data migration"))


def downgrade() -> None:
    op.execute("DELETE FROM tasks WHERE title = 'seeded by a data migration'")
'''


def test_offline_mode_writes_data_values_into_the_sql(config: Config, tmp_path: Path) -> None:
    """`--sql` renders a data migration's values inline (literal_binds): the script runs as is."""
    head = ScriptDirectory.from_config(config).get_current_head()
    seed = SEED_MIGRATION.format(head=head)
    (tmp_path / "seed_a_task.py").write_text(seed, encoding="utf-8")
    add_version_folder(config, tmp_path)
    output = io.StringIO()
    config.output_buffer = output

    command.upgrade(config, f"{head}:seed", sql=True)

    assert "INSERT INTO tasks (title) VALUES ('seeded by a data migration')" in output.getvalue(), (
        "a bound parameter (:title) would leave the value out of the printed SQL"
    )


def test_autogenerate_drafts_changes_in_batch_mode_and_the_draft_runs(
    config: Config, database_url: str, tmp_path: Path
) -> None:
    """`revision --autogenerate` writes column changes in op.batch_alter_table (SQLite-safe)."""
    command.upgrade(config, "head")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:  # a column the models do not have: drift
            connection.execute(text("ALTER TABLE tasks ADD COLUMN legacy INTEGER"))
    finally:
        engine.dispose()
    add_version_folder(config, tmp_path)

    command.revision(
        config, "drop legacy", autogenerate=True, rev_id="drift", version_path=str(tmp_path)
    )

    draft = (tmp_path / "drift_drop_legacy.py").read_text(encoding="utf-8")
    assert "with op.batch_alter_table('tasks', schema=None) as batch_op:" in draft
    assert "batch_op.drop_column('legacy')" in draft
    command.upgrade(config, "head")  # the reviewed draft runs, on SQLite and PostgreSQL
    assert differences(database_url, Base.metadata) == []


def test_running_alembic_in_process_leaves_the_callers_logging_alone(
    config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    """Called in-process, env.py skips alembic.ini's logging: the caller's handlers stay."""
    handlers = list(logging.getLogger().handlers)

    with caplog.at_level(logging.INFO, logger="alembic"):
        command.upgrade(config, "head")

    assert logging.getLogger().handlers == handlers, "fileConfig replaced the root handlers"
    steps = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Running")]
    assert steps[:2] == [
        "Running upgrade  -> 0001, Create the tasks table.",
        "Running upgrade 0001 -> 0002, Add tasks.done, false for every existing row.",
    ], "pytest's log capture (the caller's handler) no longer sees Alembic's log lines"


def run_python(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python ARGS` in a new process at the repository root, migrating the test's database."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env={**os.environ, DATABASE_URL_ENV: database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_documented_command_line_migrates_from_the_repository_root(
    config: Config, database_url: str
) -> None:
    """`alembic -c lessons/20_migrations/alembic.ini upgrade head` works, with its log lines."""
    ini = "lessons/20_migrations/alembic.ini"
    result = run_python(database_url, "-m", "alembic", "-c", ini, "upgrade", "head")
    assert result.returncode == 0, result.stderr
    # alembic.ini's logging applies on the command line (and only there).
    assert "Running upgrade  -> 0001" in result.stderr
    assert "Running upgrade 0001 -> 0002" in result.stderr
    head = ScriptDirectory.from_config(config).get_current_head()
    assert current_revision(database_url) == head, "it migrated the test's database"


def test_a_percent_sign_in_the_url_survives_the_config() -> None:
    """alembic.ini values are interpolated; alembic_config escapes "%" so URLs stay intact."""
    url = "postgresql+psycopg://user:p%40ss@db.example/app"  # "@" in a password, URL-quoted
    assert alembic_config(url).get_main_option("sqlalchemy.url") == url


DEPLOY_SCRIPT = """
import logging
import alembic.config

log = logging.getLogger("deploy")
alembic.config.main(["-c", "lessons/20_migrations/alembic.ini", "upgrade", "head"])
log.warning("migrated; starting the app")
"""


def test_a_script_running_alembics_command_line_keeps_its_own_loggers(database_url: str) -> None:
    """alembic.ini's logging setup leaves loggers made before it working (no disabled loggers)."""
    result = run_python(database_url, "-c", DEPLOY_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert "Running upgrade 0001 -> 0002" in result.stderr, "the command line logs its steps"
    assert "WARNI [deploy] migrated; starting the app" in result.stderr, (
        "the script's own logger, created before Alembic configured logging, went silent"
    )
