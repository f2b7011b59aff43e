"""Train Task 7 candidate predictors side by side and print their validation scores.

    .venv/bin/python -m bench.video_sweep [--only NAME ...] [--jobs N] [--out results.jsonl]

A benchmark, not a test: it is how the final Task 7 recipe was chosen, on the validation clips
(Part 2 has no test file). Every candidate trains with lib/train.fit, without the cache, on the
device lib/device picks; with --jobs N the candidates train in N processes at once (on a GPU
they share it; on a CPU give each process one thread). One JSON line per finished candidate is
appended to --out as soon as it ends, so a sweep cut short keeps what it finished.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path

from lib import settings
from lib.training.device import pick_device
from lib.training.loop import TrainingRun, budget, fit
from lib.training.seeding import set_seed
from lib.video import recipes
from lib.video.augment import SymmetryAugment
from lib.video.losses import FrameLoss
from lib.video.models import SymmetryEnsemble
from lib.video.unet import UNet, UNetConfig
from lib.video.workflow import evaluate_predictor, load_video_data

MIXED = recipes.TASK7_LOSS
BASE = replace(recipes.TASK7_SHORT, epochs=50)

# name: (model options on top of the final Task 7 architecture, loss, config)
CANDIDATES = {
    "mixed-50": ({}, MIXED, BASE),
    "mse-50": ({}, FrameLoss(), BASE),
    "mixed-100": ({}, MIXED, replace(BASE, epochs=100)),
    "wide48-50": ({"widths": (48, 96, 192)}, MIXED, BASE),
    "residual-50": ({"block": "residual"}, MIXED, BASE),
    "depth4-50": ({"widths": (32, 64, 128, 256)}, MIXED, BASE),
    "lr4e-3-50": ({}, MIXED, replace(BASE, lr=4e-3)),
    "batch16-50": ({}, MIXED, replace(BASE, batch_size=16)),
    "mse+l1-50": ({}, FrameLoss(mse=1.0, l1=0.05), BASE),
    "wd1e-4-50": ({}, MIXED, replace(BASE, weight_decay=1e-4)),
    # Second round: combinations that fit about 20 minutes of training on a 2-core CPU.
    "lr4e-3-80": ({}, MIXED, replace(BASE, lr=4e-3, epochs=80)),
    "lr4e-3-90": ({}, MIXED, replace(BASE, lr=4e-3, epochs=90)),
    "lr3e-3-90": ({}, MIXED, replace(BASE, lr=3e-3, epochs=90)),
    "lr6e-3-90": ({}, MIXED, replace(BASE, lr=6e-3, epochs=90)),
    "log2e-4-lr4e-3-90": ({}, FrameLoss(mse=1.0, log_mse=2e-4), replace(BASE, lr=4e-3, epochs=90)),
    "log1e-3-lr4e-3-90": ({}, FrameLoss(mse=1.0, log_mse=1e-3), replace(BASE, lr=4e-3, epochs=90)),
    "wide40-lr4e-3-60": ({"widths": (40, 80, 160)}, MIXED, replace(BASE, lr=4e-3, epochs=60)),
    "wide40-lr3e-3-60": ({"widths": (40, 80, 160)}, MIXED, replace(BASE, lr=3e-3, epochs=60)),
    "residual-lr4e-3-60": ({"block": "residual"}, MIXED, replace(BASE, lr=4e-3, epochs=60)),
    "batch64-lr6e-3-90": ({}, MIXED, replace(BASE, batch_size=64, lr=6e-3, epochs=90)),
}


def run_candidate(name: str, data_dir: str, out: str, quick: bool = False) -> dict:
    options, loss, config = CANDIDATES[name]
    config = budget(config, quick)
    set_seed(config.seed)
    data = load_video_data(Path(data_dir), quick=quick)
    model = UNet(UNetConfig(**settings.TASK7_ARCHITECTURE, **options))
    run = TrainingRun(name, UNet, data.train, data.val, config, loss, augment=SymmetryAugment())
    seconds = fit(model, run).train_seconds
    model.eval()
    single, _ = evaluate_predictor(model, data)
    ensemble, _ = evaluate_predictor(SymmetryEnsemble(model), data)
    record = {
        "name": name,
        "device": str(pick_device()),
        "epochs": config.epochs,
        "train_s": round(seconds, 1),
        **{f"{k}": round(v, 5) for k, v in single.summary().items()},
        **{f"ens_{k}": round(v, 5) for k, v in ensemble.summary().items()},
        "ens_psnr_steps": [round(float(v), 2) for v in ensemble.psnr_per_step.mean(axis=0)],
    }
    with open(out, "a") as handle:
        handle.write(json.dumps(record) + "\n")
    return record


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=list(CANDIDATES), choices=list(CANDIDATES))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", "data"))
    parser.add_argument("--out", default="build/video_sweep.jsonl")
    parser.add_argument(
        "--quick", action="store_true", help="tiny data and 1 epoch: a smoke test of the script"
    )
    args = parser.parse_args(argv)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        records = list(
            pool.map(
                partial(run_candidate, data_dir=args.data_dir, out=args.out, quick=args.quick),
                args.only,
            )
        )
    print(
        f"{'candidate':<14} {'epochs':>6} {'train s':>8} {'PSNR':>6} {'SSIM':>7} {'MSE':>8} "
        f"{'ens PSNR':>8} {'ens SSIM':>8} {'ens MSE':>8}"
    )
    for r in records:
        print(
            f"{r['name']:<14} {r['epochs']:>6} {r['train_s']:>8.0f} {r['psnr']:>6.2f} "
            f"{r['ssim']:>7.4f} {r['mse']:>8.5f} {r['ens_psnr']:>8.2f} {r['ens_ssim']:>8.4f} "
            f"{r['ens_mse']:>8.5f}"
        )
    device = records[0]["device"] if records else "?"
    print(f"wall time {time.perf_counter() - started:.0f} s on {device}")


if __name__ == "__main__":
    main()
