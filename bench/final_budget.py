"""How the final Task 7 network's validation error falls over its epochs, against the seeds' noise.

    python -m bench.final_budget [--cache-dir cache]

Reads the trained models in the cache (nothing trains): the final network's history (the
validation MSE after each epoch) and the short-budget ablation rows' seeds. Prints, per epoch, the
PSNR of the mean validation MSE and the gain still to come by the last epoch, and the first epoch
from which that gain stays inside the noise band of two single runs (lib.report.judge's rule, with
the seed deviation pooled over the ablation rows, of the same summary at their last epoch).

A one-cycle schedule anneals the learning rate until the last step, so a shorter budget is another
schedule, not this run stopped early: the epoch printed is where this run stopped gaining, a hint
for the budget to try, which must then be trained to be confirmed.
"""

from __future__ import annotations

import argparse
import math
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

from lib.settings import NOISE_SDS

FINAL = "t7-final"
SEED_SUFFIX = re.compile(r"-seed\d+$")


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
            rows[SEED_SUFFIX.sub("", name)].append(psnr_of(history["val_mse"][-1]))
    seeded = [np.asarray(values) for values in rows.values() if len(values) > 1]
    if not seeded:
        raise SystemExit("no ablation row with several seeds in the cache: nothing to compare with")
    squares = sum(float(((v - v.mean()) ** 2).sum()) for v in seeded)
    return math.sqrt(squares / sum(len(v) - 1 for v in seeded))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=Path("cache"))
    args = parser.parse_args(argv)
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
