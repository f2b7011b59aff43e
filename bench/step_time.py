"""Time one optimiser step of each model of the book on this machine and print a table.

    .venv/bin/python -m bench.step_time [--steps 50] [--threads N]

A benchmark, not a test: run it on an otherwise idle machine and quote its table.
"""
from __future__ import annotations

import argparse
import time
from functools import partial

import torch
import torch.nn.functional as F

from lib.counting_models import baseline_cnn
from lib.model_utils import count_parameters
from lib.unet import UNet

MODELS = {
    "baseline CNN (Table 2)": (baseline_cnn, (1, 32, 32), "classes"),
    "U-Net, added skips (Table 3)": (partial(UNet, skip_mode="add"), (5, 32, 32), "frames"),
    "U-Net, concatenated skips": (partial(UNet, skip_mode="concat"), (5, 32, 32), "frames"),
    "U-Net, no skips": (partial(UNet, skip_mode="none"), (5, 32, 32), "frames"),
}


def step_milliseconds(build, input_shape, target_kind, batch_size: int, steps: int) -> float:
    """Mean wall time of forward, backward and Adam step, after a few warm-up steps."""
    torch.manual_seed(0)
    model = build()
    optimizer = torch.optim.Adam(model.parameters())
    inputs = torch.rand(batch_size, *input_shape)
    targets = torch.randint(0, 3, (batch_size,)) if target_kind == "classes" else torch.rand(batch_size, 5, 32, 32)
    loss_fn = F.cross_entropy if target_kind == "classes" else F.mse_loss

    def step():
        optimizer.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimizer.step()

    for _ in range(5):
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - started) / steps * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), {args.steps} timed steps per row\n")
    print("| model | parameters | batch | ms/step | steps/epoch (handout) | s/epoch |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (build, shape, kind) in MODELS.items():
        for batch_size in (4, 32):
            ms = step_milliseconds(build, shape, kind, batch_size, args.steps)
            n_train = 400 if kind == "classes" else 4000
            steps = -(-n_train // batch_size)
            print(f"| {name} | {count_parameters(build()):,} | {batch_size} | {ms:.1f} | {steps} | {ms * steps / 1000:.1f} |")


if __name__ == "__main__":
    main()
