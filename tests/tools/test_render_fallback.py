"""The fallback renderer turns a small Quarto book (a .qmd and executed notebooks) into a PDF."""

import base64
import io
import re
from pathlib import Path

import matplotlib
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from tools import render_fallback

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the Agg backend)

QUARTO_YML = """\
project:
  type: book
  output-dir: _book
book:
  title: "Bouncing Balls Fixture"
  subtitle: "CSIT 6000M Project 1 · Student ID 20000000"
  author: "Jane Doe"
  date: today
  output-file: report
  chapters:
    - index.qmd
    - build/chapters/01-data.ipynb
    - build/chapters/02-counting.ipynb
  appendices:
    - build/chapters/03-provenance.ipynb
execute:
  echo: false
"""

INDEX_QMD = """\
---
title: "ignored front matter"
---
# Preface {.unnumbered}

This preface is not numbered.

{{< include _about.md >}}
"""

TABLE = "| Balls | Count |\n|---:|---:|\n| small | 3 |\n| large | 5 |"
LONG_TABLE = "| row | value |\n|:---|---:|\n" + "".join(
    f"| row-{n:02d} | {n} |\n" for n in range(1, 81)
)
# Uncaptioned, and with a line longer than pandoc's 72 columns (which would get relative widths).
WIDE_TABLE = (
    "| plain | table | whose | source | line | is | longer | than | seventy-two | characters |\n"
    "|---|---|---|---|---|---|---|---|---|---|\n| no | number | a | b | c | d | e | f | g | h |"
)


def png_base64() -> str:
    figure, axes = plt.subplots(figsize=(8, 4), dpi=100)  # wider than the text width on purpose
    axes.plot([0, 1, 2], [0, 1, 4])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def code(source: str, *outputs, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    cell = new_code_cell(source, outputs=list(outputs))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def stdout(text: str) -> nbformat.NotebookNode:
    return new_output("stream", name="stdout", text=text)


def write_notebook(path: Path, cells: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), path)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("book")
    (root / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
    (root / "index.qmd").write_text(INDEX_QMD, encoding="utf-8")
    (root / "_about.md").write_text("Included text from about.md.\n", encoding="utf-8")
    chapters = root / "build" / "chapters"
    write_notebook(
        chapters / "01-data.ipynb",
        [
            code("quick = False", tags=("parameters",)),
            code(
                "quick = True\nprint('PARAMETER-LEAK')",
                stdout("PARAMETER-LEAK\n"),
                tags=("injected-parameters",),
            ),
            new_markdown_cell(
                "# Data {#sec-data}\n\n## Simulation {#sec-simulation}\n\nThe data are simulated. "
                "Task 6's loss fell (-0.16 dB)."
            ),
            code(
                "hidden_source_marker = 1\nprint('visible output line')",
                stdout("visible output line\n"),
            ),
            code("#| echo: true\nshown_source_marker = 2"),
            code("import warnings", new_output("stream", name="stderr", text="STDERR-NOISE\n")),
        ],
    )
    write_notebook(
        chapters / "02-counting.ipynb",
        [
            new_markdown_cell(
                "# Counting\n\nAs @fig-demo shows and @tbl-demo lists (see @sec-simulation)."
            ),
            code(
                '#| label: fig-demo\n#| fig-cap: "A demo figure"\nplt.plot()',
                new_output(
                    "display_data", data={"image/png": png_base64(), "text/plain": "<Figure>"}
                ),
            ),
            code(
                '#| label: tbl-demo\n#| tbl-cap: "Balls per size"\nMarkdown(table)',
                new_output(
                    "execute_result",
                    data={"text/markdown": TABLE, "text/plain": "<Markdown>"},
                    execution_count=1,
                ),
            ),
            code(
                "summary()", stdout("Layer (type)      Output Shape    Param #\n" + "=" * 90 + "\n")
            ),
            code(
                '#| label: tbl-long\n#| tbl-cap: "A table longer than a page"\nMarkdown(long)',
                new_output(
                    "display_data", data={"text/markdown": LONG_TABLE, "text/plain": "<Markdown>"}
                ),
            ),
            code(
                "Markdown(wide)",
                new_output("display_data", data={"text/markdown": WIDE_TABLE, "text/plain": "<M>"}),
            ),
        ],
    )
    write_notebook(
        chapters / "03-provenance.ipynb", [new_markdown_cell("# Provenance\n\nVersions used.")]
    )
    return root


def pdf_pages(pdf: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


@pytest.fixture(scope="module")
def pages(project: Path) -> list[str]:
    pdf = render_fallback.render(project)
    assert pdf == project / "_book" / "report.pdf"
    return pdf_pages(pdf)


@pytest.fixture(scope="module")
def full_text(pages: list[str]) -> str:
    return "\n".join(pages)


def test_title_page_and_contents(full_text: str) -> None:
    for expected in ("Bouncing Balls Fixture", "Jane Doe", "Student ID 20000000", "Contents"):
        assert expected in full_text


def test_preface_unnumbered_with_include_and_chapters_numbered(full_text: str) -> None:
    assert "Preface" in full_text and "1 Preface" not in full_text
    assert "Included text from about.md." in full_text
    assert "1 Data" in full_text and "2 Counting" in full_text
    assert "A Provenance" in full_text  # appendices are lettered


def test_an_apostrophe_after_a_digit_and_a_minus_after_a_bracket(full_text: str) -> None:
    """Typst would set "Task 6\u2032s" (a prime) and "(-0.16" (a hyphen)."""
    assert "Task 6\u2019s loss fell (\u22120.16 dB)." in full_text


def test_figure_and_table_numbered_per_chapter_and_referenced(full_text: str) -> None:
    assert "Figure 2.1: A demo figure" in full_text
    assert "Table 2.1: Balls per size" in full_text
    assert "As Figure 2.1 shows and Table 2.1 lists (see Section 1.1)" in full_text
    assert "@fig-demo" not in full_text and "cite" not in full_text


def test_a_long_table_breaks_across_pages_keeping_every_row(
    pages: list[str], full_text: str
) -> None:
    assert "Table 2.2: A table longer than a page" in full_text
    rows = [f"row-{n:02d} {n}" for n in range(1, 81)]
    assert all(row in full_text for row in rows)
    first, last = (
        next(i for i, page in enumerate(pages) if row in page) for row in (rows[0], rows[-1])
    )
    assert last > first and "row value" in pages[last]  # the header row repeats on the next page
    per_page = [sum(row in page for row in rows) for page in pages]
    assert 1 not in per_page  # no row left alone at the foot or the head of a page


def test_an_uncaptioned_table_is_not_numbered_and_columns_fit_their_content(
    project: Path, full_text: str
) -> None:
    assert "no number" in full_text and "Table 2.3" not in full_text
    typst_source = (project / render_fallback.BUILD_DIR / "book.typ").read_text(encoding="utf-8")
    # no relative widths
    assert "columns: 10," in typst_source and not re.search(r"columns: \(\d", typst_source)


def test_cell_visibility_follows_quarto_rules(full_text: str) -> None:
    assert "visible output line" in full_text and "Layer (type)" in full_text
    assert "shown_source_marker" in full_text
    assert "hidden_source_marker" not in full_text
    assert "STDERR-NOISE" not in full_text
    assert "PARAMETER-LEAK" not in full_text and "quick = " not in full_text
    assert not re.search(r"#\||\{#|:::", full_text)


def test_missing_include_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "index.qmd").write_text(
        "# Preface\n\n{{< include missing.md >}}\n", encoding="utf-8"
    )
    with pytest.raises(render_fallback.RenderError, match="missing.md"):
        render_fallback.document_markdown(tmp_path / "index.qmd")


def test_cell_error_fails_naming_the_notebook(tmp_path: Path) -> None:
    error = new_output("error", ename="ValueError", evalue="bad", traceback=[])
    with pytest.raises(render_fallback.RenderError, match="broken.ipynb.*ValueError"):
        render_fallback.displayed_outputs(tmp_path / "broken.ipynb", [error])


def test_cell_options_are_parsed_and_removed_from_the_source(tmp_path: Path) -> None:
    source = '#| label: fig-x\n#| fig-cap: "A: b"\nplot()'
    options, code = render_fallback.cell_options(source, tmp_path / "n.ipynb")
    assert options == {"label": "fig-x", "fig-cap": "A: b"} and code == "plot()"


def test_text_output_shows_as_a_terminal_would() -> None:
    text = render_fallback.terminal_text("\x1b[31mred\x1b[0m\n50%\r100%\n" + "x" * 100)
    assert text.split("\n") == ["red", "100%", "x" * 90, "x" * 10]


def test_quick_preview_from_the_command_line_marks_every_page(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "report-quick.pdf"
    assert render_fallback.main(["--root", str(project), "--output", str(pdf), "--quick"]) == 0
    assert "report-quick.pdf with the fallback renderer (pandoc" in capsys.readouterr().out
    pages = pdf_pages(pdf)
    assert len(pages) > 3
    assert all(render_fallback.QUICK_BANNER in page for page in pages)
