"""Simulate whichever course data files are missing, then check all three; never touch existing
ones.

    python -m tools.make_data data/

A file that is not in the course format stops the build here with one line that names it,
before any chapter runs.
"""

import argparse
import sys
import time
from pathlib import Path

from lib.data.course_files import (
    DataFileError,
    course_files,
    data_origin,
    ensure_course_files,
    load_course_file,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0, help="seed of the simulator")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    missing = [spec.name for spec in course_files() if not (args.data_dir / spec.name).exists()]
    ensure_course_files(args.data_dir, seed=args.seed)
    try:
        for spec in course_files():
            load_course_file(args.data_dir / spec.name, n_frames=spec.n_frames)
    except DataFileError as error:
        sys.exit(f"error: {error}")
    for name in missing:
        print(f"  simulated {args.data_dir / name}", file=sys.stderr)
    origins = ", ".join(
        f"{spec.name} ({data_origin(args.data_dir / spec.name)})" for spec in course_files()
    )
    print(f"  data checked in {time.perf_counter() - started:.1f} s: {origins}", file=sys.stderr)


if __name__ == "__main__":
    main()
