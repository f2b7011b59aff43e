"""tools/render.py: Quarto renders the book when it is on PATH, else the fallback renderer, and
one line says which ran. Quarto is a fake executable here and the fallback a stand-in: nothing
is rendered."""

import os
import stat
from pathlib import Path

import pytest

from tools import render

FAKE_QUARTO = """#!/bin/sh
PATH=/usr/bin:/bin  # for mkdir: the test's PATH holds only this script's folder
echo "$@" >> "{calls}"
if [ "$1" = "--version" ]; then echo "9.8.7"; exit 0; fi
mkdir -p _book && printf 'fake pdf' > _book/report.pdf
"""


@pytest.fixture
def book(tmp_path, monkeypatch) -> Path:
    """An empty book folder that tools.render takes for the repository."""
    root = tmp_path / "book"
    root.mkdir()
    monkeypatch.setattr(render, "ROOT", root)
    return root


def put_on_path(monkeypatch, folder: Path) -> None:
    """PATH holds only `folder`: no real quarto can be found."""
    monkeypatch.setenv("PATH", str(folder))


def fake_quarto(folder: Path, calls: Path) -> None:
    folder.mkdir()
    quarto = folder / "quarto"
    quarto.write_text(FAKE_QUARTO.format(calls=calls))
    quarto.chmod(quarto.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize("quick", [False, True])
def test_quarto_on_path_renders_the_book_and_says_so_in_one_line(
    book, tmp_path, monkeypatch, capsys, quick
):
    calls = tmp_path / "calls.txt"
    fake_quarto(tmp_path / "bin", calls)
    put_on_path(monkeypatch, tmp_path / "bin")
    monkeypatch.setattr(render.render_fallback, "main", lambda argv: pytest.fail("fallback ran"))
    output = tmp_path / "out.pdf"
    render.main(["--output", str(output)] + (["--quick"] if quick else []))
    assert output.read_text() == "fake pdf"  # the PDF Quarto wrote, copied to --output
    profile = " --profile quick" if quick else ""
    assert calls.read_text().splitlines() == [f"render --to typst{profile}", "--version"]
    assert capsys.readouterr().out == f"Rendered {output} with Quarto 9.8.7.\n"


@pytest.mark.parametrize("quick", [False, True])
def test_without_quarto_the_fallback_renders_and_its_status_is_the_exit_status(
    book, tmp_path, monkeypatch, quick
):
    (tmp_path / "empty").mkdir()
    put_on_path(monkeypatch, tmp_path / "empty")
    handed = []

    def fallback(argv):
        handed.append(argv)
        return 3

    monkeypatch.setattr(render.render_fallback, "main", fallback)
    output = tmp_path / "out.pdf"
    with pytest.raises(SystemExit) as exited:
        render.main(["--output", str(output)] + (["--quick"] if quick else []))
    assert exited.value.code == 3
    assert handed == [
        ["--root", str(book), "--output", str(output)] + (["--quick"] if quick else [])
    ]


def test_a_title_page_left_at_its_placeholders_is_warned_about_unless_quick(
    book, tmp_path, monkeypatch, capsys
):
    (book / "_quarto.yml").write_text('book:\n  author: "Student Name"\n  subtitle: "x"\n')
    (tmp_path / "empty").mkdir()
    put_on_path(monkeypatch, tmp_path / "empty")
    monkeypatch.setattr(render.render_fallback, "main", lambda argv: 0)
    for quick, warned in ((False, True), (True, False)):
        with pytest.raises(SystemExit):
            render.main(["--output", os.devnull] + (["--quick"] if quick else []))
        assert capsys.readouterr().err.startswith("warning: the title page") is warned


def quarto_on_path(folder: Path, script: str, monkeypatch) -> None:
    """A `quarto` that runs `script` (shell), alone on PATH."""
    folder.mkdir()
    (folder / "quarto").write_text(f"#!/bin/sh\n{script}\n")
    (folder / "quarto").chmod(0o755)
    put_on_path(monkeypatch, folder)


def test_a_failing_quarto_render_stops_with_one_line_naming_the_cause_and_the_fix(
    book, tmp_path, monkeypatch
):
    quarto_on_path(tmp_path / "bin", "echo 'ERROR: bad cell' >&2\nexit 2", monkeypatch)
    with pytest.raises(SystemExit) as exited:
        render.main(["--output", str(tmp_path / "out.pdf")])
    message = str(exited.value.code)
    assert "\n" not in message
    assert message.startswith("error: `quarto render` failed (exit status 2")
    assert "take quarto off PATH" in message


def test_a_quarto_render_that_writes_no_pdf_stops_with_one_line(book, tmp_path, monkeypatch):
    quarto_on_path(tmp_path / "bin", "exit 0", monkeypatch)
    with pytest.raises(SystemExit) as exited:
        render.main(["--output", str(tmp_path / "out.pdf")])
    assert str(exited.value.code).startswith("error: `quarto render` wrote no _book/report.pdf")
