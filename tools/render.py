"""Render the executed book to a PDF: with Quarto when it is installed, else with the fallback.

    python -m tools.render --output report.pdf [--quick]

Either way one line says which renderer ran.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from tools import render_fallback
from tools.title_page import placeholder_message

ROOT = Path(__file__).resolve().parents[1]


def render_with_quarto(quarto: str, output: Path, quick: bool) -> None:
    """`quarto render` the book (profile `quick` for previews) and copy the PDF to `output`."""
    command = [quarto, "render", "--to", "typst"] + (["--profile", "quick"] if quick else [])
    # Quarto has printed its own messages by then: one line says what failed and what to do.
    status = subprocess.run(command, cwd=ROOT).returncode
    if status:
        raise SystemExit(
            f"error: `quarto render` failed (exit status {status}; its messages are above): fix "
            "what it names, or take quarto off PATH to render with the fallback renderer"
        )
    rendered = ROOT / "_book" / "report.pdf"
    if not rendered.is_file():
        raise SystemExit(
            f"error: `quarto render` wrote no {rendered.relative_to(ROOT)}: check that "
            "_quarto.yml keeps `output-file: report` and the typst format"
        )
    shutil.copyfile(rendered, output)
    version = subprocess.run([quarto, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"Rendered {output} with Quarto {version}.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "report.pdf")
    parser.add_argument("--quick", action="store_true", help="mark every page as a quick preview")
    args = parser.parse_args(argv)
    unfinished = placeholder_message(ROOT / "_quarto.yml")
    if unfinished and not args.quick:
        print(f"warning: {unfinished}", file=sys.stderr)
    quarto = shutil.which("quarto")
    if quarto:
        render_with_quarto(quarto, args.output, args.quick)
    else:
        sys.exit(
            render_fallback.main(
                ["--root", str(ROOT), "--output", str(args.output)]
                + (["--quick"] if args.quick else [])
            )
        )


if __name__ == "__main__":
    main()
