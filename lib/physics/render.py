"""The renderer the predictor assumes: each ball adds exp(-(d / r)^p) at every pixel centre, and
the frame is clipped at 1. Pixel units: column k, row j has its centre at (k + 0.5, j + 0.5);
a centre is (x, y) = (column, row)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass(frozen=True)
class BallLook:
    """How one ball is drawn: its radius in pixels and the sharpness p of its rim."""

    radius: float
    sharpness: float


def render_balls(
    centres: Tensor,
    present: Tensor,
    look: BallLook,
    height: int,
    width: int,
    radii: Tensor | None = None,
) -> Tensor:
    """Frames (..., H, W) of balls at `centres` (..., B, 2) where `present` (..., B) is true, of
    the look's radius or, where given, each ball's own `radii` (broadcasting against (..., B))."""
    if radii is None:
        blobs, _, _ = _blobs(centres, look.radius, look.sharpness, height, width)
    else:
        shaped = torch.as_tensor(radii, dtype=centres.dtype).nan_to_num(1.0)[..., None, None]
        blobs, _, _ = _blobs(centres, shaped, look.sharpness, height, width, shaped=True)
    blobs = torch.where(present[..., None, None], blobs, 0.0)  # absent slots may hold NaN
    return blobs.sum(dim=-3).clamp(max=1.0)


def render_with_gradients(
    centres: Tensor,
    radius: Tensor | float,
    sharpness: Tensor | float,
    height: int,
    width: int,
    shape_gradients: bool = False,
) -> tuple[Tensor, Tensor]:
    """Frames (F, H, W) of the balls at centres (F, B, 2), all present, and the frames' Jacobian.

    The Jacobian (F, H * W, k) is with respect to each ball's (x, y), in that order, and, when
    `shape_gradients` is set (one ball only), then to the radius and sharpness, which may then
    be tensors (F,). Pixels clipped at 1 have zero gradient.
    """
    radius = torch.as_tensor(radius, dtype=centres.dtype)
    sharpness = torch.as_tensor(sharpness, dtype=centres.dtype)
    blobs, scaled, powered = _blobs(centres, radius, sharpness, height, width)
    total = blobs.sum(dim=1)
    unclipped = (total < 1.0)[:, None]
    r, p = _per_frame(radius), _per_frame(sharpness)
    # g = exp(-q), q = s^(p / 2), s = d^2 / r^2:
    # dg/dx_centre = g p (q / s) (x_pixel - x_centre) / r^2.
    common = blobs * p * powered / scaled / r**2 * unclipped
    columns = torch.arange(width, dtype=centres.dtype) + 0.5
    rows = torch.arange(height, dtype=centres.dtype) + 0.5
    d_x = common * (columns - centres[..., 0, None, None])
    d_y = common * (rows[:, None] - centres[..., 1, None, None])
    columns_of_jacobian = [d_x, d_y]
    if shape_gradients:
        # dg/dr = g p q / r; dg/dp = -g q ln(s) / 2.
        columns_of_jacobian += [
            blobs * p * powered / r * unclipped,
            -blobs * powered * scaled.log() / 2 * unclipped,
        ]
    jacobian = torch.stack(columns_of_jacobian, dim=2)  # (F, B, k_per_ball, H, W)
    return total.clamp(max=1.0), jacobian.flatten(3).flatten(1, 2).transpose(1, 2)


def render_with_radii(
    centres: Tensor, radii: Tensor, sharpness: float, height: int, width: int
) -> tuple[Tensor, Tensor]:
    """Frames (F, H, W) of the balls at centres (F, B, 2) with their own radii (F, B), all
    present, and the frames' Jacobian (F, H * W, 3 B) with respect to each ball's (x, y, r)."""
    shaped = radii[..., None, None]
    blobs, scaled, powered = _blobs(centres, shaped, sharpness, height, width, shaped=True)
    total = blobs.sum(dim=1)
    unclipped = (total < 1.0)[:, None]
    common = blobs * sharpness * powered / scaled / shaped**2 * unclipped
    columns = torch.arange(width, dtype=centres.dtype) + 0.5
    rows = torch.arange(height, dtype=centres.dtype) + 0.5
    d_x = common * (columns - centres[..., 0, None, None])
    d_y = common * (rows[:, None] - centres[..., 1, None, None])
    d_r = blobs * sharpness * powered / shaped * unclipped
    jacobian = torch.stack([d_x, d_y, d_r], dim=2)  # (F, B, 3, H, W)
    return total.clamp(max=1.0), jacobian.flatten(3).flatten(1, 2).transpose(1, 2)


def _per_frame(value: Tensor) -> Tensor:
    """A number, or one value per frame (F,), shaped to broadcast against (F, B, H, W)."""
    return value[:, None, None, None] if value.ndim else value


def _blobs(
    centres: Tensor,
    radius: Tensor | float,
    sharpness: Tensor | float,
    height: int,
    width: int,
    shaped: bool = False,
) -> tuple[Tensor, Tensor, Tensor]:
    """Each ball's unclipped blob g (..., B, H, W), with s = (d / r)^2 and q = s^(p / 2); a radius
    `shaped` already broadcasts against (..., B, H, W)."""
    dtype = centres.dtype
    columns = torch.arange(width, dtype=dtype) + 0.5
    rows = torch.arange(height, dtype=dtype) + 0.5
    dx2 = (columns - centres[..., 0, None]) ** 2  # (..., B, W)
    dy2 = (rows - centres[..., 1, None]) ** 2  # (..., B, H)
    radius, sharpness = (
        torch.as_tensor(radius, dtype=dtype),
        torch.as_tensor(sharpness, dtype=dtype),
    )
    if radius.ndim and not shaped:
        radius, sharpness = _per_frame(radius), _per_frame(sharpness)
    # The floor keeps q / s and ln s finite at a pixel centre that coincides with a ball's.
    scaled = ((dy2[..., :, None] + dx2[..., None, :]) / radius**2).clamp_min(
        torch.finfo(dtype).tiny
    )
    powered = scaled ** (sharpness / 2)
    return torch.exp(-powered), scaled, powered
