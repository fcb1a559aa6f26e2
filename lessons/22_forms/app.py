"""Lesson 22: forms — Form fields, form models, and OAuth2's password form.

Serve it with:  uvicorn "lessons.22_forms.app:app" --reload
Then:           curl -d "username=ada&password=s3cret" http://127.0.0.1:8000/login

HTML forms send `application/x-www-form-urlencoded` (the default) or `multipart/form-data`
(when the form has `enctype="multipart/form-data"`, needed for file inputs). FastAPI reads
both for `Form()` parameters, through python-multipart. Neither is JSON.
"""

from typing import Annotated

from fastapi import Depends, FastAPI, Form
from fastapi.security import OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI(title="Lesson 22: forms")


# --- Single form fields ----------------------------------------------------------------
@app.post("/login")
def login(
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    # An HTML checkbox sends "on" when ticked and nothing at all when not: a bool with a
    # default covers both (pydantic reads "on", "true", "1", "yes" as True).
    remember_me: Annotated[bool, Form()] = False,
) -> dict[str, str | int | bool]:
    # Never echo a password back; its length shows that it arrived intact.
    return {"username": username, "password_length": len(password), "remember_me": remember_me}


@app.post("/messages")
def post_message(text: Annotated[str, Form()]) -> dict[str, str]:
    return {"text": text}


# --- A form model ------------------------------------------------------------------------
class Signup(BaseModel):
    # A form with a field the model does not declare is refused (422), not silently dropped.
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=20, pattern=r"^[a-z0-9_]+$")
    age: int | None = Field(default=None, ge=13, le=130)
    newsletter: bool = False  # a checkbox
    interests: list[str] = Field(default_factory=list)  # <select multiple>: the name repeats


@app.post("/signup")
def signup(form: Annotated[Signup, Form()]) -> Signup:
    return form


# --- OAuth2's password flow ----------------------------------------------------------------
# The OAuth2 spec (RFC 6749, section 4.3) says the token request is a form, not JSON:
# grant_type=password&username=...&password=...&scope=a b c. FastAPI ships that form.
class TokenRequestSeen(BaseModel):
    grant_type: str | None
    username: str
    scopes: list[str]
    client_id: str | None


@app.post("/token")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenRequestSeen:
    return TokenRequestSeen(
        grant_type=form.grant_type,
        username=form.username,
        scopes=form.scopes,  # the "scope" field, split on whitespace
        client_id=form.client_id,
    )


@app.post("/token/strict")
def token_strict(form: Annotated[OAuth2PasswordRequestFormStrict, Depends()]) -> TokenRequestSeen:
    # The strict variant makes grant_type required, as the spec does.
    return TokenRequestSeen(
        grant_type=form.grant_type,
        username=form.username,
        scopes=form.scopes,
        client_id=form.client_id,
    )
