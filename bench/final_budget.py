"""How the final Task 7 network's validation error falls over its epochs, against the seeds' noise.

    python -m bench.final_budget [--cache-dir cache]

Reads the trained models in the cache (nothing trains): the final network's history (the
validation MSE after each epoch) and the short-budget ablation rows' seeds. Prints, per epoch, the
PSNR of the mean validation MSE and the gain still to come by the last epoch, and the first epoch
from which that gain stays inside the noise band of two single runs (lib.report.judge's rule, with
the seed deviation pooled over the ablation rows, of the same summary at their last epoch).

A one-cycle schedule anneals the learning rate until the last step, so a shorter budget is another
schedule, not this run stopped early: the epoch printed is where this run stopped gaining, a hint
for the budget to try. `--train-epochs N` confirms it: it trains the final network with N epochs
(its own schedule, into the cache under another name, so the book's model stays) and prints its
test-time ensemble's validation PSNR and SSIM beside the book's final network's.
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from lib.paths import in_project
from lib.settings import NOISE_SDS
from lib.training.cache import train_cached
from lib.training.device import pick_device
from lib.training.precision import training_precision
from lib.video.ablation import row_name, training_run
from lib.video.models import SymmetryEnsemble
from lib.video.recipes import final_variant
from lib.video.workflow import evaluate_predictor, load_video_data

FINAL = "t7-final"


def histories(cache_dir: Path, name_prefix: str = "t7-") -> dict[str, dict]:
    """The newest stored history of every cached run whose name starts with `name_prefix`."""
    found = {}
    for model_file in sorted(cache_dir.glob(f"{name_prefix}*/*/model.pt"), key=_mtime):
        found[model_file.parent.parent.name] = torch.load(
            model_file, map_location="cpu", weights_only=False
        )["history"]
    return found


def _mtime(path: Path) -> float:
    return path.stat().st_mtime


def psnr_of(mse: float) -> float:
    return -10 * math.log10(mse)


def pooled_seed_sd(runs: dict[str, dict]) -> float:
    """Seed deviation of the last epoch's PSNR of the mean MSE, pooled over every row with several
    seeds (run names `row`, `row-seed1`, ...)."""
    rows: dict[str, list[float]] = defaultdict(list)
    for name, history in runs.items():
        if name != FINAL:
            rows[row_name(name)].append(psnr_of(history["val_mse"][-1]))
    seeded = [np.asarray(values) for values in rows.values() if len(values) > 1]
    if not seeded:
        raise SystemExit("no ablation row with several seeds in the cache: nothing to compare with")
    squares = sum(float(((v - v.mean()) ** 2).sum()) for v in seeded)
    return math.sqrt(squares / sum(len(v) - 1 for v in seeded))


def compare_budgets(epochs: int, cache_dir: Path, data_dir: Path) -> None:
    """Train the final network with `epochs` (if the cache lacks it) and print its ensemble's
    scores beside the book's final network's."""
    data = load_video_data(in_project(data_dir))
    book = final_variant(quick=False, precision=training_precision(pick_device()))
    shorter = replace(
        book, name=f"{book.name}-{epochs}-epochs", config=replace(book.config, epochs=epochs)
    )
    print("| final network | epochs | training min | ensemble PSNR (dB) | ensemble SSIM |")
    print("|---|---:|---:|---:|---:|")
    for variant in (book, shorter):
        model = train_cached(training_run(variant, data), cache_dir)
        scores = evaluate_predictor(SymmetryEnsemble(model.model), data).scores.summary()
        print(
            f"| {variant.name} | {variant.config.epochs} | {model.train_seconds / 60:.1f} "
            f"| {scores['psnr']:.2f} | {scores['ssim']:.4f} |"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=Path("cache"))
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--train-epochs", type=int, help="train and compare this budget")
    args = parser.parse_args(argv)
    if args.train_epochs:
        compare_budgets(args.train_epochs, args.cache_dir, args.data_dir)
        return
    runs = histories(args.cache_dir)
    if FINAL not in runs:
        raise SystemExit(f"{args.cache_dir}: no trained {FINAL} in the cache")
    sd = pooled_seed_sd(runs)
    # lib.report.judge's band with the pooled deviation on both sides, one run each.
    single = NOISE_SDS * sd * math.sqrt(1 / 1 + 1 / 1)
    curve = [psnr_of(mse) for mse in runs[FINAL]["val_mse"]]
    last = curve[-1]
    first_flat = next(
        epoch
        for epoch in range(1, len(curve) + 1)
        if all(last - psnr_later < single for psnr_later in curve[epoch - 1 :])
    )
    print(
        f"pooled seed sd of the ablation rows: {sd:.3f} dB; band of one run against one: "
        f"{single:.3f} dB"
    )
    print("| epoch | PSNR of the mean val MSE (dB) | gain still to come (dB) |")
    print("|---:|---:|---:|")
    for epoch, psnr in enumerate(curve, start=1):
        if epoch in (1, first_flat, len(curve)) or epoch % max(1, len(curve) // 12) == 0:
            print(f"| {epoch} | {psnr:.2f} | {last - psnr:+.2f} |")
    print(
        f"from epoch {first_flat} of {len(curve)} on, the rest of this run gains less than the "
        "band of one run against one"
    )


if __name__ == "__main__":
    main()
