"""Lesson 11 variant: one error envelope for HTTP errors too, the router's own included.

Serve it with:  uvicorn "lessons.11_error_handling.uniform:app" --reload

FastAPI's `HTTPException` is a subclass of Starlette's. The router raises *Starlette's*
class for an unknown path (404) or a wrong method (405), so a handler must be registered
for Starlette's class to see those as well as the ones your routes raise.
"""

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

app = FastAPI(title="Lesson 11: uniform HTTP errors")


@app.exception_handler(StarletteHTTPException)
async def http_error_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(
        status_code=exc.status_code,
        content={"error": {"code": f"http_{exc.status_code}", "message": exc.detail}},
        # Keep the exception's headers: 405 carries `Allow`, 401 `WWW-Authenticate`.
        headers=exc.headers,
    )


@app.get("/me")
def read_me() -> dict[str, str]:
    raise HTTPException(
        status_code=401,
        detail="Not authenticated",
        headers={"WWW-Authenticate": "Bearer"},
    )
