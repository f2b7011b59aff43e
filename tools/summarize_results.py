"""Merge the chapters' result files into results.json and a Markdown table for the preface.

    python -m tools.summarize_results build/results build/results.json build/_summary.md
"""
import argparse
import json
import os
from pathlib import Path

from tabulate import tabulate

from lib.results import load_results

COLUMNS = {"test_accuracy": "test acc.", "val_accuracy": "val. acc.", "val_mse": "val. MSE",
           "val_ssim": "val. SSIM", "val_psnr": "val. PSNR (dB)"}
DIGITS = {"test_accuracy": 3, "val_accuracy": 3, "val_mse": 5, "val_ssim": 4, "val_psnr": 2}


def summary_table(records: list[dict]) -> str:
    """A Markdown pipe table, one row per (task, model), one column per metric (timings left out).

    Values are means over seeds, followed by ± the standard deviation when there were several.
    """
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for r in records:
        if r["metric"] not in COLUMNS:
            continue
        value = f"{r['value']:.{DIGITS[r['metric']]}f}"
        if r["n_seeds"] > 1:
            value += f" ± {r['std']:.{DIGITS[r['metric']]}f}"
        rows.setdefault((r["task"], r["model"]), {})[r["metric"]] = value
    metrics = [m for m in COLUMNS if any(m in cells for cells in rows.values())]
    body = [[task, model, *(cells.get(m, "") for m in metrics)] for (task, model), cells in rows.items()]
    # tabulate pads every column, so pandoc sizes the columns by their content.
    table = tabulate(body, headers=["task", "model", *(COLUMNS[m] for m in metrics)], tablefmt="pipe",
                     colalign=("left", "left", *("right" for _ in metrics)), disable_numparse=True)
    return (table + "\n\n: Headline results of every chapter: means over seeds, ± the "
            "standard deviation where several seeds were trained. {#tbl-summary}\n")


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text)
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
