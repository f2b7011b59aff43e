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

    def __post_init__(self) -> None:
        if self.schedule not in ("constant", "onecycle"):
            raise ValueError(
                f"unknown schedule {self.schedule!r}; expected 'constant' or 'onecycle'"
            )
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be at least 1")

    def as_dict(self) -> dict:
        return asdict(self)


def budget(config: TrainConfig, quick: bool) -> TrainConfig:
    """`config`, cut to one epoch in a quick preview."""
    return replace(config, epochs=1) if quick else config


History = dict[str, list[float]]


def fit(
    model: nn.Module,
    train_data: tuple[Tensor, Tensor],
    val_data: tuple[Tensor, Tensor],
    config: TrainConfig,
    loss_fn: LossFn,
    *,
    metrics: Mapping[str, SampleMetric] | None = None,
    augment: Augment | None = None,
    checkpoint_path: Path | None = None,
    description: str = "train",
) -> tuple[History, float]:
    """Train `model` in place with Adam; return the per-epoch history and the training wall time.

    After every epoch the model, optimiser, scheduler and history are checkpointed to
    `checkpoint_path`; if that file exists when `fit` starts, training resumes after its epoch.
    """
    metrics = dict(metrics or {})
    model.to(pick_device())
    steps_per_epoch = -(-len(train_data[0]) // config.batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scheduler = _make_scheduler(optimizer, config, steps_per_epoch)
    history: History = {}
    start_epoch, train_seconds = 0, 0.0

    state = _resume_state(checkpoint_path)
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(state["scheduler"])
        history, start_epoch, train_seconds = (
            state["history"],
            state["epoch"],
            state["train_seconds"],
        )
        print(
            f"{description}: resuming after epoch {start_epoch} from {checkpoint_path}",
            file=sys.stderr,
        )

    for epoch in range(start_epoch, config.epochs):
        started = time.perf_counter()
        train = _train_epoch(
            model,
            train_data,
            config,
            epoch,
            loss_fn,
            optimizer,
            scheduler,
            metrics,
            augment,
            f"{description} epoch {epoch + 1}/{config.epochs}",
        )
        val = evaluate(model, val_data, loss_fn, metrics)
        train_seconds += time.perf_counter() - started
        _append(
            history,
            {
                **{f"train_{k}": v for k, v in train.items()},
                **{f"val_{k}": v for k, v in val.items()},
            },
        )
        print(
            f"{description} epoch {epoch + 1}/{config.epochs}: "
            + ", ".join(f"{k} {v[-1]:.4f}" for k, v in history.items()),
            file=sys.stderr,
        )
        if checkpoint_path is not None:
            save_checkpoint(
                checkpoint_path,
                {
                    "epoch": epoch + 1,
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict() if scheduler is not None else None,
                    "history": history,
                    "train_seconds": train_seconds,
                    "config": config.as_dict(),
                },
            )
    return history, train_seconds


def _train_epoch(
    model: nn.Module,
    train_data: tuple[Tensor, Tensor],
    config: TrainConfig,
    epoch: int,
    loss_fn: LossFn,
    optimizer,
    scheduler,
    metrics: Mapping[str, SampleMetric],
    augment: Augment | None,
    description: str,
) -> dict[str, float]:
    """One pass over the training data in the epoch's own random order; the mean loss and
    metrics."""
    inputs, targets = train_data
    device = pick_device()
    torch.manual_seed(derived_seed(config.seed, epoch, 1))  # dropout and other layer noise
    order = torch.randperm(len(inputs), generator=_generator(config.seed, epoch, 2))
    augment_rng = _generator(config.seed, epoch, 3)
    model.train()
    totals = _Totals()
    bar = tqdm(
        range(-(-len(inputs) // config.batch_size)),
        desc=description,
        file=sys.stderr,
        mininterval=1.0 if sys.stderr.isatty() else 15.0,
        leave=False,
    )
    for step in bar:
        index = order[step * config.batch_size : (step + 1) * config.batch_size]
        x, y = inputs[index], targets[index]
        if augment is not None:
            x, y = augment(x, y, augment_rng)
        x, y = x.to(device), y.to(device)
        outputs = model(x)
        loss = loss_fn(outputs, y)
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
