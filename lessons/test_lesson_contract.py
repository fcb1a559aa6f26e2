"""The lesson contract (shared/LESSONS.md), enforced on every lesson folder.

A contributor who adds a half-finished lesson is told here exactly what is missing.
"""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi import FastAPI

from lessons.exercises import Exercise, find_lesson

LESSONS_DIR = Path(__file__).resolve().parent
ROOT_README = LESSONS_DIR.parent / "README.md"

# The catalog's fixed numbers and names: tools, docs and CI refer to them.
CATALOG = (
    "01_first_app",
    "02_path_parameters",
    "03_query_parameters",
    "04_request_bodies",
    "05_response_models",
    "06_validation",
    "07_dependencies",
    "08_dependency_overrides",
    "09_async_and_sync",
    "10_routers_and_structure",
    "11_error_handling",
    "12_middleware",
    "13_cors",
    "14_jwt_auth",
    "15_permissions",
    "16_background_tasks",
    "17_lifespan",
    "18_databases",
    "19_async_databases",
    "20_migrations",
    "21_file_uploads",
    "22_forms",
    "23_websockets",
    "24_streaming",
    "25_openapi_docs",
    "26_status_codes",
    "27_testing",
    "28_settings",
    "29_pagination",
    "30_rate_limiting",
    "31_request_ids_and_logging",
    "32_deployment",
    "33_health_checks",
    "34_performance",
    "35_security_pitfalls",
    "36_anti_patterns",
    "37_crud_capstone",
)

README_SECTIONS = (
    "Questions",
    "Short answer",
    "Run it",
    "What the tests prove",
    "Try this",
    "Version notes",
    "Further reading",
)

LESSON_FOLDERS = sorted(
    path.name
    for path in LESSONS_DIR.iterdir()
    if path.is_dir() and not path.name.startswith((".", "_"))
)


def lesson_test_functions(lesson: Path) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every test function pytest would collect in the lesson, by name."""
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for test_file in sorted(lesson.rglob("test_*.py")):
        tree = ast.parse(test_file.read_text(encoding="utf-8"))
        scopes: list[ast.Module | ast.ClassDef] = [tree]
        scopes += [
            c for c in tree.body if isinstance(c, ast.ClassDef) and c.name.startswith("Test")
        ]
        for scope in scopes:
            for node in scope.body:
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if node.name.startswith("test_"):
                    found[node.name] = node
    return found


def readme_sections(text: str) -> dict[str, str]:
    """Map each `## Heading` of a README to the text under it."""
    parts = re.split(r"^## +(.+?)\s*$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def python_snippets(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def significant_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def occurs_in(snippet: list[str], source: list[str]) -> bool:
    width = len(snippet)
    return any(source[i : i + width] == snippet for i in range(len(source) - width + 1))


@pytest.mark.parametrize("name", LESSON_FOLDERS)
def test_lesson_folder_is_in_the_catalog(name: str) -> None:
    """Every folder under lessons/ carries a catalog number and name (NN_slug)."""
    assert name in CATALOG, (
        f"lessons/{name} is not a catalog lesson; the fixed names are listed in "
        "shared/LESSONS.md (for example 07_dependencies)"
    )


@pytest.mark.parametrize("name", LESSON_FOLDERS)
def test_lesson_has_the_required_files(name: str) -> None:
    """A lesson has __init__.py, README.md, app.py and at least one test_*.py."""
    lesson = LESSONS_DIR / name
    missing = [f for f in ("__init__.py", "README.md", "app.py") if not (lesson / f).is_file()]
    assert not missing, f"lessons/{name} is missing {', '.join(missing)}"
    assert list(lesson.glob("test_*.py")), f"lessons/{name} has no test_*.py file"


@pytest.mark.parametrize("name", LESSON_FOLDERS)
def test_lesson_app_is_a_fastapi_instance(name: str) -> None:
    """`lessons.NN_slug.app` defines a module-level `app` that is a FastAPI instance."""
    module = importlib.import_module(f"lessons.{name}.app")
    app = getattr(module, "app", None)
    assert isinstance(app, FastAPI), f"lessons/{name}/app.py must define `app = FastAPI(...)`"


@pytest.mark.parametrize("name", LESSON_FOLDERS)
def test_lesson_readme_has_every_section_in_order(name: str) -> None:
    """The README has the contract's sections, each non-empty, in the contract's order."""
    text = (LESSONS_DIR / name / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# "), f"lessons/{name}/README.md must start with a '# Title' line"
    sections = readme_sections(text)
    present = [title for title in sections if title in README_SECTIONS]
    missing = [title for title in README_SECTIONS if title not in sections]
    assert not missing, f"lessons/{name}/README.md lacks sections: {missing}"
    assert present == list(README_SECTIONS), (
        f"lessons/{name}/README.md sections are out of order: {present}; "
        f"expected {list(README_SECTIONS)}"
    )
    empty = [title for title in README_SECTIONS if not sections[title].strip()]
    assert not empty, f"lessons/{name}/README.md has empty sections: {empty}"


@pytest.mark.parametrize("name", LESSON_FOLDERS)
def test_every_lesson_test_has_a_docstring(name: str) -> None:
    """Each test function states its claim in a one-line docstring."""
    tests = lesson_test_functions(LESSONS_DIR / name)
    assert tests, f"lessons/{name} defines no test functions"
    bare = sorted(n for n, node in tests.items() if not ast.get_docstring(node))
    assert not bare, f"lessons/{name}: these tests need a one-line docstring: {bare}"


@pytest.mark.parametrize("name", LESSON_FOLDERS)
def test_readme_maps_every_claim_to_an_existing_test(name: str) -> None:
    """'What the tests prove' names every test of the lesson and no test that is gone."""
    lesson = LESSONS_DIR / name
    proven = readme_sections((lesson / "README.md").read_text(encoding="utf-8")).get(
        "What the tests prove", ""
    )
    named = set(re.findall(r"`(test_\w+)`", proven))
    tests = set(lesson_test_functions(lesson))
    assert not named - tests, (
        f"lessons/{name}/README.md names tests that do not exist: {sorted(named - tests)}"
    )
    assert not tests - named, (
        f"lessons/{name}/README.md 'What the tests prove' does not mention: {sorted(tests - named)}"
    )


@pytest.mark.parametrize("name", LESSON_FOLDERS)
def test_readme_python_snippets_are_quoted_from_the_lesson(name: str) -> None:
    """Every ```python block in a lesson README appears verbatim in one of its .py files."""
    lesson = LESSONS_DIR / name
    sources = [significant_lines(p.read_text(encoding="utf-8")) for p in lesson.rglob("*.py")]
    readme = (lesson / "README.md").read_text(encoding="utf-8")
    for snippet in python_snippets(readme):
        lines = significant_lines(snippet)
        assert any(occurs_in(lines, source) for source in sources), (
            f"lessons/{name}/README.md quotes code that is not in the lesson "
            f"(it drifted, or belongs in a ```diff block):\n{snippet}"
        )


def test_root_readme_indexes_every_lesson() -> None:
    """The README's lesson index links every lesson folder, and only existing ones."""
    text = ROOT_README.read_text(encoding="utf-8")
    linked = set(re.findall(r"\(lessons/(\d\d_\w+)/?\)", text))
    assert not set(LESSON_FOLDERS) - linked, (
        f"README.md's lesson index lacks: {sorted(set(LESSON_FOLDERS) - linked)}"
    )
    assert not linked - set(LESSON_FOLDERS), (
        f"README.md links lessons that do not exist: {sorted(linked - set(LESSON_FOLDERS))}"
    )


# --- exercises (lessons/NN_slug/exercises/, read by `python -m lessons`) -------------------

# Every lesson has exercises (issue #10): a lesson without an exercises/ folder fails
# the first test below instead of being silently left out.
EXERCISE_LESSONS = LESSON_FOLDERS


def lesson_exercises(name: str) -> list[Exercise]:
    return find_lesson(name, LESSONS_DIR.parent).exercises()


@pytest.mark.parametrize("name", EXERCISE_LESSONS)
def test_lesson_has_two_to_four_exercises_each_with_a_solution(name: str) -> None:
    """exercises/ holds __init__.py and 2-4 exercise_K_*.py, each with its solution_K_*.diff."""
    folder = LESSONS_DIR / name / "exercises"
    assert (folder / "__init__.py").is_file(), f"lessons/{name}/exercises needs __init__.py"
    exercises = lesson_exercises(name)
    assert 2 <= len(exercises) <= 4, f"lessons/{name} has {len(exercises)} exercises, not 2-4"
    numbers = [exercise.number for exercise in exercises]
    assert numbers == list(range(1, len(numbers) + 1)), (
        f"lessons/{name}: exercises must be numbered 1..N (exercise_1_slug.py), got {numbers}"
    )
    missing = [e.solution.name for e in exercises if not e.solution.is_file()]
    assert not missing, f"lessons/{name}/exercises lacks solutions: {missing}"
    strays = {p.name for p in folder.glob("solution_*.diff")} - {e.solution.name for e in exercises}
    assert not strays, f"lessons/{name}/exercises has solutions without exercises: {strays}"


@pytest.mark.parametrize("name", EXERCISE_LESSONS)
def test_every_exercise_states_a_task_a_hint_and_its_claims(name: str) -> None:
    """Each exercise has a title and task docstring, a non-empty HINT and documented tests."""
    for exercise in lesson_exercises(name):
        where = f"lessons/{name}/exercises/{exercise.path.name}"
        assert exercise.title, f"{where}: the module docstring's first line is the title"
        assert exercise.task, f"{where}: the module docstring needs the task after the title"
        assert exercise.hint, f"{where}: needs `HINT: str` with 1-3 sentences"
        assert exercise.tests, f"{where}: defines no test_* function"
        bare = sorted(test for test, doc in exercise.tests.items() if not doc)
        assert not bare, f"{where}: these tests need a one-line docstring: {bare}"


@pytest.mark.parametrize("name", EXERCISE_LESSONS)
def test_every_solution_is_a_diff_of_the_lesson_that_applies(name: str) -> None:
    """Each solution changes only the lesson's own code and `git apply --check` accepts it."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    root = LESSONS_DIR.parent
    for exercise in lesson_exercises(name):
        diff = exercise.solution
        touched = re.findall(r"^\+\+\+ b/(\S+)", diff.read_text(encoding="utf-8"), re.MULTILINE)
        assert touched, f"{diff.name}: not a unified diff with b/ paths from the repository root"
        outside = [
            path
            for path in touched
            if not path.startswith(f"lessons/{name}/")
            or "/exercises/" in path
            or Path(path).name.startswith("test_")
        ]
        assert not outside, f"{diff.name} may change the lesson's code only, not {outside}"

        def applies(*options: str, patch: Path = diff) -> bool:
            command = [git, "apply", "--check", *options, str(patch)]
            return subprocess.run(command, cwd=root, capture_output=True).returncode == 0

        # Applying in reverse succeeds when you have already made exactly this change.
        assert applies() or applies("--reverse"), (
            f"lessons/{name}/exercises/{diff.name} does not apply to the lesson as it is now. "
            f"If you edited the lesson (an exercise, a Try this), that is expected: "
            f"`git diff lessons/{name}` shows your changes. Otherwise regenerate the diff."
        )


@pytest.mark.parametrize("name", EXERCISE_LESSONS)
def test_readme_lists_every_exercise_between_try_this_and_version_notes(name: str) -> None:
    """README's "## Exercises" sits between Try this and Version notes and names each file."""
    sections = list(readme_sections((LESSONS_DIR / name / "README.md").read_text("utf-8")))
    assert "Exercises" in sections, f"lessons/{name}/README.md needs an '## Exercises' section"
    position = sections.index("Exercises")
    assert sections[position - 1 : position + 2] == ["Try this", "Exercises", "Version notes"], (
        f"lessons/{name}/README.md: '## Exercises' goes between 'Try this' and 'Version notes'"
    )
    text = readme_sections((LESSONS_DIR / name / "README.md").read_text("utf-8"))["Exercises"]
    named = set(re.findall(r"exercises/(exercise_\w+\.py)", text))
    files = {exercise.path.name for exercise in lesson_exercises(name)}
    assert named == files, (
        f"lessons/{name}/README.md '## Exercises' names {sorted(named)}; "
        f"the exercise files are {sorted(files)}"
    )
