"""Lessons and their exercises, read from the files (nothing is imported), and the CI proof.

An exercise is `lessons/NN_slug/exercises/exercise_K_slug.py` (its docstring is the task,
`HINT` the hint, its `test_*` functions the check) with a reference solution beside it,
`solution_K_slug.diff`. `check_exercise` proves an exercise is meaningful: in a throwaway
copy of the tree its tests fail as shipped, and with the solution applied they pass and so
do the lesson's own tests. The real checkout is never touched.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

LESSON_NAME = re.compile(r"^\d\d_\w+$")
EXERCISE_NAME = re.compile(r"^exercise_(\d+)_(\w+)\.py$")
TIMEOUT = 900  # seconds for one pytest run of a check; only a guard against a hung test


class LessonNotFound(LookupError):
    """A lesson (or exercise) the user named does not exist, or the name is ambiguous."""


@dataclass(frozen=True)
class Lesson:
    name: str  # "07_dependencies"
    path: Path

    @property
    def number(self) -> str:
        return self.name[:2]

    @property
    def topic(self) -> str:
        """The README's title without its number: "Dependencies: ..." ."""
        readme = self.path / "README.md"
        first = readme.read_text(encoding="utf-8").splitlines()[0] if readme.is_file() else ""
        title = first.lstrip("# ").strip()
        return title.split("·", 1)[1].strip() if "·" in title else title or self.name

    def exercises(self) -> list[Exercise]:
        folder = self.path / "exercises"
        found = [parse_exercise(self, p) for p in folder.glob("exercise_*.py")]
        return sorted(found, key=lambda exercise: exercise.number)


@dataclass(frozen=True)
class Exercise:
    lesson: Lesson
    number: int
    path: Path
    title: str
    task: str
    hint: str
    tests: dict[str, str]  # test function name -> its docstring

    @property
    def name(self) -> str:  # "exercise_1_version"
        return self.path.stem

    @property
    def key(self) -> str:  # "01_first_app/exercise_1_version", as the progress file says
        return f"{self.lesson.name}/{self.name}"

    @property
    def solution(self) -> Path:
        return self.path.with_name(self.name.replace("exercise_", "solution_", 1) + ".diff")


def lessons(root: Path = REPO_ROOT) -> list[Lesson]:
    folder = root / "lessons"
    return [
        Lesson(p.name, p)
        for p in sorted(folder.iterdir())
        if p.is_dir() and LESSON_NAME.match(p.name) and (p / "app.py").is_file()
    ]


def find_lesson(query: str, root: Path = REPO_ROOT) -> Lesson:
    """A lesson by number ("7", "07"), folder name or part of it ("dependencies")."""
    wanted = Path(query.strip()).name.lower().replace("-", "_").replace(" ", "_")
    available = lessons(root)
    if wanted.isdigit():
        matches = [lesson for lesson in available if int(lesson.number) == int(wanted)]
    else:
        matches = [lesson for lesson in available if lesson.name == wanted]
        matches = matches or [lesson for lesson in available if wanted in lesson.name]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(lesson.name for lesson in matches)
        raise LessonNotFound(f"{query!r} matches several lessons: {names}")
    raise LessonNotFound(f"no lesson matches {query!r}; `python -m lessons` lists them all")


def find_exercises(lesson: Lesson, number: int | None = None) -> list[Exercise]:
    exercises = lesson.exercises()
    if not exercises:
        raise LessonNotFound(f"lesson {lesson.name} has no exercises yet")
    if number is None:
        return exercises
    chosen = [exercise for exercise in exercises if exercise.number == number]
    if not chosen:
        numbers = ", ".join(str(exercise.number) for exercise in exercises)
        raise LessonNotFound(f"lesson {lesson.name} has no exercise {number} (it has {numbers})")
    return chosen


def parse_exercise(lesson: Lesson, path: Path) -> Exercise:
    """Read an exercise's title, task, hint and tests from its source."""
    match = EXERCISE_NAME.match(path.name)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = (ast.get_docstring(tree) or "").strip()
    title, _, task = doc.partition("\n")
    hint = ""
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == "HINT" and isinstance(value, ast.Constant):
            hint = value.value if isinstance(value.value, str) else ""
    tests = {
        node.name: ast.get_docstring(node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }
    return Exercise(
        lesson=lesson,
        number=int(match.group(1)) if match else 0,
        path=path,
        title=title.strip(),
        task=" ".join(task.split()),
        hint=" ".join(hint.split()),
        tests=tests,
    )


# --- the CI proof ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    exercise: Exercise
    shipped: str  # "fails" is what we want
    solved: str  # "passes" is what we want
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.shipped == "fails" and self.solved == "passes"


def copy_tree(root: Path, destination: Path, lesson: Lesson) -> None:
    """The smallest tree a lesson's tests run in: root config, shared modules, the lesson."""
    for name in ("conftest.py", "pytest.ini"):
        shutil.copy2(root / name, destination / name)
    (destination / "lessons").mkdir()
    for module in (root / "lessons").glob("*.py"):
        if not module.name.startswith("test_"):
            shutil.copy2(module, destination / "lessons" / module.name)
    shutil.copytree(lesson.path, destination / "lessons" / lesson.name, ignore=IGNORED)


# The libraries an exercise's verdict depends on most: the ones the lessons teach and test
# with. A new release of any of them invalidates every recorded verdict (see `fingerprint`).
TAUGHT_LIBRARIES = ("fastapi", "starlette", "pydantic", "pydantic-core", "httpx")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")


def fingerprint(lesson: Lesson, root: Path = REPO_ROOT) -> str:
    """A hash of what a lesson's exercise checks depend on: the very files `copy_tree`
    copies (root config, shared modules, the lesson with its exercises and solutions), this
    checker, the Python version and the versions of the taught libraries."""
    files = [root / "conftest.py", root / "pytest.ini", root / "lessons" / "exercises.py"]
    files += [m for m in (root / "lessons").glob("*.py") if not m.name.startswith("test_")]
    files += [
        p
        for p in lesson.path.rglob("*")
        if p.is_file()
        and not {"__pycache__", ".pytest_cache", ".hypothesis"} & set(p.parts)
        and p.suffix != ".pyc"
    ]
    digest = hashlib.sha256(f"python {sys.version_info[:2]}".encode())
    for name in TAUGHT_LIBRARIES:
        digest.update(f"{name} {metadata.version(name)}\0".encode())
    for path in sorted(set(files)):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def load_record(path: Path) -> dict[str, str]:
    """Lesson name -> the fingerprint at which all of its exercises were proven."""
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def save_record(path: Path, record: dict[str, str]) -> None:
    path.write_text(json.dumps(dict(sorted(record.items())), indent=1) + "\n", encoding="utf-8")


def _pytest(where: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HYPOTHESIS_PROFILE": "dev", "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", *targets, "-q", "-p", "no:cacheprovider"]
    command += ["-p", "no:lessons.progress"]  # throwaway runs say nothing about the learner
    try:
        return subprocess.run(
            command, cwd=where, env=environment, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:  # a hung test must not hang CI: report it as broken
        return subprocess.CompletedProcess(command, 124, f"timed out after {TIMEOUT} s", "")


def _tail(output: str, lines: int = 15) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])


def check_exercise(exercise: Exercise, root: Path = REPO_ROOT) -> CheckResult:
    """Fails as shipped; passes, with the lesson's own tests, once the solution is applied."""
    lesson = exercise.lesson
    relative = exercise.path.relative_to(root).as_posix()
    if not exercise.solution.is_file():
        return CheckResult(exercise, "?", "no solution", f"missing {exercise.solution.name}")
    with tempfile.TemporaryDirectory(prefix="lessons-exercise-") as temporary:
        where = Path(temporary)
        copy_tree(root, where, lesson)
        shipped = _pytest(where, relative, "-x")
        if shipped.returncode != 1:  # 0: passes already; 2-5: broken (import error, no tests)
            verdict = "passes" if shipped.returncode == 0 else f"error (exit {shipped.returncode})"
            return CheckResult(exercise, verdict, "-", _tail(shipped.stdout + shipped.stderr))
        # GIT_CEILING_DIRECTORIES: never mistake a repository above the temporary folder
        # for ours (git apply would then resolve the diff's paths from that repository).
        applied = subprocess.run(
            ["git", "apply", str(exercise.solution)],
            cwd=where,
            env={**os.environ, "GIT_CEILING_DIRECTORIES": str(where.parent)},
            capture_output=True,
            text=True,
        )
        if applied.returncode != 0:
            return CheckResult(exercise, "fails", "diff does not apply", applied.stderr.strip())
        solved = _pytest(where, relative, f"lessons/{lesson.name}")
        if solved.returncode != 0:
            detail = _tail(solved.stdout + solved.stderr)
            return CheckResult(exercise, "fails", f"fails (exit {solved.returncode})", detail)
    return CheckResult(exercise, "fails", "passes")
