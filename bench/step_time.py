"""Time one optimiser step of each model of the book on this machine and print tables.

    .venv/bin/python -m bench.step_time [--steps 50] [--threads N]

The second table is the final Task 7 network in float32 and in bfloat16, with the precision
`lib.training.precision.training_precision` picks, once as this CPU is and once limited to AVX2
through ONEDNN_MAX_CPU_ISA (what a laptop without bfloat16 units has). oneDNN reads that variable
when it starts, so each setting is measured in a fresh process.
A benchmark, not a test: run it on an otherwise idle machine and quote its tables.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from lib.counting.models import baseline_cnn
from lib.report.model_summary import count_parameters
from lib.training.precision import in_precision, native_bfloat16, training_precision
from lib.video import recipes
from lib.video.unet import UNet

MODELS = {
    "baseline CNN (Table 2)": (baseline_cnn, (1, 32, 32), "classes"),
    "U-Net, added skips (Table 3)": (recipes.handout_unet("add"), (5, 32, 32), "frames"),
    "U-Net, concatenated skips": (recipes.handout_unet("concat"), (5, 32, 32), "frames"),
    "U-Net, no skips": (recipes.handout_unet("none"), (5, 32, 32), "frames"),
}


def training_step(build, input_shape, target_kind, batch_size: int) -> Callable[[], None]:
    """Forward, backward and Adam step of a freshly built model on fixed random data."""
    torch.manual_seed(0)
    model = build()
    optimizer = torch.optim.Adam(model.parameters())
    inputs = torch.rand(batch_size, *input_shape)
    targets = (
        torch.randint(0, 3, (batch_size,))
        if target_kind == "classes"
        else torch.rand(batch_size, 5, 32, 32)
    )
    loss_fn = F.cross_entropy if target_kind == "classes" else F.mse_loss

    def step():
        optimizer.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimizer.step()

    return step


def step_milliseconds(build, input_shape, target_kind, batch_size: int, steps: int) -> float:
    """Mean wall time of one training step, after a few warm-up steps."""
    step = training_step(build, input_shape, target_kind, batch_size)
    for _ in range(5):
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - started) / steps * 1000


# The final Task 7 network (chapter 05).
TASK7_NETWORK = recipes.TASK7_UNET
INSTRUCTION_SETS = {"as this CPU is": None, "ONEDNN_MAX_CPU_ISA=AVX2": "AVX2"}


def task7_precision_row(steps: int) -> str:
    """Precision chosen and ms per step of the final Task 7 network in float32 and bfloat16."""
    cpu = torch.device("cpu")
    # Emulated bfloat16 is an order of magnitude slower: a few steps measure it well enough.
    bfloat16_steps = steps if native_bfloat16(cpu) else max(3, steps // 10)
    times = [
        step_milliseconds(
            in_precision(precision, UNet, config=TASK7_NETWORK),
            (5, 32, 32),
            "frames",
            recipes.TASK7_FINAL.batch_size,
            n,
        )
        for precision, n in (("float32", steps), ("bfloat16", bfloat16_steps))
    ]
    return f"{training_precision(cpu)} | {times[0]:.0f} | {times[1]:.0f}"


def task7_precision_table(steps: int, threads: int) -> None:
    print("\nFinal Task 7 network, batch 32:\n")
    print("| oneDNN instruction set | precision chosen | float32 ms/step | bfloat16 ms/step |")
    print("|---|---|---:|---:|")
    for label, isa in INSTRUCTION_SETS.items():
        env = {key: value for key, value in os.environ.items() if key != "ONEDNN_MAX_CPU_ISA"}
        env.update({"ONEDNN_MAX_CPU_ISA": isa} if isa else {})
        row = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.step_time",
                "--task7-row",
                "--steps",
                str(steps),
                "--threads",
                str(threads),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"| {label} | {row.stdout.strip()} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    # one row, in a subprocess
    parser.add_argument("--task7-row", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.task7_row:
        print(task7_precision_row(args.steps))
        return
    print(
        f"torch {torch.__version__}, {args.threads} thread(s), {args.steps} timed steps per row\n"
    )
    print("| model | parameters | batch | ms/step | steps/epoch (handout) | s/epoch |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (build, shape, kind) in MODELS.items():
        for batch_size in (4, 32):
            ms = step_milliseconds(build, shape, kind, batch_size, args.steps)
            n_train = 400 if kind == "classes" else 4000
            steps = -(-n_train // batch_size)
            seconds = ms * steps / 1000
            print(
                f"| {name} | {count_parameters(build()):,} | {batch_size} | {ms:.1f} | {steps} "
                f"| {seconds:.1f} |"
            )
    task7_precision_table(args.steps, args.threads)


if __name__ == "__main__":
    main()
