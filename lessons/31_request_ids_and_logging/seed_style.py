"""The seed's request-ID middleware, rebuilt for comparison. Do not copy it: see the tests.

It takes whatever X-Request-ID arrives and echoes it, and it lives in an
@app.middleware("http") function, inside the ServerErrorMiddleware that answers crashes.
"""

from collections.abc import Awaitable, Callable
from uuid import uuid4

from fastapi import FastAPI, Request, Response

app = FastAPI(title="Lesson 31: the seed's request-ID middleware")


@app.middleware("http")
async def echo_request_id(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    # The flaw: any value (CR/LF, 10 kB, empty) is accepted; uuid4 only when it is absent.
    request_id = request.headers.get("x-request-id", str(uuid4()))
    response = await call_next(request)
    response.headers["x-request-id"] = request_id
    return response


@app.get("/hello")
def hello() -> dict[str, str]:
    return {"message": "hello"}


@app.get("/boom")
def boom() -> None:
    raise RuntimeError("something broke")
