"""Part 2's tables as chapters 04 and 05 print them: the rows built from the scores, formatted as
Markdown pipe tables (numbers rounded as each table prints them; a missing value as a dash)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lib.metrics import VideoMetrics
from lib.report.model_summary import count_parameters
from lib.report.tables import markdown_table
from lib.video.ablation import Measured
from lib.video.workflow import EVENTS


def scores_and_costs(models: Mapping[str, tuple[VideoMetrics, Any | None]]) -> str:
    """Per model (label: its scores and its training run, None for a baseline that trains
    nothing): mean MSE, SSIM and PSNR, parameters and training time."""
    rows = [
        {
            "model": label,
            **metrics.summary(),
            "parameters": count_parameters(run.model) if run else 0,
            "training time (s)": run.train_seconds if run else 0.0,
        }
        for label, (metrics, run) in models.items()
    ]
    table = pd.DataFrame(rows).rename(columns={"mse": "MSE", "ssim": "SSIM", "psnr": "PSNR (dB)"})
    return table.to_markdown(index=False, floatfmt=("", ".5f", ".4f", ".2f", "", ".0f"), intfmt=",")


def task6_by_event(events: np.ndarray, unet: VideoMetrics, last_frame: VideoMetrics) -> str:
    """The clips by what happens in the predicted frames (lib.video.workflow.EVENTS; events absent
    from the clips are left out): how many, and the Task 6 U-Net's and last frame's mean scores."""
    rows = [
        {
            "what happens in frames 5–9": event,
            "clips": int((events == event).sum()),
            "U-Net PSNR (dB)": unet.psnr[events == event].mean(),
            "U-Net MSE": unet.mse[events == event].mean(),
            "last frame MSE": last_frame.mse[events == event].mean(),
        }
        for event in EVENTS
        if (events == event).any()
    ]
    return pd.DataFrame(rows).to_markdown(index=False, floatfmt=("", "d", ".2f", ".5f", ".5f"))


def ablation_row(
    label: str,
    ssim: float,
    psnr: float,
    minutes: float = np.nan,
    expected_db: float = np.nan,
    measured: Measured | None = None,
    verdict: str = "—",
) -> dict:
    """One row of the Task 7 table: the change it makes (`label`), the change of PSNR predicted
    before its run, the change measured against its reference with the noise band (a
    lib.video.ablation.Measured; None for a row with no reference), its mean PSNR and SSIM over
    its seeds, its training minutes and the verdict on the change."""
    change = (
        "—"
        if measured is None
        else f"{_no_negative_zero(measured.delta):+.2f} ± {measured.band:.2f}"
    )
    return {
        "change": label,
        "predicted Δ (dB)": expected_db,
        "measured Δ (dB)": change,
        "PSNR (dB)": psnr,
        "SSIM": ssim,
        "training (min)": minutes,
        "verdict": verdict,
    }


def ablation(rows: Sequence[dict]) -> str:
    """The `ablation_row`s as a Markdown table, a dash where a number is missing."""
    table = pd.DataFrame(rows).to_markdown(
        index=False, floatfmt=("", "+.1f", "", ".2f", ".4f", ".1f", "")
    )
    return table.replace("+nan", "—").replace(" nan ", " —   ")


def _no_negative_zero(change: float) -> float:
    """A change of PSNR rounded as the tables print it, so that -0.001 prints +0.00, not -0.00."""
    return round(change, 2) + 0.0


def by_group(
    groups: Sequence[tuple[str, np.ndarray]],
    predictors: Mapping[str, VideoMetrics],
    final: VideoMetrics,
) -> pd.DataFrame:
    """Per group of clips (name, mask; empty groups left out): its size, each predictor's mean
    PSNR and the final model's mean SSIM."""
    rows = [
        {
            "clips": name,
            "n": int(mask.sum()),
            **{f"{label} PSNR": m.psnr[mask].mean() for label, m in predictors.items()},
            "Task 7 final SSIM": final.ssim[mask].mean(),
        }
        for name, mask in groups
        if mask.any()
    ]
    return pd.DataFrame(rows)


def capped_scores(models: Mapping[str, VideoMetrics], good_db: float) -> str:
    """Per model: mean MSE and SSIM, the mean of per-clip PSNRs capped at lib.metrics.PSNR_CAP,
    the PSNR of the mean MSE and the share of clips at `good_db` or better."""
    rows = []
    for label, m in models.items():
        summary = m.psnr_summary()
        rows.append(
            {
                "model": label,
                "MSE": f"{m.mse.mean():.2e}",
                "SSIM": f"{m.ssim.mean():.4f}",
                "PSNR, capped (dB)": f"{summary.capped_mean:.2f}",
                "of mean MSE (dB)": f"{summary.psnr_of_mean_mse:.2f}",
                f"≥ {good_db:g} dB": f"{summary.share_at_least(good_db):.1%}",
            }
        )
    return markdown_table(pd.DataFrame(rows))


def other_generator(models: Mapping[str, VideoMetrics]) -> str:
    """Per model on another simulator's clips: the capped mean of per-clip PSNRs and the share at
    the cap, the PSNR of the mean MSE and the mean SSIM."""
    rows = []
    for label, m in models.items():
        summary = m.psnr_summary()
        rows.append(
            {
                "model": label,
                "PSNR, capped (dB)": f"{summary.capped_mean:.2f}",
                "at the cap": f"{summary.share_at_cap:.0%}",
                "of mean MSE (dB)": f"{summary.psnr_of_mean_mse:.2f}",
                "SSIM": f"{m.ssim.mean():.4f}",
            }
        )
    return markdown_table(pd.DataFrame(rows))
