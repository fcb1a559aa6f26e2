"""Lesson 37: the CRUD capstone, a users service on SQLAlchemy 2.0.

Serve it with:  uvicorn "lessons.37_crud_capstone.app:app" --reload
Data lives in a SQLite file in the temp directory (LESSON_37_DATABASE_URL to change it).
The seed's in-memory version, with its id bug, is naive.py.
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from .database import get_session, lifespan
from .models import User
from .schemas import Limit, Offset, Problem, UserCreate, UserId, UserOut, UserPage, UserUpdate
from .service import EmailTaken, UserNotFound, UserService

app = FastAPI(title="Lesson 37: CRUD capstone", lifespan=lifespan)


async def get_service(session: Annotated[Session, Depends(get_session)]) -> UserService:
    return UserService(session)


Service = Annotated[UserService, Depends(get_service)]

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No user has this id"}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "description": "Another user has this email"}
}


# The service raises domain errors; these two handlers are the only place that turns them
# into HTTP. Every route answers the same body for the same problem.
@app.exception_handler(UserNotFound)
async def user_not_found(request: Request, exc: UserNotFound) -> JSONResponse:
    return JSONResponse({"detail": "User not found"}, status_code=status.HTTP_404_NOT_FOUND)


@app.exception_handler(EmailTaken)
async def email_taken(request: Request, exc: EmailTaken) -> JSONResponse:
    return JSONResponse(
        {"detail": "Email already registered"}, status_code=status.HTTP_409_CONFLICT
    )


# Every route returns the ORM object and lets response_model=UserOut choose the fields sent.
@app.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED, responses=CONFLICT)
def create_user(
    payload: UserCreate, service: Service, request: Request, response: Response
) -> User:
    user = service.create(payload)
    # 201 + Location: where the new resource lives (url_for builds it from the route name).
    response.headers["Location"] = str(request.url_for("read_user", user_id=user.id))
    return user


@app.get("/users", response_model=UserPage)
def list_users(
    service: Service,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    users, total = service.page(limit, offset)
    return {"items": users, "total": total, "limit": limit, "offset": offset}


@app.get("/users/{user_id}", response_model=UserOut, responses=NOT_FOUND)
def read_user(user_id: UserId, service: Service) -> User:
    return service.get(user_id)


@app.patch("/users/{user_id}", response_model=UserOut, responses={**NOT_FOUND, **CONFLICT})
def update_user(user_id: UserId, changes: UserUpdate, service: Service) -> User:
    return service.update(user_id, changes)


@app.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
def delete_user(user_id: UserId, service: Service) -> None:
    service.delete(user_id)
