"""Chapter 6's tables: the scores (every predictor of the chapter, on the validation clips and on
the clips of a simulator with other settings, beside the final network clip by clip), and the
physics' worst clips, which its figure of failures draws.

The physics has no seeds and the final network is a single run, so the table gives no noise band:
next to both summaries of PSNR it counts the clips on which each predictor is better and worse
than the network (by per-clip PSNR, capped, so that two exact clips tie)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lib.metrics import VideoMetrics
from lib.report.video_tables import psnr_text
from lib.report.words import balls
from lib.settings import PSNR_CAP

AGAINST_NETWORK = "clips better / worse"


def better_worse(psnr: np.ndarray, reference_psnr: np.ndarray) -> tuple[int, int]:
    """On how many clips per-clip PSNRs (N,) are above and below a reference's, both capped at
    PSNR_CAP: two predictions at the cap (exact) tie."""
    mine, theirs = np.minimum(psnr, PSNR_CAP), np.minimum(reference_psnr, PSNR_CAP)
    return int((mine > theirs).sum()), int((mine < theirs).sum())


def score_rows(models: Mapping[str, VideoMetrics], network: str) -> list[dict]:
    """Per predictor (label: its scores on one set of clips): the PSNR of the mean MSE, the mean
    PSNR (each clip capped), the mean SSIM, the share of clips predicted exactly (at the cap) and
    the clips it predicts better / worse than `network`, the label of the final network."""
    reference = models[network].psnr
    rows = []
    for label, m in models.items():
        summary = m.psnr_summary()
        better, worse = better_worse(m.psnr, reference)
        rows.append(
            {
                "predictor": label,
                "PSNR of mean MSE (dB)": psnr_text(summary.psnr_of_mean_mse),
                "mean PSNR (dB)": psnr_text(summary.capped_mean),
                "SSIM": f"{m.ssim.mean():.4f}",
                "clips exact": f"{summary.share_at_cap:.1%}",
                AGAINST_NETWORK: "—" if label == network else f"{better} / {worse}",
            }
        )
    return rows


def scores_table(blocks: Mapping[str, tuple[Mapping[str, VideoMetrics], str]]) -> str:
    """The `score_rows` of each set of clips (title: its predictors' scores and the label of its
    final network), under a row that names the set, as one Markdown table."""
    rows = []
    for title, (models, network) in blocks.items():
        rows.append({"predictor": f"*{title}*"})
        rows.extend(score_rows(models, network))
    # Every column but the predictor's is a number or "≥ 100": right-aligned, so digits line up.
    table = pd.DataFrame(rows).fillna("")
    align = ("left",) + ("right",) * (table.shape[1] - 1)
    return table.to_markdown(index=False, disable_numparse=True, colalign=align)


def worst_clips(psnr: np.ndarray, failure_db: float, at_most: int = 3) -> list[int]:
    """The clips a figure of failures draws: the worst of those below `failure_db`, at most
    `at_most` of them (a figure shows at most three clips), or the single worst clip when none is
    below."""
    worst = np.argsort(psnr, kind="stable")
    n_below = int((psnr < failure_db).sum())
    return [int(i) for i in worst[: min(n_below, at_most) or 1]]


def failures_table(
    clips: Sequence[int],
    n_balls: Sequence[int],
    events: Sequence[str],
    psnr: np.ndarray,
    futures: Sequence[int],
    reasons: Sequence[str],
) -> pd.DataFrame:
    """One row per clip of `clips`: its balls, what happens in its target frames, the physics'
    PSNR, how many futures the physics averaged, and what the self-check did with it (`reasons[i]`
    is why clip i went to the network, "" when the self-check kept it)."""

    def self_check(reason: str) -> str:
        # "input not reproduced (MSE 2e-05)" -> "input not reproduced": the threshold is in a table
        return f"sent to the network ({re.sub(r' [(].*[)]$', '', reason)})" if reason else "kept"

    return pd.DataFrame(
        [
            {
                "clip": str(i),
                "balls": balls(int(n_balls[i])),
                "in the target frames": events[i],
                "PSNR (dB)": f"{psnr[i]:.1f}",
                "futures averaged": str(int(futures[i])),
                "self-check": self_check(reasons[i]),
            }
            for i in clips
        ]
    )
