"""The machine's cores, shared by every training of every process of a build.

Chapters run side by side under `make -jN`, and a chapter trains its independent runs in
several worker processes; without a common budget they would oversubscribe the CPU (two
2-thread PyTorch processes on 2 cores slow each other down many times over). Every training
therefore reserves as many cores as it runs threads. A core is a lock file taken with
`fcntl.flock`, so a killed process frees its cores at once; requests queue behind one
another, so a training that needs two cores is not overtaken forever by one-core trainings.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

POLL_SECONDS = 0.2


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers and taskset narrow)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def reserved_cores(directory: Path, wanted: int) -> Iterator[int]:
    """Hold `wanted` cores (at most all of them) of the budget kept in `directory`; yield how many."""
    total = available_cores()
    wanted = max(1, min(wanted, total))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    held: list[IO] = []
    try:
        with _locked(directory / "queue.lock"):  # first come, first served
            while len(held) < wanted:
                held += _take_free_cores(directory, total, wanted - len(held), held)
                if len(held) < wanted:
                    time.sleep(POLL_SECONDS)
        yield wanted
    finally:
        for handle in held:
            handle.close()  # closing the file releases its lock


def _take_free_cores(directory: Path, total: int, count: int, held: list[IO]) -> list[IO]:
    taken_names = {Path(handle.name).name for handle in held}
    taken: list[IO] = []
    for index in range(total):
        if len(taken) == count:
            break
        path = directory / f"core-{index}.lock"
        if path.name in taken_names:
            continue
        handle = open(path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        taken.append(handle)
    return taken


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
