"""How much report prose sits in the library's Python strings, per module.

Prose is a string constant (or an f-string's constant parts) of three words or more. Docstrings,
error and warning messages, and progress lines are not report prose and are not counted: the
report's words belong in the chapters' Markdown, and this measure says where they still are not.

    python -m tools.prose_in_lib [--limit CHARS]   (exit 1 when the total is over the limit)
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

WORDS = re.compile(r"[A-Za-z]{2,}")
# Calls whose strings are messages, not report prose; `print_progress` is the training plan's
# progress line (lib/training/plan.py), printed to stderr like tqdm's.
NOT_PROSE_CALLS = {"print", "warn", "tqdm", "set_description", "set_postfix", "print_progress"}


def prose_characters(source: str) -> int:
    """Characters of prose in the string constants of one module's source."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and _is_string(node.body[0])
        ):
            skipped |= _ids(node.body[0])
        if isinstance(node, ast.Raise) and node.exc is not None:
            skipped |= _ids(node.exc)
        if isinstance(node, ast.Call) and _call_name(node) in NOT_PROSE_CALLS:
            skipped |= _ids(node)
    total = 0
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.Constant):
            continue
        if isinstance(node.value, str) and len(WORDS.findall(node.value)) >= 3:
            total += len(node.value)
    return total


def _is_string(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _ids(node: ast.AST) -> set[int]:
    return {id(child) for child in ast.walk(node)}


def _call_name(call: ast.Call) -> str:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("lib"))
    parser.add_argument("--limit", type=int, default=None)
    arguments = parser.parse_args()
    counts = {
        path: prose_characters(path.read_text()) for path in sorted(arguments.root.rglob("*.py"))
    }
    for path, count in sorted(counts.items(), key=lambda item: -item[1]):
        if count:
            print(f"{count:7d}  {path}")
    total = sum(counts.values())
    print(f"{total:7d}  in all")
    return 1 if arguments.limit is not None and total > arguments.limit else 0


if __name__ == "__main__":
    sys.exit(main())
