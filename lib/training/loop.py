"""One training loop for every model of the book: per-epoch validation, checkpoints and resume.

The data order and the augmentation draws of epoch e come from generators seeded with
(seed, e), and the global torch generator is reseeded the same way, so a run resumed from the
checkpoint of epoch e continues exactly as the uninterrupted run would have.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from torch import Tensor, nn
from tqdm import tqdm

from lib.training.checkpoint import CorruptCheckpointError, load_checkpoint, save_checkpoint
from lib.training.device import pick_device
from lib.training.seeding import derived_seed

LossFn = Callable[[Tensor, Tensor], Tensor]
# A per-sample metric: (outputs, targets) -> tensor of shape (batch,), averaged over the epoch.
SampleMetric = Callable[[Tensor, Tensor], Tensor]
# A batch augmentation: (inputs, targets, generator) -> (inputs, targets).
Augment = Callable[[Tensor, Tensor, torch.Generator], tuple[Tensor, Tensor]]


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one run; every field is part of the cache key."""

    epochs: int
    batch_size: int = 4
    lr: float = 1e-3  # Adam's default learning rate
    weight_decay: float = 0.0
    schedule: str = "constant"  # "constant", or "onecycle" (peak lr = `lr`)
    seed: int = 0
    # Validate after every `val_every`-th epoch and after the last: a model scored only after its
    # training (a short ablation row) needs no validation before; the weights never depend on it.
    val_every: int = 1

    def __post_init__(self) -> None:
        if self.schedule not in ("constant", "onecycle"):
            raise ValueError(
                f"unknown schedule {self.schedule!r}; expected 'constant' or 'onecycle'"
            )
        if self.epochs < 1 or self.batch_size < 1 or self.val_every < 1:
            raise ValueError("epochs, batch_size and val_every must be at least 1")

    def as_dict(self) -> dict:
        return asdict(self)


def validated_epochs(config: TrainConfig) -> list[int]:
    """The epochs (from 1) after which `fit` validates: every `val_every`-th, and the last."""
    return [
        epoch
        for epoch in range(1, config.epochs + 1)
        if epoch % config.val_every == 0 or epoch == config.epochs
    ]


def budget(config: TrainConfig, quick: bool) -> TrainConfig:
    """`config`, cut to one epoch in a quick preview."""
    return replace(config, epochs=1) if quick else config


History = dict[str, list[float]]


@dataclass(frozen=True)
class TrainingRun:
    """One model to train, all that `fit` and the cache (lib.training.cache) need: its name, how
    to build it, its data, hyperparameters and loss, the per-sample metrics its history records,
    its augmentation and the CPU threads it trains with."""

    name: str
    build_model: Callable[[], nn.Module]
    train_data: tuple[Tensor, Tensor]
    val_data: tuple[Tensor, Tensor]
    config: TrainConfig
    loss_fn: LossFn
    metrics: Mapping[str, SampleMetric] | None = None
    augment: Augment | None = None
    threads: int = 1

    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.train_data[0]) // self.config.batch_size)

    @property
    def steps(self) -> int:
        """Optimiser steps of the whole run: what its training time grows with."""
        return self.config.epochs * self.steps_per_epoch


@dataclass(frozen=True)
class Fitted:
    """What `fit` returns: the per-epoch history and the training wall time (seconds)."""

    history: History
    train_seconds: float


def fit(model: nn.Module, run: TrainingRun, checkpoint_path: Path | None = None) -> Fitted:
    """Train `model` in place with Adam as `run` says; the history has one value per epoch for the
    training split and one per validated epoch (`validated_epochs`) for the validation split.

    After every epoch the model, optimiser, scheduler and history are checkpointed to
    `checkpoint_path`; if that file exists when `fit` starts, training resumes after its epoch.
    """
    config = run.config
    model.to(pick_device())
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scheduler = _make_scheduler(optimizer, config, run.steps_per_epoch)
    history, start_epoch, train_seconds = _resume(
        model, optimizer, scheduler, checkpoint_path, run.name
    )
    validated = set(validated_epochs(config))
    for epoch in range(start_epoch, config.epochs):
        started = time.perf_counter()
        train = _train_epoch(model, run, epoch, optimizer, scheduler)
        val = (
            evaluate(model, run.val_data, run.loss_fn, run.metrics)
            if epoch + 1 in validated
            else {}
        )
        train_seconds += time.perf_counter() - started
        scores = {
            **{f"train_{k}": v for k, v in train.items()},
            **{f"val_{k}": v for k, v in val.items()},
        }
        _append(history, scores)
        print(
            f"{run.name} epoch {epoch + 1}/{config.epochs}: "
            + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()),
            file=sys.stderr,
        )
        if checkpoint_path is not None:
            state = {"epoch": epoch + 1, "history": history, "train_seconds": train_seconds}
            _save_epoch(checkpoint_path, state, model, optimizer, scheduler, config)
    return Fitted(history, train_seconds)


def _resume(
    model: nn.Module, optimizer, scheduler, checkpoint_path: Path | None, name: str
) -> tuple[History, int, float]:
    """Restore the last epoch's checkpoint into `model`, `optimizer` and `scheduler`: its history,
    the epoch to start from and the seconds trained so far (empty, 0, 0.0 without one)."""
    state = _resume_state(checkpoint_path)
    if state is None:
        return {}, 0, 0.0
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(state["scheduler"])
    print(f"{name}: resuming after epoch {state['epoch']} from {checkpoint_path}", file=sys.stderr)
    return state["history"], state["epoch"], state["train_seconds"]


def _save_epoch(
    checkpoint_path: Path, state: dict, model: nn.Module, optimizer, scheduler, config: TrainConfig
) -> None:
    save_checkpoint(
        checkpoint_path,
        {
            **state,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict() if scheduler is not None else None,
            "config": config.as_dict(),
        },
    )


def _train_epoch(
    model: nn.Module, run: TrainingRun, epoch: int, optimizer, scheduler
) -> dict[str, float]:
    """One pass over the training data in the epoch's own random order; the mean loss and
    metrics."""
    inputs, targets = run.train_data
    config, metrics = run.config, dict(run.metrics or {})
    device = pick_device()
    torch.manual_seed(derived_seed(config.seed, epoch, 1))  # dropout and other layer noise
    order = torch.randperm(len(inputs), generator=_generator(config.seed, epoch, 2))
    augment_rng = _generator(config.seed, epoch, 3)
    model.train()
    totals = _Totals()
    bar = tqdm(
        range(-(-len(inputs) // config.batch_size)),
        desc=f"{run.name} epoch {epoch + 1}/{config.epochs}",
        file=sys.stderr,
        mininterval=1.0 if sys.stderr.isatty() else 15.0,
        leave=False,
    )
    for step in bar:
        index = order[step * config.batch_size : (step + 1) * config.batch_size]
        x, y = inputs[index], targets[index]
        if run.augment is not None:
            x, y = run.augment(x, y, augment_rng)
        x, y = x.to(device), y.to(device)
        outputs = model(x)
        loss = run.loss_fn(outputs, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        totals.add(loss.detach(), outputs.detach(), y, metrics)
        bar.set_postfix(loss=f"{totals.mean('loss'):.4f}", refresh=False)
    bar.close()
    return totals.means()


@torch.inference_mode()
def predict(model: nn.Module, inputs: Tensor, batch_size: int = 256) -> Tensor:
    """Model outputs for `inputs`, computed in eval mode in large batches, returned on the CPU."""
    model.eval()
    device = next(model.parameters()).device
    return torch.cat(
        [
            model(inputs[i : i + batch_size].to(device)).cpu()
            for i in range(0, len(inputs), batch_size)
        ]
    )


def evaluate(
    model: nn.Module,
    data: tuple[Tensor, Tensor],
    loss_fn: LossFn,
    metrics: Mapping[str, SampleMetric] | None = None,
) -> dict[str, float]:
    """Sample-weighted mean loss and metrics of `model` on `data`."""
    inputs, targets = data
    outputs = predict(model, inputs)
    totals = _Totals()
    batch = 256  # the loss is a batch mean: weight each chunk by its size
    for i in range(0, len(inputs), batch):
        out, y = outputs[i : i + batch], targets[i : i + batch]
        totals.add(loss_fn(out, y), out, y, metrics or {})
    return totals.means()


def _resume_state(checkpoint_path: Path | None) -> dict | None:
    """The last epoch's checkpoint, or None to start afresh (also when it is unreadable)."""
    if checkpoint_path is None or not checkpoint_path.exists():
        return None
    try:
        return load_checkpoint(checkpoint_path)
    except CorruptCheckpointError as error:
        print(f"warning: {error}; starting from epoch 1", file=sys.stderr)
        return None


def _make_scheduler(optimizer, config: TrainConfig, steps_per_epoch: int):
    if config.schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=config.lr, total_steps=config.epochs * steps_per_epoch
        )
    return None


def _generator(*seed_parts: int) -> torch.Generator:
    return torch.Generator().manual_seed(derived_seed(*seed_parts))


def _append(history: History, values: Mapping[str, float]) -> None:
    for key, value in values.items():
        history.setdefault(key, []).append(value)


class _Totals:
    """Running sample-weighted sums of the loss and the per-sample metrics."""

    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.count = 0

    def add(
        self, loss: Tensor, outputs: Tensor, targets: Tensor, metrics: Mapping[str, SampleMetric]
    ) -> None:
        n = len(targets)
        self.count += n
        self.sums["loss"] = self.sums.get("loss", 0.0) + float(loss) * n
        for name, metric in metrics.items():
            self.sums[name] = self.sums.get(name, 0.0) + float(metric(outputs, targets).sum())

    def mean(self, name: str) -> float:
        return self.sums[name] / self.count

    def means(self) -> dict[str, float]:
        return {name: self.mean(name) for name in self.sums}
