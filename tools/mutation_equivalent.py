"""Mutants no test can kill because they change nothing observable, each with the reason.

Keys are `path: line before -> line after` as `python -m tools.mutation` prints them for a
survivor. A key stops matching when that line changes, so the mutant is then judged again.
"""

from __future__ import annotations

EQUIVALENT: dict[str, str] = {}
