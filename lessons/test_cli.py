"""`python -m lessons`: every command works, explains failures and records progress.

Commands that run pytest are tested in a throwaway copy of the tree holding a tiny lesson
(one app, two tests, two exercises), so they are quick and never touch the real checkout;
read-only commands run on the real lessons. Every run records progress into a file under
tmp_path (LESSONS_PROGRESS_FILE), never into the learner's own record. Where a claim needs
no `python -m lessons` process of its own, the CLI's functions are called in this process
(pointed at the tree by the `in_tree` fixture), and the file watcher is a stand-in.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import watchfiles

from lessons import cli
from lessons import progress as progress_plugin
from lessons.cli import main
from lessons.exercise_collection import is_exercise_file
from lessons.exercises import (
    CheckResult,
    Lesson,
    LessonNotFound,
    check_exercise,
    copy_tree,
    find_exercises,
    find_lesson,
    lessons,
)
from lessons.progress import (
    PROGRESS_ENV,
    load_progress,
    progress_path,
    summarise,
    write_json_atomically,
)

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 600  # only an upper bound, for a badly loaded machine; every wait ends on an event

TINY_APP = '''"""A tiny lesson for the CLI's tests."""

from fastapi import FastAPI

app = FastAPI(title="Tiny")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
'''

TINY_TESTS = '''from fastapi.testclient import TestClient

from .app import app

client = TestClient(app)


def test_health_is_ok() -> None:
    """GET /health answers {"status": "ok"}."""
    assert client.get("/health").json() == {"status": "ok"}


def test_unknown_path_is_404() -> None:
    """A path no route matches answers 404."""
    assert client.get("/nowhere").status_code == 404
'''

TINY_README = """# 01 · Tiny: a lesson for the CLI's tests

## What the tests prove

| Claim | Test |
| --- | --- |
| The health route says all is well | `test_health_is_ok` |
| Unknown paths are 404 | `test_unknown_path_is_404` |
"""

PING_HINT = "Copy the /health route and change its path and answer."
EXERCISE_PING = f'''"""Add a ping route

Add GET /ping answering {{"ping": "pong"}}.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = "{PING_HINT}"


def test_ping_answers_pong() -> None:
    """GET /ping answers {{"ping": "pong"}}."""
    assert TestClient(app).get("/ping").json() == {{"ping": "pong"}}
'''

# A useless exercise: it passes before the learner does anything.
EXERCISE_ALREADY_DONE = '''"""Nothing to do

This exercise passes as shipped, so it proves nothing: check-exercises must reject it.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = "There is nothing to do."


def test_health_already_works() -> None:
    """GET /health already answers 200."""
    assert TestClient(app).get("/health").status_code == 200
'''

PING_ROUTE = """

@app.get("/ping")
def ping() -> dict[str, str]:
    return {"ping": "pong"}
"""


def solution_diff(lesson: str, before: str, after: str) -> str:
    """A git-style diff of the lesson's app.py, with paths from the repository root."""
    path = f"lessons/{lesson}/app.py"
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return f"diff --git a/{path} b/{path}\n" + "".join(lines)


def make_tree(destination: Path) -> Path:
    """A checkout with the real root config and CLI, and one tiny lesson with two exercises."""
    for name in ("conftest.py", "pytest.ini"):
        shutil.copy2(ROOT / name, destination / name)
    (destination / "lessons").mkdir()
    for module in (ROOT / "lessons").glob("*.py"):
        if not module.name.startswith("test_"):
            shutil.copy2(module, destination / "lessons" / module.name)
    lesson = destination / "lessons" / "01_tiny"
    (lesson / "exercises").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "app.py": TINY_APP,
        "test_tiny.py": TINY_TESTS,
        "README.md": TINY_README,
        "exercises/__init__.py": "",
        "exercises/exercise_1_ping.py": EXERCISE_PING,
        "exercises/solution_1_ping.diff": solution_diff("01_tiny", TINY_APP, TINY_APP + PING_ROUTE),
        "exercises/exercise_2_already_done.py": EXERCISE_ALREADY_DONE,
        "exercises/solution_2_already_done.diff": solution_diff(
            "01_tiny", TINY_APP, TINY_APP + PING_ROUTE
        ),
    }
    for name, text in files.items():
        (lesson / name).write_text(text, encoding="utf-8")
    return destination


def child_environment(progress: Path) -> dict[str, str]:
    """Our environment, minus what the outer pytest (and xdist) set for its own processes."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return {**environment, PROGRESS_ENV: str(progress), "PYTHONUNBUFFERED": "1"}


def lessons_command(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m lessons ARGS` run in `tree`, recording progress in tree/progress.json."""
    return subprocess.run(
        [sys.executable, "-m", "lessons", *args],
        cwd=tree,
        env=child_environment(tree / "progress.json"),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path)


@pytest.fixture
def in_tree(tree: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tree as the checkout of the CLI's functions called in this process; the pytest
    runs they start see the environment `lessons_command` gives its children."""
    for name in [key for key in os.environ if key.startswith("PYTEST_")]:
        if name != "PYTEST_CURRENT_TEST":  # pytest's own, and it removes it after the test
            monkeypatch.delenv(name)
    monkeypatch.setenv(PROGRESS_ENV, str(tree / "progress.json"))
    monkeypatch.setattr(cli, "REPO_ROOT", tree)
    return tree


# --- list ---------------------------------------------------------------------------------


def test_list_shows_every_lesson_with_its_state_and_the_overall_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m lessons` lists each lesson's number, topic and recorded state, then totals."""
    progress = tmp_path / "progress.json"
    progress.write_text(
        json.dumps(
            {
                "lessons": {
                    "01_first_app": {"state": "passing"},
                    "02_path_parameters": {"state": "failing"},
                },
                "exercises": {"01_first_app/exercise_1_ping_route": {"state": "solved"}},
            }
        )
    )
    monkeypatch.setenv(PROGRESS_ENV, str(progress))
    assert main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line[:2]: line for line in lines if re.match(r"\d\d ", line)}
    folders = sorted(p.parent.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*/app.py"))
    assert sorted(rows) == [name[:2] for name in folders]
    assert [lesson.name for lesson in lessons()] == folders
    first = rows["01"]
    assert "The first app" in first
    assert "passing" in first
    exercises_01 = list((ROOT / "lessons/01_first_app/exercises").glob("exercise_*.py"))
    assert first.split()[-1] == f"1/{len(exercises_01)}"
    assert "failing" in rows["02"]
    total = len(list((ROOT / "lessons").glob("[0-9][0-9]_*/exercises/exercise_*.py")))
    count = len(folders)
    assert (
        f"Progress: 1/{count} lessons passing, 1 failing, {count - 2} not run; "
        f"1/{total} exercises solved."
    ) in lines


# --- run and exercise -----------------------------------------------------------------------


def test_run_passes_and_records_the_lesson_as_passing(tree: Path) -> None:
    """`run 01` runs the lesson's tests, says they pass, and records the lesson as passing."""
    result = lessons_command(tree, "run", "01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert "All tests pass" in result.stdout
    record = load_progress(tree / "progress.json")["lessons"]["01_tiny"]
    assert (record["state"], record["passed"], record["failed"]) == ("passing", 2, 0)


def test_run_explains_a_failure_with_its_claim_readme_row_and_message(tree: Path) -> None:
    """A failing test is shown with its docstring, its README row and the assertion message."""
    app = tree / "lessons/01_tiny/app.py"
    app.write_text(TINY_APP.replace('"ok"', '"down"'), encoding="utf-8")
    result = lessons_command(tree, "run", "tiny")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "FAILED test_health_is_ok" in out
    assert 'claim    GET /health answers {"status": "ok"}.' in out
    assert "README   The health route says all is well" in out
    assert re.search(r"broke    AssertionError: assert \{'status': 'down'\} == ", out), out
    assert "FAILED test_unknown_path_is_404" not in out
    assert load_progress(tree / "progress.json")["lessons"]["01_tiny"]["state"] == "failing"


def test_exercise_failure_shows_the_exercise_hint_and_records_it_unsolved(tree: Path) -> None:
    """`exercise 01 1` runs that exercise's tests; a failure prints the exercise's HINT."""
    result = lessons_command(tree, "exercise", "01", "1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED test_ping_answers_pong" in result.stdout
    assert f"hint     {PING_HINT}" in result.stdout
    assert "already_done" not in result.stdout, "only exercise 1 runs"
    exercises = load_progress(tree / "progress.json")["exercises"]
    assert exercises == {"01_tiny/exercise_1_ping": exercises["01_tiny/exercise_1_ping"]}
    assert exercises["01_tiny/exercise_1_ping"]["state"] == "unsolved"


def test_hint_shows_each_exercise_title_file_and_hint(capsys: pytest.CaptureFixture[str]) -> None:
    """`hint 01` shows every exercise of lesson 01 with its title and HINT; `hint 01 2` one."""
    folder = ROOT / "lessons/01_first_app/exercises"
    modules = [
        importlib.import_module(f"lessons.01_first_app.exercises.{path.stem}")
        for path in sorted(folder.glob("exercise_*.py"))
    ]
    assert main(["hint", "01"]) == 0
    out = capsys.readouterr().out
    for module in modules:
        assert module.__doc__ is not None
        assert module.__doc__.splitlines()[0] in out
        assert " ".join(module.HINT.split()) in out
    assert main(["hint", "01", "2"]) == 0
    one = capsys.readouterr().out
    assert modules[1].HINT in one
    assert modules[0].HINT not in one


def test_lessons_are_named_by_number_folder_or_part_of_the_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """7, 07, the folder name and a unique part of it all name a lesson; others are errors."""
    for query in ("1", "01", "01_first_app", "first_app", "lessons/01_first_app/"):
        assert find_lesson(query).name == "01_first_app", query
    with pytest.raises(LessonNotFound, match="several lessons"):
        find_lesson("parameters")  # 02_path_parameters and 03_query_parameters
    assert main(["run", "no_such_lesson"]) == 2
    assert "no lesson matches 'no_such_lesson'" in capsys.readouterr().err


def test_exercise_whose_tests_all_pass_says_solved_and_records_it_solved(
    in_tree: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """`exercise 01 2` on an exercise whose tests pass says Solved and records it as solved."""
    lesson = find_lesson("01", root=in_tree)
    targets = [exercise.path for exercise in find_exercises(lesson, 2)]
    assert cli.run_tests(lesson, targets, exercises=True) == 0
    out = capfd.readouterr().out
    assert "1 passed" in out
    assert "Solved: every exercise test passes." in out
    assert "All tests pass" not in out, "an exercise run is not a lesson run"
    exercises = load_progress(in_tree / "progress.json")["exercises"]
    assert exercises["01_tiny/exercise_2_already_done"]["state"] == "solved"


def test_run_of_a_lesson_with_no_tests_exits_5_and_records_nothing(
    in_tree: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A lesson with no tests yet exits 5 (pytest: nothing collected), lists no failures and
    records no progress."""
    bare = in_tree / "lessons/02_bare"
    bare.mkdir()
    (bare / "__init__.py").write_text("")
    (bare / "app.py").write_text(TINY_APP)
    lesson = find_lesson("02", root=in_tree)
    assert cli.run_tests(lesson, [lesson.path]) == 5
    out = capfd.readouterr().out
    assert "no tests ran" in out
    assert "failing" not in out
    assert "All tests pass" not in out
    assert not (in_tree / "progress.json").exists(), "a run of no tests proves nothing"


def test_exercise_that_cannot_be_imported_is_explained_by_its_module_and_hint(
    in_tree: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """An exercise file that fails to import is a failure naming its package module (the
    collection plugin imports it as lessons.NN_slug.exercises.*) at the failing line, with the
    ImportError itself and the exercise's hint, and the exercise is recorded unsolved."""
    path = in_tree / "lessons/01_tiny/exercises/exercise_1_ping.py"
    path.write_text(EXERCISE_PING.replace("import app", "import app, ping"), encoding="utf-8")
    lesson = find_lesson("01", root=in_tree)
    assert cli.run_tests(lesson, [path], exercises=True) == 2  # pytest: collection errors
    out = capfd.readouterr().out
    relative = "lessons/01_tiny/exercises/exercise_1_ping.py"
    line = (
        EXERCISE_PING.replace("import app", "import app, ping")
        .splitlines()
        .index("from ..app import app, ping")
    )
    assert f"FAILED {relative}\n  at       {relative}:{line + 1}\n" in out, out
    assert "  broke    error while importing lessons.01_tiny.exercises.exercise_1_ping:" in out
    assert "           ImportError: cannot import name 'ping' from 'lessons.01_tiny.app'" in out
    assert f"  hint     {PING_HINT}" in out
    assert "1 failing. More detail: python -m lessons exercise 01 -v" in out
    exercises = load_progress(in_tree / "progress.json")["exercises"]
    assert exercises["01_tiny/exercise_1_ping"]["state"] == "unsolved"


def test_lesson_app_that_cannot_be_imported_is_shown_by_its_line_and_error(
    in_tree: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A learner's edit that breaks an import shows the app's line and the ImportError, not
    the first frames of importlib's traceback."""
    app = in_tree / "lessons/01_tiny/app.py"
    app.write_text("from fastapi import NoSuchThing\n" + TINY_APP, encoding="utf-8")
    lesson = find_lesson("01", root=in_tree)
    assert cli.run_tests(lesson, [lesson.path]) == 2  # pytest: collection errors
    out = capfd.readouterr().out
    assert "  at       lessons/01_tiny/app.py:1\n" in out, out
    assert "           ImportError: cannot import name 'NoSuchThing' from 'fastapi'" in out, out
    assert "importlib" not in out.split("FAILED", 1)[1], "importlib's frames are noise here"


def test_lesson_app_with_a_syntax_error_is_shown_by_the_line_python_names(
    in_tree: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A SyntaxError points at the file and line Python reports, with the caret and the
    error, and without pytest's own frames as the headline."""
    app = in_tree / "lessons/01_tiny/app.py"
    broken = TINY_APP + "\ndef unfinished(:\n"
    app.write_text(broken, encoding="utf-8")
    lesson = find_lesson("01", root=in_tree)
    assert cli.run_tests(lesson, [lesson.path]) == 2
    out = capfd.readouterr().out
    line = broken.splitlines().index("def unfinished(:") + 1
    assert f"  at       lessons/01_tiny/app.py:{line}\n" in out, out
    explanation = out.split("FAILED", 1)[1]
    assert "SyntaxError" in explanation, out
    assert "_pytest" not in explanation, "pytest's frames are not the learner's mistake"


def test_collection_error_without_a_traceback_is_shown_as_pytest_worded_it() -> None:
    """A module-level failure with no marked error lines (nothing to cut) keeps its message
    and its file as the place."""
    lesson = find_lesson("01")
    path = "lessons/01_first_app/test_first_app.py"
    message = "could not collect this module\nfor a reason pytest gave in words"
    lines = cli.explain_failure(lesson, path, {"outcome": "failed", "message": message})
    assert lines == [
        f"FAILED {path}",
        f"  at       {path}",
        "  broke    could not collect this module",
        "           for a reason pytest gave in words",
    ]


def test_failure_the_cli_cannot_trace_to_a_test_file_is_explained_by_its_message() -> None:
    """A failure whose file is gone gets no claim or README line, and an empty message reads
    "(no message)"."""
    lesson = find_lesson("01")
    nodeid = "lessons/01_first_app/test_gone.py::test_removed"
    lines = cli.explain_failure(lesson, nodeid, {"outcome": "failed", "message": None})
    assert lines == [
        "FAILED test_removed",
        "  at       lessons/01_first_app/test_gone.py",
        "  broke    (no message)",
    ]


def test_asking_for_an_exercise_that_does_not_exist_exits_2_saying_what_there_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hint 01 9` exits 2 listing lesson 01's exercise numbers; a lesson without exercises
    says it has none yet."""
    folder = ROOT / "lessons/01_first_app/exercises"
    numbers = sorted(int(p.name.split("_")[1]) for p in folder.glob("exercise_*.py"))
    assert main(["hint", "01", "9"]) == 2
    listed = ", ".join(map(str, numbers))
    expected = f"python -m lessons: lesson 01_first_app has no exercise 9 (it has {listed})\n"
    assert capsys.readouterr().err == expected
    bare = Lesson("02_bare", tmp_path / "lessons/02_bare")
    with pytest.raises(LessonNotFound, match=r"^lesson 02_bare has no exercises yet$"):
        find_exercises(bare)


# --- serve and watch ------------------------------------------------------------------------


def read_lines(process: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """A queue that receives the process's output line by line, then None at its end."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for(lines: queue.Queue[str | None], text: str, seen: list[str]) -> str:
    while True:
        line = lines.get(timeout=TIMEOUT)
        assert line is not None, f"output ended before {text!r}:\n" + "".join(seen)
        seen.append(line)
        if text in line:
            return line


def test_serve_prints_a_docs_address_that_serves_swagger_ui(tmp_path: Path) -> None:
    """`serve 01` starts Uvicorn on a free loopback port and prints a working /docs URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lessons", "serve", "01"],
        cwd=ROOT,
        env=child_environment(tmp_path / "progress.json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[str] = []
    try:
        line = wait_for(read_lines(process), "/docs", seen)
        match = re.search(r"http://127\.0\.0\.1:(\d+)/docs", line)
        assert match, line
        # The port is listening before the line is printed: no retry loop is needed.
        with httpx.Client(trust_env=False, timeout=TIMEOUT) as client:
            docs = client.get(match.group(0))
            health = client.get(match.group(0).replace("/docs", "/health"))
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT)
        assert process.stdout is not None
        process.stdout.close()
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    assert health.json() == {"status": "ok"}


def test_watch_reruns_the_lesson_when_a_lesson_file_is_saved(tree: Path) -> None:
    """`watch 01` runs the lesson, then runs it again after a file of the lesson is saved."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lessons", "watch", "01", "--max-runs", "2"],
        cwd=tree,
        env=child_environment(tree / "progress.json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[str] = []
    try:
        lines = read_lines(process)
        wait_for(lines, "Watching lessons/01_tiny", seen)
        app = tree / "lessons/01_tiny/app.py"
        app.write_text(TINY_APP + "\n# saved\n", encoding="utf-8")
        wait_for(lines, "changed: app.py", seen)
        assert process.wait(timeout=TIMEOUT) == 0
        while (line := lines.get(timeout=TIMEOUT)) is not None:
            seen.append(line)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()
    output = "".join(seen)
    assert output.count("== 01 · Tiny") == 2, output
    assert output.count("All tests pass") == 2, output


Changes = set[tuple[watchfiles.Change, str]]


class FakeWatcher:
    """A stand-in for watchfiles.watch: yields the given change sets (an empty one is the
    watcher's timeout tick), then ends, as the real one does on Ctrl+C with
    raise_interrupt=False."""

    def __init__(self, *batches: Changes) -> None:
        self.batches = batches
        self.paths: tuple[Path, ...] = ()
        self.options: dict[str, object] = {}

    def __call__(self, *paths: Path, **options: object) -> Iterator[Changes]:
        self.paths, self.options = paths, options
        yield from self.batches


def fake_runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict[str, bool]]]:
    """Replace `run_tests` with a recorder of each run's target files and options."""
    runs: list[tuple[list[str], dict[str, bool]]] = []

    def run_tests(lesson: Lesson, targets: list[Path], **options: bool) -> int:
        runs.append(([target.name for target in targets], options))
        return 0

    monkeypatch.setattr(cli, "run_tests", run_tests)
    return runs


def test_watch_exercises_reruns_them_on_every_save_until_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`watch 01 -e` runs all of lesson 01's exercises, again after each save of the lesson,
    and exits 0 when Ctrl+C stops the watcher."""
    lesson = ROOT / "lessons/01_first_app"
    saved = {
        (watchfiles.Change.modified, str(lesson / "app.py")),
        (watchfiles.Change.added, str(lesson / "exercises/notes.py")),
    }
    watcher = FakeWatcher(
        set(), saved, set(), {(watchfiles.Change.modified, str(lesson / "app.py"))}
    )
    monkeypatch.setattr(watchfiles, "watch", watcher)
    runs = fake_runs(monkeypatch)
    assert main(["watch", "01", "-e"]) == 0
    exercises = sorted(p.name for p in (lesson / "exercises").glob("exercise_*.py"))
    assert runs == [(exercises, {"verbose": False, "exercises": True})] * 3
    assert watcher.paths == (lesson,)
    assert watcher.options["raise_interrupt"] is False, "Ctrl+C must end the loop, not raise"
    out = capsys.readouterr().out
    assert "-- changed: app.py, notes.py" in out
    assert out.count("Watching lessons/01_first_app for changes (Ctrl+C stops).") == 2


def test_watch_max_runs_stops_at_the_save_after_the_last_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`watch 01 -e 2 --max-runs 1` runs exercise 2 once and stops at the next save unrun."""
    lesson = ROOT / "lessons/01_first_app"
    app = (watchfiles.Change.modified, str(lesson / "app.py"))
    monkeypatch.setattr(watchfiles, "watch", FakeWatcher(set(), {app}, {app}))
    runs = fake_runs(monkeypatch)
    assert main(["watch", "01", "-e", "2", "--max-runs", "1"]) == 0
    second = [p.name for p in (lesson / "exercises").glob("exercise_2_*.py")]
    assert runs == [(second, {"verbose": False, "exercises": True})]
    assert "changed" not in capsys.readouterr().out


# --- check-exercises ------------------------------------------------------------------------


def test_check_exercises_accepts_a_meaningful_exercise_and_rejects_the_rest(tree: Path) -> None:
    """check-exercises: fails-then-passes is ok; passing as shipped, or too few, is an error."""
    bare = tree / "lessons/02_bare"
    bare.mkdir()
    (bare / "__init__.py").write_text("")
    (bare / "app.py").write_text(TINY_APP)
    before = {p: p.read_bytes() for p in (tree / "lessons/01_tiny").rglob("*.py")}
    result = lessons_command(tree, "check-exercises", "--require-all")
    assert result.returncode == 1, result.stdout + result.stderr
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line}
    assert rows["01_tiny/exercise_1_ping"] == ["fails", "passes", "ok"]
    assert rows["01_tiny/exercise_2_already_done"] == ["passes", "-", "BAD"]
    assert "--- 02_bare has 0 exercises; every lesson needs 2-4" in result.stdout
    assert "1/2 exercises meaningful; 2 problems" in result.stdout
    after = {p: p.read_bytes() for p in (tree / "lessons/01_tiny").rglob("*.py")}
    assert after == before, "the checkout must not change: checks run in a temporary copy"
    assert not (tree / "progress.json").exists(), "throwaway runs record no progress"


def test_check_exercises_by_default_checks_only_lessons_that_have_exercises(
    tmp_path: Path,
) -> None:
    """Without --require-all, a lesson with no exercises yet is not an error."""
    tree = make_tree(tmp_path)
    shutil.rmtree(tree / "lessons/01_tiny/exercises")
    result = lessons_command(tree, "check-exercises")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0/0 exercises meaningful." in result.stdout


def test_check_exercises_record_skips_a_proven_lesson_until_its_files_change(tree: Path) -> None:
    """--record: only a lesson whose every exercise passed is recorded; an unchanged recorded
    lesson is skipped, and editing any of its files makes it checked again."""
    record = tree / "record.json"
    first = lessons_command(tree, "check-exercises", "--record", "record.json", "--update")
    assert first.returncode == 1, "exercise_2_already_done is not meaningful"
    assert "01_tiny" not in json.loads(record.read_text()), "a failing lesson is not recorded"

    for name in ("exercise_2_already_done.py", "solution_2_already_done.diff"):
        (tree / "lessons/01_tiny/exercises" / name).unlink()
    proving = lessons_command(tree, "check-exercises", "--record", "record.json", "--update")
    assert proving.returncode == 0, proving.stdout + proving.stderr
    assert "1/1 exercises meaningful." in proving.stdout
    assert list(json.loads(record.read_text())) == ["01_tiny"]

    again = lessons_command(tree, "check-exercises", "--record", "record.json")
    assert "Recorded as proven, unchanged since (skipped): 01" in again.stdout, again.stdout
    assert "0/0 exercises meaningful." in again.stdout, "a recorded lesson is not re-run"

    tests = tree / "lessons/01_tiny/test_tiny.py"
    tests.write_text(tests.read_text() + "# an edit\n")
    edited = lessons_command(tree, "check-exercises", "--record", "record.json")
    assert "1/1 exercises meaningful." in edited.stdout, "an edited lesson is checked again"


def test_check_reports_an_exercise_without_a_solution_without_running_it(tree: Path) -> None:
    """An exercise with no solution_K_*.diff beside it is BAD, naming the missing file."""
    exercise = find_exercises(find_lesson("01", root=tree), 1)[0]
    exercise.solution.unlink()
    result = check_exercise(exercise, root=tree)
    assert result == CheckResult(exercise, "?", "no solution", "missing solution_1_ping.diff")
    assert not result.ok


def test_check_reports_a_solution_diff_that_does_not_apply(in_tree: Path) -> None:
    """A solution written against other code is BAD: "diff does not apply", with git's error."""
    exercise = find_exercises(find_lesson("01", root=in_tree), 1)[0]
    elsewhere = TINY_APP.replace('"ok"', '"fine"')  # a line the diff's context includes
    exercise.solution.write_text(solution_diff("01_tiny", elsewhere, elsewhere + PING_ROUTE))
    result = check_exercise(exercise, root=in_tree)
    assert (result.shipped, result.solved, result.ok) == ("fails", "diff does not apply", False)
    assert "lessons/01_tiny/app.py: patch does not apply" in result.detail, result.detail


def test_check_rejects_a_solution_that_breaks_the_lessons_own_tests(in_tree: Path) -> None:
    """A solution that makes the exercise pass but breaks a lesson test is BAD, and the detail
    names the broken test."""
    exercise = find_exercises(find_lesson("01", root=in_tree), 1)[0]
    broken = TINY_APP.replace('"ok"', '"down"') + PING_ROUTE
    exercise.solution.write_text(solution_diff("01_tiny", TINY_APP, broken))
    result = check_exercise(exercise, root=in_tree)
    assert (result.shipped, result.solved, result.ok) == ("fails", "fails (exit 1)", False)
    assert "FAILED lessons/01_tiny/test_tiny.py::test_health_is_ok" in result.detail, result.detail
    assert "test_unknown_path_is_404" not in result.detail


def test_check_reports_a_hung_exercise_as_timed_out(
    in_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check whose pytest run outlives TIMEOUT is stopped and reported as an error (exit
    124) rather than hanging CI."""
    monkeypatch.setattr("lessons.exercises.TIMEOUT", 1)
    exercise = find_exercises(find_lesson("01", root=in_tree), 1)[0]
    hung = EXERCISE_PING.split("\n\ndef ")[0] + (
        "\n\ndef test_waits_forever() -> None:\n"
        '    """Never returns."""\n'
        "    import threading\n\n"
        "    threading.Event().wait()\n"
    )
    exercise.path.write_text(hung, encoding="utf-8")
    result = check_exercise(exercise, root=in_tree)
    assert result == CheckResult(exercise, "error (exit 124)", "-", "timed out after 1 s")


def test_check_copies_only_what_the_lesson_needs(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A check's throwaway tree holds the root config, the shared modules and the lesson
    itself: no test modules of the CLI, no other lesson, no caches."""
    (tree / "lessons/test_cli.py").write_text("")
    (tree / "lessons/01_tiny/__pycache__").mkdir()
    (tree / "lessons/01_tiny/__pycache__/app.cpython-311.pyc").write_bytes(b"")
    other = tree / "lessons/02_other"
    other.mkdir()
    (other / "app.py").write_text(TINY_APP)
    destination = tmp_path_factory.mktemp("copy")
    copy_tree(tree, destination, find_lesson("01", root=tree))
    copied = {p.relative_to(destination).as_posix() for p in destination.rglob("*") if p.is_file()}
    shared = {
        f"lessons/{p.name}"
        for p in (ROOT / "lessons").glob("*.py")
        if not p.name.startswith("test_")
    }
    lesson = {
        f"lessons/01_tiny/{name}" for name in ("__init__.py", "app.py", "test_tiny.py", "README.md")
    } | {
        f"lessons/01_tiny/exercises/{name}"
        for name in (
            "__init__.py",
            "exercise_1_ping.py",
            "solution_1_ping.diff",
            "exercise_2_already_done.py",
            "solution_2_already_done.diff",
        )
    }
    assert copied == {"conftest.py", "pytest.ini"} | shared | lesson


def test_only_exercise_files_inside_the_checkout_are_imported_as_exercises(
    tmp_path: Path,
) -> None:
    """lessons/NN_slug/exercises/exercise_*.py under the root is imported as an exercise; a
    lesson's tests, a solution, a non-lesson folder or a file outside the root are not."""
    root = tmp_path / "checkout"
    exercises = root / "lessons/01_tiny/exercises"
    assert is_exercise_file(exercises / "exercise_1_ping.py", root)
    others = [
        root / "lessons/01_tiny/test_tiny.py",
        exercises / "__init__.py",
        exercises / "solution_1_ping.diff",
        root / "lessons/tools/exercises/exercise_1_ping.py",
        tmp_path / "elsewhere/lessons/01_tiny/exercises/exercise_1_ping.py",
    ]
    assert [path for path in others if is_exercise_file(path, root)] == []


# --- the progress plugin --------------------------------------------------------------------


def test_parallel_run_records_every_test_of_the_lesson_once(tree: Path) -> None:
    """Under pytest -n 2 the xdist controller alone writes, counting every worker's tests."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", "lessons/01_tiny"],
        cwd=tree,
        env=child_environment(tree / "progress.json"),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    record = load_progress(tree / "progress.json")["lessons"]["01_tiny"]
    assert (record["state"], record["passed"], record["failed"]) == ("passing", 2, 0)


def test_filtered_run_records_failures_but_never_passes() -> None:
    """A -k/::-filtered run can mark a lesson failing, never passing; other tests are ignored."""
    results = {
        "lessons/01_first_app/test_first_app.py::test_a": {"outcome": "passed"},
        "lessons/02_path_parameters/test_path_parameters.py::test_b": {"outcome": "failed"},
        "lessons/03_query_parameters/exercises/exercise_1_date_filter.py::test_c": {
            "outcome": "passed"
        },
        "lessons/test_lesson_contract.py::test_d": {"outcome": "failed"},
    }
    full = summarise(results, filtered=False)
    assert {k: v["state"] for k, v in full["lessons"].items()} == {
        "01_first_app": "passing",
        "02_path_parameters": "failing",
    }
    assert {k: v["state"] for k, v in full["exercises"].items()} == {
        "03_query_parameters/exercise_1_date_filter": "solved"
    }
    partial = summarise(results, filtered=True)
    assert {k: v["state"] for k, v in partial["lessons"].items()} == {
        "02_path_parameters": "failing"
    }
    assert partial["exercises"] == {}


def test_progress_file_is_replaced_whole_and_a_damaged_one_reads_as_empty(tmp_path: Path) -> None:
    """Writes leave only the finished file behind; an unreadable file means no progress yet."""
    target = tmp_path / "progress.json"
    write_json_atomically(target, {"lessons": {"01_first_app": {"state": "passing"}}})
    assert [p.name for p in tmp_path.iterdir()] == ["progress.json"]
    assert load_progress(target)["lessons"] == {"01_first_app": {"state": "passing"}}
    target.write_text("{ half a file")
    assert load_progress(target) == {"lessons": {}, "exercises": {}}
    target.write_text('["valid JSON", "but not a record"]')
    assert load_progress(target) == {"lessons": {}, "exercises": {}}


def test_a_failed_write_keeps_the_previous_progress_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    """A write that fails midway leaves the old file whole and no temporary file behind."""
    target = tmp_path / "progress.json"
    write_json_atomically(target, {"lessons": {"01_first_app": {"state": "passing"}}})
    before = target.read_bytes()
    with pytest.raises(TypeError, match="not JSON serializable"):
        write_json_atomically(target, {"lessons": {"01_first_app": {"at": object()}}})
    assert [p.name for p in tmp_path.iterdir()] == ["progress.json"]
    assert target.read_bytes() == before


def test_progress_lives_at_the_checkout_root_unless_the_environment_moves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default progress is .lessons-progress.json at the root (gitignored);
    LESSONS_PROGRESS_FILE moves it, and set empty turns recording off."""
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert progress_path(tmp_path) == tmp_path / ".lessons-progress.json"
    assert ".lessons-progress.json" in (ROOT / ".gitignore").read_text().splitlines()
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "elsewhere.json"))
    assert progress_path(tmp_path) == tmp_path / "elsewhere.json"
    monkeypatch.setenv(PROGRESS_ENV, "")
    assert progress_path(tmp_path) is None


def test_a_test_failing_then_erroring_in_teardown_is_explained_by_its_first_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The report keeps a test's first failure: a teardown error after a failed assertion
    does not replace the assertion's message."""
    monkeypatch.setattr(progress_plugin, "_results", {})
    nodeid = "lessons/01_first_app/test_first_app.py::test_x"
    where = ("lessons/01_first_app/test_first_app.py", 1, "test_x")
    call = pytest.TestReport(nodeid, where, {}, "failed", "AssertionError: 1 == 2", "call")
    teardown = pytest.TestReport(nodeid, where, {}, "failed", "RuntimeError: x", "teardown")
    progress_plugin.pytest_runtest_logreport(call)
    progress_plugin.pytest_runtest_logreport(teardown)
    assert progress_plugin._results == {
        nodeid: {"outcome": "failed", "message": "AssertionError: 1 == 2"}
    }


# --- wiring ---------------------------------------------------------------------------------


def test_ctrl_c_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C during a command ends it with exit status 130 (128 + SIGINT) and prints nothing."""

    def interrupted(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_tests", interrupted)
    assert main(["run", "01"]) == 130
    assert capsys.readouterr().err == "", "no traceback, no message: the learner pressed Ctrl+C"
