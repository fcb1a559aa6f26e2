"""`python -m lessons`: list, run, serve, watch and practise the lessons.

    python -m lessons                     every lesson, its state on this machine, progress
    python -m lessons run 07              the lesson's tests; failures explained
    python -m lessons serve 07            its app under Uvicorn; prints the /docs address
    python -m lessons watch 07            re-run the lesson on every save
    python -m lessons hint 07 [K]         the lesson's exercises and their hints
    python -m lessons exercise 07 [K]     run the exercise tests (all, or number K)
    python -m lessons check-exercises     CI: every exercise fails as shipped, passes solved
        [--record FILE [--update]]        ...skipping lessons proven at the same fingerprint

Lessons are named by number (7, 07), folder name, or part of it ("dependencies").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lessons.exercises import (
    REPO_ROOT,
    CheckResult,
    Exercise,
    Lesson,
    LessonNotFound,
    check_exercise,
    find_exercises,
    find_lesson,
    fingerprint,
    lessons,
    load_record,
    save_record,
)
from lessons.progress import REPORT_ENV, load_progress, progress_path

MIN_EXERCISES = 2


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- list ---------------------------------------------------------------------------------


def command_list(_: argparse.Namespace) -> int:
    progress = load_progress(progress_path(REPO_ROOT))
    states = {"passing": 0, "failing": 0, "not run": 0}
    solved = total = 0
    print(f"{'#':<3} {'Lesson':<58} {'State':<8} Exercises")
    for lesson in lessons():
        state = progress["lessons"].get(lesson.name, {}).get("state", "not run")
        states[state] = states.get(state, 0) + 1
        exercises = lesson.exercises()
        done = sum(progress["exercises"].get(e.key, {}).get("state") == "solved" for e in exercises)
        solved, total = solved + done, total + len(exercises)
        counted = f"{done}/{len(exercises)}" if exercises else "-"
        print(f"{lesson.number:<3} {_shorten(lesson.topic, 58):<58} {state:<8} {counted}")
    count = sum(states.values())
    print(
        f"\nProgress: {states['passing']}/{count} lessons passing, {states['failing']} failing, "
        f"{states['not run']} not run; {solved}/{total} exercises solved."
    )
    print("Next: python -m lessons run NN   (then: hint NN, exercise NN)")
    return 0


# --- run and exercise -----------------------------------------------------------------------


def readme_claim(lesson: Lesson, test: str) -> str:
    """The claim column of the README's "What the tests prove" row naming `test`."""
    readme = lesson.path / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    section = re.split(r"^## +What the tests prove\s*$", text, flags=re.MULTILINE)[-1]
    section = re.split(r"^## ", section, flags=re.MULTILINE)[0]
    for line in section.splitlines():
        if line.startswith("|") and f"`{test}`" in line:
            return line.strip("| ").split(" | ")[0].strip()
    return ""


def explain_failure(lesson: Lesson, nodeid: str, result: dict[str, Any]) -> list[str]:
    """The claim that broke, the README row for it, the message and, for an exercise, its hint."""
    path, _, rest = nodeid.partition("::")
    test = rest.split("::")[-1].split("[")[0] if rest else ""
    exercise = None
    if "/exercises/" in path:
        exercise = next((e for e in lesson.exercises() if e.path.name == Path(path).name), None)
    claims = exercise.tests if exercise else _docstrings(REPO_ROOT / path)
    message = [
        line.rstrip()
        for line in (result.get("message") or "(no message)").strip().splitlines()
        if line.strip() and "Use -v to get more diff" not in line
    ]
    where = f"{result['path']}:{result['lineno']}" if "path" in result else path
    if not rest:  # a module that could not be imported: say where, and the error itself
        where, message = _import_error(message, where)
    where = where.removeprefix(str(REPO_ROOT) + os.sep)
    lines = [f"FAILED {rest or path}", f"  at       {where}"]
    if claims.get(test):
        lines.append(f"  claim    {claims[test].splitlines()[0]}")
    if claim := readme_claim(lesson, test):
        lines.append(f"  README   {claim}")
    lines.append(f"  broke    {message[0]}")
    lines += [f"           {line}" for line in message[1:6]]
    if exercise is not None:
        lines.append(f"  hint     {exercise.hint}")
    return lines


def _import_error(message: list[str], where: str) -> tuple[str, list[str]]:
    """Where a module that could not be imported went wrong, and why.

    pytest's message is mostly importlib's frames; keep its headline (unless that is a frame
    too) and the error it marks with "E". The place is the deepest frame, or for a
    SyntaxError the file and line Python names.
    """
    frame = re.compile(r"(\S+:\d+): in ")
    for line in message:
        if found := frame.match(line):
            where = found[1]
    marked = [line[1:] for line in message if line.startswith("E ")]
    errors = textwrap.dedent("\n".join(marked)).splitlines()
    for line in errors:
        if found := re.match(r'\s*File "(.+)", line (\d+)', line):
            where = f"{found[1]}:{found[2]}"
    if not errors:
        return where, message
    headline = [] if frame.match(message[0]) else [message[0]]
    return where, headline + errors[-5:]


def _docstrings(path: Path) -> dict[str, str]:
    import ast

    if not path.is_file():
        return {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return {n.name: ast.get_docstring(n) or "" for n in nodes}


def run_tests(
    lesson: Lesson, targets: Sequence[Path], *, verbose: bool = False, exercises: bool = False
) -> int:
    """Run pytest on `targets` in a child process and explain every failure."""
    relative = [target.relative_to(REPO_ROOT).as_posix() for target in targets]
    print(f"== {lesson.number} · {lesson.topic}", flush=True)
    with tempfile.TemporaryDirectory(prefix="lessons-run-") as temporary:
        report = Path(temporary) / "report.json"
        command = [sys.executable, "-m", "pytest", *relative, "--no-header", "-rN"]
        command += ["-v", "--tb=short"] if verbose else ["-q", "--tb=no"]
        returncode = subprocess.run(
            command, cwd=REPO_ROOT, env={**os.environ, REPORT_ENV: str(report)}, check=False
        ).returncode
        results: dict[str, dict[str, Any]] = (
            json.loads(report.read_text(encoding="utf-8"))["tests"] if report.is_file() else {}
        )
    failed = {nodeid: r for nodeid, r in sorted(results.items()) if r["outcome"] == "failed"}
    for nodeid, result in failed.items():
        print("\n" + "\n".join(explain_failure(lesson, nodeid, result)))
    if returncode == 0 and exercises:
        print("\nSolved: every exercise test passes. `python -m lessons` shows your progress.")
    elif returncode == 0:
        more = f" Next: python -m lessons hint {lesson.number}" if lesson.exercises() else ""
        print(f"\nAll tests pass.{more}")
    elif failed:
        again = "exercise" if exercises else "run"
        print(f"\n{len(failed)} failing. More detail: python -m lessons {again} {lesson.number} -v")
    return returncode


def command_run(args: argparse.Namespace) -> int:
    lesson = find_lesson(args.lesson)
    return run_tests(lesson, [lesson.path], verbose=args.verbose)


def command_exercise(args: argparse.Namespace) -> int:
    lesson = find_lesson(args.lesson)
    exercises = find_exercises(lesson, args.number)
    return run_tests(lesson, [e.path for e in exercises], verbose=args.verbose, exercises=True)


def command_hint(args: argparse.Namespace) -> int:
    lesson = find_lesson(args.lesson)
    print(f"== {lesson.number} · {lesson.topic}: exercises")
    for exercise in find_exercises(lesson, args.number):
        print(f"\n{exercise.number}. {exercise.title}")
        print(f"   file  {exercise.path.relative_to(REPO_ROOT).as_posix()}")
        print(f"   task  {exercise.task}")
        print(f"   hint  {exercise.hint}")
        print(f"   check python -m lessons exercise {lesson.number} {exercise.number}")
    return 0


# --- serve and watch ------------------------------------------------------------------------


def command_serve(args: argparse.Namespace) -> int:
    import uvicorn

    lesson = find_lesson(args.lesson)
    # We bind a free loopback port ourselves and hand the listening socket to Uvicorn, so
    # the address printed below is already accepting connections and no one can take it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(128)
    sock.set_inheritable(True)
    port = sock.getsockname()[1]
    print(f"Serving lessons/{lesson.name}/app.py: http://127.0.0.1:{port}/docs", flush=True)
    uvicorn.run(
        f"lessons.{lesson.name}.app:app",
        fd=sock.fileno(),
        app_dir=str(REPO_ROOT),
        reload=args.reload,
        reload_dirs=[str(lesson.path)] if args.reload else None,
    )
    sock.close()
    return 0


def command_watch(args: argparse.Namespace) -> int:
    import watchfiles

    lesson = find_lesson(args.lesson)
    targets = [lesson.path]
    if args.exercise is not None:
        targets = [e.path for e in find_exercises(lesson, args.exercise or None)]
    options = {"verbose": args.verbose, "exercises": args.exercise is not None}
    runs = 0
    waiting = True
    run_tests(lesson, targets, **options)
    runs += 1
    # A short Rust timeout makes the watcher yield an empty set once it is set up: only
    # then do we say we are watching, so a save right after that line is never missed.
    for changes in watchfiles.watch(
        lesson.path,
        watch_filter=watchfiles.PythonFilter(),
        rust_timeout=200,
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        if waiting:
            print(f"\nWatching lessons/{lesson.name} for changes (Ctrl+C stops).", flush=True)
            waiting = False
        if not changes:
            continue
        if args.max_runs and runs >= args.max_runs:
            break
        names = sorted({Path(path).name for _, path in changes})
        print(f"\n-- changed: {', '.join(names)}", flush=True)
        run_tests(lesson, targets, **options)
        runs += 1
        waiting = True
        if args.max_runs and runs >= args.max_runs:
            break
    return 0


# --- check-exercises ------------------------------------------------------------------------


def command_check_exercises(args: argparse.Namespace) -> int:
    chosen = [find_lesson(name) for name in args.lessons] if args.lessons else lessons()
    too_few = [
        lesson for lesson in chosen if args.require_all and len(lesson.exercises()) < MIN_EXERCISES
    ]
    missing = [lesson for lesson in chosen if args.lessons and not lesson.exercises()]
    # --record: a lesson whose fingerprint is recorded had every exercise proven on exactly
    # these files and library versions, so proving them again would only repeat the verdict.
    record = load_record(args.record) if args.record else {}
    prints = {lesson.name: fingerprint(lesson) for lesson in chosen} if args.record else {}
    proven = [lesson for lesson in chosen if record.get(lesson.name, "") == prints.get(lesson.name)]
    exercises: list[Exercise] = [
        e for lesson in chosen if lesson not in proven for e in lesson.exercises()
    ]
    if proven:
        names = " ".join(lesson.number for lesson in proven)
        print(f"Recorded as proven, unchanged since (skipped): {names}")
    print(f"Checking {len(exercises)} exercises in {args.jobs} processes...", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results: list[CheckResult] = list(pool.map(check_exercise, exercises))
    width = max([len(r.exercise.key) for r in results] + [8])
    print(f"\n{'exercise':<{width}}  {'as shipped':<12} {'solved':<12} verdict")
    for result in results:
        verdict = "ok" if result.ok else "BAD"
        key = result.exercise.key
        print(f"{key:<{width}}  {result.shipped:<12} {result.solved:<12} {verdict}")
    bad = [result for result in results if not result.ok]
    for result in bad:
        print(f"\n--- {result.exercise.key}: must fail as shipped and pass solved")
        print(result.detail)
    for lesson in too_few + missing:
        count = len(lesson.exercises())
        print(f"\n--- {lesson.name} has {count} exercises; every lesson needs 2-4")
    if args.record and args.update:
        failed = {result.exercise.lesson.name for result in bad}
        for lesson in chosen:
            if lesson.exercises() and lesson.name not in failed and lesson not in too_few:
                record[lesson.name] = prints[lesson.name]
            else:
                record.pop(lesson.name, None)
        save_record(args.record, record)
    failures = len(bad) + len(too_few) + len(missing)
    summary = f"{len(results) - len(bad)}/{len(results)} exercises meaningful"
    print(f"\n{summary}" + (f"; {failures} problems" if failures else "."))
    return 1 if failures else 0


# --- wiring ---------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m lessons",
        description="Study the FastAPI lessons: list, run, serve, watch, hints and exercises.",
    )
    main.set_defaults(handler=command_list)
    commands = main.add_subparsers(title="commands", metavar="COMMAND")

    def add(name: str, handler: Any, text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=text, description=text)
        command.set_defaults(handler=handler)
        return command

    add("list", command_list, "every lesson with its state here and your progress (default)")
    run = add("run", command_run, "run a lesson's tests and explain what broke")
    exercise = add("exercise", command_exercise, "run a lesson's exercise tests")
    hint = add("hint", command_hint, "show a lesson's exercises and their hints")
    serve = add("serve", command_serve, "serve a lesson's app and print its /docs address")
    watch = add("watch", command_watch, "re-run a lesson's tests on every save")
    for command in (run, exercise, hint, serve, watch):
        command.add_argument("lesson", help="number (07), folder name or part of it")
    for command in (exercise, hint):
        command.add_argument("number", nargs="?", type=int, help="one exercise (default: all)")
    for command in (run, exercise, watch):
        command.add_argument("-v", "--verbose", action="store_true", help="pytest's own detail")
    serve.add_argument("--port", type=int, default=0, help="default: a free port")
    serve.add_argument("--no-reload", dest="reload", action="store_false")
    watch.add_argument(
        "-e",
        "--exercise",
        nargs="?",
        type=int,
        const=0,
        help="watch the exercise tests instead (all, or number K)",
    )
    watch.add_argument("--max-runs", type=int, default=0, help=argparse.SUPPRESS)
    check = add(
        "check-exercises",
        command_check_exercises,
        "CI: each exercise fails as shipped and passes with its solution",
    )
    check.add_argument("lessons", nargs="*", help="default: every lesson with exercises")
    check.add_argument("-j", "--jobs", type=int, default=2, help="parallel checks (default 2)")
    check.add_argument(
        "--require-all", action="store_true", help="fail when a lesson has fewer than 2"
    )
    check.add_argument(
        "--record",
        type=Path,
        help="skip lessons whose files and library versions match this record of proofs",
    )
    check.add_argument(
        "--update", action="store_true", help="write the lessons proven now into --record"
    )
    return main


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    try:
        return int(arguments.handler(arguments))
    except LessonNotFound as error:
        print(f"python -m lessons: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
