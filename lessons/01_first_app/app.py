"""Lesson 01: the smallest useful FastAPI app.

Serve it with:  uvicorn "lessons.01_first_app.app:app" --reload
"""

from fastapi import FastAPI

# `app` is an ASGI application: a callable that an ASGI server such as Uvicorn invokes
# once per connection event with (scope, receive, send).
app = FastAPI(title="Lesson 01: first app")


# A *path operation* = a path ("/health") + an HTTP method (GET) + the function below.
@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
