"""Put two builds' headline numbers side by side, e.g. a GPU build's against a CPU build's.

    python -m bench.compare_results build/results.json other/results.json [--labels GPU CPU]

Prints one Markdown row per (task, model, metric) that both builds measured, timings left out.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# The headline metrics compared, with their names and the decimals that tell builds apart.
COLUMNS = {
    "test_accuracy": "test accuracy",
    "val_accuracy": "validation accuracy",
    "val_mse": "MSE",
    "val_ssim": "SSIM",
    "val_psnr": "PSNR (dB)",
    "val_psnr_of_mean_mse": "PSNR of the mean MSE (dB)",
}
DIGITS = {
    "test_accuracy": 3,
    "val_accuracy": 3,
    "val_mse": 5,
    "val_ssim": 4,
    "val_psnr": 2,
    "val_psnr_of_mean_mse": 2,
}


def headline(path: Path) -> dict[tuple[str, str, str], float]:
    records = json.loads(Path(path).read_text())
    return {
        (r["task"], r["model"], r["metric"]): r["value"] for r in records if r["metric"] in COLUMNS
    }


def comparison_table(first: dict, second: dict, labels: tuple[str, str]) -> str:
    lines = [
        f"| task | model | metric | {labels[0]} | {labels[1]} | difference |",
        "|---|---|---|---:|---:|---:|",
    ]
    for task, model, metric in sorted(first.keys() & second.keys()):
        a, b, digits = first[task, model, metric], second[task, model, metric], DIGITS[metric]
        lines.append(
            f"| {task} | {model} | {COLUMNS[metric]} "
            f"| {a:.{digits}f} | {b:.{digits}f} | {a - b:+.{digits}f} |"
        )
    only = sorted(first.keys() ^ second.keys())
    if only:
        lines.append(
            f"\n{len(only)} number(s) measured by one build only: "
            + ", ".join("/".join(k) for k in only)
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--labels", nargs=2, default=("first", "second"))
    args = parser.parse_args(argv)
    print(comparison_table(headline(args.first), headline(args.second), tuple(args.labels)))


if __name__ == "__main__":
    main()
