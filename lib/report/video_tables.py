"""Part 2's tables as chapters 04 and 05 print them: the rows built from the scores, formatted as
Markdown pipe tables (numbers rounded as each table prints them; a missing value as a dash)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

import numpy as np
import pandas as pd
import torch

from lib.data.simulate import COLLISION_RULE, WALL_RULE
from lib.data.symmetries import N_DIHEDRAL
from lib.metrics import VideoMetrics, capped_psnr_summary
from lib.report.model_summary import count_parameters
from lib.report.physics_words import RADIUS_RULE_NAMES, mass_evidence, radius_text
from lib.report.video_verdicts import Measured
from lib.report.words import balls, fixed, learning_rate_text, power_of_ten
from lib.settings import PSNR_CAP
from lib.training.loop import TrainConfig, predict
from lib.video.ablation import Variant
from lib.video.augment import SymmetryAugment
from lib.video.losses import FrameLoss
from lib.video.unet import UNetConfig
from lib.video.workflow import EVENTS, ball_count_groups, mse_loss


def with_clipped_mse(metrics: VideoMetrics) -> VideoMetrics:
    """The same scores with every MSE (per clip and per step) that of the predictions clipped to
    [0, 1], the MSE that PSNR scores (lib.metrics.video_metrics keeps the raw predictions' MSE,
    the training loss): the one MSE the book reports."""
    return replace(
        metrics,
        mse=10 ** (-metrics.psnr / 10),  # an exact clip: +inf dB, MSE 0
        mse_per_step=10 ** (-metrics.psnr_per_step / 10),
    )


def clipped_mse(model: torch.nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """The MSE of `model`'s predictions clipped to [0, 1], over all of `inputs`' clips and frames:
    the book's one MSE, for clips that lib.video.workflow does not score (the training clips)."""
    return float(((predict(model, inputs).clamp(0, 1) - targets) ** 2).mean())


def scores_and_costs(models: Mapping[str, tuple[VideoMetrics, Any | None]]) -> str:
    """Per model (label: its scores and its training run, None for a baseline that trains
    nothing): the mean MSE of the clipped predictions (the one the PSNR of the mean MSE scores),
    mean SSIM, mean PSNR, PSNR of the mean MSE, parameters and training minutes."""
    rows = []
    for label, (metrics, run) in models.items():
        summary = metrics.psnr_summary()
        rows.append(
            {
                "model": label,
                "MSE": summary.mean_mse,
                "SSIM": metrics.summary()["ssim"],
                "PSNR (dB)": metrics.summary()["psnr"],
                "PSNR of mean MSE (dB)": summary.psnr_of_mean_mse,
                "parameters": count_parameters(run.model) if run else 0,
                "training (min)": run.train_seconds / 60 if run else 0.0,
            }
        )
    return pd.DataFrame(rows).to_markdown(
        index=False, floatfmt=("", ".5f", ".4f", ".2f", ".2f", "", ".1f"), intfmt=","
    )


def change_text(variant: Variant, planned_final: TrainConfig) -> str:
    """A Task 7 row's change as the tables name it: its fields filled in, {epochs} with the
    planned final budget (even in a quick preview, which trains for fewer epochs) and {lr} with
    the peak learning rate the row trains with."""
    return variant.change.format(epochs=planned_final.epochs, lr=power_of_ten(variant.config.lr))


def ablation_row(
    label: str,
    ssim: float,
    psnr: float,
    minutes: float = np.nan,
    expected_db: float = np.nan,
    measured: Measured | None = None,
) -> dict:
    """One row of the Task 7 table: the change it makes (`label`), the change of PSNR predicted
    before its run, the change measured against its reference with its noise band (a
    lib.report.video_verdicts.Measured; None for a row with no reference; no band for a single
    run), judge's verdict on it and how it compares with the prediction, the row's mean PSNR and
    SSIM over its seeds and its training minutes."""
    if measured is None:
        change, verdict = "—", "—"
    else:
        change = f"{_no_negative_zero(measured.delta):+.2f}"
        if measured.band is not None:
            change += f" ± {measured.band:.2f}"
        verdict = measured.verdict
        if measured.against != measured.verdict:  # a single run is "one run" on both counts
            verdict += f", {measured.against}"
    return {
        "change": label,
        "predicted Δ (dB)": expected_db,
        "measured Δ (dB)": change,
        "verdict, against prediction": verdict,
        "PSNR (dB)": psnr,
        "SSIM": ssim,
        "training (min)": minutes,
    }


def measured_row(
    label: str,
    variant: Variant,
    measured: Measured,
    ssims: Sequence[float],
    minutes: Sequence[float],
) -> dict:
    """The `ablation_row` of a trained variant: its means of SSIM and training minutes over its
    seeds (`ssims`, `minutes`) and its measured change."""
    return ablation_row(
        label,
        float(np.mean(ssims)),
        measured.psnr,
        float(np.mean(minutes)),
        variant.expected_db,
        measured,
    )


def ablation(rows: Sequence[dict]) -> str:
    """The `ablation_row`s as a Markdown table, a dash where a number is missing."""
    table = pd.DataFrame(rows).to_markdown(
        index=False, floatfmt=("", "+.1f", "", "", ".2f", ".4f", ".1f")
    )
    return table.replace("+nan", "—").replace(" nan ", " —   ")


def _no_negative_zero(change: float) -> float:
    """A change of PSNR rounded as the tables print it, so that -0.001 prints +0.00, not -0.00."""
    return round(change, 2) + 0.0


def goals(rows: Sequence[tuple[str, str, bool | None]]) -> str:
    """Task 7's goals (lib.report.video_verdicts.task7_goals: goal, measured, met) as a Markdown
    table, an unmet goal in bold, a goal not measured where it is set as a dash."""
    met = {True: "yes", False: "**no**", None: "—"}
    return pd.DataFrame(
        [{"goal": g, "measured": m, "met": met[ok]} for g, m, ok in rows]
    ).to_markdown(index=False)


NBX = "\u00a0×\u00a0"  # "3 × 3" that a table cell never breaks
SKIP_WORDS = {"add": "added", "concat": "concatenated", "none": "none"}
OUTPUT_WORDS = {
    "relu": "the frames, through a ReLU",
    "sigmoid": "the frames, through a sigmoid",
    "delta": "a change, added to the last input frame and clipped to [0,\u00a01]",
}
LOSS_TERMS = {"mse": "MSE", "l1": "L1", "bce": "BCE", "ssim": "(1 − SSIM)", "log_mse": "log-MSE"}


def recipe(
    architecture: UNetConfig,
    config: TrainConfig,
    loss: Callable,
    augment: SymmetryAugment | None,
    precision: str,
    parameters: int,
) -> dict[str, str]:
    """A trained U-Net's settings as the hyperparameter table prints them, by setting: its
    architecture, size, loss, optimiser, schedule, budget, augmentation, precision and seed."""
    head = (
        f"3{NBX}3 convolution to {architecture.out_frames} channels, ReLU, 3{NBX}3 convolution"
        if architecture.head == "table3"
        else f"3{NBX}3 convolution of {architecture.widths[0]} filters, ReLU, 1{NBX}1 convolution"
    )
    return {
        "skip connections": SKIP_WORDS[architecture.skip],
        "filters per level": ", ".join(str(width) for width in architecture.widths),
        "coordinate channels": "row and column" if architecture.coords else "none",
        "output head": head,
        "output": OUTPUT_WORDS[architecture.output],
        "parameters": f"{parameters:,}",
        "loss": loss_text(loss),
        "optimiser": f"Adam (weight decay\u00a0{config.weight_decay:g})",
        "learning rate": learning_rate_text(config.schedule, config.lr),
        "epochs × batch size": f"{config.epochs} × {config.batch_size}",
        "augmentation": augment_text(augment),
        "precision": precision,
        "seed": str(config.seed),
    }


def loss_text(loss: Callable) -> str:
    """A training loss as the hyperparameter table names it: the handout's MSE, or a FrameLoss's
    weighted terms (a weight of 1 left out)."""
    if loss is mse_loss:
        return "MSE"
    if not isinstance(loss, FrameLoss):
        raise ValueError(f"no name for the loss {loss!r}")
    terms = [
        (LOSS_TERMS[field.name], getattr(loss, field.name))
        for field in fields(loss)
        if getattr(loss, field.name)
    ]
    return " + ".join(name if w == 1 else f"{power_of_ten(w)} × {name}" for name, w in terms)


def augment_text(augment: SymmetryAugment | None) -> str:
    """A training augmentation as the hyperparameter table names it."""
    if augment is None or not (augment.symmetries or augment.time_reversal):
        return "none"
    parts = [f"a random one of the square's {N_DIHEDRAL} symmetries"] * augment.symmetries
    parts += ["time reversal with probability ½"] * augment.time_reversal
    return "; ".join(parts)


def recipes_table(columns: Mapping[str, Mapping[str, str]]) -> str:
    """Trained networks' `recipe`s side by side, one column each, as a Markdown table."""
    table = pd.DataFrame(columns)
    return (
        table.rename_axis("setting").reset_index().to_markdown(index=False, disable_numparse=True)
    )


def clip_groups(ball_counts: np.ndarray, events: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The validation clips' groups as the tables name them, each with its mask: by number of
    balls present ("1 ball", ...), then by what happens in the predicted frames (EVENTS)."""
    by_count = [(balls(n), mask) for n, mask in ball_count_groups(ball_counts).items()]
    return by_count + [(event, np.asarray(events) == event) for event in EVENTS]


def psnr_of_mean_mse_by_group(
    psnr: np.ndarray, groups: Sequence[tuple[str, np.ndarray]]
) -> dict[str, float]:
    """The PSNR of the mean MSE of per-clip PSNRs `psnr` on each non-empty group (`clip_groups`),
    capped as the tables print it (`capped`)."""
    return {
        name: capped(capped_psnr_summary(psnr[mask]).psnr_of_mean_mse)
        for name, mask in groups
        if mask.any()
    }


def by_group(
    groups: Sequence[tuple[str, np.ndarray]],
    predictors: Mapping[str, VideoMetrics],
    final: VideoMetrics,
) -> pd.DataFrame:
    """Per group of clips (name, mask; empty groups left out): its size, each predictor's mean
    PSNR (each clip capped at lib.settings.PSNR_CAP) and the final model's mean SSIM."""
    rows = [
        {
            "clips": name,
            "n": int(mask.sum()),
            **{f"{label} PSNR": m.capped().psnr[mask].mean() for label, m in predictors.items()},
            "Task 7 final SSIM": final.ssim[mask].mean(),
        }
        for name, mask in groups
        if mask.any()
    ]
    return pd.DataFrame(rows)


def late_gain(
    val_mse: Sequence[float], epochs: Sequence[int] | None = None, share: float = 0.25
) -> tuple[int, float]:
    """How much a training's last epochs bought, from its validation MSEs after `epochs` (from 1;
    default every epoch): over the last `share` of its validations (at least one, never all), the
    epochs they span and the dB by which the PSNR of the validation MSE rose; (0, 0.0) for a
    single validation."""
    n = len(val_mse)
    epochs = list(epochs) if epochs is not None else list(range(1, n + 1))
    last = min(max(1, round(n * share)), n - 1)
    if last == 0:
        return 0, 0.0
    return epochs[-1] - epochs[-last - 1], float(10 * np.log10(val_mse[-last - 1] / val_mse[-1]))


def psnr_text(db: float, cap: float = PSNR_CAP) -> str:
    """A PSNR in dB as every Part 2 table prints it: two decimals, and "≥ 100" (the cap of
    lib.settings.PSNR_CAP) at or above the cap, where an exact or near-exact prediction makes the
    PSNR of the mean MSE as meaningless as a single exact clip's infinite PSNR."""
    return f"≥ {cap:g}" if db >= cap else f"{db:.2f}"


def capped(db: float, cap: float = PSNR_CAP) -> float:
    """A PSNR in dB capped as `psnr_text` prints it, for comparisons that must agree with the
    tables (two predictions at the cap are equal)."""
    return min(db, cap)


PHYSICS_SETTING_NAMES = (
    "ball radius r (px)",
    "rim sharpness p",
    "walls: x, y (px)",
    "sub-steps per frame",
    "most balls in a clip",
    "wall rule",
    "collision rule",
    "radius rule",
    "mass rule",
)


def physics_settings(found: Any | None, simulated: Mapping | None) -> list[dict]:
    """The settings the physics identified (a lib.physics.identify.Settings, None when nothing
    was), in pixels, one row per setting; where a rule variant was chosen, how much of the
    evidence the chosen rule and the runner-up leave unexplained; for a file the simulator made
    (`simulated`, its manifest entry), the simulator's settings converted to pixels. The rows,
    for markdown_table."""
    if found is None:
        return [{"setting": name, "identified": "not identified"} for name in PHYSICS_SETTING_NAMES]
    rows = [
        {"setting": name, "identified": value, "unexplained: chosen / runner-up": why}
        for name, value, why in zip(
            PHYSICS_SETTING_NAMES, identified_values(found), rule_evidence(found), strict=True
        )
    ]
    if simulated is not None:
        for row, value in zip(rows, simulator_values(simulated), strict=True):
            row["simulator (px)"] = value
    return rows


def identified_values(found: Any) -> list[str]:
    """The identified settings as the table prints them, in PHYSICS_SETTING_NAMES' order."""
    x_low, x_high, y_low, y_high = found.walls
    return [
        radius_text(found),
        f"{found.sharpness:.2f}",
        f"{fixed(x_low, 2)}–{fixed(x_high, 2)}, {fixed(y_low, 2)}–{fixed(y_high, 2)}",
        str(found.substeps),
        str(found.max_balls),
        found.wall_rule,
        found.collision_rule,
        RADIUS_RULE_NAMES[found.radius_rule],
        found.mass_rule,
    ]


def rule_evidence(found: Any) -> list[str]:
    """Per setting, what the chosen rule and the runner-up leave unexplained ("—" for the
    settings that are measured, not chosen among rules)."""
    off_grid = (1 - found.on_grid_share, 1 - found.other_wall_rule_grid_share)
    wall = f"{off_grid[0]:.0%} / {off_grid[1]:.0%} of {found.bounces} bounces"
    collision = (
        f"{found.unexplained_share:.2%} / {found.runner_up_unexplained_share:.2%} "
        f"({found.runner_up}, {found.rule_clips} clips)"
        if found.rule_clips
        else "no clip where balls meet"
    )
    # The radius rule's evidence: the lone balls' drawing error with one radius and their own.
    one, own = (power_of_ten(mse) for mse in (found.one_radius_mse, found.own_radius_mse))
    radius = f"{one} / {own} (lone-ball MSE)"
    return ["—"] * 5 + [wall, collision, radius, mass_evidence(found)]


def simulator_values(simulated: Mapping) -> list[str]:
    """The simulator's settings (its manifest entry) in pixels, in PHYSICS_SETTING_NAMES' order."""
    scale = simulated["resolution"] / simulated["physics"]["box_size"]
    low, high = (r * scale for r in simulated["radius_range"])
    side = simulated["physics"]["box_size"] * scale  # the box runs from 0 to its side
    return [
        f"{low:.3f}" if low == high else f"{low:.3f} to {high:.3f}",
        "—",
        f"0–{side:g}, 0–{side:g}",
        str(simulated["physics"]["substeps"]),
        "—",
        WALL_RULE,
        COLLISION_RULE,
        RADIUS_RULE_NAMES["one" if low == high else "per_ball"],
        "equal",
    ]
