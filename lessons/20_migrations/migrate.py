"""Run lesson 20's Alembic migrations from Python (the app, the tests) or the command line.

From the repository root:
    alembic -c lessons/20_migrations/alembic.ini upgrade head
Both ways read the same alembic.ini, so they cannot drift apart.
"""

import os
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent
DATABASE_URL_ENV = "LESSON20_DATABASE_URL"


def database_url() -> str:
    """The database URL: the environment's, or a SQLite file outside the checkout."""
    default_file = Path(tempfile.gettempdir()) / "fastapi-lessons-20.db"
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{default_file}"


def alembic_config(url: str) -> Config:
    """Alembic's configuration for `url`: alembic.ini, with the database filled in."""
    config = Config(HERE / "alembic.ini")
    # The command line needs the repository root on sys.path to import the models; Python
    # callers already have it, and Alembic would prepend it again on every command.
    config.remove_main_option("prepend_sys_path")
    # set_main_option goes through configparser interpolation, where "%" is special (a
    # password such as "p%40ss" would break it): escape it.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (by default the newest)."""
    command.upgrade(alembic_config(url), revision)
