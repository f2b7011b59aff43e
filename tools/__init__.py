"""Build tooling, apart from the library. A package missing from the interpreter stops any tool
with one line naming it and the fix, instead of a traceback."""

import sys

OWN_PACKAGES = {"lib", "tools", "bench", "tests"}


def _report_missing_package(kind, error, trace, report_others=sys.excepthook):
    name = getattr(error, "name", None) or ""
    if issubclass(kind, ModuleNotFoundError) and name.split(".")[0] not in OWN_PACKAGES | {""}:
        print(
            f"error: the package that provides '{name}' is not installed in {sys.executable}: "
            f"run `make env` (or `make env PYTHON={sys.executable}`), which installs what is "
            "missing",
            file=sys.stderr,
        )
    else:
        report_others(kind, error, trace)


sys.excepthook = _report_missing_package
