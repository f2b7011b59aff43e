"""Simulate whichever of the three course data files are missing; never touch existing ones.

    python -m tools.make_data data/
"""
import argparse
import sys
import time
from pathlib import Path

from lib.data import data_origin, ensure_course_files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = ensure_course_files(args.data_dir, seed=args.seed)
    for path in paths.values():
        print(f"  {path} ({data_origin(path)})", file=sys.stderr)
    print(f"Course data ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
