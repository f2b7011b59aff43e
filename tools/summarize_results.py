"""Merge the chapters' result files into results.json and a Markdown table for the preface.

    python -m tools.summarize_results build/results build/results.json build/_summary.md
"""
import argparse
import json
import os
from pathlib import Path

from lib.results import load_results

LABELS = {"test_accuracy": "test accuracy", "val_accuracy": "validation accuracy",
          "val_mse": "validation MSE", "val_ssim": "validation SSIM",
          "val_psnr": "validation PSNR (dB)", "train_seconds": "training time (s)"}


def summary_table(records: list[dict]) -> str:
    """A Markdown pipe table of every record except timings, with its caption and label."""
    rows = ["| Task | Model | Metric | Mean | Std | Seeds |", "|---|---|---|---:|---:|---:|"]
    for r in records:
        if r["metric"] == "train_seconds":
            continue
        std = f"{r['std']:.4f}" if r["n_seeds"] > 1 else "–"
        rows.append(f"| {r['task']} | {r['model']} | {LABELS[r['metric']]} | {r['value']:.4f} "
                    f"| {std} | {r['n_seeds']} |")
    return "\n".join(rows) + "\n\n: Headline results of every chapter (mean over seeds). {#tbl-summary}\n"


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
