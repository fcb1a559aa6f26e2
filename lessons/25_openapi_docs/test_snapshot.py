"""Lesson 25 claims: the schema is checked against a reviewed snapshot on every FastAPI version.

A change to any route, model, tag or example shows up as a diff naming the changed lines.
The two places where FastAPI itself changed its output are asserted on each side here, and
are the only differences the comparison forgives (see snapshot.py).
"""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, UploadFile
from fastapi.testclient import TestClient

from lessons.testkit import FASTAPI_VERSION

from .app import DocsMode, Settings, create_app
from .snapshot import (
    SNAPSHOT_DIALECT,
    SNAPSHOT_PATH,
    UPDATE_COMMAND,
    assert_matches_snapshot,
    in_dialect_of,
    write_snapshot,
)


def fresh_schema() -> dict[str, Any]:
    return create_app(Settings(docs_mode=DocsMode.PUBLIC)).openapi()


def reviewed() -> dict[str, Any]:
    snapshot: dict[str, Any] = json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))
    return snapshot


def binary_field(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of the `receipt` file field of the upload form."""
    form = schema["components"]["schemas"]["Body_attach_receipt_orders__order_id__receipt_post"]
    field: dict[str, Any] = form["properties"]["receipt"]
    return field


def test_schema_matches_the_reviewed_snapshot() -> None:
    """/openapi.json equals openapi.snapshot.json, read in the installed FastAPI's dialect."""
    served = TestClient(create_app(Settings(docs_mode=DocsMode.PUBLIC))).get("/openapi.json")
    assert_matches_snapshot(served.json())


def test_a_new_route_fails_the_snapshot_with_a_readable_diff(tmp_path: Path) -> None:
    """Adding a route fails the comparison; the message shows the added lines and the fix."""
    # A snapshot of the unchanged app, so this test holds whatever state the real one is in.
    snapshot = tmp_path / "openapi.snapshot.json"
    snapshot.write_text(json.dumps(fresh_schema()), encoding="utf-8")
    application = create_app(Settings(docs_mode=DocsMode.PUBLIC))

    @application.get("/gift-cards", tags=["orders"], summary="List gift cards, in €")
    def gift_cards() -> list[str]:
        return ["GC-1"]

    with pytest.raises(AssertionError) as failure:
        # update=False: even under UPDATE_SNAPSHOTS=1 this altered app must not be stored.
        assert_matches_snapshot(application.openapi(), snapshot, update=False)
    message = str(failure.value)
    assert UPDATE_COMMAND in message, "the failure says how to accept the change"
    added = [line for line in message.splitlines() if line.startswith("+ ")]
    assert '+    "/gift-cards": {' in added, message
    # Non-ASCII text reads as itself in the diff, not as \u escapes.
    assert '+        "summary": "List gift cards, in €",' in added, message
    removed = [line for line in message.splitlines() if line.startswith("- ")]
    assert removed == [], "adding a route removes nothing from the schema"


def reordered(node: Any) -> Any:
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(node, dict):
        return {key: reordered(node[key]) for key in reversed(node)}
    if isinstance(node, list):
        return [reordered(value) for value in node]
    return node


def test_key_order_alone_is_not_a_change() -> None:
    """The comparison sorts keys: the same schema with its keys in another order matches."""
    expected = in_dialect_of(reviewed(), FASTAPI_VERSION)
    shuffled = reordered(expected)
    assert list(shuffled) != list(expected), "the test needs a really different key order"
    assert_matches_snapshot(shuffled, update=False)


def test_regenerating_an_unchanged_schema_reproduces_the_file_byte_for_byte(
    tmp_path: Path,
) -> None:
    """The file is 2-space JSON, non-ASCII kept as itself: an unchanged schema gives no git diff."""
    committed = SNAPSHOT_PATH.read_text(encoding="utf-8")
    regenerated = tmp_path / "openapi.snapshot.json"
    write_snapshot(json.loads(committed), regenerated, version=SNAPSHOT_DIALECT)
    assert regenerated.read_text(encoding="utf-8") == committed
    assert committed.startswith('{\n  "openapi": '), "two spaces per level"
    write_snapshot({"info": {"title": "Café — Orders"}}, regenerated, version=SNAPSHOT_DIALECT)
    assert '"title": "Café — Orders"' in regenerated.read_text(encoding="utf-8")


def test_snapshot_file_is_in_fastapi_key_order_and_parses() -> None:
    """The committed snapshot starts like /openapi.json does: openapi, info, paths, ..."""
    snapshot = reviewed()
    assert list(snapshot)[:3] == ["openapi", "info", "paths"]
    assert snapshot["info"]["title"] == "Orders API"


@pytest.mark.fastapi(since="0.129.1")
def test_update_mode_rewrites_the_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With UPDATE_SNAPSHOTS=1 the check writes the current schema, and then passes."""
    target = tmp_path / "openapi.snapshot.json"
    target.write_text(json.dumps({"openapi": "3.1.0", "paths": {}}), encoding="utf-8")
    monkeypatch.setenv("UPDATE_SNAPSHOTS", "1")
    assert_matches_snapshot(fresh_schema(), target)
    assert json.loads(target.read_text(encoding="utf-8")) == fresh_schema()


def test_update_mode_refuses_older_fastapi(tmp_path: Path) -> None:
    """A FastAPI older than 0.129.1 may not write the snapshot: it would store an old dialect."""
    target = tmp_path / "openapi.snapshot.json"
    with pytest.raises(RuntimeError, match="newest FastAPI"):
        write_snapshot(fresh_schema(), target, version=(0, 129, 0))
    assert not target.exists()
    # The dialect's own release is new enough: the boundary is inclusive.
    write_snapshot({"openapi": "3.1.0"}, target, version=SNAPSHOT_DIALECT)
    assert json.loads(target.read_text(encoding="utf-8")) == {"openapi": "3.1.0"}


@pytest.mark.fastapi(since="0.128.1")
def test_validation_error_schema_has_input_and_ctx() -> None:
    """From 0.128.1 the ValidationError schema (inside every 422) lists `input` and `ctx`."""
    fields = fresh_schema()["components"]["schemas"]["ValidationError"]["properties"]
    assert {"input", "ctx"} <= set(fields)


@pytest.mark.fastapi(before="0.128.1")
def test_validation_error_schema_lacks_input_and_ctx() -> None:
    """Before 0.128.1 the ValidationError schema has only loc, msg and type."""
    fields = fresh_schema()["components"]["schemas"]["ValidationError"]["properties"]
    assert set(fields) == {"loc", "msg", "type"}


@pytest.mark.fastapi(since="0.129.1")
def test_binary_content_is_a_content_media_type() -> None:
    """From 0.129.1 an uploaded file is `contentMediaType: application/octet-stream`."""
    assert binary_field(fresh_schema()) == {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "title": "Receipt",
    }


@pytest.mark.fastapi(before="0.129.1")
def test_binary_content_is_format_binary() -> None:
    """Before 0.129.1 an uploaded file is `format: binary`."""
    assert binary_field(fresh_schema()) == {
        "type": "string",
        "format": "binary",
        "title": "Receipt",
    }


def without_known_differences(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy without the two parts FastAPI spells differently across versions."""
    stripped = copy.deepcopy(schema)
    fields = stripped["components"]["schemas"]["ValidationError"]["properties"]
    for name in ("input", "ctx"):
        fields.pop(name, None)
    for key in ("format", "contentMediaType"):
        binary_field(stripped).pop(key, None)
    return stripped


def test_dialect_rewrite_touches_only_the_known_differences() -> None:
    """Rewriting the snapshot for an older FastAPI changes the two known places, nothing else."""
    newest = reviewed()
    assert in_dialect_of(newest, SNAPSHOT_DIALECT) == newest, "newest dialect: no rewrite"
    for version, has_input_ctx in (((0, 115, 14), False), ((0, 128, 1), True)):
        older = in_dialect_of(newest, version)
        fields = older["components"]["schemas"]["ValidationError"]["properties"]
        assert ({"input", "ctx"} <= set(fields)) is has_input_ctx, version
        assert binary_field(older)["format"] == "binary", version
        assert without_known_differences(older) == without_known_differences(newest), version
    assert newest == reviewed(), "in_dialect_of must not modify its argument"


def test_dialect_rewrite_reaches_binary_content_inside_lists() -> None:
    """An optional upload is binary content inside an `anyOf` list; the rewrite finds it there."""
    application = FastAPI()

    @application.post("/scan")
    async def scan(receipt: UploadFile | None = None) -> None:
        """An upload that may be left out."""

    schema = application.openapi()
    older = in_dialect_of(schema, (0, 115, 14))
    receipt = older["components"]["schemas"]["Body_scan_scan_post"]["properties"]["receipt"]
    # Exactly what FastAPI 0.115.14 serves for this field.
    assert receipt["anyOf"] == [{"type": "string", "format": "binary"}, {"type": "null"}]
