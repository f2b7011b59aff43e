"""Strip the outputs and execution counts from notebooks, as chapters are committed.

    python -m tools.strip_outputs chapters/*.ipynb

Rewrites only the notebooks that held any, says which, and then exits with status 1, so that
the pre-commit hook stops the commit until the stripped files are added.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def strip(notebook: dict) -> bool:
    """Empty every code cell's outputs and execution count in place; whether anything changed."""
    changed = False
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and (cell["outputs"] or cell["execution_count"] is not None):
            cell["outputs"], cell["execution_count"] = [], None
            changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    stripped = []
    for path in parser.parse_args(argv).notebooks:
        notebook = json.loads(path.read_text())
        if strip(notebook):
            # Jupyter's own layout (nbformat.write): sorted keys, one-space indent, non-ASCII kept.
            path.write_text(
                json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            )
            stripped.append(path)
    for path in stripped:
        print(f"stripped outputs from {path}; add it again", file=sys.stderr)
    return 1 if stripped else 0


if __name__ == "__main__":
    sys.exit(main())
