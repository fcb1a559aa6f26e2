"""Cap the number of files in a batch

In lessons/21_file_uploads/app.py, give /files/batch a limit of its own: a module constant
`MAX_BATCH_FILES = 10`. A batch of up to 10 files is stored as before; a batch of 11 or
more is refused with 413 `{"detail": "At most 10 files per batch"}` (the number taken from
the constant), before any file is checked or written.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .. import app as lesson
from ..app import app, get_upload_dir

HINT = (
    "Starlette's own cap (1000 files) is far too generous for one endpoint. Compare "
    "len(files) with the constant at the top of the handler and raise an HTTPException; "
    "413 is already documented for this operation."
)


@pytest.fixture
def upload_dir(tmp_path: Path) -> Iterator[Path]:
    """The app stores into a fresh directory for this test."""
    app.dependency_overrides[get_upload_dir] = lambda: tmp_path
    yield tmp_path
    app.dependency_overrides.pop(get_upload_dir, None)


def batch(count: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (f"{n}.txt", f"file {n}".encode(), "text/plain")) for n in range(count)]


def test_a_batch_at_the_limit_is_stored(upload_dir: Path) -> None:
    """Exactly MAX_BATCH_FILES (10) files: 201 and ten stored files."""
    assert getattr(lesson, "MAX_BATCH_FILES", None) == 10, "define MAX_BATCH_FILES = 10"
    response = TestClient(app).post("/files/batch", files=batch(10))

    assert response.status_code == 201, response.text
    assert [item["filename"] for item in response.json()] == [f"{n}.txt" for n in range(10)]
    assert len(list(upload_dir.iterdir())) == 10


def test_one_file_over_the_limit_is_413_and_stores_nothing(upload_dir: Path) -> None:
    """Eleven files: 413 with the limit in the message, and nothing written."""
    response = TestClient(app).post("/files/batch", files=batch(11))

    assert response.status_code == 413, response.text
    assert response.json() == {"detail": "At most 10 files per batch"}
    assert list(upload_dir.iterdir()) == []


def test_the_limit_follows_the_constant(upload_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lower MAX_BATCH_FILES to 2 and three files are refused, naming the new limit."""
    monkeypatch.setattr(lesson, "MAX_BATCH_FILES", 2, raising=False)
    response = TestClient(app).post("/files/batch", files=batch(3))

    assert response.status_code == 413, response.text
    assert response.json() == {"detail": "At most 2 files per batch"}
