"""Hunt for flaky tests: run lessons many times, in random order, serial and in parallel.

    python -m tools.flakes [--runs 10] [--all] [--update] [LESSON ...]

Each run is a fresh pytest process with a new random order (pytest-randomly) and new
Hypothesis seeds, once serial and once with two xdist workers, so order dependence, shared
state, races and timing assumptions all get their chance. Any failure fails the command.

Incremental: `.ci/flakes-record.json` holds the fingerprint (tools/fingerprint.py) of every
lesson that passed a full hunt, and of the project checks (the tests at the top of lessons/,
named "(project checks)" or "project" on the command line). Without --all or named lessons,
only what is not in the record at its current fingerprint is hunted. --update writes the
record after a clean hunt.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from lessons.testkit import REPO_ROOT
from tools.fingerprint import (
    PROJECT_CHECKS,
    fingerprint,
    lessons,
    load_record,
    save_record,
    toplevel_fingerprint,
    unit_paths,
)

RECORD = REPO_ROOT / ".ci" / "flakes-record.json"


def hunt(targets: list[str], runs: int) -> list[str]:
    """Run the targets `runs` times serial and `runs` times with -n 2; return failures."""
    paths = unit_paths(targets)
    failures = []
    for mode in (["-p", "no:xdist"], ["-n", "2"]):
        for run in range(1, runs + 1):
            label = f"{'serial' if mode[0] == '-p' else '-n 2'} run {run}/{runs}"
            started = time.monotonic()
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "-p",
                    "randomly",
                    *mode,
                    *paths,
                ],
                cwd=REPO_ROOT,
                env={**os.environ, "HYPOTHESIS_PROFILE": "dev"},
                capture_output=True,
                text=True,
            )
            last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
            print(f"{label}: {last} ({time.monotonic() - started:.0f} s)", flush=True)
            if result.returncode != 0:
                failures.append(label)
                print(result.stdout[-5000:], result.stderr[-2000:], sep="\n")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Hunt for flaky tests.")
    parser.add_argument("lessons", nargs="*", help="lesson folder names (default: changed)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--all", action="store_true", help="every lesson, ignore the record")
    parser.add_argument("--update", action="store_true", help="record the lessons proven")
    args = parser.parse_args(argv)
    record = load_record(RECORD)
    prints = {lesson: fingerprint(lesson) for lesson in lessons()}
    # The tests at the top of lessons/ (CLI, testkit, lesson contract), keyed by their own
    # code: whether they are flaky does not depend on the lessons they read.
    prints[PROJECT_CHECKS] = toplevel_fingerprint()
    if args.lessons:
        wanted = [PROJECT_CHECKS if a == "project" else a for a in args.lessons]
        targets = [name for name in prints if any(name.startswith(a) for a in wanted)]
    elif args.all:
        targets = list(prints)
    else:
        targets = [name for name, value in prints.items() if record.get(name) != value]
    if not targets:
        print("flakes: every lesson's fingerprint is in the record; nothing to hunt")
        return 0
    print(f"flakes: {len(targets)} lesson(s), {args.runs} serial + {args.runs} parallel runs:")
    print("  " + " ".join(targets), flush=True)
    failures = hunt(targets, args.runs)
    if failures:
        print(f"flakes: FAILED in {len(failures)} run(s): {', '.join(failures)}")
        return 1
    print("flakes: no failure")
    if args.update:
        record.update({lesson: prints[lesson] for lesson in targets})
        save_record(RECORD, {k: v for k, v in record.items() if k in prints})
        print(f"flakes: recorded {len(targets)} lesson(s) in {RECORD.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
