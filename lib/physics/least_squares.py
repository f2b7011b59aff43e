"""Levenberg-Marquardt for many small independent least-squares problems at once."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

# model(params (P, k), data (P, ...)) -> residuals (P, m) and their Jacobian (P, m, k).
Model = Callable[[Tensor, Tensor], tuple[Tensor, Tensor]]
STEP_TOLERANCE = 1e-9  # a problem has converged when no parameter moves more than this
DAMPING_LIMIT = 1e8  # ... or when even tiny steps stop lowering its sum of squares
CHUNK = 64  # problems solved together: small enough for the temporaries to stay in cache


def levenberg_marquardt(
    model: Model, params: Tensor, data: Tensor, iterations: int = 30
) -> tuple[Tensor, Tensor]:
    """Minimise the sum of squared residuals of every row of `params` (P, k) with its row of `data`.

    Returns the fitted parameters and each problem's sum of squared residuals. A step is kept only
    when it lowers that sum, so the result is never worse than the start. Only problems that
    have not converged yet are evaluated again.
    """
    fitted = [
        _solve(model, params[start : start + CHUNK], data[start : start + CHUNK], iterations)
        for start in range(0, len(params), CHUNK)
    ]
    if not fitted:
        return params.clone(), params.new_zeros(0)
    return torch.cat([p for p, _ in fitted]), torch.cat([s for _, s in fitted])


def _solve(model: Model, params: Tensor, data: Tensor, iterations: int) -> tuple[Tensor, Tensor]:
    params = params.clone()
    residuals, jacobian = model(params, data)
    sse = residuals.pow(2).sum(-1)
    damping = torch.full_like(sse, 1e-3)
    active = torch.arange(len(params))
    for _ in range(iterations):
        if not len(active):
            break
        normal = jacobian.transpose(1, 2) @ jacobian
        gradient = (jacobian.transpose(1, 2) @ residuals[..., None])[..., 0]
        # Marquardt's scaling by the diagonal, floored for parameters that have no effect.
        diagonal = torch.diagonal(normal, dim1=1, dim2=2)
        scale = diagonal + 1e-9 * diagonal.amax(-1, keepdim=True) + torch.finfo(params.dtype).tiny
        # A singular system (a parameter with no effect, a NaN start) must not raise: its step
        # is zero, which is never better, so that problem stops where it is.
        step, info = torch.linalg.solve_ex(
            normal + torch.diag_embed(damping[active, None] * scale), -gradient
        )
        step = torch.where((info[:, None] == 0) & step.isfinite(), step, 0.0)
        trial = params[active] + step
        trial_residuals, trial_jacobian = model(trial, data[active])
        trial_sse = trial_residuals.pow(2).sum(-1)
        better = trial_sse < sse[active]  # NaN trials are never better
        params[active] = torch.where(better[:, None], trial, params[active])
        sse[active] = torch.where(better, trial_sse, sse[active])
        damping[active] = torch.where(better, damping[active] / 3, damping[active] * 4)
        residuals = torch.where(better[:, None], trial_residuals, residuals)
        jacobian = torch.where(better[:, None, None], trial_jacobian, jacobian)
        going = (step.abs().amax(-1) > STEP_TOLERANCE) & (damping[active] < DAMPING_LIMIT)
        active, residuals, jacobian = active[going], residuals[going], jacobian[going]
    return params, sse
