"""Lesson 04: Pydantic models as request bodies.

Serve it with:  uvicorn "lessons.04_request_bodies.app:app" --reload
"""

import math
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, EmailStr, Field

app = FastAPI(title="Lesson 04: request bodies")


class Address(BaseModel):
    street: str
    city: str
    postcode: str


class UserCreate(BaseModel):
    name: str
    email: EmailStr  # validated by the email-validator package, stored normalised
    age: int
    # A list of models: every element is validated as an Address, recursively.
    # (A mutable default is safe on a Pydantic model: each instance gets its own copy.)
    addresses: list[Address] = []


# A parameter annotated with a BaseModel is read from the JSON request body.
@app.post("/users", status_code=201)
def create_user(user: UserCreate) -> dict[str, Any]:
    # `user` is a UserCreate instance, not a dict, and its addresses are Address instances.
    return {
        "python_type": type(user).__name__,
        "address_types": [type(address).__name__ for address in user.addresses],
        "user": user.model_dump(mode="json"),
    }


class Item(BaseModel):
    name: str
    # Bounds keep the price a real amount. They also reject NaN and Infinity, which are not
    # JSON but which Python's JSON parser accepts. (Constraints are lesson 06's topic.)
    price: float = Field(gt=0, le=1_000_000)


# FastAPI decides where each parameter comes from by its declaration alone:
@app.put("/items/{item_id}")
def update_item(
    item_id: int,  # named in the path template   -> path parameter
    item: Item,  # a BaseModel                    -> JSON body
    dry_run: bool = False,  # any other plain type -> query parameter
) -> dict[str, Any]:
    return {"item_id": item_id, "dry_run": dry_run, "item": item.model_dump()}


# Body(embed=True): the body is {"user": {...}} instead of the bare model.
@app.post("/embedded/users", status_code=201)
def create_user_embedded(user: Annotated[UserCreate, Body(embed=True)]) -> dict[str, Any]:
    return {"user": user.model_dump(mode="json")}


# Two body parameters: each becomes a key of the body object, with no need for embed=True.
# Body() is what makes a plain `int` come from the body instead of the query string.
@app.post("/orders", status_code=201)
def place_order(item: Item, quantity: Annotated[int, Body(gt=0, le=1_000)]) -> dict[str, Any]:
    return {"item": item.model_dump(), "quantity": quantity, "total": item.price * quantity}


# Python's JSON parser accepts NaN and Infinity, although JSON has neither. When such a value
# fails validation, FastAPI's default 422 handler cannot write it back into the error body and
# the client gets a 500 instead. This handler sends the same 422 body, with those numbers
# spelled as strings ("nan", "inf", "-inf").
def json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    return value


@app.exception_handler(RequestValidationError)
async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    detail = json_safe(jsonable_encoder(exc.errors()))
    return JSONResponse(status_code=422, content={"detail": detail})
