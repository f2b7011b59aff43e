"""Values computed by a chapter, placed in the chapter's Markdown cells.

A code cell calls `glue(test_accuracy=f"{accuracy:.1%}")`; any Markdown cell of the same chapter
writes `{{test_accuracy}}`. After papermill has executed the chapter, tools/run_chapter.py
replaces every placeholder by its value and drops the glue outputs, so both renderers see plain
Markdown and the executed notebook shows the filled text.

Double braces around a Python name cannot clash with Quarto's attributes (`{#sec-x}`,
`{.unnumbered}`), its shortcodes (`{{< name >}}`) or TeX groups (`x^{2}`).

Where the data decides between sentences, the chapter writes each one in its Markdown as
`[It beats the last frame.]{when=beats_last:yes}` and glues the decision (`glue(beats_last=True)`;
a bool is glued as "yes" or "no"): the text of the variant whose key matches is kept, the others
vanish, before the placeholders are filled, so that only the kept text's names must be glued.
A variant's text holds no square brackets.
"""

from __future__ import annotations

import re

MIME_TYPE = "application/x-chapter-glue+json"
PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
VARIANT = re.compile(r"\[([^\[\]]*)\]\{when=([A-Za-z_][A-Za-z0-9_]*):([A-Za-z0-9_-]+)\}")


class PlaceholderError(ValueError):
    """A placeholder without a glued value, or a name glued twice; the message is one line."""


def glue(**values: str | int | bool) -> None:
    """Publish formatted values for the chapter's Markdown cells (call it in a code cell); a bool
    is a decision that picks a variant, glued as "yes" or "no"."""
    from IPython.display import display  # imported here: the build tools read this module too

    for name, value in values.items():
        # A bare float would print all its digits: the chapter chooses the precision.
        if not isinstance(value, (str, int)):
            raise TypeError(
                f"glue {name}: pass a formatted string (e.g. f'{{x:.1%}}'), "
                f"not {type(value).__name__}"
            )
    display({MIME_TYPE: {name: _text(value) for name, value in values.items()}}, raw=True)


def _text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def glued_values(cells: list) -> dict[str, str]:
    """Every value glued by the code cells of an executed notebook, by name."""
    values: dict[str, str] = {}
    for cell in cells:
        for output in cell.get("outputs", []):
            for name, value in output.get("data", {}).get(MIME_TYPE, {}).items():
                if name in values:
                    raise PlaceholderError(f"{name!r} is glued twice")
                values[name] = value
    return values


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with the variants its glued decisions pick and every `{{name}}` filled."""

    def glued(name: str) -> str:
        if name not in values:
            raise PlaceholderError(f"unknown placeholder {{{{{name}}}}}: no glue({name}=...) ran")
        return values[name]

    def variant(match: re.Match) -> str:
        return match[1] if glued(match[2]) == match[3] else ""

    return PLACEHOLDER.sub(lambda match: glued(match[1]), VARIANT.sub(variant, text))


def fill_notebook(notebook) -> None:
    """Fill the Markdown cells of an executed notebook in place and drop its glue outputs."""
    values = glued_values(notebook.cells)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = fill(cell.source, values)
        elif cell.cell_type == "code":
            cell.outputs = [out for out in cell.outputs if MIME_TYPE not in out.get("data", {})]
