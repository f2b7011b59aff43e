"""Course files as another generator would make them, for the builds on supplied files.

They differ from what `make report` simulates in everything a student's files might: the label
key `label`, float64 pixels, balls placed anywhere in the box (the project's simulator keeps start
positions away from the low walls), chosen radii and a chosen mix of ball counts. A test-file ball
that finds no room in the box draws its radius again, as a generator of large balls must.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lib.data.course_files import FRAME_PIXELS, PART1_TEST, PART1_TRAINING, PART2_SEQUENCE
from lib.data.simulate import Physics, render, simulate_clips

ANYWHERE = Physics(start_low=0.0)
# The project simulator's settings, as a sentence would state them of the files.
SIMULATOR_PHRASES = ("0.8 to 1.8", "simulated test file", "training radius is 1.2", "radius 1.2 of")
# Claims that hold only on files this project simulated: a comparison with the settings it
# simulated them with, and the ceiling, computed from the start states only it knows.
SIMULATED_HERE_CLAIMS = (
    r"I simulated these files",
    r"these files of mine",
    r"files I simulated",  # the summary's data sentence
    r"(was|were) simulated here",
    r"of the simulator's",
    r"the simulator's (own )?settings",
    r"the best any predictor can do",
    r"\bceiling\b",
)
# Task 4's secondary row: a fixed range of sizes said to cover the test balls' sizes, which only
# the project's test file is known to have (present tense: a range computed from the test file
# may well say it was set to cover them).
TEST_SIZES_CLAIM = r"\bcovers the sizes of the test balls"
# Counts typed into the text that a quick build on the supplied files contradicts: its seeds
# (lib.settings' quick counts, two per model) and its Part 2 file of 500 clips, where the
# handout's has 5000 (4000 training, 1000 validation).
TYPED_COUNTS = (
    r"\b(three|five|3|5) seeds\b",
    r"\b(5|4|1)[,\u2009\u202f ]?000 (training |validation |test )?(clips|sequences)\b",
)
CANDIDATES = 10_000  # radius and position draws tried at once


@dataclass(frozen=True)
class FileSet:
    """The radii and ball-count mix of one set of supplied course files."""

    training_radius: float
    test_radii: tuple[float, float]  # each test ball draws its radius uniformly from this range
    video_radius: float
    count_weights: tuple[float, float, float] = (1, 1, 1)  # of 1, 2 and 3 balls
    sizes: tuple[int, int, int] = (500, 200, 500)  # clips of the training, test and Part 2 files


def supply_course_files(data_dir: Path, files: FileSet, seed: int = 100) -> None:
    """Write the three course files into a new folder `data_dir`."""
    data_dir.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    n_train, n_test, n_video = files.sizes
    _write(data_dir / PART1_TRAINING, *_fixed_radius(n_train, 1, files.training_radius, files, rng))
    _write(data_dir / PART1_TEST, *_drawn_radii(n_test, files, rng))
    _write(data_dir / PART2_SEQUENCE, *_fixed_radius(n_video, 10, files.video_radius, files, rng))


def _counts(n_clips: int, files: FileSet, rng: np.random.Generator) -> np.ndarray:
    weights = np.asarray(files.count_weights, dtype=float)
    return rng.choice([1, 2, 3], size=n_clips, p=weights / weights.sum())


def _fixed_radius(
    n_clips: int, n_frames: int, radius: float, files: FileSet, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    counts = _counts(n_clips, files, rng)
    frames = np.empty((n_clips, n_frames, 32, 32), dtype=np.float32)
    for n_balls in (1, 2, 3):  # one vectorised batch per ball count, in clip order
        chosen = counts == n_balls
        if chosen.any():
            frames[chosen], _ = simulate_clips(
                int(chosen.sum()),
                n_frames,
                rng,
                ball_counts=(n_balls,),
                radius_range=(radius, radius),
                physics=ANYWHERE,
            )
    return frames, counts


def _drawn_radii(
    n_clips: int, files: FileSet, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Single frames whose balls draw radius and place together: a draw whose balls overlap is
    drawn again, radii included, so large balls get room where they fit."""
    counts = _counts(n_clips, files, rng)
    box = ANYWHERE.box_size
    positions, radii = np.full((n_clips, 1, 3, 2), np.nan), np.full((n_clips, 3), np.nan)
    for n_balls in (1, 2, 3):
        clips = np.flatnonzero(counts == n_balls)
        placed = 0
        while placed < len(clips):
            r = rng.uniform(*files.test_radii, size=(CANDIDATES, n_balls))
            x = r[..., None] + rng.uniform(size=(CANDIDATES, n_balls, 2)) * (box - 2 * r[..., None])
            apart = np.ones(CANDIDATES, dtype=bool)
            for i in range(n_balls):
                for j in range(i):
                    apart &= np.linalg.norm(x[:, i] - x[:, j], axis=-1) >= r[:, i] + r[:, j]
            take = np.flatnonzero(apart)[: len(clips) - placed]
            positions[clips[placed : placed + len(take)], 0, :n_balls] = x[take]
            radii[clips[placed : placed + len(take)], :n_balls] = r[take]
            placed += len(take)
    return render(positions, radii, physics=ANYWHERE), counts


def _write(path: Path, frames: np.ndarray, counts: np.ndarray) -> None:
    n_clips, n_frames = frames.shape[:2]
    np.savez_compressed(
        path, data=frames.reshape(n_clips, n_frames, FRAME_PIXELS).astype(np.float64), label=counts
    )


def chapter_text(executed: Path) -> str:
    """The prose of an executed chapter: its Markdown cells, table and figure captions and
    Markdown outputs, one line."""
    parts = []
    for cell in json.loads(executed.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        parts += re.findall(r"^#\| (?:tbl|fig)-cap: (.*)$", "".join(cell["source"]), re.MULTILINE)
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("data", {}).get("text/markdown", "")))
    return " ".join(" ".join(parts).split())


def simulator_claims(text: str) -> list[str]:
    """Sentences that state one of the project simulator's settings as a fact about the files:
    its test radii, or its training radius 1.2 in a sentence that does not name the simulator."""
    claims = [phrase for phrase in SIMULATOR_PHRASES if phrase in text]
    return claims + [
        sentence
        for sentence in re.split(r"(?<=\.)\s", text)
        # 1.2 as a length, not a factor (1.2×) or a duration (1.2 s)
        if re.search(r"\b1\.2\b(?!×| ?m?s\b| ?min\b)", sentence)
        and re.search("training|radius|radii", sentence)
        and "simulat" not in sentence
    ]


def sentences_matching(patterns: tuple[str, ...] | str, text: str) -> list[str]:
    """The sentences of `text` in which one of the regular expressions `patterns` matches."""
    patterns = (patterns,) if isinstance(patterns, str) else patterns
    return [
        sentence
        for sentence in re.split(r"(?<=[.:;])\s", text)
        if any(re.search(pattern, sentence) for pattern in patterns)
    ]


def measured(pattern: str, text: str) -> tuple[float, ...]:
    """The numbers that `pattern`'s groups capture in `text`; fails when it is not there."""
    match = re.search(pattern, text)
    assert match, f"not found: {pattern}"
    return tuple(map(float, match.groups()))


# A row of chapter 1's table of ball sizes: file, brightness, percentiles, median radius, range.
SIZES_ROW = r"\| {} \| [\d.]+ \| [\d.–]+ \| [\d.–]+ \| (\d\.\d\d) \| (\d\.\d\d)–(\d\.\d\d) \|"
