import functools
import importlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from lib.counting.models import baseline_cnn
from lib.training import cache as cache_module
from lib.training.cache import cache_key, train_cached
from lib.training.loop import TrainConfig, TrainingRun


def right_class(logits, classes):
    """Per-sample 1.0 where the arg-max logit is the class index (these tests' targets are
    indices)."""
    return (logits.argmax(dim=1) == classes).float()


def tiny_data(offset=0.0):
    generator = torch.Generator().manual_seed(1)
    images = torch.rand(12, 1, 32, 32, generator=generator) + offset
    classes = torch.arange(12) % 3
    return (images[:8], classes[:8]), (images[8:], classes[8:])


# TrainConfig is frozen, so one shared default cannot leak between tests.
ONE_EPOCH = TrainConfig(epochs=1)


def train(tmp_path, config=ONE_EPOCH, data=None, loss=F.cross_entropy):
    train_split, val_split = data or tiny_data()
    run = TrainingRun(
        "tiny",
        baseline_cnn,
        train_split,
        val_split,
        config,
        loss,
        metrics={"accuracy": right_class},
    )
    return train_cached(run, tmp_path)


def forbid_training(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("trained although the cache should have answered")

    monkeypatch.setattr(cache_module, "fit", fail)


def test_same_inputs_load_from_cache_without_training(tmp_path, monkeypatch):
    first = train(tmp_path)
    assert not first.from_cache
    forbid_training(monkeypatch)
    second = train(tmp_path)
    assert second.from_cache and second.key == first.key and second.history == first.history
    for a, b in zip(
        first.model.state_dict().values(), second.model.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b)


@pytest.mark.parametrize("change", ["config", "data", "loss"])
def test_any_change_of_inputs_misses(tmp_path, change):
    first = train(tmp_path)
    kwargs = (
        {"config": TrainConfig(epochs=1, seed=1)}
        if change == "config"
        else {"data": tiny_data(offset=0.01)}
        if change == "data"
        else {"loss": functools.partial(F.cross_entropy, label_smoothing=0.1)}
    )
    second = train(tmp_path, **kwargs)
    assert not second.from_cache and second.key != first.key


MODULE = """
import torch

class Block(torch.nn.Linear):
    pass

{extra}
"""


def test_a_model_class_passed_through_partial_is_keyed_by_its_code(tmp_path, monkeypatch):
    from lib.training.precision import in_bfloat16

    (train_split, val_split) = tiny_data()

    def key_with_block_written_as(extra):
        (tmp_path / "blocks.py").write_text(MODULE.format(extra=extra))
        monkeypatch.syspath_prepend(str(tmp_path))
        module = importlib.import_module("blocks")
        try:
            return cache_key(
                "x",
                functools.partial(in_bfloat16, module.Block, in_features=2, out_features=2),
                train_split,
                val_split,
                TrainConfig(epochs=1),
                F.mse_loss,
                None,
                None,
            )
        finally:
            sys.modules.pop("blocks")

    # Same module, same class name, same arguments: only the class's source file differs.
    assert key_with_block_written_as("") != key_with_block_written_as("CHANGED = 1")
    assert key_with_block_written_as("") == key_with_block_written_as("")


def test_corrupt_entry_is_reported_and_retrained(tmp_path, capsys):
    first = train(tmp_path)
    entry = next(tmp_path.rglob("model.pt"))
    entry.write_bytes(entry.read_bytes()[:100])
    second = train(tmp_path)
    assert not second.from_cache and second.key == first.key
    assert "unusable" in capsys.readouterr().err
    assert train(tmp_path).from_cache  # the retrained entry is readable again


def test_refuses_objects_whose_settings_it_cannot_see(tmp_path):
    (train_split, val_split) = tiny_data()
    with pytest.raises(ValueError, match="cannot key the cache"):
        cache_key(
            "x",
            baseline_cnn,
            train_split,
            val_split,
            TrainConfig(epochs=1),
            torch.nn.CrossEntropyLoss(label_smoothing=0.1),
            None,
            None,
        )


def test_key_is_stable_across_calls():
    (train_split, val_split) = tiny_data()
    keys = {
        cache_key(
            "x",
            baseline_cnn,
            train_split,
            val_split,
            TrainConfig(epochs=1),
            F.cross_entropy,
            {"accuracy": right_class},
            None,
        )
        for _ in range(2)
    }
    assert len(keys) == 1


TRAINING_SCRIPT = """
import sys
from pathlib import Path
import torch
import torch.nn.functional as F
from lib.training.cache import train_cached
from lib.counting.models import baseline_cnn
from lib.training.loop import TrainConfig, TrainingRun

generator = torch.Generator().manual_seed(3)
images = torch.rand(600, 1, 32, 32, generator=generator)
classes = torch.arange(600) % 3
config = TrainConfig(epochs=int(sys.argv[2]), batch_size=4, schedule="onecycle")
run = train_cached(TrainingRun("killed", baseline_cnn, (images[:500], classes[:500]),
                               (images[500:], classes[500:]), config, F.cross_entropy),
                   Path(sys.argv[1]))
print("loaded" if run.from_cache else "trained")
if len(sys.argv) > 3:
    torch.save(run.model.state_dict(), sys.argv[3])
"""


def run_training(cache_dir, background=False, epochs=8, weights=None):
    command = [
        sys.executable,
        "-c",
        TRAINING_SCRIPT,
        str(cache_dir),
        str(epochs),
        *([str(weights)] if weights else []),
    ]
    root = str(Path(__file__).resolve().parents[2])
    if background:
        return subprocess.Popen(
            command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    subprocess.run(command, cwd=root, check=True, timeout=300)


def wait_for_first_checkpoint(cache_dir, timeout=120):
    deadline = time.monotonic() + timeout
    while not list(cache_dir.rglob("checkpoint.pt")) and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.mark.slow
def test_killed_training_resumes_to_the_same_weights_and_history(tmp_path):
    killed_dir, reference_dir = tmp_path / "killed", tmp_path / "reference"
    process = run_training(killed_dir, background=True)
    wait_for_first_checkpoint(killed_dir)
    process.send_signal(signal.SIGKILL)
    process.wait()
    checkpoint = next(killed_dir.rglob("checkpoint.pt"))
    assert not list(killed_dir.rglob("model.pt")), "the run finished before it could be killed"
    assert torch.load(checkpoint, weights_only=True)["epoch"] < 8

    run_training(killed_dir)  # resumes from the checkpoint
    run_training(reference_dir)  # never interrupted
    resumed = torch.load(next(killed_dir.rglob("model.pt")), weights_only=True)
    reference = torch.load(next(reference_dir.rglob("model.pt")), weights_only=True)
    assert resumed["history"] == reference["history"]
    for name, weights in reference["model"].items():
        assert torch.equal(weights, resumed["model"][name]), name


@pytest.mark.slow
def test_two_processes_needing_one_entry_train_it_once_and_end_with_the_same_weights(tmp_path):
    cache_dir = tmp_path / "cache"
    first = run_training(cache_dir, background=True, weights=tmp_path / "0.pt")
    wait_for_first_checkpoint(cache_dir)  # the first process is training now
    second = run_training(cache_dir, background=True, weights=tmp_path / "1.pt")
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert [stdout.strip() for stdout, _ in outputs] == ["trained", "loaded"], outputs
    assert "another process is training this model" in outputs[1][1]
    weights = [torch.load(tmp_path / f"{i}.pt", weights_only=True) for i in range(2)]
    for name, tensor in weights[0].items():
        assert torch.equal(tensor, weights[1][name]), name


def keys_of_a_partial_and_the_physics_fit() -> str:
    """The key of a run built through a partial holding a function, and the physics fit's."""
    from lib.physics.predictor import physics_fit_key
    from lib.training.precision import in_bfloat16
    from lib.video.models import rollout_unet
    from lib.video.unet import UNetConfig

    data = (torch.zeros(2, 5, 8, 8), torch.zeros(2, 5, 8, 8))
    build = functools.partial(in_bfloat16, rollout_unet, config=UNetConfig(widths=(4, 8, 16)))
    run = cache_key("x", build, data, data, TrainConfig(epochs=1), F.mse_loss, None, None)
    return f"{run} {physics_fit_key('physics', data[0], 5)}"


@pytest.mark.slow
def test_keys_are_the_same_in_every_process():
    """A function's repr holds its address, which differs from process to process: a key built
    from it would retrain the model in every build (it did, for the roll-out of Task 7)."""
    script = (
        "from tests.training.test_cache import keys_of_a_partial_and_the_physics_fit as keys\n"
        "print(keys())"
    )
    root = Path(__file__).resolve().parents[2]
    keys = {
        subprocess.run(
            [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert keys == {keys_of_a_partial_and_the_physics_fit()}
