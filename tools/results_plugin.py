"""A pytest plugin that writes every test's outcome to a JSON file, for COMPATIBILITY.md.

Enabled with ``-p tools.results_plugin`` and the path in ``LESSONS_RESULTS``. It works under
pytest-xdist: workers attach each test's claim and version guard to its report (reports
travel to the controller; items do not), and only the controller writes the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import fastapi
import pydantic
import pytest
import starlette

_results: dict[str, dict[str, Any]] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
        item.user_properties.append(("claim", doc.strip().splitlines()[0] if doc else ""))
        for marker in item.iter_markers(name="fastapi"):
            for key in ("since", "before"):
                if key in marker.kwargs:
                    item.user_properties.append((key, str(marker.kwargs[key])))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    entry = _results.setdefault(report.nodeid, {"outcome": "passed"})
    entry.update({key: value for key, value in report.user_properties})
    if report.failed:
        entry["outcome"] = "failed"
    elif report.skipped and entry["outcome"] != "failed":
        entry["outcome"] = "skipped"
        # A skip's longrepr is (file, line, "Skipped: reason").
        if isinstance(report.longrepr, tuple):
            entry["reason"] = str(report.longrepr[2]).removeprefix("Skipped: ")


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get("LESSONS_RESULTS")
    if not target or hasattr(session.config, "workerinput"):  # xdist workers do not write
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "fastapi": fastapi.__version__,
        "starlette": starlette.__version__,
        "pydantic": pydantic.VERSION,
        "tests": dict(sorted(_results.items())),
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, indent=1) + "\n")
    temporary.replace(path)
