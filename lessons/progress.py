"""Your progress on this machine: a tiny pytest plugin and the file it keeps.

Whenever a lesson's tests run (through `python -m lessons run` or plain `pytest`), the
plugin records the lesson as passing or failing in `.lessons-progress.json` at the
repository root (gitignored). Exercise tests record an exercise as solved or not.
`python -m lessons` reads the file to show what you have done.

Rules that keep the record honest and the suite fast:
- Only the process that sees every result writes: the plain pytest process, or the
  pytest-xdist controller (each test's report reaches it from the workers).
- A run filtered with -k, -m, --lf, --sw, --deselect or a `file::test` id, or one that was
  interrupted, can record a failure but never a pass: a lesson is "passing" only after a
  run of all its tests.
- The file is merged and replaced atomically, so a crash never leaves half a file.
- LESSONS_PROGRESS_FILE=/some/path records elsewhere; LESSONS_PROGRESS_FILE= (empty)
  records nothing. `python -m lessons check-exercises` switches the plugin off
  (`-p no:lessons.progress`): its runs happen in throwaway copies and say nothing about you.
- LESSONS_REPORT_FILE=/some/path also writes every test's outcome and failure message
  there; `python -m lessons run` uses it to explain failures.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `python -m lessons` reads progress without paying for importing pytest
    import pytest

PROGRESS_ENV = "LESSONS_PROGRESS_FILE"
REPORT_ENV = "LESSONS_REPORT_FILE"
DEFAULT_NAME = ".lessons-progress.json"

# nodeid -> {"outcome": ..., "message": ..., "path": ..., "lineno": ...}
_results: dict[str, dict[str, Any]] = {}


def progress_path(root: Path) -> Path | None:
    """Where progress is kept for the checkout at `root` (None: recording is off)."""
    configured = os.environ.get(PROGRESS_ENV)
    if configured is None:
        return root / DEFAULT_NAME
    return Path(configured) if configured else None


def load_progress(path: Path | None) -> dict[str, Any]:
    """The recorded progress, or an empty record when there is none (or it is unreadable)."""
    empty: dict[str, Any] = {"lessons": {}, "exercises": {}}
    if path is None or not path.is_file():
        return empty
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty
    if not isinstance(data, dict):
        return empty
    return {key: dict(data.get(key) or {}) for key in empty}


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=1, sort_keys=True)
            file.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def classify(nodeid: str) -> tuple[str, str] | None:
    """("lesson", "07_dependencies") or ("exercise", "07_dependencies/exercise_1_x") or None.

    Node ids are relative to the repository root with "/" separators on every platform.
    """
    parts = nodeid.split("::", 1)[0].split("/")
    if len(parts) < 3 or parts[0] != "lessons" or not parts[1][:2].isdigit():
        return None  # the contract test, the CLI's tests, ...
    if len(parts) == 4 and parts[2] == "exercises" and parts[3].startswith("exercise_"):
        return "exercise", f"{parts[1]}/{parts[3].removesuffix('.py')}"
    return "lesson", parts[1]


def _record(nodeid: str, outcome: str, report: pytest.TestReport | pytest.CollectReport) -> None:
    entry = _results.setdefault(nodeid, {"outcome": outcome})
    if entry.get("message") is not None:
        return  # the first failure of a test (setup, call or teardown) is the one to explain
    entry["outcome"] = outcome
    if outcome == "failed":
        crash = getattr(report.longrepr, "reprcrash", None)
        entry["message"] = crash.message if crash is not None else str(report.longrepr)
        if crash is not None:
            entry["path"], entry["lineno"] = str(crash.path), crash.lineno


def pytest_sessionstart(session: pytest.Session) -> None:
    _results.clear()  # one record per session, even when pytest runs twice in a process


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed:
        _record(report.nodeid, "failed", report)
    elif report.when == "call" or report.skipped:
        _record(report.nodeid, "skipped" if report.skipped else "passed", report)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:  # an import error in a test file: every test in it is lost
        _record(report.nodeid, "failed", report)


def _filtered(config: pytest.Config, exitstatus: int) -> bool:
    option = config.option
    return bool(
        exitstatus == 2  # pytest.ExitCode.INTERRUPTED: Ctrl+C, or errors during collection
        or getattr(option, "keyword", "")
        or getattr(option, "markexpr", "")
        or getattr(option, "lf", False)
        or getattr(option, "stepwise", False)
        or getattr(option, "deselect", None)
        or any("::" in str(arg) for arg in config.args)
    )


def summarise(results: dict[str, dict[str, Any]], *, filtered: bool) -> dict[str, Any]:
    """Fold per-test outcomes into per-lesson and per-exercise records."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for nodeid, entry in results.items():
        owner = classify(nodeid)
        if owner is not None:
            tally = counts.setdefault(owner, {"passed": 0, "failed": 0, "skipped": 0})
            tally[entry["outcome"]] += 1
    when = datetime.now(UTC).isoformat(timespec="seconds")
    update: dict[str, Any] = {"lessons": {}, "exercises": {}}
    for (kind, key), tally in counts.items():
        if tally["failed"]:
            state = "failing" if kind == "lesson" else "unsolved"
        elif filtered or not tally["passed"]:
            continue  # a partial (or all-skipped) run proves nothing either way
        else:
            state = "passing" if kind == "lesson" else "solved"
        update[f"{kind}s"][key] = {"state": state, **tally, "at": when}
    return update


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller has every result and writes once
    report_file = os.environ.get(REPORT_ENV)
    if report_file:
        write_json_atomically(Path(report_file), {"tests": _results})
    target = progress_path(config.rootpath)
    update = summarise(_results, filtered=_filtered(config, int(exitstatus)))
    if target is None or not (update["lessons"] or update["exercises"]):
        return
    progress = load_progress(target)
    for key in ("lessons", "exercises"):
        progress[key].update(update[key])
    write_json_atomically(target, progress)
