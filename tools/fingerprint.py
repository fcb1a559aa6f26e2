"""What a lesson's test results depend on, as one hash: the key for incremental checks.

Slow checks (the flake hunt, mutation testing) record the fingerprint of every lesson they
proved; a later run repeats the work only for lessons whose fingerprint changed.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

from lessons.testkit import REPO_ROOT

# Files every lesson's tests depend on: a change to one of them invalidates every lesson.
SHARED = [
    "conftest.py",
    "pytest.ini",
    "lessons/__init__.py",
    "lessons/testkit.py",
]


def lessons() -> list[str]:
    """Every lesson folder name, in catalog order."""
    return sorted(p.name for p in (REPO_ROOT / "lessons").glob("[0-9][0-9]_*") if p.is_dir())


def _project_table() -> bytes:
    """pyproject.toml's [project] table: the dependencies (and their pins) the tests run on.

    Only that table: the [tool.*] tables configure linters and coverage, which no lesson's
    results depend on, so editing them must not throw away every recorded result.
    """
    with (REPO_ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    return json.dumps(project, sort_keys=True).encode()


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256(_project_table())
    for path in sorted(paths):
        h.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def fingerprint(lesson: str, extra: list[Path] | None = None) -> str:
    """The lesson's files (not its exercises, which its own run never loads), the shared
    files, and any `extra` files the check itself depends on."""
    folder = REPO_ROOT / "lessons" / lesson
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not {"__pycache__", ".hypothesis", "exercises"} & set(p.relative_to(folder).parts)
        and p.suffix != ".pyc"
    ]
    return _digest(files + [REPO_ROOT / name for name in SHARED] + (extra or []))


#: The unit holding the tests at the top of lessons/ (the CLI's, the lesson contract's,
#: testkit's), for the checks that treat them like one more lesson.
PROJECT_CHECKS = "(project checks)"


def toplevel_fingerprint(extra: list[Path] | None = None) -> str:
    """The project checks' own code: the files at the top of lessons/ (the CLI, testkit and
    their tests, the lesson contract test) and lesson 01, which the CLI's tests run, plus
    the shared files and `extra`. Not the other lessons, which those tests only read."""
    folder = REPO_ROOT / "lessons"
    files = [*folder.glob("*.py"), *(folder / "01_first_app").rglob("*.py")]
    files = [p for p in files if "__pycache__" not in p.parts]
    return _digest(sorted(set(files + [REPO_ROOT / name for name in SHARED] + (extra or []))))


def unit_paths(units: list[str]) -> list[str]:
    """What to give pytest for these units: lesson folders, and for the project checks the
    test files at the top of lessons/."""
    paths = [f"lessons/{unit}" for unit in units if unit != PROJECT_CHECKS]
    if PROJECT_CHECKS in units:
        top = (REPO_ROOT / "lessons").glob("test_*.py")
        paths += sorted(path.relative_to(REPO_ROOT).as_posix() for path in top)
    return paths


def load_record(path: Path) -> dict[str, str]:
    return dict(json.loads(path.read_text())) if path.exists() else {}


def save_record(path: Path, record: dict[str, str]) -> None:
    path.write_text(json.dumps(dict(sorted(record.items())), indent=1) + "\n")
