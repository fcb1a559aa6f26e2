"""Lesson 03: query parameters — defaults, optional and required values, conversion, models.

Serve it with:  uvicorn "lessons.03_query_parameters.app:app" --reload
"""

from typing import Annotated, Literal

from fastapi import FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI(title="Lesson 03: query parameters")


# None of these names appears in the path, so FastAPI reads all three from the query string
# (?page=2&limit=50&search=lamp). A default makes a parameter optional; `str | None = None`
# is the usual way to say "may be absent". The bounds are Query() metadata: lesson 06 is
# about constraints, here they give the tests a valid range to explore.
@app.get("/products")
def list_products(
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    search: str | None = None,
) -> dict[str, int | str | None]:
    return {"page": page, "limit": limit, "search": search}


# No default means required: a request without ?q= gets a 422 of type "missing".
@app.get("/search")
def search(q: str) -> dict[str, str]:
    return {"q": q}


# Pydantic turns the query string's text into a bool; only a fixed set of spellings
# counts (the tests list them), anything else is a 422.
@app.get("/inventory")
def inventory(in_stock: bool = False) -> dict[str, bool]:
    return {"in_stock": in_stock}


# A list needs Query() spelled out (see /tags/from-body below for why). Repeating the
# name collects every value in order: ?tag=a&tag=b → ["a", "b"]. Each item is converted
# on its own, so a bad year is reported with its index.
@app.get("/articles")
def list_articles(
    tag: Annotated[list[str], Query(default_factory=list)],
    year: Annotated[list[int], Query(default_factory=list)],
) -> dict[str, list[str] | list[int]]:
    return {"tag": tag, "year": year}


# The trap: without Query(), a list parameter is NOT a query parameter. FastAPI reads
# collections (and Pydantic models) from the JSON body, so ?tag=a is ignored here and a
# request without a body fails with a 422 "missing" located at ["body"].
@app.post("/tags/from-body")
def tags_from_body(tag: list[str]) -> dict[str, list[str]]:
    return {"tag": tag}


# A query parameter model (FastAPI >= 0.115) groups related parameters in one class.
# extra="forbid" turns a typo such as ?stauts=open into a 422 instead of a silently
# ignored parameter (plain parameters, as in /products, ignore unknown names).
class IssueFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "closed"] = "open"
    assignee: str | None = None
    label: list[str] = Field(default_factory=list)


@app.get("/issues")
def list_issues(filters: Annotated[IssueFilters, Query()]) -> IssueFilters:
    return filters
