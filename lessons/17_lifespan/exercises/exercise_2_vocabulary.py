"""Serve the model's vocabulary from the lifespan state

In lessons/17_lifespan/app.py, add `GET /vocabulary` answering
`{"words": [...]}`: the words the sentiment model knows, sorted alphabetically. Read the
model from `request.state`, where the lifespan put it: the model must be loaded once per
application start, never once per request.
"""

import pytest
from fastapi.testclient import TestClient

from .. import app as lesson
from ..app import app

HINT = (
    "/sentiment already reads `request.state.model`: that dict was yielded by the lifespan. "
    "Do not call load_model() in the handler, the test counts the calls."
)


def test_vocabulary_lists_the_known_words_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """GET /vocabulary: 200 and the model's words, sorted; loaded once for three requests."""
    calls: list[str] = []
    real_load_model = lesson.load_model

    def counting_load_model() -> dict[str, float]:
        calls.append("load")
        return real_load_model()

    monkeypatch.setattr(lesson, "load_model", counting_load_model)
    with TestClient(app) as client:
        responses = [client.get("/vocabulary") for _ in range(3)]

    for response in responses:
        assert response.status_code == 200, response.text
        assert response.json() == {"words": ["awful", "bad", "good", "great"]}
    assert calls == ["load"], "the model is loaded by the lifespan, once, not per request"


def test_vocabulary_follows_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The words come from the loaded model, not from a list written into the handler."""
    monkeypatch.setattr(lesson, "load_model", lambda: {"zesty": 1.0, "bland": -1.0})
    with TestClient(app) as client:
        assert client.get("/vocabulary").json() == {"words": ["bland", "zesty"]}
