"""The course data files: simulate the missing ones, load and validate them, split them.

A user may drop the real course files into the data folder; they are never overwritten. What
this module simulates is listed with its sha256 in a manifest, so provenance can tell a
simulated file from a supplied one.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from lib.data.simulate import Physics, simulate_clips
from lib.settings import (
    BALL_COUNTS,
    PART1_TEST,
    PART1_TRAINING,
    PART2_SEQUENCE,
    TEST_RADIUS_RANGE,
    TRAIN_FRACTION,
    TRAINING_RADIUS,
)

MANIFEST_NAME = "simulated.json"

IMAGE_SIZE = 32
FRAME_PIXELS = IMAGE_SIZE * IMAGE_SIZE
LABEL_KEYS = ("labels", "label")  # the handout says `labels`; copies in the wild use `label`
# What a broken archive raises while opening or reading it.
ARCHIVE_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)


class DataFileError(ValueError):
    """A course data file is missing or not in the course format; the message is one line."""


@dataclass(frozen=True)
class CourseFile:
    """How to simulate one course file."""

    name: str
    n_clips: int
    n_frames: int
    radius_range: tuple[float, float]  # per-ball radius, uniform; lo == hi: a fixed radius
    seed_offset: int  # own random stream: content does not depend on which other files existed


def course_files(
    test_radius_range: tuple[float, float] = TEST_RADIUS_RANGE,
) -> tuple[CourseFile, ...]:
    """The three course files, sized as in the handout's Table 1."""
    fixed = (TRAINING_RADIUS, TRAINING_RADIUS)
    return (
        CourseFile(PART1_TRAINING, 500, n_frames=1, radius_range=fixed, seed_offset=1),
        CourseFile(PART1_TEST, 200, n_frames=1, radius_range=test_radius_range, seed_offset=2),
        CourseFile(PART2_SEQUENCE, 5000, n_frames=10, radius_range=fixed, seed_offset=3),
    )


def ensure_course_files(
    data_dir: Path,
    seed: int = 0,
    test_radius_range: tuple[float, float] = TEST_RADIUS_RANGE,
    max_clips: int | None = None,
) -> dict[str, Path]:
    """Simulate each course file missing from `data_dir`; return every file's path by name.

    `max_clips` caps each simulated file's size (tests and smoke runs); existing files are
    left untouched whatever their size.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for spec in course_files(test_radius_range):
        path = data_dir / spec.name
        if not os.path.lexists(path):  # lexists: not even a dangling link is replaced
            if max_clips is not None:
                spec = replace(spec, n_clips=min(spec.n_clips, max_clips))
            _write_simulated_file(path, spec, seed)
        paths[spec.name] = path
    return paths


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def read_manifest(data_dir: Path) -> dict[str, dict]:
    """The simulated files recorded in `data_dir`, by name; empty when there is no manifest."""
    path = data_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as error:
        message = f"{path}: unreadable manifest ({_one_line(error)}); expected JSON"
        raise DataFileError(message) from error


def data_origin(path: Path) -> Literal["simulated", "supplied"]:
    """'simulated' when the manifest beside `path` records exactly these bytes, else 'supplied'."""
    entry = read_manifest(path.parent).get(path.name)
    return "simulated" if entry is not None and entry["sha256"] == file_sha256(path) else "supplied"


def simulation_settings(path: Path) -> dict | None:
    """How this project simulated the file at `path` (its manifest entry: radius range, seed,
    physics), or None for a supplied file, whose making this project does not know."""
    return read_manifest(path.parent).get(path.name) if data_origin(path) == "simulated" else None


def radius_words(settings: dict) -> str:
    """The radii a simulated file's balls were given, in words: 'radius 1.2' or 'radii drawn
    from 0.8 to 1.8' (`settings` is the file's manifest entry)."""
    low, high = settings["radius_range"]
    return f"radius {low:g}" if low == high else f"radii drawn from {low:g} to {high:g}"


def load_course_file(path: Path, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Frames (N, n_frames, 32, 32) float32 in [0, 1] and labels (N,) int64 in {1, 2, 3}.

    Raises DataFileError, with a one-line message naming the file and what was expected, for
    anything that is not a course file with `n_frames` frames per clip. The file is only read.
    """
    data, labels = _read_arrays(path)
    frames = _checked_frames(path, data, n_frames)
    labels = _checked_labels(path, labels, len(frames))
    return frames.reshape(len(frames), n_frames, IMAGE_SIZE, IMAGE_SIZE), labels


def split_train_val(
    frames: np.ndarray, labels: np.ndarray, train_fraction: float = TRAIN_FRACTION
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """First `train_fraction` of the clips for training, the rest for validation, unshuffled."""
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must lie in (0, 1), got {train_fraction}")
    n_train = round(len(frames) * train_fraction)
    return (frames[:n_train], labels[:n_train]), (frames[n_train:], labels[n_train:])


def split_input_target(frames: np.ndarray, n_input: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Clips (N, T, H, W) -> inputs frames[:, :n_input] and targets frames[:, n_input:]."""
    if not 0 < n_input < frames.shape[1]:
        raise ValueError(f"n_input must lie in (0, {frames.shape[1]}), got {n_input}")
    return frames[:, :n_input], frames[:, n_input:]


def _write_simulated_file(path: Path, spec: CourseFile, seed: int) -> None:
    """Simulate `spec` into `path` and record it in the manifest."""
    rng = np.random.default_rng([seed, spec.seed_offset])
    frames, labels = simulate_clips(
        spec.n_clips, spec.n_frames, rng, BALL_COUNTS, spec.radius_range, IMAGE_SIZE
    )
    settings = {**asdict(spec), "seed": seed, "resolution": IMAGE_SIZE}
    settings["physics"] = asdict(Physics())
    with _staged(path) as staged:
        with open(staged, "xb") as file:
            data = frames.reshape(spec.n_clips, spec.n_frames, FRAME_PIXELS)
            np.savez_compressed(file, data=data, labels=labels)
        # Recorded before the move: a kill in between leaves an entry without its file, which
        # the next run rewrites, never a simulated file that passes for a supplied one.
        _record_in_manifest(path.parent, path.name, {"sha256": file_sha256(staged), **settings})


def _record_in_manifest(data_dir: Path, name: str, entry: dict) -> None:
    """Add or update one file's entry in the manifest."""
    manifest = {**read_manifest(data_dir), name: entry}
    with _staged(data_dir / MANIFEST_NAME) as staged:
        staged.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


@contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """A hidden path beside `path` to write to, moved onto `path` when the block completes.

    The move is atomic, so a kill never leaves a torn file under the real name.
    """
    staged = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield staged
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)


def _one_line(error: BaseException) -> str:
    """An exception's message with all whitespace runs collapsed to single spaces."""
    return " ".join(str(error).split()) or type(error).__name__


def _read_arrays(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The `data` and labels arrays of an .npz archive."""
    expected = "expected an .npz archive with arrays 'data' and 'labels'"
    if not path.is_file():
        raise DataFileError(f"{path}: file not found; {expected}")
    # allow_pickle=False although the handout says True: the course arrays are numeric and load
    # without it (public solutions load the real files with np.load's default), and unpickling
    # a file dropped in by a user could run arbitrary code; object arrays thus fail to load.
    try:
        archive = np.load(path, allow_pickle=False)
    except ARCHIVE_ERRORS as error:
        raise DataFileError(f"{path}: unreadable ({_one_line(error)}); {expected}") from error
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DataFileError(f"{path}: a single .npy array, not an archive; {expected}")
    with archive:
        label_key = next((key for key in LABEL_KEYS if key in archive.files), None)
        if "data" not in archive.files or label_key is None:
            found = sorted(archive.files)
            raise DataFileError(f"{path}: holds arrays {found}; {expected} (or 'label')")
        try:
            return archive["data"], archive[label_key]
        except ARCHIVE_ERRORS as error:
            message = f"{path}: unreadable array ({_one_line(error)}); {expected}"
            raise DataFileError(message) from error


def _checked_frames(path: Path, data: np.ndarray, n_frames: int) -> np.ndarray:
    """`data` as float32 in [0, 1], once its shape and values are those of a course file."""
    if not _is_real(data):
        raise DataFileError(f"{path}: 'data' has dtype {data.dtype}; expected real numbers")
    shape_problem = _frames_shape_problem(data.shape, n_frames)
    if shape_problem:
        raise DataFileError(f"{path}: 'data' has shape {data.shape}; expected {shape_problem}")
    if not np.isfinite(data).all():
        raise DataFileError(f"{path}: 'data' holds NaN or inf; expected finite values in [0, 1]")
    low, high = data.min(), data.max()
    if np.issubdtype(data.dtype, np.integer) and high > 1 and low >= 0 and high <= 255:
        warnings.warn(f"{path}: integer pixels in 0..255, scaled by 1/255 to [0, 1]", stacklevel=3)
        return (data / 255).astype(np.float32)
    if low < 0 or high > 1:
        raise DataFileError(
            f"{path}: 'data' spans [{low}, {high}]; expected values in [0, 1] (or integers 0..255)"
        )
    return data.astype(np.float32)


def _is_real(array: np.ndarray) -> bool:
    """Integer or floating dtype (not bool, complex, strings or objects)."""
    return np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)


def _frames_shape_problem(shape: tuple[int, ...], n_frames: int) -> str | None:
    """What is wrong with the shape of `data` for clips of `n_frames` frames, if anything."""
    if len(shape) != 3:
        return f"3 axes (clips N, frames T, pixels {FRAME_PIXELS})"
    if shape[2] != FRAME_PIXELS:
        return f"{FRAME_PIXELS} = {IMAGE_SIZE}*{IMAGE_SIZE} pixels per frame on the last axis"
    if shape[1] != n_frames:
        return f"T = {n_frames} frame(s) per clip on axis 1"
    if shape[0] == 0:
        return "at least one clip"
    return None


def _checked_labels(path: Path, labels: np.ndarray, n_clips: int) -> np.ndarray:
    """Labels as int64, once there is one per clip and each is a ball count in {1, 2, 3}."""
    if labels.shape != (n_clips,):
        raise DataFileError(
            f"{path}: labels have shape {labels.shape}; expected ({n_clips},), one per clip"
        )
    if not _is_real(labels):
        message = f"{path}: labels have dtype {labels.dtype}; expected ball counts 1, 2 or 3"
        raise DataFileError(message)
    invalid = ~np.isin(labels, BALL_COUNTS)
    if invalid.any():
        found = np.unique(labels[invalid])[:5].tolist()
        raise DataFileError(f"{path}: labels include {found}; expected ball counts 1, 2 or 3")
    return labels.astype(np.int64)
