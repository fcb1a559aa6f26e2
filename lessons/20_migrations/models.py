"""Lesson 20's tables, as SQLAlchemy models: what the schema SHOULD look like.

Alembic's migrations (migrations/versions/) are how a real database GETS there; the tests
prove that the two agree.
"""

from sqlalchemy import MetaData, String, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    # Named constraints: a migration can only drop or alter a constraint it can name, and
    # SQLite's "batch" table rebuilds need the names too. The convention makes them
    # predictable instead of database-generated.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)  # revision 0001
    title: Mapped[str] = mapped_column(String(200))  # revision 0001
    # Revision 0002 added this column. server_default (not just default=) matters: the
    # database itself fills in the value for rows that existed before the column did.
    done: Mapped[bool] = mapped_column(server_default=false())
