"""Lesson 21 claims: whatever the client calls a file, it is stored inside the upload directory."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from lessons.testkit import fastapi_at_least

from . import app as lesson
from .app import MAX_NAME_LENGTH, safe_filename
from .support import MULTIPART, fresh_upload_dir, multipart_body

# Pieces an attacker strings together: traversal in both separator styles, absolute paths,
# a drive letter, NUL, dot files, Unicode look-alikes of "." and "/" (fullwidth, one-dot
# leader, division slash), a right-to-left override, URL-encoded traversal, line breaks.
HOSTILE_PIECES = st.sampled_from(
    [
        "..",
        "../",
        "..\\",
        "/",
        "\\",
        "/etc/passwd",
        "C:\\Windows\\",
        "\x00",
        ".",
        ".htaccess",
        "\uff0e\uff0e\uff0f",
        "\u2024",
        "\u2215",
        "\u202e",
        "%2e%2e%2f",
        "~",
        "\r\n",
        " ",
    ]
)
# st.characters(codec="utf-8") leaves out lone surrogates, which no client can encode.
HOSTILE_NAMES = st.one_of(
    st.lists(
        st.one_of(HOSTILE_PIECES, st.text(st.characters(codec="utf-8"), max_size=8)), max_size=8
    ).map("".join),
    st.text(st.characters(codec="utf-8"), min_size=200, max_size=600),  # very long names
)
SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


@given(name=HOSTILE_NAMES)
def test_safe_filename_is_a_plain_visible_bounded_basename(name: str) -> None:
    """For any name: ASCII letters, digits, '._-' only, no leading dot, at most 100 chars."""
    safe = safe_filename(name)
    assert SAFE_NAME.fullmatch(safe), f"{name!r} became {safe!r}"
    assert len(safe) <= MAX_NAME_LENGTH
    assert safe not in (".", "..")


@pytest.mark.parametrize(
    ("client_name", "stored_name"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("C:\\Windows\\win.ini", "win.ini"),
        ("..", "upload"),
        (".htaccess", "htaccess"),
        ("evil\x00.txt", "evil_.txt"),
        ("\uff0e\uff0e\uff0fsecret", "___secret"),
        ("r\u00e9sum\u00e9 2024.pdf", "r_sum__2024.pdf"),
        ("", "upload"),
        (None, "upload"),
        pytest.param("n" * 100, "n" * 100, id="100-characters-kept"),
        pytest.param("n" * 101, "n" * 100, id="101-characters-cut-to-100"),
    ],
)
def test_hostile_names_are_reduced_to_a_safe_basename(
    client_name: str | None, stored_name: str
) -> None:
    """Worked examples: directories dropped, unsafe characters replaced, dot files un-hidden."""
    assert safe_filename(client_name) == stored_name


def filename_the_server_sees(name: str) -> str | None:
    """What arrives as UploadFile.filename when httpx sends `name` (None: no file at all)."""
    if name == "":
        return None  # httpx leaves out an empty filename: the part becomes a text field
    if name[1:3] == ":\\" or name[:2] == "\\\\":
        # python-multipart keeps only the last part of a Windows path (old browsers sent them).
        return name.split("\\")[-1]
    return name


@given(name=HOSTILE_NAMES, content=st.binary(max_size=64))
def test_a_stored_upload_stays_inside_the_upload_dir_whatever_its_name(
    client: TestClient, name: str, content: bytes
) -> None:
    """Any file name a client sends: the file lands directly in the upload dir, nowhere else."""
    with fresh_upload_dir() as directory:
        response = client.post("/files", files={"file": (name, content, "text/plain")})
        seen = filename_the_server_sees(name)
        if seen is None or (seen == "" and content == b"" and fastapi_at_least("0.150")):
            # No file, or what FastAPI >= 0.150 treats as an empty file input: missing.
            assert response.status_code == 422, response.text
            return
        assert response.status_code == 201, response.text
        stored = response.json()
        target = (directory / stored["stored_as"]).resolve()
        assert target.parent == directory.resolve(), f"{name!r} escaped to {target}"
        assert [entry.name for entry in directory.parent.iterdir()] == ["uploads"]
        assert [entry.name for entry in directory.iterdir()] == [stored["stored_as"]]
        assert target.read_bytes() == content


@given(raw_name=st.binary(max_size=80))
def test_raw_filename_bytes_are_stored_safely_or_refused_with_a_4xx(
    client: TestClient, raw_name: bytes
) -> None:
    """Raw bytes in filename="..." (quotes, CR LF, invalid UTF-8): 201 inside the dir, or a 4xx."""
    with fresh_upload_dir() as directory:
        response = client.post(
            "/files",
            content=multipart_body(b"content", filename=raw_name),
            headers={"content-type": MULTIPART},
        )
        assert response.status_code == 201 or 400 <= response.status_code < 500, response.text
        if response.status_code == 201:
            stored_as = response.json()["stored_as"]
            assert (directory / stored_as).resolve().parent == directory.resolve()
            assert [entry.name for entry in directory.iterdir()] == [stored_as]


def test_the_same_name_twice_never_overwrites(client: TestClient, upload_dir: Path) -> None:
    """Two uploads called report.txt are two files: the server picks a unique name each time."""
    first = client.post("/files", files={"file": ("report.txt", b"first", "text/plain")}).json()
    second = client.post("/files", files={"file": ("report.txt", b"second", "text/plain")}).json()
    assert first["stored_as"] != second["stored_as"]
    assert first["stored_as"].endswith("_report.txt")
    assert (upload_dir / first["stored_as"]).read_bytes() == b"first"
    assert (upload_dir / second["stored_as"]).read_bytes() == b"second"


def test_a_target_outside_the_upload_dir_is_refused_even_if_sanitising_failed(
    client: TestClient, upload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: were safe_filename broken, the path check still answers 400."""
    monkeypatch.setattr(lesson, "safe_filename", lambda name: "/../../escaped.txt")
    response = client.post("/files", files={"file": ("x.txt", b"data", "text/plain")})

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid file name"}
    assert list(upload_dir.parent.iterdir()) == [upload_dir], "nothing was written next to it"
    assert list(upload_dir.iterdir()) == []
