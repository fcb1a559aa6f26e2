"""Code written for Starlette < 0.48, still reading the old name of the 422 constant.

The tests run it in a fresh interpreter with Python's default warning filters, to show
what a deployed app prints (or does not print) on each Starlette version.
"""

# Same module as `from fastapi import status` (see the tests); importing it from Starlette
# keeps the interpreter the tests start small and quick.
from starlette import status


def unprocessable_code() -> int:
    return status.HTTP_422_UNPROCESSABLE_ENTITY


def error_summary() -> str:
    return f"{unprocessable_code()} Unprocessable"
