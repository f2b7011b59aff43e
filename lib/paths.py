"""Folders named relative to the repository root, wherever the code runs from.

Jupyter, VS Code and Colab start a chapter's kernel in `chapters/`, make in the repository root:
a relative folder such as the chapters' default `data` means the same folder in both.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def in_project(folder: str | Path) -> Path:
    """`folder` itself when absolute, else the same path under the repository root."""
    path = Path(folder)
    return path if path.is_absolute() else PROJECT_ROOT / path
