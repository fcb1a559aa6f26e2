"""Compare the app's OpenAPI schema with a reviewed snapshot, across FastAPI versions.

The snapshot (openapi.snapshot.json, next to this file) is what the newest FastAPI
generates. Older FastAPI versions describe two things differently; rather than keep one
snapshot per version, `in_dialect_of` rewrites the snapshot into the older spelling before
comparing. The live schema is never touched: on every version the test compares exactly
what that version serves. Any other difference is a real change and fails with a diff.

Regenerate (newest FastAPI only, then review `git diff`):
    UPDATE_SNAPSHOTS=1 pytest lessons/25_openapi_docs
"""

import copy
import difflib
import json
import os
from pathlib import Path
from typing import Any

from lessons.testkit import FASTAPI_VERSION, parse_version

SNAPSHOT_PATH = Path(__file__).with_name("openapi.snapshot.json")
UPDATE_COMMAND = "UPDATE_SNAPSHOTS=1 pytest lessons/25_openapi_docs"

# The FastAPI releases that changed the generated schema (measured on the version matrix).
# 0.128.1: the ValidationError schema (inside every 422) gained the `input` and `ctx` fields.
VALIDATION_ERROR_GAINED_INPUT_CTX = parse_version("0.128.1")
# 0.129.1: binary content (bytes, UploadFile) is `contentMediaType: application/octet-stream`
# instead of `format: binary`.
BINARY_BECAME_CONTENT_MEDIA_TYPE = parse_version("0.129.1")
# The snapshot is stored in the newest dialect, so only a FastAPI at least this new may write it.
SNAPSHOT_DIALECT = BINARY_BECAME_CONTENT_MEDIA_TYPE


def update_requested() -> bool:
    return os.environ.get("UPDATE_SNAPSHOTS") == "1"


def in_dialect_of(snapshot: dict[str, Any], version: tuple[int, ...]) -> dict[str, Any]:
    """The snapshot as FastAPI `version` would spell it (a copy; the argument is unchanged)."""
    schema = copy.deepcopy(snapshot)
    if version < VALIDATION_ERROR_GAINED_INPUT_CTX:
        fields = schema.get("components", {}).get("schemas", {}).get("ValidationError", {})
        for name in ("input", "ctx"):
            fields.get("properties", {}).pop(name, None)
    if version < BINARY_BECAME_CONTENT_MEDIA_TYPE:
        _binary_as_format(schema)
    return schema


def _binary_as_format(node: Any) -> None:
    """Rewrite every `contentMediaType: application/octet-stream` as `format: binary`."""
    if isinstance(node, dict):
        if node.get("contentMediaType") == "application/octet-stream":
            # Rebuild in place, putting "format" where "contentMediaType" stood.
            items = [
                ("format", "binary") if key == "contentMediaType" else (key, value)
                for key, value in node.items()
            ]
            node.clear()
            node.update(items)
        for value in node.values():
            _binary_as_format(value)
    elif isinstance(node, list):
        for value in node:
            _binary_as_format(value)


def as_text(schema: dict[str, Any]) -> str:
    """Stable text for diffing: sorted keys, so only real changes show up as lines."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_diff(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    """A unified diff from the expected schema to the actual one ("" when they are equal)."""
    return "".join(
        difflib.unified_diff(
            as_text(expected).splitlines(keepends=True),
            as_text(actual).splitlines(keepends=True),
            fromfile="reviewed snapshot",
            tofile="schema the app serves now",
        )
    )


def write_snapshot(
    schema: dict[str, Any],
    path: Path,
    *,
    version: tuple[int, ...] = FASTAPI_VERSION,
) -> None:
    """Store `schema` as the new reviewed snapshot (FastAPI `version`, newest only)."""
    if version < SNAPSHOT_DIALECT:
        raise RuntimeError(
            "The snapshot is stored as FastAPI >= 0.129.1 generates it; regenerate it with "
            "the newest FastAPI (the project's .venv), not an older matrix version."
        )
    # FastAPI's own key order, so the file reads like /openapi.json.
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def assert_matches_snapshot(
    live: dict[str, Any], path: Path = SNAPSHOT_PATH, *, update: bool | None = None
) -> None:
    """Fail with a readable diff when the live schema differs from the reviewed snapshot.

    `update` defaults to the UPDATE_SNAPSHOTS environment variable.
    """
    if update_requested() if update is None else update:
        write_snapshot(live, path)
    reviewed = json.loads(path.read_text(encoding="utf-8"))
    diff = schema_diff(in_dialect_of(reviewed, FASTAPI_VERSION), live)
    if diff:
        raise AssertionError(
            "The OpenAPI schema changed (- snapshot, + now). If the change is intended, "
            f"review it and run:\n    {UPDATE_COMMAND}\n\n{diff}"
        )
