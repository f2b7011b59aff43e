"""Render the Quarto book to PDF without Quarto, from the same inputs.

Quarto cannot be installed everywhere; pandoc (pypandoc-binary) and Typst (the typst wheel) can.
The chapters listed in `_quarto.yml` (the index .qmd and papermill-executed notebooks) become one
Markdown document, with cell options and outputs treated as Quarto treats them; pandoc turns it
into Typst (template and Lua filters in tools/fallback/), and Typst compiles the PDF.

    python -m tools.render_fallback --root . --output report.pdf [--quick]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from itertools import takewhile
from pathlib import Path
from typing import Any

import nbformat
import pypandoc
import typst
import yaml

FALLBACK_DIR = Path(__file__).resolve().parent / "fallback"
TEMPLATE = FALLBACK_DIR / "template.typ"
LUA_FILTERS = (FALLBACK_DIR / "crossref.lua", FALLBACK_DIR / "source_paths.lua")
BUILD_DIR = Path("build") / "fallback"
QUICK_BANNER = "QUICK PREVIEW — tiny data, 1 epoch: not results"
# The template's code font fits about 90 characters across the text width.
TERMINAL_COLUMNS = 90
# Longer than any line of a pipe table, so that pandoc never gives a table relative column widths.
PIPE_TABLE_COLUMNS = 1_000_000

# Cells papermill parameterises, and cells the author removed, never show.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
IMAGE_EXTENSIONS = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg"}
# Quarto's preference among an output's representations for non-HTML formats.
PREFERRED_MIMETYPES = ("text/markdown", *IMAGE_EXTENSIONS, "text/plain")

FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
SHORTCODE = re.compile(r"\{\{<\s*([\w-]+)(.*?)>\}\}")
EXECUTABLE_CHUNK = re.compile(r"^[ \t]*```+[ \t]*\{[A-Za-z]", re.MULTILINE)
PIPE_TABLE_ROW = re.compile(r"^[ \t]*\|")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PAGEBREAK = "```{=typst}\n#pagebreak()\n```"
APPENDICES_START = "```{=typst}\n#show: appendices\n```"


class RenderError(RuntimeError):
    """The book cannot be rendered; the message names the file at fault."""


@dataclass(frozen=True)
class Book:
    root: Path
    metadata: dict[str, Any]  # title, subtitle, author, date: what the title page shows
    chapters: list[Path]
    appendices: list[Path]
    echo: bool  # project-wide `execute: echo`
    output: Path


@dataclass(frozen=True)
class FigureStore:
    """Writes cell images where the generated .typ can reach them."""

    directory: Path
    root: Path

    def save(self, name: str, mimetype: str, data: str) -> str:
        """Write one image output and return its root-absolute path ("/build/...") for Typst."""
        path = self.directory / f"{name}.{IMAGE_EXTENSIONS[mimetype]}"
        if mimetype == "image/svg+xml":
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(base64.b64decode(data))
        return "/" + path.relative_to(self.root).as_posix()


# --- _quarto.yml --------------------------------------------------------------------------


def read_book(root: Path) -> Book:
    config_path = root / "_quarto.yml"
    if not config_path.is_file():
        raise RenderError(f"{config_path} not found")
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    book = config.get("book", {})
    title = str(book.get("title", ""))
    metadata = {
        "title": title,
        "subtitle": book.get("subtitle"),
        "author": author_names(book.get("author")),
        "date": display_date(book.get("date")),
    }
    # Quarto names a book's PDF after its title unless `output-file` says otherwise.
    output_file = book.get("output-file") or re.sub(r"[^\w.-]+", "-", title).strip("-") or "book"
    output_dir = root / config.get("project", {}).get("output-dir", "_book")
    return Book(
        root=root,
        metadata={key: value for key, value in metadata.items() if value},
        chapters=chapter_paths(root, book.get("chapters", [])),
        appendices=chapter_paths(root, book.get("appendices", [])),
        echo=bool(config.get("execute", {}).get("echo", False)),
        output=output_dir / f"{output_file}.pdf",
    )


def chapter_paths(root: Path, entries: list[Any]) -> list[Path]:
    paths = []
    for entry in entries:
        if not isinstance(entry, str):
            raise RenderError(
                f"_quarto.yml: book part {entry!r} is not supported by the fallback renderer"
            )
        path = root / entry
        if not path.is_file():
            raise RenderError(f"_quarto.yml lists {entry}, which does not exist")
        paths.append(path)
    return paths


def author_names(author: Any) -> list[str]:
    """Quarto allows one author or a list, each a name or a mapping with `name`."""
    if author is None:
        return []
    authors = author if isinstance(author, list) else [author]
    return [str(entry["name"]) if isinstance(entry, dict) else str(entry) for entry in authors]


def display_date(value: Any) -> str | None:
    if value in ("today", "now", "last-modified"):
        value = dt.date.today()
    if isinstance(value, dt.date):  # YAML reads an unquoted 2025-01-31 as a date
        return f"{value.day} {value:%B %Y}"
    return None if value is None else str(value)


# --- Markdown sources (index.qmd, included files) ------------------------------------------


def strip_front_matter(text: str) -> str:
    return FRONT_MATTER.sub("", text, count=1)


def expand_shortcodes(text: str, source: Path) -> str:
    """Expand `{{< include path >}}` (relative to `source`) and `{{< pagebreak >}}`."""

    def expand(match: re.Match[str]) -> str:
        name, argument = match.group(1), match.group(2).strip()
        if name == "pagebreak":
            return f"\n\n{PAGEBREAK}\n\n"
        if name == "include":
            included = source.parent / argument
            if not included.is_file():
                raise RenderError(f"{source}: included file {argument} not found ({included})")
            return expand_shortcodes(
                strip_front_matter(included.read_text(encoding="utf-8")), included
            )
        raise RenderError(
            f"{source}: shortcode {match.group(0)} is not supported by the fallback renderer"
        )

    return SHORTCODE.sub(expand, text)


def document_markdown(path: Path) -> str:
    text = expand_shortcodes(strip_front_matter(path.read_text(encoding="utf-8")), path)
    # The fallback renders stored outputs only; it cannot run code the way Quarto would.
    if EXECUTABLE_CHUNK.search(text):
        raise RenderError(
            f"{path}: executable code chunks need Quarto; put code in a notebook chapter"
        )
    return text


# --- Executed notebooks --------------------------------------------------------------------


def cell_options(source: str, notebook: Path) -> tuple[dict[str, Any], str]:
    """Split a code cell into its leading `#| key: value` options (YAML) and the code after them."""
    lines = source.splitlines()
    option_lines = list(takewhile(lambda line: line.startswith("#|"), lines))
    try:
        options = (
            yaml.safe_load("\n".join(line[2:].removeprefix(" ") for line in option_lines)) or {}
        )
    except yaml.YAMLError as error:
        raise RenderError(f"{notebook}: bad cell options {option_lines}: {error}") from error
    if not isinstance(options, dict):
        raise RenderError(f"{notebook}: cell options must be `#| key: value` lines: {option_lines}")
    return options, "\n".join(lines[len(option_lines) :]).strip("\n")


def fenced(text: str, language: str = "") -> str:
    """A fenced code block, its fence longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def terminal_text(text: str) -> str:
    """Text as a terminal shows it: no colour codes, carriage returns overwrite, long lines wrap."""
    lines = []
    for line in ANSI_ESCAPE.sub("", text).split("\n"):
        segments = [segment for segment in line.split("\r") if segment]
        shown = segments[-1] if segments else ""
        starts = range(0, len(shown), TERMINAL_COLUMNS)
        lines += [shown[start : start + TERMINAL_COLUMNS] for start in starts] or [""]
    return "\n".join(lines)


def displayed_outputs(notebook: Path, outputs: list[Any]) -> list[tuple[str, str]]:
    """(mimetype, data) for each output a reader sees: stdout merged, stderr dropped, errors
    fatal."""
    shown: list[tuple[str, str]] = []
    after_stdout = False
    for output in outputs:
        kind = output["output_type"]
        if kind == "error":
            raise RenderError(f"{notebook}: a cell raised {output['ename']}: {output['evalue']}")
        if kind == "stream":
            if output["name"] == "stdout":
                if after_stdout:  # Jupyter splits printed text into many stream outputs
                    shown[-1] = ("text/plain", shown[-1][1] + output["text"])
                else:
                    shown.append(("text/plain", output["text"]))
            after_stdout = output["name"] == "stdout"
            continue
        after_stdout = False
        mimetype = next((m for m in PREFERRED_MIMETYPES if m in output.get("data", {})), None)
        if mimetype:
            shown.append((mimetype, output["data"][mimetype]))
    return shown


def with_table_caption(markdown: str, caption: str, label: str) -> str | None:
    """Put pandoc's `: Caption {#tbl-x}` after the first pipe table; None if there is no table."""
    lines = markdown.splitlines()
    start = next((i for i, line in enumerate(lines) if PIPE_TABLE_ROW.match(line)), None)
    if start is None:
        return None
    end = start
    while end + 1 < len(lines) and PIPE_TABLE_ROW.match(lines[end + 1]):
        end += 1
    attribute = f" {{#{label}}}" if label else ""
    return "\n".join([*lines[: end + 1], "", f": {caption}{attribute}", "", *lines[end + 1 :]])


def image_markdown(src: str, caption: str, label: str) -> str:
    # No width: Typst sizes images from their DPI, as Quarto does, and shrinks them to the text
    # width.
    attribute = f"{{#{label}}}" if label else ""
    return f"![{caption}](<{src}>){attribute}"


def figure_captions_and_labels(options: dict[str, Any], count: int) -> list[tuple[str, str]]:
    """Caption and label for each of a cell's `count` images.

    Several images under one `fig-x` label become fig-x-1, fig-x-2 (Quarto's subfigure ids), each
    captioned by its entry in a `fig-cap` list.
    """
    label = str(options.get("label", ""))
    label = label if label.startswith("fig-") else ""
    captions = options.get("fig-cap", "")
    captions = captions if isinstance(captions, list) else [captions] * count
    captions = [str(caption) for caption in captions] + [""] * (count - len(captions))
    if count == 1:
        return [(captions[0], label)]
    return [(captions[n], f"{label}-{n + 1}" if label else "") for n in range(count)]


def outputs_markdown(
    shown: list[tuple[str, str]],
    options: dict[str, Any],
    name: str,
    figures: FigureStore,
    notebook: Path,
) -> list[str]:
    image_count = sum(mimetype in IMAGE_EXTENSIONS for mimetype, _ in shown)
    figure_captions = iter(figure_captions_and_labels(options, image_count))
    label = str(options.get("label", ""))
    table_label = label if label.startswith("tbl-") else ""
    table_caption = str(options.get("tbl-cap", ""))
    table_pending = bool(table_label or table_caption)
    blocks = []
    for index, (mimetype, data) in enumerate(shown):
        if mimetype == "text/markdown":
            if table_pending and (
                captioned := with_table_caption(data, table_caption, table_label)
            ):
                data, table_pending = captioned, False
            blocks.append(data)
        elif mimetype in IMAGE_EXTENSIONS:
            src = figures.save(f"{name}-{index + 1}", mimetype, data)
            caption, figure_label = next(figure_captions)
            blocks.append(image_markdown(src, caption, figure_label))
        elif options.get("output") == "asis":
            blocks.append(data)
        else:
            blocks.append(fenced(terminal_text(data)))
    if table_pending:
        raise RenderError(
            f"{notebook}: cell {label or name} has a table caption but no Markdown pipe table"
        )
    return blocks


def code_cell_markdown(
    cell: Any, index: int, notebook: Path, language: str, echo: bool, figures: FigureStore
) -> list[str]:
    shown = displayed_outputs(notebook, cell.get("outputs", []))
    options, code = cell_options(cell.source, notebook)
    if options.get("include", True) is False:
        return []
    blocks = [fenced(code, language)] if options.get("echo", echo) and code.strip() else []
    if options.get("output", True) is not False:
        blocks += outputs_markdown(shown, options, f"{notebook.stem}-{index}", figures, notebook)
    return blocks


def notebook_markdown(path: Path, echo: bool, figures: FigureStore) -> str:
    notebook = nbformat.read(path, as_version=4)
    language = notebook.metadata.get("language_info", {}).get("name", "python")
    blocks: list[str] = []
    for index, cell in enumerate(notebook.cells):
        if HIDDEN_TAGS & set(cell.metadata.get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            blocks.append(expand_shortcodes(cell.source, path))
        elif cell.cell_type == "code":
            blocks += code_cell_markdown(cell, index, path, language, echo, figures)
    return "\n\n".join(blocks)


# --- The whole book --------------------------------------------------------------------------


def chapter_markdown(path: Path, book: Book, figures: FigureStore) -> str:
    body = (
        notebook_markdown(path, book.echo, figures)
        if path.suffix == ".ipynb"
        else document_markdown(path)
    )
    # source_paths.lua reads `dir` to resolve the chapter's relative image paths, then drops the
    # Div.
    directory = path.parent.relative_to(book.root).as_posix()
    return f'::::::: {{.fallback-source dir="{directory}"}}\n\n{body}\n\n:::::::'


def book_markdown(book: Book, figures: FigureStore, quick: bool) -> str:
    metadata = {**book.metadata, **({"quick-banner": QUICK_BANNER} if quick else {})}
    parts = ["---\n" + yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False) + "---"]
    parts += [chapter_markdown(path, book, figures) for path in book.chapters]
    if book.appendices:
        parts.append(APPENDICES_START)
        parts += [chapter_markdown(path, book, figures) for path in book.appendices]
    return "\n\n".join(parts) + "\n"


def markdown_to_typst(markdown: Path, typ: Path) -> None:
    command = [
        pypandoc.get_pandoc_path(),
        str(markdown),
        "--from=markdown",
        "--to=typst",
        "--standalone",
        f"--template={TEMPLATE}",
        *(f"--lua-filter={lua_filter}" for lua_filter in LUA_FILTERS),
        "--wrap=preserve",
        # Pandoc gives a pipe table with a line longer than --columns relative column widths (from
        # its dashes) that squeeze it to the text width; Quarto's `tbl-colwidths: false` turns that
        # off, and so does a limit no line reaches: columns are then as wide as their content.
        f"--columns={PIPE_TABLE_COLUMNS}",
        f"--output={typ}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
    if result.returncode != 0:
        raise RenderError(f"pandoc failed on {markdown}:\n{result.stderr.strip()}")


def typst_to_pdf(typ: Path, pdf: Path, root: Path) -> None:
    pdf.parent.mkdir(parents=True, exist_ok=True)
    try:
        # root=project root: figure paths are root-absolute ("/build/fallback/figures/...").
        typst.compile(str(typ), output=str(pdf), root=str(root))
    except typst.TypstError as error:
        raise RenderError(f"Typst failed on {typ}:\n{error}") from error


def render(root: Path, output: Path | None = None, quick: bool = False) -> Path:
    """Render the book under `root` to `output` (default: where Quarto would put it); return the
    PDF."""
    root = root.resolve()
    book = read_book(root)
    build = root / BUILD_DIR
    figures = FigureStore(build / "figures", root)
    shutil.rmtree(figures.directory, ignore_errors=True)  # no stale figures from earlier renders
    figures.directory.mkdir(parents=True)
    markdown = build / "book.md"
    markdown.write_text(book_markdown(book, figures, quick), encoding="utf-8")
    typ = build / "book.typ"
    markdown_to_typst(markdown, typ)
    pdf = (output or book.output).resolve()
    typst_to_pdf(typ, pdf, root)
    return pdf


def renderer_versions() -> str:
    typst_version = ".".join(version("typst").split(".")[:2])
    return f"pandoc {pypandoc.get_pandoc_version()} + Typst {typst_version}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render the Quarto book to PDF with pandoc and Typst."
    )
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="project root, holding _quarto.yml"
    )
    parser.add_argument(
        "--output", type=Path, help="PDF to write (default: <output-dir>/<output-file>.pdf)"
    )
    parser.add_argument("--quick", action="store_true", help="mark every page as a quick preview")
    args = parser.parse_args(argv)
    try:
        pdf = render(args.root, args.output, args.quick)
    except RenderError as error:
        print(f"Fallback render failed: {error}", file=sys.stderr)
        return 1
    shown = pdf.relative_to(Path.cwd()) if pdf.is_relative_to(Path.cwd()) else pdf
    print(
        f"Rendered {shown} with the fallback renderer ({renderer_versions()}); "
        "Quarto was not found."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
