"""Step time of the final Task 7 network while other chapters train beside it, with and without
those chapters yielding the cores (`make report` runs every chapter but the one with the longest
training with `tools/run_chapter.py --yield-cores`).

    .venv/bin/python -m bench.yield_cores [--seconds 40]

Under make -j2 two chapters run at once, each kernel in a session of its own, and Linux shares
the cores equally between sessions (autogroups). Here each chapter is a session of two busy
processes, as a chapter's pool of two one-thread trainings is: the *critical* chapter trains the
final network (timed) beside one busy process, the *other* chapter runs two busy processes. The
table gives the final network's median step time on its own core (the other chapter absent),
beside the other chapter at the same priority, and beside it yielding (its session at
`tools.run_chapter.YIELD_NICE`). A benchmark, not a test: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from bench.step_time import TASK7_NETWORK, training_step
from lib.report.provenance import cpu_name
from lib.training.precision import in_precision, training_precision
from lib.training.side_by_side import available_cores
from lib.video import recipes
from lib.video.unet import UNet
from tools.run_chapter import YIELD_NICE, yield_cores

BUSY = [sys.executable, "-c", "while True: pass"]
# A chapter of two busy processes, as one session (a kernel and its pool are one).
OTHER_CHAPTER = [
    sys.executable,
    "-c",
    "import subprocess, sys\n"
    f"busy = [subprocess.Popen({BUSY!r}) for _ in range(2)]\n"
    "[p.wait() for p in busy]",
]
WARM_UP_SECONDS = 5.0


def critical_chapter(seconds: float, out: Path) -> None:
    """The critical chapter's process: one busy sibling in its session, then the final network's
    training steps for `seconds` after a warm-up; their median milliseconds go to `out`."""
    torch.set_num_threads(1)  # one thread, as every training of the book
    sibling = subprocess.Popen(BUSY)
    try:
        build = in_precision(training_precision(torch.device("cpu")), UNet, config=TASK7_NETWORK)
        step = training_step(build, (5, 32, 32), "frames", recipes.TASK7_FINAL.batch_size)
        warm_until = time.perf_counter() + WARM_UP_SECONDS
        while time.perf_counter() < warm_until:
            step()
        times, ends = [], time.perf_counter() + seconds
        while time.perf_counter() < ends:
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        out.write_text(json.dumps(1000 * statistics.median(times)))
    finally:
        sibling.kill()


def measure(seconds: float, other: str | None) -> float:
    """Median ms per step of the critical chapter, with the other chapter absent (None), at the
    same priority ("same") or yielding ("yield")."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "ms.json"
        neighbour = None
        if other is not None:
            neighbour = subprocess.Popen(OTHER_CHAPTER, start_new_session=True)
            if other == "yield":
                yield_cores(neighbour.pid)
        try:
            subprocess.run(
                [sys.executable, "-m", "bench.yield_cores", "--critical", str(out)]
                + ["--seconds", str(seconds)],
                start_new_session=True,
                check=True,
            )
        finally:
            if neighbour is not None:
                os.killpg(neighbour.pid, signal.SIGKILL)  # its busy processes are in its group
                neighbour.wait()
        return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="timed seconds per case")
    parser.add_argument("--critical", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.critical is not None:
        critical_chapter(args.seconds, args.critical)
        return
    print(f"{cpu_name()}, {available_cores()} cores; the final Task 7 network, one thread")
    alone = measure(args.seconds, None)
    rows = [
        ("on its own core (no other chapter)", alone),
        ("beside another chapter, same priority", measure(args.seconds, "same")),
        (f"beside another chapter at nice {YIELD_NICE}", measure(args.seconds, "yield")),
    ]
    print(f"| {'case':<40} | ms/step | × own core |")
    print(f"|{'-' * 42}|--------:|-----------:|")
    for label, ms in rows:
        print(f"| {label:<40} | {ms:7.0f} | {ms / alone:10.2f} |")


if __name__ == "__main__":
    main()
