"""The book as a whole: its configuration, its chapters, and one quick build end to end.

The quick build is executed once and rendered twice: by `make report QUICK=1` with no `quarto` on
PATH (the fallback renderer, always tested), and by Quarto from the same executed chapters when
`quarto` is on PATH (skipped, saying so, when it is not). Both PDFs are checked page by page and
against each other.
"""

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from pypdf import PdfReader

from tools.render_fallback import cell_options

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
RENDERERS = ("fallback", "quarto")


def quarto_config(name="_quarto.yml"):
    return yaml.safe_load((ROOT / name).read_text())


def test_quarto_renders_exactly_the_executed_copies_of_the_chapters():
    config = quarto_config()
    executed = [f"build/chapters/{path.name}" for path in CHAPTERS]
    book = config["book"]
    listed = book["chapters"] + book.get("appendices", [])
    assert listed == ["index.qmd", *executed]
    assert config["project"]["render"] == ["index.qmd", *executed]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_chapters_are_committed_without_outputs_and_take_parameters(chapter):
    notebook = json.loads(chapter.read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all(not cell["outputs"] and cell["execution_count"] is None for cell in code)
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert "quick = False" in "".join(code[0]["source"])


def test_the_quick_profile_keeps_every_typst_header_of_the_book():
    # A profile's include-in-header replaces the base list instead of adding to it.
    def headers(config):
        value = config["format"]["typst"].get("include-in-header", [])
        return [value] if isinstance(value, str) else value

    base, quick = headers(quarto_config()), headers(quarto_config("_quarto-quick.yml"))
    assert base and set(base) <= set(quick) and "tools/quick-preview.typ" in quick
    assert all((ROOT / path).is_file() for path in quick)


def test_gitignore_holds_quartos_entries_as_quarto_writes_them():
    # Quarto appends the entries it misses to .gitignore on every render, dirtying the work tree.
    lines = (ROOT / ".gitignore").read_text().splitlines()
    assert "/.quarto/" in lines and "**/*.quarto_ipynb" in lines


def test_the_report_depends_on_every_input_of_either_renderer():
    # make's database (-p) without running anything (-q): what the quick report is rebuilt from.
    database = subprocess.run(
        ["make", "-pq", "QUICK=1", f"PYTHON={sys.executable}", "report"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    rule = next(line for line in database.splitlines() if line.startswith("report-quick.pdf:"))
    prerequisites = set(rule.split(":", 1)[1].split())
    inputs = [
        "index.qmd",
        "_quarto.yml",
        "_quarto-quick.yml",
        "build/_summary.md",
        *(
            path.relative_to(ROOT).as_posix()
            for pattern in ("tools/render*.py", "tools/*.typ", "tools/fallback/*")
            for path in ROOT.glob(pattern)
        ),
    ]
    assert set(inputs) <= prerequisites


# --- One quick build, rendered by both renderers ---------------------------------------------


def path_without_quarto() -> str:
    """PATH without the folders that hold a `quarto`, so that `make report` uses the fallback."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(
        folder for folder in folders if folder and not (Path(folder) / "quarto").exists()
    )


def git(copy: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args]
    return subprocess.run(command, cwd=copy, capture_output=True, text=True, check=True).stdout


# A student's edit of the discussion, made in a Markdown cell that also holds a computed number.
STUDENT_SENTENCE = "The student wrote this sentence in a Markdown cell."


def write_student_sentence(copy: Path) -> None:
    path = copy / "chapters" / "04-video.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = next(
        c for c in notebook.cells if c.cell_type == "markdown" and "{{worst_clip}}" in c.source
    )
    cell.source += "\n\n" + STUDENT_SENTENCE
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def quick_build(tmp_path_factory, copy_work_tree):
    """A copy of the repository (what git tracks or would track) with a student's sentence added,
    committed to a fresh git repository and built with QUICK=1 by the fallback renderer (no quarto
    on PATH)."""
    copy = copy_work_tree(tmp_path_factory.mktemp("book"))
    write_student_sentence(copy)
    git(copy, "init", "--quiet")
    git(copy, "add", "--all")
    git(copy, "commit", "--quiet", "--message", "the work tree under test")
    result = subprocess.run(
        ["make", "report", "QUICK=1", f"PYTHON={sys.executable}"],
        cwd=copy,
        env={**os.environ, "PATH": path_without_quarto()},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # Kept apart (under the git-ignored build/) from the report that later builds overwrite.
    shutil.copyfile(copy / "report-quick.pdf", copy / "build" / "report-quick-fallback.pdf")
    return copy, result.stdout + result.stderr


@pytest.fixture(scope="module")
def quarto_render(request):
    """The same executed build rendered by Quarto, as `make report` renders it when Quarto is on
    PATH."""
    if shutil.which("quarto") is None:
        pytest.skip("quarto not on PATH: Quarto rendering not tested")
    copy, _ = request.getfixturevalue("quick_build")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.render",
            "--output",
            "build/report-quick-quarto.pdf",
            "--quick",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return copy / "build" / "report-quick-quarto.pdf", result.stdout + result.stderr


@pytest.fixture(scope="module", params=RENDERERS)
def rendered(request):
    """(renderer, PDF) for each renderer; Quarto's is skipped when quarto is not on PATH."""
    if request.param == "quarto":
        return "quarto", request.getfixturevalue("quarto_render")[0]
    return "fallback", request.getfixturevalue("quick_build")[
        0
    ] / "build" / "report-quick-fallback.pdf"


def normalised(text: str) -> str:
    """Text without whitespace and hyphens (so line breaks and hyphenation do not matter), with
    straight quotes, and without Markdown emphasis and code marks."""
    text = re.sub(r"[“”„]", '"', re.sub(r"[‘’]", "'", text))
    return re.sub(r"[\s\-\u00ad\u2010\u2011*`\\]", "", text)


@functools.cache
def pdf_text(pdf: Path) -> list[str]:
    """The text of each page (read once per PDF: the PDFs under test are not rewritten)."""
    return [page.extract_text() for page in PdfReader(pdf).pages]


@pytest.mark.e2e
def test_a_sentence_edited_in_markdown_and_the_numbers_glued_into_it_reach_the_pdf(rendered):
    _, pdf = rendered
    text = "\n".join(pdf_text(pdf))
    assert normalised(STUDENT_SENTENCE) in normalised(text)
    assert re.search(r"inclip\d+\(\dballs?\),thelargesterror", normalised(text))
    assert "{{" not in text and "}}" not in text


def book_chapters() -> list[tuple[str, str]]:
    """(number or letter, executed notebook) of every chapter and appendix in book order."""
    book = quarto_config()["book"]
    chapters = [path for path in book["chapters"] if path.endswith(".ipynb")]
    return [(str(n), path) for n, path in enumerate(chapters, 1)] + [
        (chr(ord("A") + n), path) for n, path in enumerate(book.get("appendices", []))
    ]


def expected_captions(copy: Path) -> dict[str, str]:
    """{"Figure 2.1": caption, "Table 5.3": caption, ...} from the cell options of the executed
    chapters."""
    captions = {}
    for chapter, path in book_chapters():
        counts = {"fig": 0, "tbl": 0}
        for cell in nbformat.read(copy / path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            options, _ = cell_options(cell.source, copy / path)
            kind = str(options.get("label", ""))[:3]
            caption = options.get(f"{kind}-cap") if kind in counts else None
            if caption:
                counts[kind] += 1
                name = "Figure" if kind == "fig" else "Table"
                captions[f"{name} {chapter}.{counts[kind]}"] = str(caption)
    return captions


def caption_prefix(caption: str) -> str:
    """The start of a caption as it reads in the PDF: up to its first cross-reference or maths."""
    return normalised(re.split(r"[@$]", caption)[0])[:40]


def numbered_captions(text: str) -> dict[str, str]:
    """{"Table 5.3": normalised text after "Table 5.3:"} for every numbered caption in `text`."""
    found = {}
    for match in re.finditer(r"\b(Figure|Table)\s+([0-9A-Z]+\.\d+)\s*:", text):
        label = f"{match.group(1)} {match.group(2)}"
        found.setdefault(label, normalised(text[match.end() : match.end() + 200])[:40])
    return found


def table_cells(copy: Path) -> list[str]:
    """Every non-empty cell of every Markdown table the book shows (chapters and preface
    summary)."""
    markdown = [(copy / "build" / "_summary.md").read_text()]
    for _, path in book_chapters():
        for cell in nbformat.read(copy / path, as_version=4).cells:
            for output in cell.get("outputs", []):
                markdown.append(output.get("data", {}).get("text/markdown", ""))
    cells = []
    for line in "\n".join(markdown).splitlines():
        if line.startswith("|") and not re.fullmatch(r"\|[\s:|-]+\|", line.strip()):
            cells += [
                cell.strip()
                for cell in line.strip().strip("|").split("|")
                if cell.strip() not in ("", "—")
            ]
    return cells


def text_off_the_page_body(pdf: Path) -> list[str]:
    """Text drawn off the page or in the footer next to the page number: a table that did not
    break across pages and ran off its page. Empty when every line sits where it can be read."""
    misplaced = []
    for number, page in enumerate(PdfReader(pdf).pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        placed = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                placed.append((x, y, text.strip()))  # noqa: B023  (called within this iteration)

        page.extract_text(visitor_text=visit)
        page_numbers = [y for _, y, text in placed if text == str(number)]
        footer = min(page_numbers, default=None)
        for x, y, text in placed:
            if text == str(number):
                continue
            if not (0 <= x <= width and 0 <= y <= height) or (
                footer is not None and y < footer + 14
            ):
                misplaced.append(f"page {number}: {text!r} at ({x:.0f}, {y:.0f})")
    return misplaced


@pytest.mark.e2e
def test_quick_build_renders_with_the_fallback_when_quarto_is_not_on_path(quick_build):
    copy, log = quick_build
    assert "Rendered report-quick.pdf with the fallback renderer" in log
    results = json.loads((copy / "build" / "results.json").read_text())
    assert {r["metric"] for r in results} >= {"test_accuracy", "val_psnr"}
    assert git(copy, "status", "--porcelain") == ""  # the build leaves the work tree clean


@pytest.mark.e2e
def test_quarto_renders_the_quick_build_and_leaves_the_work_tree_clean(quarto_render, quick_build):
    copy, _ = quick_build
    _, log = quarto_render
    assert "Rendered build/report-quick-quarto.pdf with Quarto" in log
    # Quarto adds to .gitignore what it misses there; nothing else may change either.
    assert git(copy, "status", "--porcelain") == ""


@pytest.mark.e2e
def test_title_page_shows_title_subtitle_and_author(rendered):
    _, pdf = rendered
    title_page = normalised(pdf_text(pdf)[0])
    book = quarto_config()["book"]
    for field in ("title", "subtitle", "author"):
        assert normalised(book[field]) in title_page, field


@pytest.mark.e2e
def test_every_page_is_marked_as_a_quick_preview(rendered):
    _, pdf = rendered
    assert all("QUICK PREVIEW" in page for page in pdf_text(pdf))


@pytest.mark.e2e
def test_cross_references_are_resolved_and_read_as_in_a_sentence(rendered):
    _, pdf = rendered
    text = "\n".join(pdf_text(pdf))
    assert not re.search(r"@(fig|tbl|sec)-|\?\?|#\|", text)
    assert re.search(r"Table\s1\.1\s[a-z]", text)  # a reference read inside a sentence
    # orange-book numbers chapters "4.": a reference inside a sentence must not read "Chapter 4. (".
    assert not re.search(r"\b(Chapter|Appendix)\s+[0-9A-Z]+\.\s*[a-z(,;]", text)


@pytest.mark.e2e
def test_figures_and_tables_are_numbered_and_captioned_as_in_the_chapters(rendered, quick_build):
    _, pdf = rendered
    text = "\n".join(pdf_text(pdf))
    expected = expected_captions(quick_build[0])
    found = numbered_captions(text)
    assert set(found) == set(expected)  # e.g. no "Table 0.1" for a table of the unnumbered preface
    # The summary's table has no numbered caption ("Table 1", "Table 0.1").
    preface = text[text.rindex("the handout asks") :]
    preface = preface[: preface.index("The data")]
    assert "my result" in preface and "Build the CNN of Table 2" in preface
    assert not re.search(r"\b(Figure|Table)\s+[0-9.]+\s*:", preface)
    assert {
        label: found[label][: len(caption_prefix(caption))] for label, caption in expected.items()
    } == {label: caption_prefix(caption) for label, caption in expected.items()}


@pytest.mark.e2e
def test_no_table_text_is_lost_and_nothing_runs_off_a_page(rendered, quick_build):
    _, pdf = rendered
    text = normalised("\n".join(pdf_text(pdf)))
    # A cross-reference in a cell (@sec-…) reads "Section 2.1" in the PDF: its words must show.
    missing = [
        cell
        for cell in table_cells(quick_build[0])
        if not all(
            normalised(part) in text
            for part in re.split(r"@(?:sec|fig|tbl)-[\w-]+", cell)
            if part.strip(" ().,;")
        )
    ]
    assert missing == []
    assert text_off_the_page_body(pdf) == []


@pytest.mark.e2e
def test_both_renderers_give_the_same_numbered_figures_and_tables(quarto_render, quick_build):
    fallback = numbered_captions(
        "\n".join(pdf_text(quick_build[0] / "build" / "report-quick-fallback.pdf"))
    )
    quarto = numbered_captions("\n".join(pdf_text(quarto_render[0])))
    assert sorted(fallback) == sorted(quarto)
    expected = expected_captions(quick_build[0])
    for label, caption in expected.items():
        prefix = caption_prefix(caption)
        assert fallback[label][: len(prefix)] == quarto[label][: len(prefix)] == prefix, label


@pytest.mark.e2e
def test_editing_one_chapter_re_executes_only_that_chapter(quick_build):
    copy, _ = quick_build
    chapter = copy / "chapters" / CHAPTERS[0].name
    notebook = json.loads(chapter.read_text())
    notebook["cells"].append(
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["An added sentence."],
            "id": "added-cell",
        }
    )
    chapter.write_text(json.dumps(notebook))
    rebuild = subprocess.run(
        ["make", "report", "QUICK=1", f"PYTHON={sys.executable}"],
        cwd=copy,
        env={**os.environ, "PATH": path_without_quarto()},
        capture_output=True,
        text=True,
        check=True,
    )
    executed = re.findall(r"Executing (\S+)", rebuild.stdout + rebuild.stderr)
    # The provenance appendix describes each build (commit, models from cache), so it always runs;
    # the conclusion reads the other chapters' results, so it follows any of them.
    assert set(executed) == {
        f"chapters/{CHAPTERS[0].name}",
        "chapters/07-conclusion.ipynb",
        "chapters/08-provenance.ipynb",
    }
    assert "Rendered report-quick.pdf" in rebuild.stdout


def running_header_and_marks(text: str) -> str:
    """A page's text without what every page carries: the page number, the quick-preview mark and
    the running header ("Chapter 2. Part 1: counting …", the chapter's own title)."""
    text = text.replace("QUICK PREVIEW", "").replace("NOT RESULTS", "")
    text = re.sub(r"(Chapter|Appendix) [\dA-Z]+\.[^\n]*", "", text)
    return re.sub(r"\d+", "", text).strip()


@pytest.mark.e2e
def test_no_page_is_blank(rendered):
    """orange-book starts chapters on odd pages; the book's Typst rules remove the blank pages
    that leaves, and neither renderer may leave a page with nothing on it."""
    _, pdf = rendered
    reader = PdfReader(pdf)
    blank = [
        number
        for number, (page, text) in enumerate(zip(reader.pages, pdf_text(pdf), strict=True), 1)
        if not running_header_and_marks(text) and not page.images
    ]
    assert not blank, f"blank pages: {blank}"
