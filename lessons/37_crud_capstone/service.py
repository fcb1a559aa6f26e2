"""The CRUD logic, with no HTTP in it: it speaks in users and domain errors, not statuses."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import User
from .schemas import UserCreate, UserUpdate


class UserNotFound(Exception):
    """No user has this id."""


class EmailTaken(Exception):
    """Another user already has this email."""


class UserService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, data: UserCreate) -> User:
        user = User(name=data.name, email=data.email)
        self.session.add(user)
        self._commit()
        return user

    def get(self, user_id: int) -> User:
        user = self.session.get(User, user_id)
        if user is None:
            raise UserNotFound(user_id)
        return user

    def page(self, limit: int, offset: int) -> tuple[Sequence[User], int]:
        total = self.session.scalar(select(func.count()).select_from(User)) or 0
        # ORDER BY id: without an order, pages may overlap or skip rows between requests.
        query = select(User).order_by(User.id).limit(limit).offset(offset)
        return self.session.scalars(query).all(), total

    def update(self, user_id: int, changes: UserUpdate) -> User:
        user = self.get(user_id)
        # exclude_unset: only the fields the client sent. A field it left out keeps its value.
        for field, value in changes.model_dump(exclude_unset=True).items():
            setattr(user, field, value)
        self._commit()
        return user

    def delete(self, user_id: int) -> None:
        self.session.delete(self.get(user_id))
        self.session.commit()

    def _commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as error:
            # The only constraint the schemas cannot check up front is the unique email: the
            # database decides, so two racing requests cannot both take the same address.
            self.session.rollback()
            raise EmailTaken from error
