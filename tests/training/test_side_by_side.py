import torch

from lib.counting.models import baseline_cnn
from lib.counting.workflow import correct, cross_entropy
from lib.settings import BALL_COUNTS
from lib.training import side_by_side
from lib.training.loop import TrainConfig
from lib.training.side_by_side import TrainingRun, train_side_by_side


def tiny_runs(seeds):
    generator = torch.Generator().manual_seed(5)
    images = torch.rand(40, 1, 32, 32, generator=generator)
    counts = torch.tensor(BALL_COUNTS)[torch.arange(40) % 3]
    return [
        TrainingRun(
            "tiny",
            baseline_cnn,
            (images[:32], counts[:32]),
            (images[32:], counts[32:]),
            TrainConfig(epochs=1, seed=seed),
            cross_entropy,
            metrics={"accuracy": correct},
        )
        for seed in seeds
    ]


def test_runs_trained_in_workers_equal_runs_trained_in_this_process(tmp_path, monkeypatch):
    monkeypatch.setattr(side_by_side, "available_cores", lambda: 2)
    runs = tiny_runs([0, 1, 2])
    in_workers = train_side_by_side(runs, tmp_path / "workers")
    assert [run.config.seed for run in in_workers] == [0, 1, 2]
    assert not any(run.from_cache for run in in_workers)  # trained by the workers in this call
    assert all(run.from_cache for run in train_side_by_side(runs, tmp_path / "workers"))
    here = [run.train(tmp_path / "here") for run in runs]
    assert not any(run.from_cache for run in here)
    for a, b in zip(in_workers, here):
        assert a.key == b.key and a.history == b.history
        for name, weights in a.model.state_dict().items():
            assert torch.equal(weights, b.model.state_dict()[name]), name


def test_a_run_listed_twice_trains_once_and_cached_runs_do_not_train(tmp_path):
    runs = tiny_runs([0])
    first = train_side_by_side(runs * 2, tmp_path)
    assert [run.key for run in first] == [first[0].key] * 2 and not any(
        run.from_cache for run in first
    )
    assert len(list(tmp_path.rglob("model.pt"))) == 1
    again = train_side_by_side(runs, tmp_path)
    assert again[0].from_cache
