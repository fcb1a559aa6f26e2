"""The seed's CRUD scheme, kept as a warning: users in a dict, `id = len(users) + 1`.

Serve it with:  uvicorn "lessons.37_crud_capstone.naive:app"
Everything else matches app.py's contract; only the id scheme is the seed's, and it is
wrong: after a delete, len(users) + 1 can be an id that is still in use. The state machine
in test_state_machine.py finds this on its own.
"""

from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response, status

from .schemas import Limit, Offset, UserCreate, UserId, UserOut, UserPage, UserUpdate

app = FastAPI(title="Lesson 37: the seed's naive CRUD (has an id bug)")

users: dict[int, UserOut] = {}


def find(user_id: int) -> UserOut:
    if user_id not in users:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found")
    return users[user_id]


def check_email_free(email: str, user_id: int | None = None) -> None:
    if any(u.email == email and u.id != user_id for u in users.values()):
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Email already registered")


@app.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(payload: UserCreate, request: Request, response: Response) -> UserOut:
    check_email_free(payload.email)
    user = UserOut(id=len(users) + 1, **payload.model_dump())  # the bug
    users[user.id] = user
    response.headers["Location"] = str(request.url_for("read_user", user_id=user.id))
    return user


@app.get("/users")
def list_users(limit: Limit = 20, offset: Offset = 0) -> UserPage:
    ordered = [users[key] for key in sorted(users)]
    return UserPage(
        items=ordered[offset : offset + limit], total=len(users), limit=limit, offset=offset
    )


@app.get("/users/{user_id}")
def read_user(user_id: UserId) -> UserOut:
    return find(user_id)


@app.patch("/users/{user_id}")
def update_user(user_id: UserId, changes: UserUpdate) -> UserOut:
    user = find(user_id)
    fields: dict[str, Any] = changes.model_dump(exclude_unset=True)
    if "email" in fields:
        check_email_free(fields["email"], user_id)
    users[user_id] = user.model_copy(update=fields)
    return users[user_id]


@app.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: UserId) -> None:
    find(user_id)
    del users[user_id]
