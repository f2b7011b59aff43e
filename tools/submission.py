"""Write the two files the handout asks for: the report and a zip of the source code.

    python -m tools.submission --report report.pdf --out submission/

`<out>/report.pdf` is a copy of the built report; `<out>/code.zip` holds every file git tracks,
under one folder `code/`, as it is in the working tree, and nothing else: the data files, trained
models, build outputs and the virtual environment are git-ignored, so they stay out. The zip is
deterministic (sorted names, fixed timestamps), so the same sources give the same bytes.
`--check` only checks that git can list the files and that the title page carries the student's
own details, not the template's (run before the long report build).
"""

from __future__ import annotations

import argparse
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from tools.title_page import placeholder_message

ZIP_FOLDER = "code"
# 1980-01-01, the earliest time a zip can record: the archive does not depend on when it is made.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class SubmissionError(Exception):
    """Why the code cannot be packed, in one line."""


def git_files(root: Path, *options: str) -> list[str]:
    """The paths `git ls-files <options>` lists under `root`, relative to it."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", *options], cwd=root, capture_output=True, text=True
        )
    except FileNotFoundError:
        raise SubmissionError(
            "git is not installed, and code.zip is made from the files git "
            "tracks; install git or pack the sources by hand"
        ) from None
    if listed.returncode != 0 and "not a git repository" in listed.stderr:
        raise SubmissionError(
            f"{root.resolve()} is not a git checkout, and code.zip is made from "
            "the files git tracks; run this in a clone of the repository"
        )
    if listed.returncode != 0:
        reason = (listed.stderr.strip().splitlines() or ["no message"])[0]
        raise SubmissionError(f"git cannot list the files of {root.resolve()}: {reason}")
    return sorted(name for name in listed.stdout.split("\0") if name)


def tracked_files(root: Path) -> list[str]:
    """The files git tracks that exist in the working tree, sorted."""
    return [name for name in git_files(root) if (root / name).is_file()]


def write_code_zip(root: Path, destination: Path) -> list[str]:
    """Zip the tracked files of `root` under `code/` into `destination`; return their paths."""
    names = tracked_files(root)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    with zipfile.ZipFile(
        partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9
    ) as archive:
        for name in names:
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{name}", date_time=FIXED_TIME)
            executable = (root / name).stat().st_mode & stat.S_IXUSR
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (root / name).read_bytes())
    partial.replace(destination)
    return names


def size(path: Path) -> str:
    """A file's size for people: 412 kB, 2.3 MB."""
    n = path.stat().st_size
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB" if n >= 1e3 else f"{n} B"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=Path("report.pdf"))
    parser.add_argument("--out", type=Path, default=Path("submission"))
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository")
    parser.add_argument("--check", action="store_true", help="only check that git lists the files")
    args = parser.parse_args(argv)
    try:
        # Checked before the long report build (--check) and again before packing.
        unfinished = placeholder_message(args.root / "_quarto.yml")
        if unfinished:
            raise SubmissionError(unfinished)
        if args.check:
            git_files(args.root)
            return
        if not args.report.is_file():
            raise SubmissionError(f"{args.report} is missing; build it first (make report)")
        code = args.out / "code.zip"
        names = write_code_zip(args.root, code)
    except SubmissionError as error:
        sys.exit(f"error: {error}")
    report = args.out / "report.pdf"
    shutil.copyfile(args.report, report)
    print(
        f"Wrote the submission to {args.out}/:\n"
        f"  {report}  {size(report)}\n"
        f"  {code}  {size(code)}, the {len(names)} files git tracks (no data, models or "
        "build outputs)"
    )
    untracked = git_files(args.root, "--others", "--exclude-standard")
    if untracked:
        print(f"  not in code.zip, because git does not track them yet: {', '.join(untracked)}")


if __name__ == "__main__":
    main()
