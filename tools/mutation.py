"""Mutation testing: would each lesson's tests notice if its app code were wrong?

    python -m tools.mutation                 # lessons changed since the record; check all
    python -m tools.mutation 07 21 --update  # these lessons; write their results
    python -m tools.mutation --all --update  # every lesson (about 20 min on two cores)
    python -m tools.mutation --table         # MUTATION.md from the record, nothing runs

A mutant is the lesson's code with one small change: a number off by one, `<` for `<=`,
`True` for `False`, `and` for `or`, a removed decorator, a `not` added... The lesson's tests
run against every mutant; a failing run "kills" it. A mutant that survives is either a claim
the tests do not pin down (add a test) or a change that makes no observable difference
(list it in tools/mutation_equivalent.py with the reason). Every lesson must kill at least
90% of its non-equivalent mutants.

Cosmic Ray, a maintained mutation tool, supplies the operators and applies them to the
source; this module picks the operators and runs the mutants fast: starting Python and
importing FastAPI, Pydantic and Hypothesis takes longer than most lessons' tests, so one
process imports them once and forks a child per mutant. The child imports only the lesson,
fresh, from a private copy of the tree holding the mutated file (one copy per worker).

Incremental: `.ci/mutation-record.json` holds each lesson's fingerprint (tools/fingerprint.py)
and raw result. Without --all or named lessons only lessons whose fingerprint changed run.
"""

from __future__ import annotations

import argparse
import builtins
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

# Import, once, everything the lessons import that is slow to import; each forked child
# then starts with these ready. (The lessons themselves must NOT be imported here.)
import fastapi.testclient  # noqa: F401
import httpx  # noqa: F401
import hypothesis  # noqa: F401
import pydantic  # noqa: F401
import pytest
import sqlalchemy  # noqa: F401
from cosmic_ray.ast import ast_nodes, get_ast
from cosmic_ray.exceptions import CosmicRayTestingException
from cosmic_ray.mutating import mutate_code
from cosmic_ray.operators.operator import Operator
from cosmic_ray.plugins import get_operator

from tools.fingerprint import fingerprint, lessons
from tools.mutation_equivalent import EQUIVALENT

# ExceptionReplacer turns `except ValueError:` into `except CosmicRayTestingException:`
# (a handler that never catches); the name must resolve in the mutated module.
builtins.CosmicRayTestingException = CosmicRayTestingException  # type: ignore[attr-defined]

REPO_ROOT = Path(__file__).resolve().parent.parent
RECORD = REPO_ROOT / ".ci" / "mutation-record.json"
TABLE = REPO_ROOT / "MUTATION.md"
THRESHOLD = 0.90

# One replacement per operator, the classic set: each is a plausible slip. Cosmic Ray also
# offers every operator for every other (`+` for `<<`, `==` for `is`...), mostly mutants that
# fail on import; and `|` is left alone because here it almost only joins union types.
OPERATORS = [
    "core/NumberReplacer",
    "core/ReplaceTrueWithFalse",
    "core/ReplaceFalseWithTrue",
    "core/ReplaceAndWithOr",
    "core/ReplaceOrWithAnd",
    "core/AddNot",
    "core/ReplaceUnaryOperator_Delete_Not",
    "core/ReplaceUnaryOperator_USub_UAdd",
    "core/ReplaceBreakWithContinue",
    "core/ReplaceContinueWithBreak",
    "core/ZeroIterationForLoop",
    "core/ExceptionReplacer",
    "core/RemoveDecorator",
    "core/ReplaceComparisonOperator_Eq_NotEq",
    "core/ReplaceComparisonOperator_NotEq_Eq",
    "core/ReplaceComparisonOperator_Lt_LtE",
    "core/ReplaceComparisonOperator_LtE_Lt",
    "core/ReplaceComparisonOperator_Gt_GtE",
    "core/ReplaceComparisonOperator_GtE_Gt",
    "core/ReplaceComparisonOperator_Is_IsNot",
    "core/ReplaceComparisonOperator_IsNot_Is",
    "core/ReplaceBinaryOperator_Add_Sub",
    "core/ReplaceBinaryOperator_Sub_Add",
    "core/ReplaceBinaryOperator_Mul_Div",
    "core/ReplaceBinaryOperator_Div_Mul",
    "core/ReplaceBinaryOperator_FloorDiv_Div",
    "core/ReplaceBinaryOperator_Mod_FloorDiv",
    "core/ReplaceBinaryOperator_Pow_Mul",
]

# Test-run flags: stop at the first failure (a kill), fixed order, no plugins that only
# help a person watching (progress file, cache) or that would fork again (xdist).
PYTEST_ARGS = ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist"]
PYTEST_ARGS += ["-p", "no:lessons.progress", "--no-header", "--tb=no"]
# The parent imported the libraries already, too late for pytest to rewrite their plugins'
# asserts (a warning, hence an error here); a kill needs a failing assert, not a pretty one.
PYTEST_ARGS += ["--assert=plain"]


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to the repository root
    operator: str
    occurrence: int
    source: str  # the whole mutated file
    line: int
    before: str  # the changed line, stripped
    after: str

    @property
    def key(self) -> str:
        """How the record and the equivalents list name a mutant (no line number: stable)."""
        return f"{self.path}: {self.before} -> {self.after}"


def mutated_files(lesson: str) -> list[Path]:
    """The lesson's own code: what coverage measures, without tests, fixtures, exercises."""
    folder = REPO_ROOT / "lessons" / lesson
    return sorted(
        p
        for p in folder.rglob("*.py")
        if not p.name.startswith("test_")
        and p.name not in ("conftest.py", "__init__.py")
        and "exercises" not in p.relative_to(folder).parts
    )


def mutants(lesson: str) -> list[Mutant]:
    found = []
    for path in mutated_files(lesson):
        code = path.read_text(encoding="utf-8")
        lines = code.splitlines()
        module = get_ast(code)
        for name in OPERATORS:
            operator: Operator = get_operator(name)()
            positions = sum(
                len(list(operator.mutation_positions(node))) for node in ast_nodes(module)
            )
            for occurrence in range(positions):
                try:
                    mutated = mutate_code(code, operator, occurrence)
                except (AttributeError, AssertionError):  # a shape the operator cannot handle
                    continue
                if mutated is None or mutated == code:
                    continue
                new_lines = mutated.splitlines()
                index = next(
                    (i for i, (a, b) in enumerate(zip(lines, new_lines, strict=False)) if a != b),
                    min(len(lines), len(new_lines)) - 1,
                )
                before = lines[index] if index < len(lines) else ""
                if "pragma: no mutate" in before:
                    continue
                after = new_lines[index] if index < len(new_lines) else ""
                found.append(
                    Mutant(
                        path=path.relative_to(REPO_ROOT).as_posix(),
                        operator=name.removeprefix("core/"),
                        occurrence=occurrence,
                        source=mutated,
                        line=index + 1,
                        before=before.strip(),
                        after=after.strip(),
                    )
                )
    return found


def copy_tree(destination: Path, lesson: str) -> None:
    """The smallest tree the lesson's tests run in: root config, shared modules, the lesson."""
    for name in ("conftest.py", "pytest.ini"):
        shutil.copy2(REPO_ROOT / name, destination / name)
    (destination / "lessons").mkdir()
    for module in (REPO_ROOT / "lessons").glob("*.py"):
        if not module.name.startswith("test_"):
            shutil.copy2(module, destination / "lessons" / module.name)
    shutil.copytree(
        REPO_ROOT / "lessons" / lesson,
        destination / "lessons" / lesson,
        ignore=shutil.ignore_patterns("__pycache__", ".hypothesis", "exercises"),
    )


def start_run(root: Path, lesson: str) -> int:
    """Fork a child that runs the lesson's tests in `root`; return its pid."""
    pid = os.fork()
    if pid:
        return pid
    # The child: forget any `lessons` package the parent saw and import from the copy.
    try:
        for name in list(sys.modules):
            if name.split(".")[0] in ("lessons", "conftest", "tools"):
                del sys.modules[name]
        sys.path[:] = [str(root)] + [p for p in sys.path if p not in ("", str(REPO_ROOT))]
        os.chdir(root)
        os.setsid()  # its own process group: a timeout kills servers the tests started too
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        code = int(pytest.main([f"lessons/{lesson}", *PYTEST_ARGS]))
    except BaseException:
        code = 99
    os._exit(code)


@dataclass
class LessonResult:
    total: int
    killed: int
    survived: list[str]
    seconds: float


def run_lesson(lesson: str, workers: int) -> LessonResult:
    started = time.monotonic()
    todo = deque(mutants(lesson))
    total = len(todo)
    survived: list[str] = []
    with tempfile.TemporaryDirectory(prefix=f"mutation-{lesson}-") as temporary:
        roots = [Path(temporary) / str(i) for i in range(workers)]
        for root in roots:
            root.mkdir()
            copy_tree(root, lesson)
        # The unmutated lesson must pass in the copy, and tells how long a run takes.
        baseline_start = time.monotonic()
        _, status = os.waitpid(start_run(roots[0], lesson), 0)
        baseline = time.monotonic() - baseline_start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"mutation: {lesson} fails without any mutant; fix it first")
        limit = max(30.0, 5 * baseline)  # beyond this a mutant hangs: that counts as killed
        free = list(roots)
        running: dict[int, tuple[Path, Mutant, float]] = {}
        while todo or running:
            while todo and free:
                root, mutant = free.pop(), todo.popleft()
                (root / mutant.path).write_text(mutant.source, encoding="utf-8")
                running[start_run(root, lesson)] = (root, mutant, time.monotonic())
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                for child, (_, _, since) in running.items():
                    if time.monotonic() - since > limit:
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(child, signal.SIGKILL)
                time.sleep(0.01)  # polling a child's exit, not synchronising a test
                continue
            root, mutant, _ = running.pop(pid)
            if os.waitstatus_to_exitcode(status) == 0:
                survived.append(mutant.key)
            original = REPO_ROOT / mutant.path
            shutil.copy2(original, root / mutant.path)
            free.append(root)
    return LessonResult(total, total - len(survived), sorted(survived), time.monotonic() - started)


# --- the record, the check and the table ----------------------------------------------------


def load_record() -> dict[str, dict[str, object]]:
    return dict(json.loads(RECORD.read_text())) if RECORD.exists() else {}


def save_record(record: dict[str, dict[str, object]]) -> None:
    RECORD.write_text(json.dumps(dict(sorted(record.items())), indent=1) + "\n")


def score(entry: dict[str, object]) -> tuple[int, int, list[str], list[str]]:
    """(non-equivalent mutants, killed, equivalent survivors, unexplained survivors)."""
    survivors = [str(key) for key in entry["survived"]]  # type: ignore[attr-defined]
    equivalent = [key for key in survivors if key in EQUIVALENT]
    unexplained = [key for key in survivors if key not in EQUIVALENT]
    total = int(entry["total"]) - len(equivalent)  # type: ignore[call-overload]
    return total, int(entry["killed"]), equivalent, unexplained  # type: ignore[call-overload]


def table(record: dict[str, dict[str, object]]) -> str:
    rows = [
        "# Mutation testing",
        "",
        "Generated by `python -m tools.mutation --table` from `.ci/mutation-record.json`; see",
        "`tools/mutation.py` for how mutants are made and run, and",
        "`tools/mutation_equivalent.py` for the mutants that cannot be killed and why.",
        "",
        "| Lesson | Mutants | Killed | Equivalent | Survived | Score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    details = []
    for lesson, entry in sorted(record.items()):
        total, killed, equivalent, unexplained = score(entry)
        percent = f"{100 * killed / total:.0f}%" if total else "—"
        rows.append(
            f"| {lesson} | {entry['total']} | {killed} | {len(equivalent)} "
            f"| {len(unexplained)} | {percent} |"
        )
        if unexplained:
            details += ["", f"## {lesson}: surviving mutants", ""]
            details += [f"- `{key}`" for key in unexplained]
    return "\n".join(rows + details) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mutation testing of every lesson's code.")
    parser.add_argument("lessons", nargs="*", help="lesson numbers or names (default: changed)")
    parser.add_argument("--all", action="store_true", help="every lesson, ignore the record")
    parser.add_argument("--update", action="store_true", help="write results to the record")
    parser.add_argument("--table", action="store_true", help="only write MUTATION.md")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    record = load_record()
    extra = [REPO_ROOT / "tools" / "mutation.py"]  # other operators: other results
    prints = {lesson: fingerprint(lesson, extra) for lesson in lessons()}
    if args.table:
        TABLE.write_text(table(record))
        return 0
    if args.lessons:
        targets = [n for n in prints if any(n.startswith(a.zfill(2)) for a in args.lessons)]
    elif args.all:
        targets = list(prints)
    else:
        targets = [
            n for n, value in prints.items() if record.get(n, {}).get("fingerprint") != value
        ]
    os.environ["HYPOTHESIS_PROFILE"] = "mutation"
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"  # a stale .pyc must never hide a mutant
    sys.dont_write_bytecode = True
    for lesson in targets:
        result = run_lesson(lesson, args.workers)
        record[lesson] = {
            "fingerprint": prints[lesson],
            "total": result.total,
            "killed": result.killed,
            "survived": result.survived,
        }
        total, killed, _, unexplained = score(record[lesson])
        print(
            f"{lesson}: {killed}/{total} killed, {len(unexplained)} unexplained survivor(s) "
            f"({result.seconds:.0f} s)",
            flush=True,
        )
        for key in unexplained:
            print(f"    survived: {key}")
    if args.update:
        save_record({k: v for k, v in record.items() if k in prints})
        TABLE.write_text(table(record))
    failing = []
    for lesson in targets if args.lessons else prints:
        entry = record.get(lesson)
        if entry is None or entry.get("fingerprint") != prints[lesson]:
            failing.append(f"{lesson}: not measured (run with --update and commit the record)")
            continue
        total, killed, _, _ = score(entry)
        if total and killed / total < THRESHOLD:
            failing.append(f"{lesson}: {killed}/{total} killed, below {THRESHOLD:.0%}")
    for line in failing:
        print(f"mutation: {line}")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
