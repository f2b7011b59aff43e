import pytest
import torch
import torch.nn.functional as F

from lib.counting.models import baseline_cnn
from lib.training import loop as train_module
from lib.training.loop import (
    TrainConfig,
    TrainingRun,
    evaluate,
    fit,
    predict,
    validated_epochs,
)
from lib.training.seeding import set_seed


def right_class(logits, classes):
    """Per-sample 1.0 where the arg-max logit is the class index (these tests' targets are
    indices)."""
    return (logits.argmax(dim=1) == classes).float()


def tiny_problem(n=24):
    """Images whose class is how bright they are: learnable in a few epochs."""
    generator = torch.Generator().manual_seed(0)
    classes = torch.arange(n) % 3
    images = torch.rand(n, 1, 32, 32, generator=generator) * 0.2 + classes.view(-1, 1, 1, 1) * 0.3
    return (images[: n * 2 // 3], classes[: n * 2 // 3]), (
        images[n * 2 // 3 :],
        classes[n * 2 // 3 :],
    )


def run(config, **options):
    """The tiny problem trained with `config` and cross-entropy."""
    train, val = tiny_problem()
    return TrainingRun("tiny", baseline_cnn, train, val, config, F.cross_entropy, **options)


def fresh_model():
    set_seed(0)
    return baseline_cnn()


@pytest.mark.slow
def test_fit_records_history_per_epoch_and_learns():
    fitted = fit(
        fresh_model(), run(TrainConfig(epochs=6, batch_size=4), metrics={"accuracy": right_class})
    )
    history, seconds = fitted.history, fitted.train_seconds
    assert set(history) == {"train_loss", "train_accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 6 for values in history.values())
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert seconds > 0


def test_resumed_run_matches_uninterrupted_run_bit_for_bit(tmp_path, monkeypatch):
    tiny = run(TrainConfig(epochs=3, batch_size=4, schedule="onecycle", seed=7))
    reference = fresh_model()
    expected_history = fit(reference, tiny).history

    # Kill the run during epoch 3: after its training steps, before its checkpoint.
    real_evaluate, calls = train_module.evaluate, []

    def dying_evaluate(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_evaluate(*args, **kwargs)

    checkpoint = tmp_path / "checkpoint.pt"
    monkeypatch.setattr(train_module, "evaluate", dying_evaluate)
    with pytest.raises(KeyboardInterrupt):
        fit(fresh_model(), tiny, checkpoint_path=checkpoint)
    monkeypatch.setattr(train_module, "evaluate", real_evaluate)
    assert torch.load(checkpoint, weights_only=True)["epoch"] == 2

    resumed = fresh_model()
    history = fit(resumed, tiny, checkpoint_path=checkpoint).history
    assert history == expected_history
    for expected, actual in zip(
        reference.state_dict().values(), resumed.state_dict().values(), strict=True
    ):
        assert torch.equal(expected, actual)


def test_validating_less_often_leaves_the_weights_and_the_training_history_as_they_were():
    every = fresh_model()
    history = fit(every, run(TrainConfig(epochs=5, seed=3))).history
    sparse = fresh_model()
    sparse_history = fit(sparse, run(TrainConfig(epochs=5, seed=3, val_every=2))).history
    assert validated_epochs(TrainConfig(epochs=5, val_every=2)) == [2, 4, 5]
    assert sparse_history["train_loss"] == history["train_loss"]
    assert sparse_history["val_loss"] == [history["val_loss"][i - 1] for i in (2, 4, 5)]
    for expected, actual in zip(
        every.state_dict().values(), sparse.state_dict().values(), strict=True
    ):
        assert torch.equal(expected, actual)


def test_the_last_epoch_is_always_validated_and_val_every_must_be_positive():
    assert validated_epochs(TrainConfig(epochs=3, val_every=10)) == [3]
    assert validated_epochs(TrainConfig(epochs=3)) == [1, 2, 3]
    with pytest.raises(ValueError, match="val_every"):
        TrainConfig(epochs=3, val_every=0)


def test_unreadable_checkpoint_restarts_from_epoch_one(tmp_path, capsys):
    checkpoint = tmp_path / "checkpoint.pt"
    checkpoint.write_bytes(b"not a checkpoint")
    history = fit(fresh_model(), run(TrainConfig(epochs=1)), checkpoint_path=checkpoint).history
    assert len(history["train_loss"]) == 1
    assert "unreadable checkpoint" in capsys.readouterr().err


def test_checkpoint_is_written_after_every_epoch(tmp_path):
    checkpoint = tmp_path / "checkpoint.pt"
    fit(fresh_model(), run(TrainConfig(epochs=2)), checkpoint_path=checkpoint)
    state = torch.load(checkpoint, weights_only=True)
    assert state["epoch"] == 2 and len(state["history"]["val_loss"]) == 2
    assert not list(tmp_path.glob("*.partial"))


def test_evaluate_weights_batches_by_size():
    train, val = tiny_problem()
    model = fresh_model()
    images, classes = val
    expected = F.cross_entropy(predict(model, images), classes).item()
    assert evaluate(model, val, F.cross_entropy)["loss"] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("bad", [{"schedule": "cosine"}, {"epochs": 0}, {"batch_size": 0}])
def test_config_rejects_bad_values(bad):
    with pytest.raises(ValueError):
        TrainConfig(**{"epochs": 1, **bad})


def test_a_run_counts_its_optimiser_steps():
    tiny = run(TrainConfig(epochs=3, batch_size=5))  # 16 training images: 4 batches, the last of 1
    assert (tiny.steps_per_epoch, tiny.steps) == (4, 12)
