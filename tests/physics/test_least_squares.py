"""lib/physics/least_squares.py: batched Levenberg-Marquardt on small problems with known
answers."""

import torch

from lib.physics.least_squares import CHUNK, levenberg_marquardt

TIMES = torch.linspace(0, 4, 9, dtype=torch.float64)


def decay(params, data):
    """Residuals of y = a exp(b t) against `data`, and their Jacobian in (a, b)."""
    a, b = params[:, :1], params[:, 1:]
    curve = a * torch.exp(b * TIMES)
    return curve - data, torch.stack([curve / a, curve * TIMES], dim=-1)


def test_fits_many_exponential_decays_at_once_to_their_true_parameters():
    truth = torch.tensor([[2.0, -0.5], [1.0, -1.0], [3.0, 0.25]], dtype=torch.float64)
    data = truth[:, :1] * torch.exp(truth[:, 1:] * TIMES)
    start = torch.tensor([[1.0, 0.0]] * 3, dtype=torch.float64)
    fitted, sse = levenberg_marquardt(decay, start, data, iterations=100)
    torch.testing.assert_close(fitted, truth, atol=1e-7, rtol=0)
    assert (sse < 1e-14).all()


def test_problems_beyond_one_chunk_are_solved_each_with_its_own_data():
    a = torch.linspace(0.5, 3.0, CHUNK + 5, dtype=torch.float64)
    truth = torch.stack([a, -0.3 * torch.ones_like(a)], dim=1)
    data = truth[:, :1] * torch.exp(truth[:, 1:] * TIMES)
    start = torch.tensor([1.0, 0.0], dtype=torch.float64).expand(len(a), 2)
    fitted, sse = levenberg_marquardt(decay, start, data, iterations=100)
    torch.testing.assert_close(fitted, truth, atol=1e-7, rtol=0)


def test_a_step_that_would_make_the_fit_worse_is_refused_and_damped():
    """From (a, b) = (1, -2) a plain Gauss-Newton step on 2 exp(-0.5 t) overshoots: its sum of
    squares is about 2.5e16 against 5.6 at the start. One iteration keeps the start; more
    iterations, with the damping raised, still reach the truth."""
    data = (2.0 * torch.exp(-0.5 * TIMES))[None]
    start = torch.tensor([[1.0, -2.0]], dtype=torch.float64)
    start_sse = decay(start, data)[0].pow(2).sum()
    fitted, sse = levenberg_marquardt(decay, start, data, iterations=1)
    assert sse[0] <= start_sse
    torch.testing.assert_close(sse[0], decay(fitted, data)[0].pow(2).sum())
    fitted, _ = levenberg_marquardt(decay, start, data, iterations=100)
    torch.testing.assert_close(fitted[0], torch.tensor([2.0, -0.5], dtype=torch.float64))


def test_no_problems_give_empty_results():
    fitted, sse = levenberg_marquardt(decay, torch.zeros(0, 2), torch.zeros(0, 9))
    assert fitted.shape == (0, 2) and sse.shape == (0,)


def test_twin_parameters_whose_damping_underflows_do_not_raise():
    """Two parameters with one effect (two balls fitted on one spot) make the normal matrix
    singular but for the damping, which shrinks with every accepted step: after about 28 it is
    below float64's resolution and the system is singular (torch.linalg.solve raised here). The
    Jacobian claims ten times the true slope, so every step goes a tenth of the way and is
    accepted; the fit keeps improving and nothing is raised."""

    def twins(params, data):
        residuals = params[:, :1] + params[:, 1:2] - data
        return residuals, torch.full((len(params), data.shape[1], 2), 10.0, dtype=params.dtype)

    data = torch.ones(2, 3, dtype=torch.float64)
    start = torch.zeros(2, 2, dtype=torch.float64)
    fitted, sse = levenberg_marquardt(twins, start, data, iterations=100)
    assert (sse < 0.01 * twins(start, data)[0].pow(2).sum(-1)).all()
    assert torch.isfinite(fitted).all()


def test_a_nan_start_stays_nan_without_raising():
    start = torch.tensor([[float("nan"), 0.0], [1.0, 0.0]], dtype=torch.float64)
    data = (2.0 * torch.exp(-0.5 * TIMES)).expand(2, -1)
    fitted, _ = levenberg_marquardt(decay, start, data, iterations=100)
    assert fitted[0].isnan().any()
    torch.testing.assert_close(fitted[1], torch.tensor([2.0, -0.5], dtype=torch.float64))
