import torch

from lib.physics.motion import Rules
from lib.physics.state import fit_states

RULES = Rules(3.84, (0.0, 0.0), (32.0, 32.0), 2)


def test_numbered_futures_hold_the_chosen_future_alone_where_no_state_explains_the_clip():
    # Three balls moving apart in straight lines, one of them jolted in the last input frame.
    start = torch.tensor([[8.0, 8.0], [20.0, 10.0], [12.0, 22.0]], dtype=torch.float64)
    velocity = torch.tensor([[-0.5, 0.3], [0.6, -0.2], [0.1, 0.7]], dtype=torch.float64)
    tracks = start + velocity * torch.arange(5, dtype=torch.float64)[:, None, None]
    jolted = tracks.clone()
    jolted[4, 0] += 0.5
    fit = fit_states(
        torch.stack([tracks, jolted]), torch.ones(2, 3, dtype=torch.bool), RULES, n_future=3
    )
    assert fit.position_error[0] < 1e-9 and fit.position_error[1] > 0.1
    # The clean clip: every numbering explains it, with one and the same future.
    assert torch.allclose(fit.numbering_weights[0], torch.full((6,), 1 / 6, dtype=torch.float64))
    assert (fit.numbered_futures[0] - fit.future[0]).abs().max() < 1e-9
    # The jolted one: the chosen future alone.
    assert fit.numbering_weights[1].tolist() == [1.0, 0, 0, 0, 0, 0]
    assert torch.equal(fit.numbered_futures[1, 0], fit.future[1])
