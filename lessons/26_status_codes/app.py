"""Lesson 26: choosing status codes, and telling clients (and the docs) about them.

Serve it with:  uvicorn "lessons.26_status_codes.app:app" --reload
Write requests need a token:  Authorization: Bearer librarian-token  (or reader-token)
"""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

app = FastAPI(title="Lesson 26: status codes")

# ISBN-13 as 13 ASCII digits starting 978 or 979 ([0-9], not \d: \d also matches other
# scripts' digits). One constant, used by the body model and the path parameter alike.
ISBN_PATTERN = r"^97[89][0-9]{10}$"


class BookIn(BaseModel):
    isbn: str = Field(pattern=ISBN_PATTERN, examples=["9780131103627"])
    title: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=1450, le=2100)


class Problem(BaseModel):
    """The body of every error this API raises itself: {"detail": "..."}."""

    detail: str


BOOKS: dict[str, BookIn] = {}


# --- Who is calling: 401 (we don't know you) vs 403 (we know you, and no) ------------------
class Role(StrEnum):
    LIBRARIAN = "librarian"
    READER = "reader"


# Demo tokens so the lesson runs with no setup (lesson 14 shows real JWTs).
TOKENS = {"librarian-token": Role.LIBRARIAN, "reader-token": Role.READER}

# auto_error=False: we answer a missing token ourselves, so the code and the
# WWW-Authenticate challenge are the same on every FastAPI version.
bearer = HTTPBearer(auto_error=False)


def current_role(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Role:
    if credentials is None or credentials.credentials not in TOKENS:
        # 401 = "authenticate first". The header tells the client which scheme to use.
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Missing or unknown token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TOKENS[credentials.credentials]


def require_librarian(role: Annotated[Role, Depends(current_role)]) -> Role:
    if role is not Role.LIBRARIAN:
        # 403 = "I know who you are, and you may not". A new login would not help.
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Only librarians may change books")
    return role


# `responses=` documents the errors a route can raise, each with its model. FastAPI cannot
# discover them: an HTTPException raised in a dependency is invisible to the schema.
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No token, or a token we do not know"},
    403: {"model": Problem, "description": "The token's role may not change books"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No book has this ISBN"},
}


def location_of(request: Request, isbn: str) -> str:
    # Computed from the router by route name, never hard-coded: it follows a renamed path,
    # a mount prefix or a proxy's root_path automatically.
    return str(request.url_for("read_book", isbn=isbn))


IsbnPath = Annotated[str, Path(pattern=ISBN_PATTERN)]


@app.get("/books/{isbn}", responses=NOT_FOUND)
def read_book(isbn: IsbnPath) -> BookIn:
    if isbn not in BOOKS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No book with ISBN {isbn}")
    return BOOKS[isbn]


# 201 Created: the decorator sets the success code; the handler adds where the new book lives.
@app.post(
    "/books",
    status_code=status.HTTP_201_CREATED,
    responses={
        **AUTH_ERRORS,
        409: {"model": Problem, "description": "A book with this ISBN already exists"},
    },
    dependencies=[Depends(require_librarian)],
)
def create_book(book: BookIn, request: Request, response: Response) -> BookIn:
    if book.isbn in BOOKS:
        # 409 Conflict: the request is fine, the server's current state rejects it.
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"A book with ISBN {book.isbn} already exists"
        )
    BOOKS[book.isbn] = book
    response.headers["Location"] = location_of(request, book.isbn)
    return book


# PUT is an upsert here, so the code is only known at run time: 201 when the book is new,
# 200 when it replaced one. The injected `Response` lets the handler change it (and add
# headers) while still returning plain data that response_model validates.
@app.put(
    "/books/{isbn}",
    responses={
        **AUTH_ERRORS,
        201: {"model": BookIn, "description": "Created: no book had this ISBN"},
        400: {"model": Problem, "description": "The body's ISBN differs from the URL's"},
    },
    dependencies=[Depends(require_librarian)],
)
def put_book(isbn: IsbnPath, book: BookIn, request: Request, response: Response) -> BookIn:
    if book.isbn != isbn:
        # 400, not 422: each part is valid on its own (validation passed); together they
        # make a request the server cannot act on.
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail=f"Body ISBN {book.isbn} does not match URL ISBN {isbn}",
        )
    if isbn not in BOOKS:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = location_of(request, isbn)
    BOOKS[isbn] = book
    return book


# 204 No Content: success with no body at all. response_class=Response, because the
# default JSONResponse would add "content-type: application/json" to a response with no
# content (the tests show both).
@app.delete(
    "/books/{isbn}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={**AUTH_ERRORS, **NOT_FOUND},
    dependencies=[Depends(require_librarian)],
)
def delete_book(isbn: IsbnPath) -> None:
    if BOOKS.pop(isbn, None) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No book with ISBN {isbn}")
