"""Three ways to answer 204 No Content, side by side (the tests serve them with Uvicorn).

Only the first is right. The lesson's app uses it for DELETE /books/{isbn}.
"""

from fastapi import FastAPI, Response, status
from fastapi.responses import JSONResponse

app = FastAPI(title="Lesson 26: three ways to say 204")


# Right: no body, and no headers describing one.
@app.delete("/right", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def right() -> None:
    return None


# FastAPI's default response class is JSONResponse: the body is dropped for a 204, but
# "content-type: application/json" stays, describing content that does not exist.
@app.delete("/default", status_code=status.HTTP_204_NO_CONTENT)
def default() -> None:
    return None


# Wrong: JSONResponse(None) renders the body `null` (4 bytes). A 204 may not have a body,
# so Uvicorn's HTTP layer refuses to send it and logs an exception for every request.
@app.delete("/json-null")
def json_null() -> JSONResponse:
    return JSONResponse(None, status_code=status.HTTP_204_NO_CONTENT)
