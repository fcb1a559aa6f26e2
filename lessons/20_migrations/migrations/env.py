"""Alembic runs this for every command: how to reach the database, what to compare with.

Written for lesson 20 (from Alembic's generic template, trimmed and commented).
"""

import importlib
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config

# Only the command line configures logging from alembic.ini. When the app or the tests call
# Alembic in-process (cmd_opts is None), fileConfig would replace their logging setup,
# pytest's log capture included.
if config.cmd_opts is not None and config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# The folder name starts with digits, so `import lessons.20_migrations...` is not Python
# syntax; importlib takes the name as a string.
models = importlib.import_module("lessons.20_migrations.models")
migrate = importlib.import_module("lessons.20_migrations.migrate")

# The models' metadata: `alembic revision --autogenerate` diffs the database against it.
target_metadata = models.Base.metadata

# The URL the caller set (tests, the app), else the app's own default.
url = config.get_main_option("sqlalchemy.url") or migrate.database_url()


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: print the SQL instead of running it (for review)."""
    # literal_binds: values go into the SQL itself ('text', not :param), so it runs as is.
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Connect and run the migrations, all in one transaction where the database allows."""
    # NullPool: a migration run is one short job; keep no connections around afterwards.
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # `revision --autogenerate` drafts changes inside op.batch_alter_table(): SQLite
            # cannot ALTER most things in place, and "batch" mode rebuilds the table there.
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
