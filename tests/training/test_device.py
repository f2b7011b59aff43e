import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from lib.training.device import pick_device, torch_threads

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_training_code_sets_the_cublas_workspace_before_cuda_starts():
    env = {key: value for key, value in os.environ.items() if key != "CUBLAS_WORKSPACE_CONFIG"}
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, lib.training.cache; print(os.environ['CUBLAS_WORKSPACE_CONFIG'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == ":4096:8"


def test_device_override_and_a_clear_error_without_cuda(monkeypatch):
    monkeypatch.setenv("DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")
    monkeypatch.setenv("DEVICE", "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        pick_device()


def test_torch_threads_sets_the_count_for_the_block_and_restores_it_even_after_an_error():
    before = torch.get_num_threads()
    wanted = 1 if before != 1 else 2
    with pytest.raises(RuntimeError), torch_threads(wanted):
        assert torch.get_num_threads() == wanted
        raise RuntimeError("inside the block")
    assert torch.get_num_threads() == before
