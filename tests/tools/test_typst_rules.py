"""The Typst rules of both renderers' templates: no table row alone on a page, no page holding
only Quarto's "Appendices" heading."""

import re
import shutil
from pathlib import Path

import pytest
import typst
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
QUARTO_RULES = ROOT / "tools" / "quarto-book.typ"
FALLBACK_TEMPLATE = ROOT / "tools" / "fallback" / "template.typ"
TABLE_RULES = re.compile(r"// --- Table rows.*?// --- end of the table rows ---\n", re.DOTALL)


def pages_of(source: str, tmp_path: Path, **options) -> list[str]:
    document = tmp_path / "document.typ"
    document.write_text(source, encoding="utf-8")
    pdf = tmp_path / "document.pdf"
    typst.compile(str(document), output=str(pdf), **options)
    return [page.extract_text() for page in PdfReader(pdf).pages]


def table_document(rules: str, n_rows: int) -> str:
    """A pandoc-written captioned table of `n_rows` rows on small pages, breakable."""
    rows = ", ".join(f"[row-{r:02d}], [{r}]" for r in range(n_rows))
    return f"""{rules}
#set page(width: 8cm, height: 8cm)
#show figure: set block(breakable: true)
#show figure.where(kind: table): set figure.caption(position: top)
Some text above the table.
#figure(
  align(center)[#table(
    columns: 2,
    align: (left,right,),
    table.header([row], [value],),
    table.hline(),
    {rows},
  )]
  , caption: [A table.]
  , kind: table
)
"""


def rows_per_page(pages: list[str]) -> list[int]:
    return [len(re.findall(r"row-\d\d", page)) for page in pages]


def test_both_templates_carry_the_same_table_rules():
    quarto = TABLE_RULES.search(QUARTO_RULES.read_text(encoding="utf-8"))
    fallback = TABLE_RULES.search(FALLBACK_TEMPLATE.read_text(encoding="utf-8"))
    assert quarto and fallback and quarto.group() == fallback.group()


def test_no_table_row_is_left_alone_on_a_page(tmp_path: Path):
    rules = TABLE_RULES.search(QUARTO_RULES.read_text(encoding="utf-8")).group()
    lengths = range(2, 40)
    # Without the rules, some of these tables leave a single row on a page...
    plain = [rows_per_page(pages_of(table_document("", n), tmp_path)) for n in lengths]
    assert any(1 in counts for counts in plain)
    # ... with them, none does, and every row is printed once.
    for n in lengths:
        counts = rows_per_page(pages_of(table_document(rules, n), tmp_path))
        assert 1 not in counts and sum(counts) == n, (n, counts)


def orange_book_packages() -> Path | None:
    """Quarto's copy of its Typst book template (orange-book), if Quarto is installed or has
    rendered this project."""
    candidates = [ROOT / ".quarto" / "typst" / "packages"]
    quarto = shutil.which("quarto")
    if quarto:
        install = Path(quarto).resolve().parents[1]
        subtree = Path("extension-subtrees/orange-book/_extensions/orange-book/typst/packages")
        candidates += [install / "share" / subtree, install / "quarto-src/src/resources" / subtree]
    return next((c for c in candidates if (c / "preview" / "orange-book").is_dir()), None)


@pytest.mark.skipif(orange_book_packages() is None, reason="needs Quarto's orange-book template")
def test_numbered_chapters_follow_each_other_and_the_first_appendix_its_heading(
    tmp_path: Path,
):
    # What Quarto writes for a book with appendices (its orange-book.lua filter), in short.
    source = f"""{QUARTO_RULES.read_text(encoding="utf-8")}
#import "@preview/orange-book:0.7.1": book, appendices
#show: book.with(title: "Title", author: "Author", main-color: blue)
#heading(level: 1, numbering: none)[Summary]
The summary.
= Data
The first chapter.
= Conclusion
The last chapter.
#show: appendices.with("Appendices", hide-parent: true)
#heading(level: 1, numbering: none)[Appendices]
= Provenance
The first appendix.
"""
    pages = pages_of(source, tmp_path, package_path=str(orange_book_packages()))
    body = [page for page in pages if "Contents" not in page]
    assert [page for page in body if "The first chapter." in page and "The last chapter." in page]
    divider = next(page for page in body if "Appendices" in page)
    assert "The first appendix." in divider  # never a heading alone at the foot of a page
