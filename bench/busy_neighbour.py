"""Step time of the final Task 7 network alone and beside a busy neighbour, per OpenMP wait policy.

    .venv/bin/python -m bench.busy_neighbour [--rounds 4] [--steps 6]

A build shares the cores with whatever else runs. The neighbour here is one CPU-bound process
(`while True: pass`, on no particular core). With OpenMP's default (active) waiting, a thread that
reaches a barrier spins on its core while its sibling waits to be scheduled; OMP_WAIT_POLICY=PASSIVE
(what the Makefile exports) makes it sleep instead. OpenMP reads the variable when it starts, so
each policy runs in a fresh process. There, rounds of steps alone and beside the neighbour
alternate, so that other load on the machine, which drifts, weighs on both columns alike.
A benchmark, not a test: quote its table with the machine's load (`uptime`) beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch

from bench.step_time import TASK7_NETWORK, training_step
from lib.report.provenance import cpu_name
from lib.training.precision import in_precision, training_precision
from lib.training.side_by_side import available_cores
from lib.video import recipes
from lib.video.unet import UNet

# (label, threads, OMP_WAIT_POLICY or None for OpenMP's default): two threads as the final network
# trained before, and one thread, as every training of the book now trains.
CASES = [
    ("2 threads, OMP_WAIT_POLICY unset (OpenMP's default)", 2, None),
    ("2 threads, OMP_WAIT_POLICY=PASSIVE", 2, "PASSIVE"),
    ("1 thread, OMP_WAIT_POLICY=PASSIVE (the book's)", 1, "PASSIVE"),
]
ROUND_SECONDS = 5.0  # a round ends after this long, so a case slowed a hundredfold ends soon


def alone_and_beside_milliseconds(rounds: int, steps: int) -> tuple[float, float]:
    """Median ms per step of the final Task 7 network alone and beside a busy process.

    The network trains in the precision it trains with on this CPU.
    """
    build = in_precision(training_precision(torch.device("cpu")), UNet, config=TASK7_NETWORK)
    step = training_step(build, (5, 32, 32), "frames", recipes.TASK7_FINAL.batch_size)
    for _ in range(3):  # warm-up
        step()
    seconds = {False: [], True: []}
    for _ in range(rounds):
        for busy in (False, True):
            neighbour = (
                subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
            )
            try:
                round_ends = time.perf_counter() + ROUND_SECONDS
                for _ in range(steps):
                    started = time.perf_counter()
                    step()
                    seconds[busy].append(time.perf_counter() - started)
                    if started > round_ends:
                        break
            finally:
                if neighbour is not None:
                    neighbour.kill()
                    neighbour.wait()
    return statistics.median(seconds[False]) * 1000, statistics.median(seconds[True]) * 1000


def measure_in_fresh_process(
    threads: int, wait_policy: str | None, rounds: int, steps: int
) -> tuple[float, float]:
    env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    env.update({"OMP_WAIT_POLICY": wait_policy} if wait_policy else {})
    command = [sys.executable, "-m", "bench.busy_neighbour", "--case", str(threads)]
    command += ["--rounds", str(rounds), "--steps", str(steps)]
    shown = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return tuple(json.loads(shown.stdout))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--steps", type=int, default=6, help="per round")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)  # one case's threads
    args = parser.parse_args(argv)
    if args.case:
        torch.set_num_threads(args.case)
        print(json.dumps(alone_and_beside_milliseconds(args.rounds, args.steps)))
        return
    print(
        f"{cpu_name()}, {available_cores()} cores, torch {torch.__version__}; final Task 7 "
        f"network, batch {recipes.TASK7_FINAL.batch_size}, "
        f"{training_precision(torch.device('cpu'))}; median of {args.rounds} rounds of up to "
        f"{args.steps} steps alone and as many beside the busy process, alternating\n"
    )
    print("| threads, wait policy | ms/step alone | ms/step, busy neighbour | slow-down |")
    print("|---|---:|---:|---:|")
    for label, threads, policy in CASES:
        alone, beside = measure_in_fresh_process(threads, policy, args.rounds, args.steps)
        print(f"| {label} | {alone:.0f} | {beside:.0f} | {beside / alone:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
