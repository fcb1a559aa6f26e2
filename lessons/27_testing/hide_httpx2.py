"""Import Starlette's TestClient in a fresh interpreter with packages made unimportable,
and print, as JSON, which library it was built on, or its error, and every warning.

test_httpx2.py runs this in a subprocess, so the test process's own imports stay untouched.
Each argument is one scenario, a comma-separated list of packages to hide:
    python lessons/27_testing/hide_httpx2.py httpx2 httpx2,httpx
"""

import json
import sys
import warnings


def import_testclient_without(hidden: list[str]) -> dict[str, object]:
    """Import starlette.testclient afresh while the `hidden` packages cannot be imported."""
    sys.modules.pop("starlette.testclient", None)  # so the import runs the module again
    # What was there before, to put back afterwards: a package imported by an earlier
    # scenario must come back as the same module (importing it afresh would find its
    # submodules already loaded and not attach them to the new package).
    saved = {name: sys.modules.get(name) for name in hidden}
    for name in hidden:
        # A None entry in sys.modules makes `import name` raise ModuleNotFoundError, just
        # as if the package were not installed.
        sys.modules[name] = None  # type: ignore[assignment]
    report: dict[str, object] = {"hidden": hidden}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                from starlette.testclient import TestClient
            except RuntimeError as error:
                report["error"] = str(error)
            else:
                (client_class,) = TestClient.__bases__  # httpx2.Client or httpx.Client
                report["library"] = client_class.__module__.partition(".")[0]
    finally:
        for name, module in saved.items():
            if module is None:
                del sys.modules[name]  # it was never imported: just lift the block
            else:
                sys.modules[name] = module
    report["warnings"] = [
        {
            "category": warning.category.__name__,
            "is_user_warning": issubclass(warning.category, UserWarning),
            "is_deprecation_warning": issubclass(warning.category, DeprecationWarning),
            "message": str(warning.message),
        }
        for warning in caught
        if "httpx" in str(warning.message)  # old Starlette also warns about an anyio alias
    ]
    return report


if __name__ == "__main__":
    scenarios = [argument.split(",") if argument else [] for argument in sys.argv[1:]]
    print(json.dumps([import_testclient_without(hidden) for hidden in scenarios]))
