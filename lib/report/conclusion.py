"""The conclusion's numbers and words: headline results read back from the chapters' records.

The conclusion runs after every other chapter and writes no result of its own; what it says
depends on the records (lib.report.results), through the rules below, each with a unit test.
"""

from __future__ import annotations

from collections.abc import Sequence


class MissingResult(KeyError):
    """A headline result that no chapter recorded; the message names it."""


def recorded(records: Sequence[dict], task: str, model: str, metric: str) -> dict:
    """The record of `metric` for `model` under `task` (value = mean over seeds, std, n_seeds)."""
    for record in records:
        if (record["task"], record["model"], record["metric"]) == (task, model, metric):
            return record
    raise MissingResult(f"no chapter recorded {metric} of {model} under {task}")


def recorded_values(
    records: Sequence[dict], runs: Sequence[tuple[str, str]], metrics: Sequence[str]
) -> list[dict[str, float]]:
    """Per (task, model) of `runs`, the recorded value of each of `metrics`, by metric."""
    return [
        {metric: recorded(records, task, model, metric)["value"] for metric in metrics}
        for task, model in runs
    ]


def hybrid_worse_on(hybrid: dict, network: dict) -> list[str]:
    """The measures that failures dominate on which the hybrid is worse than the final network:
    "MSE" (as the PSNR of the mean MSE) and "SSIM" (means over the clips)."""
    return [
        measure
        for measure, key in (("MSE", "val_psnr_of_mean_mse"), ("SSIM", "val_ssim"))
        if hybrid[key] < network[key]
    ]


def hybrid_verdict(hybrid: dict, network: dict) -> str:
    """What the hybrid is next to the final network (validation scores of both): "network" when it
    scores exactly as the network on every measure (the physics' self-check trusted no clip),
    "worse" when it is worse on a measure of `hybrid_worse_on`, else "not-worse"."""
    if all(hybrid[key] == network[key] for key in network.keys() & hybrid.keys()):
        return "network"
    return "worse" if hybrid_worse_on(hybrid, network) else "not-worse"
