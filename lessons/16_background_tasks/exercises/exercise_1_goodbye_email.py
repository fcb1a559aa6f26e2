"""Send the goodbye email after the response

In lessons/16_background_tasks/app.py, add `POST /unsubscribe`. It takes the same body as
/signup (`{"email": ...}`), answers 202 with `{"email": <email>, "status": "unsubscribed"}`,
and queues a task `send_goodbye_email(email)` that appends
`"task: goodbye email to <email>"` to `events`. The email must go out AFTER the response.
"""

from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import app as lesson
from ..app import app

HINT = (
    "Copy the shape of /signup: declare a `BackgroundTasks` parameter and hand the function "
    "and its argument to `add_task`. Calling the function yourself would make the client wait."
)

client = TestClient(app)


def mark_response_sent(inner: ASGIApp) -> ASGIApp:
    """Wrap the app so `events` also says when the last byte of the response went out."""

    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_and_mark(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                lesson.events.append("server: response sent")

        await inner(scope, receive, send_and_mark)

    return wrapper


def test_unsubscribe_answers_202_and_emails_after_the_response() -> None:
    """POST /unsubscribe: 202 with the exact body, then the goodbye email task runs once."""
    lesson.events.clear()
    with TestClient(mark_response_sent(app)) as wrapped:
        response = wrapped.post("/unsubscribe", json={"email": "ada@example.com"})

    assert response.status_code == 202, response.text
    assert response.json() == {"email": "ada@example.com", "status": "unsubscribed"}
    assert lesson.events == [
        "server: response sent",
        "task: goodbye email to ada@example.com",
    ], "the email task must be queued, so it runs after the response has been sent"


def test_unsubscribe_refuses_a_bad_email_and_sends_nothing() -> None:
    """An invalid email is a 422 and no task runs: validation happens before the handler."""
    lesson.events.clear()
    response = client.post("/unsubscribe", json={"email": "not-an-email"})

    assert response.status_code == 422, response.text
    assert lesson.events == []
