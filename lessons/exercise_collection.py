"""A pytest plugin that imports exercise files under their full package name.

`pytest lessons/07_dependencies/exercises/exercise_1_x.py` must import the file as
`lessons.07_dependencies.exercises.exercise_1_x`, so that its `from ..app import app`
reaches the lesson. pytest's importlib mode cannot work that name out by itself: it looks
for the outermost folder with an `__init__.py` and a name that is a Python identifier,
stops at `07_dependencies` (it starts with a digit) and imports the file as
`exercises.exercise_1_x`, where `..` points nowhere. The lesson's own test files, one
folder higher, are not affected. `importlib.import_module` accepts such names, so exercise
files are imported with it (assertion rewriting still applies: pytest's import hook sees
the import).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest


def is_exercise_file(path: Path, root: Path) -> bool:
    """lessons/NN_slug/exercises/exercise_*.py, relative to the repository root."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return (
        len(parts) == 4
        and parts[0] == "lessons"
        and parts[1][:2].isdigit()
        and parts[2] == "exercises"
        and parts[3].startswith("exercise_")
        and parts[3].endswith(".py")
    )


class ExerciseModule(pytest.Module):
    """A test module imported as lessons.NN_slug.exercises.exercise_K_slug."""

    def _getobj(self) -> ModuleType:
        name = ".".join(self.path.relative_to(self.config.rootpath).with_suffix("").parts)
        try:
            module = importlib.import_module(name)
        except Exception as error:  # shown like any collection error, naming the file
            trace = pytest.ExceptionInfo.from_current().getrepr(style="short")
            raise self.CollectError(f"error while importing {name}:\n{trace}") from error
        self.config.pluginmanager.consider_module(module)
        return module


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(
    module_path: Path, parent: pytest.Collector
) -> pytest.Module | None:
    if is_exercise_file(module_path, parent.config.rootpath):
        return ExerciseModule.from_parent(parent, path=module_path)
    return None
