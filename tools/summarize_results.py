"""Merge the chapters' result files into results.json and the summary table for the preface.

python -m tools.summarize_results build/results build/results.json build/_summary.md \
    [--data-dir data]

The summary opens with where its numbers come from: the course files in the data folder, each
simulated by this project or supplied.
"""

import argparse
import json
import os
from pathlib import Path

from lib.data.course_files import data_origin
from lib.report.results import load_results
from lib.report.summary import summary_table
from lib.settings import PART1_TEST, PART1_TRAINING, PART2_SEQUENCE


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results_dir", type=Path)
    parser.add_argument("results_json", type=Path)
    parser.add_argument("summary_md", type=Path)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    args = parser.parse_args(argv)
    records, _ = load_results(args.results_dir)
    write_atomically(args.results_json, json.dumps(records, indent=1) + "\n")
    files = [args.data_dir / name for name in (PART1_TRAINING, PART1_TEST, PART2_SEQUENCE)]
    origins = {path.name: data_origin(path) for path in files if path.exists()}
    write_atomically(args.summary_md, summary_table(records, origins))


if __name__ == "__main__":
    main()
