"""Perception: how many balls each frame holds and where their centres are.

Every frame is fitted with the assumed renderer for 1, 2, ... balls, each count from two starts
(a weighted k-means of the bright pixels, and the best fit with one ball fewer plus a ball at the
largest remaining residual), so that touching balls separate. The count with the smallest
residual plus a penalty per ball wins; file labels are never read. Where balls have radii of
their own (`free_radii`), each ball's radius is fitted with its centre in every frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from lib.physics.least_squares import levenberg_marquardt
from lib.physics.render import BallLook, render_balls, render_with_gradients, render_with_radii
from lib.settings import BALL_PENALTY_SHARE

KMEANS_ITERATIONS = 6


@dataclass(frozen=True)
class Perception:
    """Balls found in frames (N, T, H, W)."""

    centres: Tensor  # (N, T, max_balls, 2) float64, (x, y) in pixels; NaN beyond a frame's count
    counts: Tensor  # (N, T) int64
    residual: Tensor  # (N, T) mean squared pixel residual of the chosen fit
    # (N, T, max_balls) each ball's fitted radius where radii were free, NaN like the centres
    radii: Tensor | None = None

    def clip_counts(self) -> Tensor:
        """Each clip's ball count, or -1 where its frames disagree."""
        same = (self.counts == self.counts[:, :1]).all(dim=1)
        return torch.where(same, self.counts[:, 0], -1)


def perceive(
    frames: Tensor, look: BallLook, max_balls: int, free_radii: bool = False
) -> Perception:
    """Count and locate the balls in every frame of `frames` (N, T, H, W), 0 to `max_balls` each;
    with `free_radii`, measure each ball's radius too (the look's radius is the start).

    The first frame of a clip is searched over all counts. Each later frame is first fitted from
    where the balls of the frame before would be at constant velocity; only frames that this
    leaves unexplained (a ball's penalty or more of residual) are searched again, so the count
    rule is the same for every frame and a clip costs little more than its first frame.
    """
    n_clips, n_frames, height, width = frames.shape
    images = frames.to(torch.float64)
    penalty = BALL_PENALTY_SHARE * _ball_energy(look, height, width)
    k = 3 if free_radii else 2  # each ball's parameters: x, y and, when free, its radius
    centres = torch.full((n_clips, n_frames, max_balls, k), float("nan"), dtype=torch.float64)
    counts = torch.zeros(n_clips, n_frames, dtype=torch.int64)
    sse = torch.zeros(n_clips, n_frames, dtype=torch.float64)
    for t in range(n_frames):
        searched = torch.arange(n_clips)
        if t > 0:
            searched = _follow(images[:, t], look, centres, counts, sse, t, penalty)
        centres[searched, t], counts[searched, t], sse[searched, t] = _search_counts(
            images[searched, t], look, max_balls, penalty, k
        )
    radii = centres[..., 2].abs() if free_radii else None
    return Perception(centres[..., :2].contiguous(), counts, sse / (height * width), radii)


def _follow(
    images: Tensor,
    look: BallLook,
    centres: Tensor,
    counts: Tensor,
    sse: Tensor,
    t: int,
    penalty: float,
) -> Tensor:
    """Fit frame t from the frame before (in place); return the clips it leaves unexplained."""
    unexplained = [torch.nonzero(counts[:, t - 1] == 0).flatten()]
    for n_balls in counts[:, t - 1].unique().tolist():
        if n_balls == 0:
            continue
        clips = torch.nonzero(counts[:, t - 1] == n_balls).flatten()
        last = centres[clips, t - 1, :n_balls]
        expected = last + (last - centres[clips, t - 2, :n_balls] if t >= 2 else 0)
        # Where the frame before t - 1 had fewer balls, the last position is the guess.
        expected = torch.where(expected.isnan(), last, expected)
        fitted, fitted_sse = fit_centres(images[clips], look, expected)
        explained = fitted_sse < penalty
        kept = clips[explained]
        centres[kept, t, :n_balls], counts[kept, t], sse[kept, t] = (
            fitted[explained],
            n_balls,
            fitted_sse[explained],
        )
        unexplained.append(clips[~explained])
    return torch.cat(unexplained)


def _search_counts(
    images: Tensor, look: BallLook, max_balls: int, penalty: float, k: int = 2
) -> tuple[Tensor, Tensor, Tensor]:
    """Centres (F, max_balls, k) (with radii when k is 3), counts (F,) and sums of squares (F,)
    of the best count per image."""
    best_centres = torch.full((len(images), max_balls, k), float("nan"), dtype=torch.float64)
    best_cost = images.pow(2).sum(dim=(1, 2))  # no ball: the whole frame is residual
    best_sse, counts = best_cost.clone(), torch.zeros(len(images), dtype=torch.int64)
    previous = images.new_zeros(len(images), 0, k)  # the best fit with one ball fewer
    # A frame whose residual is below one ball's penalty is explained: another ball cannot win.
    unexplained = torch.arange(len(images))
    for n_balls in range(1, max_balls + 1):
        unexplained = unexplained[best_sse[unexplained] >= penalty]
        if not len(unexplained):
            break
        centres, sse = _fit_from_starts(
            images[unexplained], look, n_balls, previous[unexplained], penalty
        )
        cost = sse + penalty * n_balls
        wins = cost < best_cost[unexplained]
        winners = unexplained[wins]
        best_centres[winners, :n_balls] = centres[wins]
        best_cost[winners], best_sse[winners], counts[winners] = cost[wins], sse[wins], n_balls
        previous = torch.full((len(images), n_balls, k), float("nan"), dtype=torch.float64)
        previous[unexplained] = centres
    return best_centres, counts, best_sse


def count_agreement(perception: Perception, labels: np.ndarray | Tensor) -> float:
    """Share of clips whose ball count, read from the frames, equals the file's label."""
    return float((perception.clip_counts() == torch.as_tensor(labels)).double().mean())


def fit_centres(images: Tensor, look: BallLook, start: Tensor) -> tuple[Tensor, Tensor]:
    """Centres (F, B, 2) fitted to images (F, H, W) from `start` (F, B, 2); and the sums of
    squares. A start (F, B, 3) holds each ball's radius too, fitted with its centre."""
    n_balls, height, width = start.shape[1], images.shape[1], images.shape[2]
    k = start.shape[2]

    def model(params: Tensor, data: Tensor) -> tuple[Tensor, Tensor]:
        balls = params.reshape(-1, n_balls, k)
        if k == 3:
            rendered, jacobian = render_with_radii(
                balls[..., :2], balls[..., 2], look.sharpness, height, width
            )
        else:
            rendered, jacobian = render_with_gradients(
                balls, look.radius, look.sharpness, height, width
            )
        return (rendered - data).flatten(1), jacobian

    params, sse = levenberg_marquardt(model, start.reshape(len(start), -1), images)
    return params.reshape(start.shape), sse


def _fit_from_starts(
    images: Tensor, look: BallLook, n_balls: int, previous: Tensor, penalty: float
) -> tuple[Tensor, Tensor]:
    """The better of two fits of `n_balls` balls: from k-means, then, where that left more than a
    ball's penalty unexplained, from the fit with one ball fewer plus a ball at the largest
    residual."""
    start = _kmeans_start(images, n_balls)
    if previous.shape[2] == 3:
        start = torch.cat([start, torch.full_like(start[..., :1], look.radius)], dim=2)
    centres, sse = fit_centres(images, look, start)
    retry = torch.nonzero(sse >= penalty).flatten()
    if n_balls > 1 and len(retry):
        start = _add_at_largest_residual(images[retry], look, previous[retry])
        retried, retried_sse = fit_centres(images[retry], look, start)
        better = retried_sse < sse[retry]
        centres[retry[better]], sse[retry[better]] = retried[better], retried_sse[better]
    return centres, sse


def _pixel_centres(height: int, width: int) -> Tensor:
    """(H * W, 2) pixel centres as (x, y), row-major like a flattened frame."""
    rows, columns = torch.meshgrid(
        torch.arange(height, dtype=torch.float64) + 0.5,
        torch.arange(width, dtype=torch.float64) + 0.5,
        indexing="ij",
    )
    return torch.stack([columns.flatten(), rows.flatten()], dim=1)


def _kmeans_start(images: Tensor, n_balls: int) -> Tensor:
    """k-means of the pixel centres weighted by brightness, seeded by farthest-point picks."""
    points = _pixel_centres(images.shape[1], images.shape[2])
    weights = images.flatten(1).clamp_min(0)
    chosen = [weights.argmax(dim=1)]
    nearest = torch.full_like(weights, float("inf"))
    for _ in range(1, n_balls):
        nearest = torch.minimum(nearest, (points - points[chosen[-1]][:, None]).pow(2).sum(-1))
        chosen.append((weights * nearest).argmax(dim=1))
    centres = points[torch.stack(chosen, dim=1)]  # (F, B, 2)
    weighted_points = weights[..., None] * points
    for _ in range(KMEANS_ITERATIONS):
        # Squared distances as |p|^2 - 2 p.c + |c|^2: one matrix product, no (F, P, B, 2) temporary.
        distances = centres.pow(2).sum(-1)[:, None] - 2 * points @ centres.transpose(1, 2)
        owner = distances.argmin(dim=2)  # (F, P); |p|^2 is the same for every centre
        mass = weights.new_zeros(centres.shape[:2]).scatter_add_(1, owner, weights)
        moments = torch.zeros_like(centres).scatter_add_(
            1, owner[..., None].expand(-1, -1, 2), weighted_points
        )
        centres = torch.where(
            mass[..., None] > 0, moments / mass.clamp_min(1e-12)[..., None], centres
        )
    return centres


def _add_at_largest_residual(images: Tensor, look: BallLook, previous: Tensor) -> Tensor:
    """The fit with one ball fewer, plus a ball at the brightest pixel it leaves unexplained (of
    the look's radius, where radii are fitted too)."""
    present = torch.ones(previous.shape[1], dtype=torch.bool)
    radii = previous[..., 2] if previous.shape[2] == 3 else None
    rendered = render_balls(
        previous[..., :2], present, look, images.shape[1], images.shape[2], radii
    )
    peak = (images - rendered).flatten(1).argmax(dim=1)
    added = _pixel_centres(images.shape[1], images.shape[2])[peak]
    if radii is not None:
        added = torch.cat([added, torch.full_like(added[:, :1], look.radius)], dim=1)
    return torch.cat([previous, added[:, None]], dim=1)


def _ball_energy(look: BallLook, height: int, width: int) -> float:
    """Sum of squared pixels of one ball in the middle of the frame."""
    centre = torch.tensor([[width / 2, height / 2]], dtype=torch.float64)
    ball = render_balls(centre, torch.ones(1, dtype=torch.bool), look, height, width)
    return float(ball.pow(2).sum())
