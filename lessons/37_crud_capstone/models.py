"""The capstone's table, in SQLAlchemy 2.0 style."""

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAME_LENGTH = 100


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    # SQLite hands out max(id) + 1, so deleting the newest user would let the next one reuse
    # its id. AUTOINCREMENT makes SQLite never reuse an id; PostgreSQL's sequences never do.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # No length of its own: EmailStr already refuses an address longer than 254 characters.
    email: Mapped[str] = mapped_column(unique=True)
