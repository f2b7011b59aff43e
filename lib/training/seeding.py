"""One place that makes a run repeatable: seeds for python, numpy and torch."""

import random

import numpy as np
import torch

import lib.training.device  # noqa: F401  (sets cuBLAS's deterministic workspace before CUDA starts)


def set_seed(seed: int) -> None:
    """Seed every random generator the book uses and ask torch for deterministic kernels."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # Same seed, same report: deterministic kernels everywhere. The CPU has them for every
    # operation used here; on a GPU an operation without one warns instead of stopping the build.
    torch.use_deterministic_algorithms(True, warn_only=True)


def derived_seed(*parts: int) -> int:
    """A seed for one stage of a run (e.g. seed, epoch, stage), stable across processes and
    resumes. Trailing zero parts are dropped (numpy's SeedSequence ignores them), so the last part
    should be a nonzero stage number, as lib.training.loop's are."""
    return int(np.random.SeedSequence(list(parts)).generate_state(1)[0])
