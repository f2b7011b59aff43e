"""A cache of trained models, keyed by everything a result depends on.

The key hashes the run's name, its hyperparameters, the exact training and validation tensors,
and the code it can run: every `lib` module that the modules of its model, loss, metrics and
augmentation import, transitively, and those of this trainer (lib/training/cache_keys.py). Same
key: the stored model is loaded and nothing trains. Any change: a new entry is trained, resuming
from its own last epoch checkpoint if a previous run was killed.
"""

from __future__ import annotations

import dataclasses
import fcntl
import functools
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torch import Tensor, nn

from lib.training.cache_keys import entry_path, result_key
from lib.training.checkpoint import CorruptCheckpointError, load_checkpoint, save_checkpoint
from lib.training.device import pick_device, torch_threads
from lib.training.loop import History, TrainConfig, TrainingRun, fit
from lib.training.seeding import set_seed


@dataclass
class TrainedModel:
    """A trained model with its history and where it came from."""

    name: str
    model: nn.Module
    history: History
    key: str
    from_cache: bool
    train_seconds: float
    config: TrainConfig
    device: str  # where it was trained

    def provenance(self) -> dict:
        """What the provenance appendix lists for this model."""
        return {
            "name": self.name,
            "key": self.key,
            "epochs": self.config.epochs,
            "train_seconds": self.train_seconds,
            "from_cache": self.from_cache,
            "seed": self.config.seed,
            "device": self.device,
        }


def train_cached(run: TrainingRun, cache_dir: Path = Path("cache")) -> TrainedModel:
    """Load the model trained with exactly `run`'s inputs from `cache_dir`, or train and store it.

    Exactly one process trains a cache entry: another that needs it meanwhile waits and loads it.
    A training runs `run.threads` threads, however many processes share the cores: a fixed count
    per run keeps its weights independent of what else runs (lib/training/side_by_side.py runs
    several).
    """
    key = run_key(run)
    entry = entry_path(cache_dir, run.name, key)
    set_seed(run.config.seed)  # the initial weights are part of what the seed fixes
    model = run.build_model()
    with _exclusive(entry, run.name):
        stored = _stored(entry / "model.pt", model)
        if stored is not None:
            return TrainedModel(
                run.name,
                model,
                stored["history"],
                key,
                True,
                stored["train_seconds"],
                run.config,
                stored.get("device", "not recorded"),
            )
        with torch_threads(run.threads):
            fitted = fit(model, run, checkpoint_path=entry / "checkpoint.pt")
        device = str(pick_device())
        model.cpu()
        save_checkpoint(
            entry / "model.pt",
            {
                "model": model.state_dict(),
                "history": fitted.history,
                "train_seconds": fitted.train_seconds,
                "key": key,
                "device": device,
            },
        )
        (entry / "checkpoint.pt").unlink(missing_ok=True)  # the final file supersedes it
    return TrainedModel(
        run.name, model, fitted.history, key, False, fitted.train_seconds, run.config, device
    )


def _stored(final_path: Path, model: nn.Module) -> dict | None:
    """The stored entry, its weights loaded into `model`; None when there is none or it is
    unusable (then the model is retrained)."""
    if not final_path.exists():
        return None
    try:
        stored = load_checkpoint(final_path)
        model.load_state_dict(stored["model"])
        return stored
    except (CorruptCheckpointError, KeyError, RuntimeError) as error:
        print(
            f"warning: cache entry {final_path} is unusable ({error}); retraining", file=sys.stderr
        )
        return None


def run_key(run: TrainingRun) -> str:
    """The cache key of `run`: `cache_key` of everything but the threads it trains with."""
    return cache_key(
        run.name,
        run.build_model,
        run.train_data,
        run.val_data,
        run.config,
        run.loss_fn,
        run.metrics,
        run.augment,
    )


@contextmanager
def _exclusive(entry: Path, name: str) -> Iterator[None]:
    """Hold the entry's lock; if another process trains this model, say so and wait."""
    entry.mkdir(parents=True, exist_ok=True)
    with open(entry / "lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"{name}: another process is training this model ({entry}); "
                "waiting for it to finish",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def cache_key(
    name: str,
    build_model: Callable,
    train_data: tuple[Tensor, Tensor],
    val_data: tuple[Tensor, Tensor],
    config: TrainConfig,
    loss_fn: Callable,
    metrics: Mapping[str, Callable] | None,
    augment: Callable | None,
) -> str:
    """SHA-256 over the run's name, hyperparameters, data tensors and code (see the module's
    docstring)."""
    functions = [
        f for f in (build_model, loss_fn, augment, *(metrics or {}).values()) if f is not None
    ]
    # A model class or function handed to a builder through functools.partial is code too.
    passed_code = [arg for f in functions for arg in _code_arguments(f)]
    return result_key(
        name,
        [*functions, *passed_code, sys.modules[__name__]],
        [*train_data, *val_data],
        {
            "config": config.as_dict(),
            "arguments": [_bound_arguments(f) for f in functions],
        },
    )


def _code_arguments(obj: Any) -> list[Any]:
    """The classes and functions frozen into a (nested) functools.partial as arguments."""
    if not isinstance(obj, functools.partial):
        return []
    passed = [*obj.args, *obj.keywords.values()]
    return [
        arg for arg in passed if inspect.isfunction(arg) or inspect.isclass(arg)
    ] + _code_arguments(obj.func)


def _function_name(function: Callable) -> str:
    """A function as the key spells it: its module and qualified name."""
    return f"{function.__module__}.{function.__qualname__}"


def _bound_arguments(obj: Any) -> str:
    """The arguments frozen into a functools.partial, or a dataclass instance's fields, as text."""
    if isinstance(obj, functools.partial):
        # A function's repr holds its memory address, different in every process: name it instead.
        args = tuple(_function_name(arg) if inspect.isfunction(arg) else arg for arg in obj.args)
        keywords = sorted(
            (key, _function_name(value) if inspect.isfunction(value) else value)
            for key, value in obj.keywords.items()
        )
        return repr((args, keywords, _bound_arguments(obj.func)))
    if (
        inspect.isfunction(obj)
        or inspect.isbuiltin(obj)
        or inspect.isclass(obj)
        or inspect.ismodule(obj)
    ):
        name = getattr(obj, "__qualname__", getattr(obj, "__name__", ""))
        return f"{getattr(obj, '__module__', '')}.{name}"
    if dataclasses.is_dataclass(obj):
        return repr(obj)  # a dataclass repr lists every field
    # Other objects (e.g. nn.CrossEntropyLoss) may hide settings from repr(): refuse them.
    raise ValueError(
        f"cannot key the cache on {obj!r}: pass a function, a functools.partial "
        "or a dataclass instance"
    )
