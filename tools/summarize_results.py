"""Merge the chapters' result files into results.json and Markdown tables for the preface.

    python -m tools.summarize_results build/results build/results.json build/_summary.md
"""
import argparse
import json
import os
from pathlib import Path

from tabulate import tabulate

from lib.results import load_results

COLUMNS = {"test_accuracy": "test accuracy", "val_accuracy": "validation accuracy", "val_mse": "MSE",
           "val_ssim": "SSIM", "val_psnr": "PSNR (dB)"}
DIGITS = {"test_accuracy": 3, "val_accuracy": 3, "val_mse": 5, "val_ssim": 4, "val_psnr": 2}
# The preface is unnumbered, so its tables carry no numbered caption (Quarto would call one
# "Table 0.1"): each part gets its own narrow table under a plain caption line, the same in both
# renderers.
PARTS = (
    ("**Part 1, counting the balls (Tasks 2–4).** Accuracy on the test file and on the validation "
     "split: mean over seeds, ± the standard deviation where several seeds were trained.",
     ("test_accuracy", "val_accuracy")),
    ("**Part 2, predicting the next five frames (Tasks 5–7).** Scores on the validation clips.",
     ("val_mse", "val_ssim", "val_psnr")),
)
# A value and its spread stay on one line: non-breaking spaces around the ±.
PLUS_MINUS = "\u00a0±\u00a0"


def summary_table(records: list[dict]) -> str:
    """Markdown for the preface: per part, a caption line and a pipe table with one row per
    (task, model) and one column per metric (timings left out), ordered by task.

    Values are means over seeds, followed by ± the standard deviation when there were several.
    """
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for r in records:
        if r["metric"] not in COLUMNS:
            continue
        value = f"{r['value']:.{DIGITS[r['metric']]}f}"
        if r["n_seeds"] > 1:
            value += f"{PLUS_MINUS}{r['std']:.{DIGITS[r['metric']]}f}"
        rows.setdefault((r["task"], r["model"]), {})[r["metric"]] = value
    blocks = []
    for caption, part_metrics in PARTS:
        part_rows = {key: cells for key, cells in rows.items() if any(m in cells for m in part_metrics)}
        metrics = [m for m in part_metrics if any(m in cells for cells in part_rows.values())]
        if not metrics:
            continue
        body = [[task, model, *(cells.get(m, "") for m in metrics)]
                for (task, model), cells in sorted(part_rows.items(), key=lambda item: item[0][0])]
        # tabulate pads every column, so pandoc sizes the columns by their content.
        table = tabulate(body, headers=["task", "model", *(COLUMNS[m] for m in metrics)], tablefmt="pipe",
                         colalign=("left", "left", *("right" for _ in metrics)), disable_numparse=True)
        blocks.append(f"{caption}\n\n{table}\n")
    return "\n".join(blocks)


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results_dir", type=Path)
    parser.add_argument("results_json", type=Path)
    parser.add_argument("summary_md", type=Path)
    args = parser.parse_args(argv)
    records, _ = load_results(args.results_dir)
    write_atomically(args.results_json, json.dumps(records, indent=1) + "\n")
    write_atomically(args.summary_md, summary_table(records))


if __name__ == "__main__":
    main()
