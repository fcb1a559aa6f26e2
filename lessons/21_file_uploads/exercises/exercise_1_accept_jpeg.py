"""Accept JPEG images, checked by their magic number

In lessons/21_file_uploads/app.py, let /files store `image/jpeg` uploads too. A JPEG file
starts with the three bytes FF D8 FF: a file declared as image/jpeg that does not start
with them must still be refused with 415, like a fake PNG.
"""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ..app import app, get_upload_dir

HINT = (
    "The allow-list near the top of app.py maps each content type to the bytes its files "
    "start with; the endpoint reads it, so one new entry is the whole change."
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 rest of a tiny photo"


@pytest.fixture
def upload_dir(tmp_path: Path) -> Iterator[Path]:
    """The app stores into a fresh directory for this test."""
    app.dependency_overrides[get_upload_dir] = lambda: tmp_path
    yield tmp_path
    app.dependency_overrides.pop(get_upload_dir, None)


def test_a_real_jpeg_is_stored_as_image_jpeg(upload_dir: Path) -> None:
    """A file declared image/jpeg that starts with FF D8 FF: 201, stored byte for byte."""
    client = TestClient(app)
    response = client.post("/files", files={"file": ("me.jpg", JPEG, "image/jpeg")})

    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["content_type"] == "image/jpeg"
    assert stored["size"] == len(JPEG)
    assert stored["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert (upload_dir / stored["stored_as"]).read_bytes() == JPEG


def test_a_fake_jpeg_is_refused_with_415(upload_dir: Path) -> None:
    """Text declared image/jpeg (or bytes close to FF D8 FF) is refused and not stored."""
    client = TestClient(app)
    for name, content in [("evil.jpg", b"<?php evil();"), ("near.jpg", b"\xff\xd8\xfe rest")]:
        response = client.post("/files", files={"file": (name, content, "image/jpeg")})
        assert response.status_code == 415, response.text
        assert response.json() == {"detail": f"{name!r} is not really image/jpeg"}
    assert list(upload_dir.iterdir()) == []
