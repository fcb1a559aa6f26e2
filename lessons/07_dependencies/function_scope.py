"""Lesson 07: `Depends(scope="function")` (FastAPI >= 0.121).

Older FastAPI rejects the `scope` argument when this module is imported, so it lives
apart from app.py, which must import on every version of the matrix.

Serve it with:  uvicorn "lessons.07_dependencies.function_scope:app"
"""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI

from .app import EVENTS, RecordResponseSent, inner_resource

app = FastAPI(title="Lesson 07: function-scoped dependencies")
app.add_middleware(RecordResponseSent)


def short_lived_connection() -> Iterator[str]:
    EVENTS.append("function-scoped: setup")
    try:
        yield "short-lived connection"
    finally:
        EVENTS.append("function-scoped: teardown")


@app.get("/function-scope")
def function_scope(
    # scope="function": teardown runs as soon as the handler returns, before the response
    # is sent. The default, scope="request", tears down after the response has gone out.
    connection: Annotated[str, Depends(short_lived_connection, scope="function")],
    resource: Annotated[str, Depends(inner_resource)],
) -> dict[str, str]:
    EVENTS.append("handler")
    return {"connection": connection, "resource": resource}
