import math

import numpy as np
import pytest

from lib.data import simulate
from lib.data.simulate import NoRoomError, Physics, render, simulate_clips, simulate_trajectories

PHYSICS = Physics()
RADIUS = 1.2
PIXELS_PER_UNIT = 32 / PHYSICS.box_size
# exp(-(d / r)^8) > 0.5 exactly where d < r * ln(2)^(1/8): the bright disk is slightly inside r.
BRIGHT_RADIUS_FACTOR = math.log(2) ** (1 / 8)


def run(ball_counts, n_frames=40, radii=None, seed=0) -> simulate.Trajectories:
    ball_counts = np.asarray(ball_counts)
    if radii is None:
        radii = np.full((len(ball_counts), 3), RADIUS)
    return simulate_trajectories(ball_counts, n_frames, radii, np.random.default_rng(seed))


@pytest.fixture(scope="module")
def mixed() -> tuple[simulate.Trajectories, np.ndarray, np.ndarray]:
    """Many clips of 1-3 balls, each ball with its own radius."""
    rng = np.random.default_rng(1)
    counts = rng.choice([1, 2, 3], size=3000)
    radii = rng.uniform(0.8, 1.8, size=(3000, 3))
    return run(counts, radii=radii, seed=2), counts, radii


def bright_diameter_px(frame: np.ndarray) -> float:
    """Diameter of the disk whose area equals the number of pixels brighter than 0.5."""
    return 2 * math.sqrt((frame > 0.5).sum() / math.pi)


def test_unused_ball_slots_are_nan_and_used_ones_finite(mixed):
    trajectories, counts, _ = mixed
    used = np.arange(3) < counts[:, None]  # (N, 3)
    for states in (trajectories.positions, trajectories.velocities):
        np.testing.assert_array_equal(np.isfinite(states).all(axis=(1, 3)), used)
        np.testing.assert_array_equal(np.isnan(states).all(axis=(1, 3)), ~used)


def test_start_state_crosses_no_wall_and_has_no_overlap(mixed):
    trajectories, counts, radii = mixed
    start = trajectories.positions[:, 0]
    r = radii[..., None]
    used = np.arange(3) < counts[:, None]
    assert ((start - r >= 0) & (start + r <= PHYSICS.box_size))[used].all()
    assert (start[used] >= PHYSICS.start_low).all()
    for i, j in [(1, 0), (2, 0), (2, 1)]:
        both = used[:, i] & used[:, j]
        distance = np.linalg.norm(start[both, i] - start[both, j], axis=-1)
        assert (distance >= radii[both, i] + radii[both, j]).all()


def test_all_balls_of_a_clip_together_start_at_the_set_speed(mixed):
    trajectories, _, _ = mixed
    speeds = np.sqrt(np.nansum(trajectories.velocities[:, 0] ** 2, axis=(1, 2)))
    np.testing.assert_allclose(speeds, PHYSICS.speed, rtol=1e-12)


def test_a_lone_ball_keeps_its_speed_components_exactly():
    velocities = run(np.ones(500, dtype=int)).velocities[:, :, 0]  # (N, T, 2)
    # Walls only flip signs, so |v_x| and |v_y| never change.
    start = np.broadcast_to(velocities[:, :1], velocities.shape)
    np.testing.assert_array_equal(np.abs(velocities), np.abs(start))
    assert (np.sign(velocities) != np.sign(start)).any()  # walls were hit


def test_total_kinetic_energy_is_conserved_through_collisions(mixed):
    trajectories, counts, _ = mixed
    energy = np.nansum(trajectories.velocities**2, axis=(2, 3))  # (N, T), mass 1, without the 1/2
    np.testing.assert_allclose(energy, PHYSICS.speed**2, rtol=1e-12)
    multi = counts > 1
    ball_speeds = np.linalg.norm(trajectories.velocities[multi, :, 0], axis=-1)
    assert (np.ptp(ball_speeds, axis=1) > 1e-3).any()  # collisions did exchange speed


def test_a_lone_ball_overshoots_a_wall_by_at_most_one_substep():
    """Exact invariant: a ball inside before a sub-step crosses by at most |v_axis| / substeps,
    and a ball outside already moves inwards, so a recorded centre never lies further out."""
    radius = 1.5
    trajectories = run(np.ones(500, dtype=int), radii=np.full((500, 1), radius))
    x, v = trajectories.positions[:, :, 0], trajectories.velocities[:, :, 0]
    overshoot = np.maximum(radius - x, x - (PHYSICS.box_size - radius))
    allowed = np.abs(v) / PHYSICS.substeps
    assert (overshoot <= allowed + 1e-12).all()
    assert (overshoot > 0).any()  # the bound is reached, not vacuous


def test_balls_with_neighbours_stay_within_two_substeps_of_the_walls(mixed):
    """A collision after a wall bounce can point a ball outwards for one more sub-step, so the
    lone-ball invariant does not hold; energy conservation caps any ball's speed at `speed`, and
    two sub-steps of it bound the overshoot in practice (maximum ~0.29 of 0.5 in 10^6 frames)."""
    trajectories, _, radii = mixed
    x, r = trajectories.positions, radii[:, None, :, None]
    overshoot = np.fmax(r - x, x - (PHYSICS.box_size - r))
    assert np.nanmax(overshoot) <= PHYSICS.speed
    assert np.nanmax(overshoot) > 0  # walls were hit


def test_walls_point_velocities_inwards_without_flipping_those_already_inwards():
    x = np.array([[[0.5, 5.0], [9.5, 9.0]]])  # ball 0 crosses the left wall, ball 1 two walls
    v = np.array([[[-0.1, 0.2], [0.3, -0.4]]])
    after = simulate._bounce_off_walls(x, v, np.full((1, 2), RADIUS), PHYSICS.box_size)
    np.testing.assert_array_equal(after, [[[0.1, 0.2], [-0.3, -0.4]]])
    # Already moving inwards (e.g. after a collision): a plain sign flip would push it out.
    np.testing.assert_array_equal(
        simulate._bounce_off_walls(x, after, np.full((1, 2), RADIUS), PHYSICS.box_size), after
    )


def test_collision_swaps_velocity_components_along_the_centre_line():
    x = np.array([[[4.0, 5.0], [6.3, 5.0]]])  # overlapping: 2.3 < 1.2 + 1.2, centre line along x
    v = np.array([[[0.3, 0.1], [-0.2, 0.0]]])  # approaching
    after = simulate._collide(x, v, np.full((1, 2), RADIUS))
    np.testing.assert_allclose(after, [[[-0.2, 0.1], [0.3, 0.0]]])


def test_overlapping_balls_that_already_separate_do_not_collide_again():
    x = np.array([[[4.0, 5.0], [6.3, 5.0]]])
    v = np.array([[[-0.2, 0.1], [0.3, 0.0]]])  # separating, as after a swap
    after = simulate._collide(x, v, np.full((1, 2), RADIUS))
    np.testing.assert_array_equal(after, v)


def test_same_seed_gives_identical_clips_and_another_seed_different_ones():
    first = simulate_clips(20, 5, np.random.default_rng(7))
    again = simulate_clips(20, 5, np.random.default_rng(7))
    other = simulate_clips(20, 5, np.random.default_rng(8))
    for array, same in zip(first, again, strict=True):
        np.testing.assert_array_equal(array, same)
    assert not np.array_equal(first[0], other[0])


def test_clips_have_the_course_shapes_dtypes_range_and_labels():
    frames, labels = simulate_clips(300, 3, np.random.default_rng(0))
    assert frames.shape == (300, 3, 32, 32) and frames.dtype == np.float32
    assert frames.min() >= 0 and frames.max() == 1
    assert labels.dtype == np.int64 and set(labels.tolist()) == {1, 2, 3}


def test_a_ball_moves_about_1_6_pixels_per_frame():
    positions = run(np.ones(200, dtype=int), n_frames=2).positions[:, :, 0]
    step_px = np.linalg.norm(positions[:, 1] - positions[:, 0], axis=-1) * PIXELS_PER_UNIT
    assert np.median(step_px) == pytest.approx(1.6, abs=0.01)  # most frames hit no wall


def test_an_isolated_ball_peaks_at_one_and_is_about_7_7_pixels_wide():
    centre = (16 + 0.5) / PIXELS_PER_UNIT  # on the centre of pixel (16, 16)
    frame = render(np.array([[[[centre, centre]]]]), np.array([[RADIUS]]))[0, 0]
    assert frame.max() == 1.0
    full_diameter_px = 2 * RADIUS * PIXELS_PER_UNIT  # 7.68: the "about 7.7 px" of the spec
    bright_px = full_diameter_px * BRIGHT_RADIUS_FACTOR  # 7.33
    assert bright_diameter_px(frame) == pytest.approx(bright_px, abs=0.3)
    assert (frame[16] > 0.5).sum() == pytest.approx(bright_px, abs=1)


def test_render_uses_each_balls_own_radius():
    positions = np.array([[[[2.5, 2.5], [7.0, 7.0]]]])  # far apart: the disks do not touch
    resolution = 320  # fine enough that the pixel grid does not blur the disk's size
    frame = render(positions, np.array([[0.8, 1.8]]), resolution)[0, 0]
    half = resolution // 2
    for quarter, radius in [(frame[:half, :half], 0.8), (frame[half:, half:], 1.8)]:
        expected = 2 * radius * BRIGHT_RADIUS_FACTOR * resolution / PHYSICS.box_size
        assert bright_diameter_px(quarter) == pytest.approx(expected, rel=0.01)


def test_render_matches_the_formula_pixel_by_pixel_with_x_along_columns():
    # Ball 0 on the centre of pixel (row 5, column 1), ball 1 overlapping it, slot 2 unused.
    positions = np.array([[[[1.875, 6.875], [2.5, 6.875], [np.nan, np.nan]]]])
    radii = np.array([[1.2, 0.9, np.nan]])
    frame = render(positions, radii, resolution=8)[0, 0]
    expected = np.zeros((8, 8))
    for row in range(8):
        for col in range(8):
            pixel = ((col + 0.5) * 10 / 8, (row + 0.5) * 10 / 8)
            for (x, y), r in zip(positions[0, 0, :2], radii[0, :2], strict=True):
                expected[row, col] += math.exp(-((math.dist(pixel, (x, y)) / r) ** 8))
    np.testing.assert_allclose(frame, np.minimum(expected, 1), atol=1e-6)
    assert (expected > 1).any()  # the clipping was exercised


def test_per_ball_radius_range_shifts_the_ball_sizes():
    def bright_areas(radius_range):
        frames, labels = simulate_clips(300, 1, np.random.default_rng(3), radius_range=radius_range)
        return (frames[labels == 1, 0] > 0.5).sum(axis=(1, 2))

    fixed, varied = bright_areas((RADIUS, RADIUS)), bright_areas((0.8, 1.8))
    assert np.ptp(fixed) <= 8  # one size, up to the pixel grid
    assert varied.min() < 25 < 70 < varied.max()  # about 15 to 95 pixels for r in [0.8, 1.8]


def test_radii_that_cannot_fit_raise_instead_of_looping_forever():
    with pytest.raises(
        NoRoomError, match="balls of radii up to 5.10, 1 to a clip, found no valid start"
    ):
        run([1], radii=np.array([[5.1]]))
