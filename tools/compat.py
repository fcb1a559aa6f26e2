"""Run the suite on one FastAPI version of the matrix, again only where something changed.

    python -m tools.compat LABEL --results FILE [--update] [--all]

Run inside `nox -s compat`'s environment for that version: the FastAPI installed there is
the one under test. LABEL names the matrix entry ("0.118.3", or "latest").

`.ci/compat/LABEL.json` records, for that entry, the versions of the taught libraries
(FastAPI, Starlette, Pydantic, pydantic-core, HTTPX) and Python, each lesson's fingerprint
(tools/fingerprint.py) and every test's result. A lesson runs again only when its
fingerprint is not the recorded one; every lesson runs again when the libraries differ
(for "latest": a new FastAPI release). The other results come from the record. The tests
at the top of lessons/ (the CLI's, testkit's, the lesson contract) are not part of the
matrix: they check the project's tooling, not FastAPI's behaviour, and the README's test
command runs them. FILE receives the results of every lesson test, for
tools/compat_report.py; --update also writes the record (commit it with COMPATIBILITY.md).
A failing test fails the command, and its lesson is left out of the record.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from lessons.exercises import TAUGHT_LIBRARIES
from lessons.testkit import REPO_ROOT
from tools.compat_report import lesson_of
from tools.fingerprint import fingerprint, lessons

RECORDS = REPO_ROOT / ".ci" / "compat"
# The results depend on how they are collected, too.
COLLECTOR = [REPO_ROOT / "tools" / "results_plugin.py"]


def libraries() -> dict[str, str]:
    """The installed versions of what the matrix varies, and the Python minor version."""
    found = {name: metadata.version(name) for name in TAUGHT_LIBRARIES}
    return {"python": f"{sys.version_info.major}.{sys.version_info.minor}", **found}


def fingerprints() -> dict[str, str]:
    """Each lesson's fingerprint."""
    return {lesson: fingerprint(lesson, COLLECTOR) for lesson in lessons()}


def run(targets: list[str]) -> tuple[int, dict[str, Any]]:
    """pytest over the lessons (two workers, quick Hypothesis profile); exit code, results.

    The quick profile: the matrix proves behaviour per version, while the README's test
    command (thorough profile on CI) proves the input edges in depth.
    """
    with tempfile.TemporaryDirectory(prefix="lessons-compat-") as temporary:
        results = Path(temporary) / "results.json"
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
        command += ["-p", "tools.results_plugin", "-n", "2"]
        command += [f"lessons/{lesson}" for lesson in targets]
        environment = {**os.environ, "HYPOTHESIS_PROFILE": "dev", "LESSONS_RESULTS": str(results)}
        code = subprocess.run(command, cwd=REPO_ROOT, env=environment).returncode
        return code, json.loads(results.read_text()) if results.exists() else {}


def slim(test: dict[str, Any]) -> dict[str, Any]:
    """A test's entry as the report needs it: the claim only where a version guard is."""
    if "since" in test or "before" in test:
        return test
    return {key: value for key, value in test.items() if key != "claim"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("label", help='the matrix entry: a FastAPI version, or "latest"')
    parser.add_argument("--results", type=Path, required=True, help="where to write results")
    parser.add_argument("--update", action="store_true", help="also write the record")
    parser.add_argument("--all", action="store_true", help="run every lesson, ignore the record")
    args = parser.parse_args(argv)

    args.results.unlink(missing_ok=True)  # never report a stale run
    path = RECORDS / f"{args.label}.json"
    record: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    installed, prints = libraries(), fingerprints()
    if args.all or record.get("libraries") != installed:
        targets = list(prints)
        why = "every lesson: " + ("--all" if args.all else f"libraries are {installed}")
    else:
        recorded = record.get("fingerprints", {})
        targets = [name for name, value in prints.items() if recorded.get(name) != value]
        why = f"{len(targets)} changed lesson(s) of {len(prints)}"
    print(f"compat {args.label}: {why}", flush=True)

    tests = {
        nodeid: test
        for nodeid, test in record.get("tests", {}).items()
        if lesson_of(nodeid) in prints and lesson_of(nodeid) not in targets
    }
    versions = {key: record.get(key) for key in ("fastapi", "starlette", "pydantic")}
    code, unproven = 0, set()
    if targets:
        started = time.monotonic()
        code, fresh = run(targets)
        print(f"compat {args.label}: ran {' '.join(targets)} in {time.monotonic() - started:.0f} s")
        results = fresh.get("tests", {})
        # A lesson with a failing test (or none reported: it did not even collect) is not
        # recorded, so the next run repeats it; the lessons that passed are kept.
        reported = {lesson_of(nodeid) for nodeid in results}
        failed = {lesson_of(n) for n, test in results.items() if test["outcome"] == "failed"}
        unproven = failed | (set(targets) - reported)
        tests.update({nodeid: slim(test) for nodeid, test in results.items()})
        versions = {key: fresh.get(key) for key in ("fastapi", "starlette", "pydantic")}

    document = {
        **versions,
        "libraries": installed,
        "fingerprints": {name: value for name, value in prints.items() if name not in unproven},
        "tests": dict(sorted(tests.items())),
    }
    text = json.dumps(document, indent=1) + "\n"
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text)
    if args.update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"compat {args.label}: recorded in {path.relative_to(REPO_ROOT)}")
    if code != 0:
        print(f"compat {args.label}: pytest exited {code}; not recorded: {sorted(unproven)}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
