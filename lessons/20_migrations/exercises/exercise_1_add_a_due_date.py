"""Add a column the proper way: model and migration together.

Give `Task` an optional `due_date` (a `date`, NULL allowed) in models.py, and write the
migration that adds it: migrations/versions/0003_add_due_date_to_tasks.py, revision "0003",
revising "0002", with an `upgrade()` and a `downgrade()`. `alembic revision --autogenerate
-m "add due_date to tasks"` can draft it for you (see the README), then review what it wrote.
"""

from datetime import date

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Date, create_engine, inspect, text

from ..models import Base

HINT: str = (
    "In the model: `due_date: Mapped[date | None]`. In the migration: op.add_column('tasks', "
    "sa.Column('due_date', sa.Date(), nullable=True)), and a batch drop_column to undo it."
)


def test_head_has_a_nullable_due_date_column(config: Config, database_url: str) -> None:
    """After `upgrade head` the tasks table has due_date: a DATE column that allows NULL."""
    command.upgrade(config, "head")
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            columns = {c["name"]: c for c in inspect(connection).get_columns("tasks")}
            # What the migrations built still matches the models: nothing forgotten.
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert "due_date" in columns, "no migration added tasks.due_date"
    assert isinstance(columns["due_date"]["type"], Date)
    assert columns["due_date"]["nullable"] is True
    assert "due_date" in Base.metadata.tables["tasks"].c, "the model has no due_date"
    assert diff == []


def test_rows_from_before_get_no_due_date_and_new_rows_keep_theirs(
    config: Config, database_url: str
) -> None:
    """Rows stored at 0002 survive 0003 with due_date NULL; a due date written later reads back."""
    command.upgrade(config, "0002")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO tasks (title) VALUES ('old task')"))
        command.upgrade(config, "head")
        with engine.begin() as connection:
            tasks = Base.metadata.tables["tasks"]
            connection.execute(tasks.insert().values(title="new task", due_date=date(2030, 1, 2)))
            rows = connection.execute(
                tasks.select().with_only_columns(tasks.c.title, tasks.c.due_date)
            ).all()
    finally:
        engine.dispose()
    assert sorted(rows) == [("new task", date(2030, 1, 2)), ("old task", None)]
