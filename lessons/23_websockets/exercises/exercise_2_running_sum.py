"""Keep a running total

In lessons/23_websockets/app.py, add a WebSocket route `/ws/sum` (no authentication). After
accepting, each text frame holding a whole number (like "5" or "-2") is added to a total
that starts at 0, and the server answers `{"total": <total so far>}`. The frame "end" makes
the server close normally (1000). Any other text closes the connection with 1007 "invalid
frame payload data", reason "not an integer".
"""

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from ..app import app

HINT = (
    "Loop on receive_text(). int() raises ValueError for text that is not a whole number; "
    "fastapi.status has a WS_1007_... constant, and close() takes code= and reason=."
)

client = TestClient(app)


def closed_with(ws: WebSocketTestSession) -> tuple[int, str]:
    """Receive until the server closes; return its close code and reason."""
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    return closed.value.code, closed.value.reason


def test_each_number_is_added_to_the_running_total() -> None:
    """5, -2, 10 give totals 5, 3, 13, each answered as a JSON frame."""
    with client.websocket_connect("/ws/sum") as ws:
        totals = []
        for number in ("5", "-2", "10"):
            ws.send_text(number)
            totals.append(ws.receive_json())
        assert totals == [{"total": 5}, {"total": 3}, {"total": 13}]


def test_end_closes_the_connection_normally() -> None:
    """After "end" the server closes with 1000."""
    with client.websocket_connect("/ws/sum") as ws:
        ws.send_text("1")
        assert ws.receive_json() == {"total": 1}
        ws.send_text("end")
        assert closed_with(ws)[0] == 1000


def test_each_connection_has_its_own_total() -> None:
    """A new connection starts again from 0."""
    for _ in range(2):
        with client.websocket_connect("/ws/sum") as ws:
            ws.send_text("7")
            assert ws.receive_json() == {"total": 7}


@pytest.mark.parametrize("text", ["seven", "1.5", ""])
def test_text_that_is_not_a_whole_number_is_closed_with_1007(text: str) -> None:
    """Not a whole number: closed with 1007 and the reason "not an integer", no crash."""
    with client.websocket_connect("/ws/sum") as ws:
        ws.send_text(text)
        assert closed_with(ws) == (1007, "not an integer")
