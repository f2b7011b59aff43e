"""The book as a whole: its configuration, its chapters, and one quick build end to end."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def quarto_config():
    return yaml.safe_load((ROOT / "_quarto.yml").read_text())


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


@pytest.fixture(scope="module")
def quick_build(tmp_path_factory):
    """A copy of the repository (what git tracks or would track) built with QUICK=1."""
    copy = tmp_path_factory.mktemp("book")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_bytes(source.read_bytes())
    result = subprocess.run(["make", "report", "QUICK=1", f"PYTHON={sys.executable}"], cwd=copy,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return copy, result.stdout + result.stderr


def test_quick_build_renders_a_marked_pdf_with_title_page_figures_and_references(quick_build):
    copy, log = quick_build
    assert re.search(r"Rendered report-quick\.pdf with (Quarto|the fallback renderer)", log)
    pages = [page.extract_text() for page in PdfReader(copy / "report-quick.pdf").pages]
    text = "\n".join(pages)
    book = quarto_config()["book"]
    for field in ("title", "subtitle", "author"):
        assert " ".join(book[field].split()[:3]) in " ".join(text.split())
    assert all("QUICK PREVIEW" in page for page in pages)
    assert re.search(r"Figure\s1\.1:\s", text)  # a captioned, numbered figure
    assert re.search(r"Table\s1\.1\slists", text)  # a resolved cross-reference
    assert "@fig-" not in text and "@tbl-" not in text and "#|" not in text
    results = json.loads((copy / "build" / "results.json").read_text())
    assert {r["metric"] for r in results} >= {"test_accuracy", "val_psnr"}


def test_editing_one_chapter_re_executes_only_that_chapter(quick_build):
    copy, _ = quick_build
    chapter = copy / "chapters" / CHAPTERS[0].name
    notebook = json.loads(chapter.read_text())
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["An added sentence."],
                              "id": "added-cell"})
    chapter.write_text(json.dumps(notebook))
    rebuild = subprocess.run(["make", "report", "QUICK=1", f"PYTHON={sys.executable}"], cwd=copy,
                             capture_output=True, text=True, check=True)
    executed = re.findall(r"Executing (\S+)", rebuild.stdout + rebuild.stderr)
    # The provenance appendix describes each build (commit, models from cache), so it always runs.
    assert set(executed) == {f"chapters/{CHAPTERS[0].name}", "chapters/06-provenance.ipynb"}
    assert "Rendered report-quick.pdf" in rebuild.stdout
