"""Identification: the generator's settings, estimated from training clips alone.

- Ball look (radius, rim sharpness): the renderer with its radius and sharpness free, fitted to
  frames that show one blob; frames of one isolated ball fit it to the noise floor, so the
  estimates are the medians over the frames that fit best.
- Radius rule (lib/physics/motion.py's RADIUS_RULES): the lone balls are fitted again with the
  one radius; where that leaves clearly more residual than each ball's own radius (radii differ
  between balls), each ball's radius is measured with its centre in every frame ("per_ball").
- Sub-steps and walls: a wall bounce inside the interval from frame t to t + 1 of a ball moving
  at d pixels per frame (along one axis, before and after) flips d. Lines through the tracked
  positions before and after meet at the bounce's time s in (0, 1], which the rules place on
  the sub-step grid: s = k / substeps. The smallest sub-step count putting (nearly) all bounces
  on the grid wins. Each bounce then bounds its wall: the centre had crossed it (radius inside
  the wall) at the bouncing sub-step and not at the one before; the walls are the middles of
  the intervals that all bounces leave.
- Wall rule (lib/physics/motion.py's WALL_RULES): the above holds where a wall reflects the
  velocity and leaves the ball where it crossed. Where it also puts the ball back on the wall
  ("hold"), the furthest tracked centre toward each wall lies on it (a bounce on a frame's last
  sub-step), and the line through the positions after a bounce reaches it on the sub-step grid.
  The rule whose bounces fall on a grid more often wins (reflect on a tie). A ball held on the
  wall after crossing it had crossed before it was put there: the line before the bounce reaches
  the wall before the sub-step the line after leaves it. Where the wall is checked one move ahead
  ("next_hold"), the ball is put there before it reaches it: the line before reaches the wall
  later. The majority of the bounces on the grid decides.
- Collision rule (and, for balls of their own radii, the mass rule: equal, or in proportion to
  the area): lib/physics/rules.py, on tracked clips in which balls meet.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from lib.data.blobs import count_blobs
from lib.physics.least_squares import levenberg_marquardt
from lib.physics.motion import Rules
from lib.physics.perception import fit_centres, perceive
from lib.physics.render import BallLook, render_with_gradients
from lib.physics.rules import choose_collision_rule, meeting_clips
from lib.physics.tracking import order_balls_and_radii
from lib.settings import (
    BALL_LIMIT,
    CHECK_CLIPS,
    CHUNK_CLIPS,
    EVIDENCE_SECONDS,
    FLIP_TOLERANCE,
    GIVE_UP_SECONDS,
    GRID_SHARE_MARGIN,
    GRID_TOLERANCE,
    INLIER_FACTOR,
    JUDGE_BOUNCES,
    LOOK_FRAMES,
    LOOK_RESIDUAL_SHARE,
    MAX_CHANGING_SHARE,
    MAX_SUBSTEPS,
    MIN_GRID_SHARE,
    RADIUS_RESIDUAL_FACTOR,
    RADIUS_RESIDUAL_SHARE,
    RULE_CLIPS,
    WALL_SPREAD_LIMIT,
)


class IdentificationError(ValueError):
    """The training clips do not show what a setting is read from (a lone ball, a bounce off each
    wall), or show what the assumed rules do not allow; the message says what was measured."""


@dataclass(frozen=True)
class Settings:
    """The identified settings in pixel units, and the evidence behind them."""

    radius: float
    sharpness: float
    # x low, x high, y low, y high: the planes balls bounce off
    walls: tuple[float, float, float, float]
    substeps: int
    max_balls: int  # the most balls any training clip holds
    look_frames: int  # frames the look was fitted on
    bounces: int  # wall bounces the sub-steps and walls rest on
    on_grid_share: float  # share of those bounces on the chosen sub-step grid
    wall_rule: str = "reflect"  # one of motion.WALL_RULES
    other_wall_rule_grid_share: float = 0.0  # share of bounces on the best grid under the other
    # Where the ball is held on the wall: share of the bounces on the grid put there before the
    # ball reached it (next_hold when more than half)
    wall_ahead_share: float = 0.0
    collision_rule: str = "approaching"  # one of motion.COLLISION_RULES
    # Tracked clips in which balls meet, that the collision rules were compared on.
    rule_clips: int = 0
    unexplained_share: float = 0.0  # of their frames, left unexplained by the chosen rule
    runner_up: str = ""  # the collision rule explaining the next most
    runner_up_unexplained_share: float = 0.0  # of their frames, left unexplained by the runner-up
    radius_rule: str = "one"  # one of motion.RADIUS_RULES
    # Mean squared pixel error of the lone-ball frames fitted with one radius and with their own.
    one_radius_mse: float = 0.0
    own_radius_mse: float = 0.0
    radii_seen: tuple[float, float] = (0.0, 0.0)  # smallest and largest lone-ball radius
    mass_rule: str = "equal"  # one of motion.MASS_RULES
    mass_runner_up: str = ""  # the other mass rule, "" where masses were not compared
    mass_runner_up_unexplained_share: float = 0.0  # of the compared frames, unexplained by it

    def look(self) -> BallLook:
        return BallLook(self.radius, self.sharpness)

    def rules(self) -> Rules:
        return Rules(
            self.radius,
            (self.walls[0], self.walls[2]),
            (self.walls[1], self.walls[3]),
            self.substeps,
            self.wall_rule,
            self.collision_rule,
            self.mass_rule,
        )

    def own_radii(self) -> bool:
        """Whether each ball has its own radius, measured in every frame."""
        return self.radius_rule == "per_ball"


def identify_settings(
    clips: Tensor, time_limit: float = EVIDENCE_SECONDS, give_up: float = GIVE_UP_SECONDS
) -> Settings:
    """Settings from training clips (N, T, H, W), T >= 4: look, walls and sub-steps, ball counts.

    The clips are perceived in chunks; after each, the evidence so far is checked. A measurement
    that contradicts the assumed rules (ball counts that change within clips, wall bounces off
    every sub-step grid, bounces off one wall at different positions) stops at once; too little
    evidence (no bounce off some wall yet) stops once `time_limit` seconds have passed, and any
    identification once `give_up` seconds have. Each way the IdentificationError says what was
    measured on how many clips.
    """
    if clips.shape[1] < 4:
        raise ValueError(f"identification needs clips of at least 4 frames, got {clips.shape[1]}")
    started = time.perf_counter()
    look, look_frames, sizes = fit_ball_look_and_radius_rule(clips)
    own_radii = sizes.rule == "per_ball"
    evidence, settled = _gather_evidence(clips, look, own_radii, started, time_limit, give_up)
    walls = settled.walls
    rules = Rules(
        look.radius, (walls[0], walls[2]), (walls[1], walls[3]), settled.substeps, settled.wall_rule
    )
    choice = choose_collision_rule(
        evidence.meetings, rules, evidence.meeting_radii if own_radii else None
    )
    return Settings(
        radius=look.radius,
        sharpness=look.sharpness,
        walls=walls,
        substeps=settled.substeps,
        max_balls=evidence.max_balls,
        look_frames=look_frames,
        bounces=settled.bounces,
        on_grid_share=settled.on_grid_share,
        wall_rule=settled.wall_rule,
        other_wall_rule_grid_share=settled.other_wall_rule_grid_share,
        wall_ahead_share=settled.wall_ahead_share,
        collision_rule=choice.collision_rule,
        rule_clips=choice.clips,
        unexplained_share=choice.unexplained_share,
        runner_up=choice.runner_up,
        runner_up_unexplained_share=choice.runner_up_unexplained_share,
        radius_rule=sizes.rule,
        one_radius_mse=sizes.one_radius_mse,
        own_radius_mse=sizes.own_radius_mse,
        radii_seen=sizes.radii_seen,
        mass_rule=choice.mass_rule,
        mass_runner_up=choice.mass_runner_up,
        mass_runner_up_unexplained_share=choice.mass_runner_up_unexplained_share,
    )


def _gather_evidence(
    clips: Tensor,
    look: BallLook,
    own_radii: bool,
    started: float,
    time_limit: float,
    give_up: float,
) -> tuple[_Evidence, _Settled]:
    """Perceive the clips chunk by chunk, checking the evidence after each (see
    `identify_settings`): the evidence of all clips and what it settles."""
    evidence, done, settled, missing = _Evidence(look.radius, own_radii), 0, None, ""
    while done < len(clips):
        elapsed = time.perf_counter() - started
        size = CHUNK_CLIPS if settled else _chunk(done, elapsed, time_limit)
        if not size or elapsed > give_up:
            found = "the walls and sub-steps were settled" if settled else missing
            raise IdentificationError(
                f"{found} (stopped after {done} of {len(clips)} clips: {elapsed:.0f} s, "
                f"the {give_up if size else time_limit:g} s allowed)"
            )
        evidence.add(perceive(clips[done : done + size], look, BALL_LIMIT, own_radii))
        done += len(clips[done : done + size])
        try:
            settled = evidence.settle(look)
        except _TooLittle as error:
            settled, missing = None, str(error)
    if settled is None:
        raise IdentificationError(missing)
    return evidence, settled


def _chunk(done: int, elapsed: float, time_limit: float) -> int:
    """Clips to perceive next while evidence is missing: as many as the time left allows at the
    rate so far (0 when it is out), CHECK_CLIPS to begin with, CHUNK_CLIPS at most."""
    if not done:
        return CHECK_CLIPS
    return max(0, min(CHUNK_CLIPS, int((time_limit - elapsed) * done / max(elapsed, 1e-9))))


class _TooLittle(IdentificationError):
    """The clips perceived so far do not show enough to settle a setting; more clips may."""


class _Evidence:
    """Tracked moves of the clips perceived so far, gathered chunk by chunk; the furthest centres
    toward each wall; the first RULE_CLIPS tracked clips in which balls of radius `radius` meet,
    per ball count."""

    def __init__(self, radius: float, own_radii: bool = False) -> None:
        self.radius, self.own_radii = radius, own_radii
        self.n_clips, self.changing, self.max_balls = 0, 0, 0
        self.parts: list[tuple[Tensor, Tensor, Tensor, Tensor, Tensor]] = []
        self.lowest = torch.full((2,), float("inf"), dtype=torch.float64)
        self.highest = torch.full((2,), float("-inf"), dtype=torch.float64)
        self.meetings: list[Tensor] = []
        self.meeting_radii: list[Tensor] = []  # each meeting clip's radii (M, B)

    def add(self, perception) -> None:
        clip_counts = perception.clip_counts()
        self.n_clips += len(clip_counts)
        self.changing += int((clip_counts == -1).sum())
        self.max_balls = max(self.max_balls, int(clip_counts.max()))
        for n_balls in range(1, int(clip_counts.max()) + 1):
            if not (clip_counts == n_balls).any():
                continue
            chosen = clip_counts == n_balls
            tracks, radii = order_balls_and_radii(
                perception.centres[chosen],
                None if perception.radii is None else perception.radii[chosen],
                n_balls,
            )
            if radii is None:
                radii = torch.full(
                    tracks.shape[:1] + tracks.shape[2:3], self.radius, dtype=torch.float64
                )
            moves = tracks.diff(dim=1)  # (M, T-1, B, 2)
            # The furthest any ball reaches toward each wall: its centre and radius.
            reach = radii[:, None, :, None]
            self.lowest = torch.minimum(self.lowest, (tracks - reach).flatten(0, 2).amin(0))
            self.highest = torch.maximum(self.highest, (tracks + reach).flatten(0, 2).amax(0))
            room = RULE_CLIPS - sum(len(meeting) for meeting in self.meetings)
            if n_balls > 1 and room > 0:
                meet = meeting_clips(tracks, self.radius, radii if self.own_radii else None)
                self.meetings.append(tracks[meet][:room])
                self.meeting_radii.append(radii[meet][:room])
            # Interval t -> t + 1 framed by the moves before (t - 1) and after (t + 1) it.
            self.parts.append(
                (
                    moves[:, :-2].flatten(0, 2),
                    moves[:, 2:].flatten(0, 2),
                    tracks[:, 1:-2].flatten(0, 2),
                    tracks[:, 2:-1].flatten(0, 2),
                    radii[:, None].expand(-1, moves.shape[1] - 2, -1).flatten(0, 2),
                )
            )

    def settle(self, look: BallLook) -> _Settled:
        """Walls, sub-steps and wall rule from the evidence so far."""
        if self.changing > MAX_CHANGING_SHARE * self.n_clips:
            raise IdentificationError(
                f"the ball count read from the frames changes within {self.changing} of "
                f"{self.n_clips} training clips (more than {MAX_CHANGING_SHARE:.0%}): balls "
                "appear, vanish or merge, which the assumed rules do not allow"
            )
        if self.max_balls < 1:
            raise _TooLittle(f"no ball tracked through any of {self.n_clips} training clips")
        before, after, at_t, after_t, radii = (
            torch.cat(part) for part in zip(*self.parts, strict=True)
        )
        bounces = _wall_bounces(before, after, at_t, after_t, radii)
        where = f"in {self.n_clips} training clips ({len(before)} tracked ball moves)"
        if not len(bounces["time"]):
            raise _TooLittle(
                f"no clean wall bounce (a velocity component reversed to {FLIP_TOLERANCE:g} px a "
                f"frame, the other kept) {where}: cannot place the walls"
            )
        held = torch.stack([self.lowest, self.highest], dim=1)  # (axis, low/high) ball edges
        times = {"reflect": bounces["time"], "hold": _held_times(bounces, held)}
        best_share = {rule: max(_grid_shares(times[rule])) for rule in times}
        wall_rule = "hold" if best_share["hold"] > best_share["reflect"] else "reflect"
        other = "reflect" if wall_rule == "hold" else "hold"
        substeps, on_grid = _substeps(times[wall_rule], where)
        ahead_share = 0.0
        if wall_rule == "reflect":
            walls = _walls(bounces, substeps, on_grid, where)
        else:
            walls = _held_walls(bounces, on_grid, held, where)
            ahead_share = _ahead_share(bounces, held, times["hold"], on_grid)
            wall_rule = "next_hold" if ahead_share > 0.5 else "hold"
        return _Settled(
            walls=walls,
            substeps=substeps,
            bounces=int(len(bounces["time"])),
            on_grid_share=float(on_grid.double().mean()),
            wall_rule=wall_rule,
            other_wall_rule_grid_share=best_share[other],
            wall_ahead_share=ahead_share,
        )


@dataclass(frozen=True)
class _Settled:
    """What the wall bounces settle: walls (pixels: x low, x high, y low, y high), sub-steps,
    the bounces used and their share on the grid, the wall rule, the other rule's best grid share
    (reflect against the two that hold the ball on the wall), and, for those, the share of the
    bounces on the grid whose ball was put on the wall before it reached it."""

    walls: tuple[float, float, float, float]
    substeps: int
    bounces: int
    on_grid_share: float
    wall_rule: str
    other_wall_rule_grid_share: float
    wall_ahead_share: float


@dataclass(frozen=True)
class RadiusChoice:
    """One radius for all balls or each its own, and the evidence: the mean squared pixel error
    of the lone-ball frames fitted with the one radius and with their own, and the smallest and
    largest radius of a lone ball."""

    rule: str
    one_radius_mse: float
    own_radius_mse: float
    radii_seen: tuple[float, float]


def fit_ball_look(clips: Tensor) -> tuple[BallLook, int]:
    """Radius and sharpness from frames showing one blob, and how many frames agreed on them."""
    look, n_frames, _ = fit_ball_look_and_radius_rule(clips)
    return look, n_frames


def fit_ball_look_and_radius_rule(clips: Tensor) -> tuple[BallLook, int, RadiusChoice]:
    """`fit_ball_look`, and whether the balls have one radius or each its own: the lone balls
    fitted again with the one (median) radius leave RADIUS_RESIDUAL_FACTOR times the residual of
    their own radii, and more than RADIUS_RESIDUAL_SHARE of a ball's energy, where radii differ."""
    frames = clips.reshape(-1, *clips.shape[2:]).to(torch.float64)
    images = _one_blob_frames(frames)
    params, sse = _fit_lone_balls(images)
    inliers = sse <= INLIER_FACTOR * sse.median()
    radius, sharpness = params[inliers, 2].median(), params[inliers, 3].median()
    energy = _ball_energy(radius, sharpness, frames.shape[1], frames.shape[2])
    if sse.median() > LOOK_RESIDUAL_SHARE * energy:
        raise IdentificationError(
            f"the assumed renderer exp(-(d/r)^p) does not fit the {len(images)} training frames "
            f"that show one blob: median residual {float(sse.median() / energy):.0%} of a "
            f"ball's energy ({LOOK_RESIDUAL_SHARE:.0%} allowed)"
        )
    look = BallLook(float(radius), float(sharpness))
    sizes = _radius_choice(images[inliers], look, params[inliers], sse[inliers], energy)
    return look, int(inliers.sum()), sizes


def _one_blob_frames(frames: Tensor) -> Tensor:
    """Up to LOOK_FRAMES frames (F, H, W) showing one region brighter than half the frame's
    maximum, diagonal neighbours joined."""
    one_blob = [
        i
        for i, frame in enumerate(frames.numpy())
        if count_blobs(frame, frame.max() / 2, diagonal=True) == 1
    ][:LOOK_FRAMES]
    if not one_blob:
        raise IdentificationError("no training frame shows a single ball: cannot measure the balls")
    return frames[one_blob]


def _fit_lone_balls(images: Tensor) -> tuple[Tensor, Tensor]:
    """Each image (F, H, W) fitted with one ball, its centre, radius and rim sharpness free:
    parameters (F, 4) as x, y, radius, sharpness, and the sums of squares (F,)."""
    # Each blob's centroid and radius from its area, and a Gaussian rim to start.
    start = torch.cat(
        [
            _centroids(images),
            _radius_from_area(images)[:, None],
            torch.full((len(images), 1), 2.0, dtype=torch.float64),
        ],
        dim=1,
    )

    def model(params: Tensor, data: Tensor) -> tuple[Tensor, Tensor]:
        rendered, jacobian = render_with_gradients(
            params[:, None, :2],
            params[:, 2],
            params[:, 3],
            data.shape[1],
            data.shape[2],
            shape_gradients=True,
        )
        return (rendered - data).flatten(1), jacobian

    return levenberg_marquardt(model, start, images, iterations=100)


def _ball_energy(radius: Tensor, sharpness: Tensor, height: int, width: int) -> Tensor:
    """Sum of squared pixels of one ball of this look in the middle of the frame."""
    centre = torch.tensor([[[width / 2, height / 2]]], dtype=torch.float64)
    return render_with_gradients(centre, radius, sharpness, height, width)[0].pow(2).sum()


def _radius_choice(
    images: Tensor, look: BallLook, params: Tensor, own_sse: Tensor, energy: Tensor
) -> RadiusChoice:
    """One radius or each ball its own, from the lone balls `images` (F, H, W) fitted with their
    own radii (`params` (F, 4), `own_sse`) and again with the look's one radius."""
    _, one_sse = fit_centres(images, look, params[:, None, :2])
    own_radii = bool(
        one_sse.mean() > RADIUS_RESIDUAL_FACTOR * own_sse.mean() + RADIUS_RESIDUAL_SHARE * energy
    )
    pixels = images.shape[1] * images.shape[2]
    lone_radii = params[:, 2].abs()
    return RadiusChoice(
        "per_ball" if own_radii else "one",
        float(one_sse.mean() / pixels),
        float(own_sse.mean() / pixels),
        (float(lone_radii.min()), float(lone_radii.max())),
    )


def _centroids(images: Tensor) -> Tensor:
    rows = torch.arange(images.shape[1], dtype=torch.float64) + 0.5
    columns = torch.arange(images.shape[2], dtype=torch.float64) + 0.5
    mass = images.sum(dim=(1, 2))
    return torch.stack(
        [(images.sum(1) * columns).sum(1) / mass, (images.sum(2) * rows).sum(1) / mass], dim=1
    )


def _radius_from_area(images: Tensor) -> Tensor:
    """The radius of a flat disk as bright in total as the frame: a start, not an estimate."""
    return (images.sum(dim=(1, 2)) / np.pi).sqrt()


def _wall_bounces(
    before: Tensor, after: Tensor, at_t: Tensor, after_t: Tensor, radii: Tensor
) -> dict[str, Tensor]:
    """Clean single bounces per axis: the moves before and after the interval are flipped images.

    Returns, per bounce, its axis, direction (+1 toward the high wall), speed along the axis,
    the position where the bounce took place along the line before, its time s in the interval,
    and the ball's radius (`radii`, one per move).
    """
    axis_flips = ((before + after).abs() < FLIP_TOLERANCE) & (before.abs() > FLIP_TOLERANCE)
    other_kept = ((before - after).abs() < FLIP_TOLERANCE) | (
        (before + after).abs() < FLIP_TOLERANCE
    )
    clean = axis_flips & other_kept.flip(-1)  # the other axis: unchanged, or itself a clean flip
    ball, axis = torch.nonzero(clean, as_tuple=True)
    move = before[ball, axis]
    start, end = at_t[ball, axis], after_t[ball, axis]
    # Before: start + move * s; after: end - move * (1 - s); they meet at s below.
    time = (end - start + move) / (2 * move)
    return {
        "axis": axis,
        "direction": move.sign(),
        "speed": move.abs(),
        "time": time,
        "position": start + move * time,
        "start": start,
        "end": end,
        "radius": radii[ball],
    }


def _held_times(bounces: dict[str, Tensor], held: Tensor) -> Tensor:
    """Each bounce's time s in its interval were the ball put back on the wall, the furthest
    ball edges `held` (axis, low/high) on the walls: where the line after the bounce reaches the
    ball's centre's place there, one radius inside."""
    edge = held[bounces["axis"], (bounces["direction"] > 0).long()]
    wall = edge - bounces["direction"] * bounces["radius"]
    return 1 - (wall - bounces["end"]) * bounces["direction"] / bounces["speed"]


def _ahead_share(
    bounces: dict[str, Tensor], held: Tensor, held_times: Tensor, on_grid: Tensor
) -> float:
    """Of the bounces on the grid, the share whose line before the bounce reaches the centre's
    place on the wall (one radius inside the furthest edge `held`) after the time the line after
    leaves it (`held_times`): the ball was put on the wall before it reached it."""
    edge = held[bounces["axis"], (bounces["direction"] > 0).long()]
    wall = edge - bounces["direction"] * bounces["radius"]
    move = bounces["direction"] * bounces["speed"]
    reached = (wall - bounces["start"]) / move
    late = (reached > held_times + GRID_TOLERANCE)[on_grid]
    return float(late.double().mean()) if len(late) else 0.0


def _grid_shares(times: Tensor) -> list[float]:
    """Per sub-step count from 1 to MAX_SUBSTEPS, the share of bounce times on its grid."""
    shares = []
    for substeps in range(1, MAX_SUBSTEPS + 1):
        grid = times * substeps
        shares.append(
            float(((grid - grid.round()).abs() < GRID_TOLERANCE * substeps).double().mean())
        )
    return shares


def _substeps(times: Tensor, where: str = "in the training clips") -> tuple[int, Tensor]:
    """The smallest sub-step count whose grid holds (nearly) as many bounce times as any count."""
    shares = _grid_shares(times)
    best = max(shares)
    if best < MIN_GRID_SHARE and len(times) >= JUDGE_BOUNCES:
        raise IdentificationError(
            f"wall bounces do not fall on any sub-step grid from 1 to {MAX_SUBSTEPS}: at best "
            f"{best:.0%} of {len(times)} bounces {where} lie on one "
            f"({shares.index(best) + 1} sub-steps), {MIN_GRID_SHARE:.0%} needed"
        )
    substeps = next(
        n for n, share in enumerate(shares, start=1) if share >= best - GRID_SHARE_MARGIN
    )
    grid = times * substeps
    return substeps, (grid - grid.round()).abs() < GRID_TOLERANCE * substeps


def _walls(
    bounces: dict[str, Tensor],
    substeps: int,
    on_grid: Tensor,
    where: str = "in the training clips",
) -> tuple[float, float, float, float]:
    """Each wall in the middle of the interval all its bounces allow, pixels, as x low, x high,
    y low, y high."""
    walls = []
    for axis in (0, 1):
        for direction in (-1.0, 1.0):
            name = f"{'low' if direction < 0 else 'high'} {'xy'[axis]} wall"
            toward = (bounces["axis"] == axis) & (bounces["direction"] == direction)
            chosen = on_grid & toward
            if not chosen.any():
                raise _TooLittle(
                    f"none of the {int(on_grid.sum())} clean bounces on the {substeps}-sub-step "
                    f"grid {where} moves toward the {name} ({int(toward.sum())} off the grid "
                    "do): cannot place it"
                )
            # The bouncing sub-step's position had crossed; the one a sub-step before had not.
            crossed = bounces["position"][chosen] + direction * bounces["radius"][chosen]
            before = crossed - direction * bounces["speed"][chosen] / substeps
            inner = before.max() if direction > 0 else before.min()
            outer = crossed.min() if direction > 0 else crossed.max()
            overlap = float((inner - outer) * direction)  # > 0: no one wall fits every bounce
            if overlap > WALL_SPREAD_LIMIT and int(chosen.sum()) >= JUDGE_BOUNCES:
                raise IdentificationError(
                    f"the bounces off the {name} are not consistent with one wall position: "
                    f"{int(chosen.sum())} bounces {where} need walls {overlap:.2f} px apart "
                    f"(crossing points spread {float(crossed.max() - crossed.min()):.2f} px; "
                    f"{WALL_SPREAD_LIMIT:g} px allowed)"
                )
            walls.append(float((inner + outer) / 2))
    return walls[0], walls[1], walls[2], walls[3]


def _held_walls(
    bounces: dict[str, Tensor], on_grid: Tensor, held: Tensor, where: str
) -> tuple[float, float, float, float]:
    """Each wall at the furthest ball edge `held` (axis, low/high) toward it, pixels, as x low,
    x high, y low, y high, where some bounce on the grid confirms it."""
    walls = []
    for axis in (0, 1):
        for side, direction in enumerate((-1.0, 1.0)):
            toward = (bounces["axis"] == axis) & (bounces["direction"] == direction)
            if not (on_grid & toward).any():
                name = f"{'low' if direction < 0 else 'high'} {'xy'[axis]} wall"
                raise _TooLittle(
                    f"none of the {int(on_grid.sum())} clean bounces on the sub-step grid "
                    f"{where} moves toward the {name} ({int(toward.sum())} off the grid do): "
                    "cannot place it"
                )
            walls.append(float(held[axis, side]))
    return walls[0], walls[1], walls[2], walls[3]
