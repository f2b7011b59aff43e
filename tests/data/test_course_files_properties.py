"""Property-based tests of the course-file loader: whatever a file holds, `load_course_file`
returns a data set in the course format or raises the one-line `DataFileError` that names the
file, and it never changes the file."""

import hashlib
import tempfile
import warnings
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.data.course_files import FRAME_PIXELS, DataFileError, load_course_file

DTYPES = st.sampled_from(
    [
        np.float64,
        np.float32,
        np.float16,
        np.uint8,
        np.int16,
        np.int64,
        np.bool_,
        np.complex64,
        np.dtype("U3"),
    ]
)
LABEL_DTYPES = st.sampled_from(
    [np.int64, np.int8, np.uint8, np.float64, np.float32, np.bool_, np.dtype("U1")]
)
VALUE_RANGES = st.sampled_from([(-1.0, 2.0), (0.0, 255.0), (0.0, 300.0), (-0.5, 0.5), (0.0, 1e-6)])
SHAPES = st.lists(st.integers(0, 4), max_size=4).map(tuple) | st.tuples(
    st.integers(0, 3),
    st.sampled_from([1, 2, 9, 10]),
    st.sampled_from([FRAME_PIXELS, FRAME_PIXELS - 1, 32]),
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cast(values: np.ndarray, dtype) -> np.ndarray:
    """`values` as `dtype`, rounded and clipped into an integer type's range first."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        values = np.rint(np.nan_to_num(values)).clip(np.iinfo(dtype).min, np.iinfo(dtype).max)
    elif dtype.kind == "b":
        values = np.nan_to_num(values) > 0.5
    with np.errstate(
        invalid="ignore"
    ):  # int64's maximum is not exact as a float: it may wrap, still a file
        return values.astype(dtype)


@st.composite
def course_archives(draw, n_frames: int) -> dict[str, np.ndarray]:
    """The arrays of an .npz file: a good course file with `n_frames` frames per clip, with
    each of a list of defects applied or not, so that good files, nearly good files and
    thoroughly bad ones all occur."""
    defect = lambda: draw(st.integers(0, 3)) == 0  # noqa: E731 (each defect: one draw in four)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_clips = draw(st.integers(1, 4))
    shape = draw(SHAPES) if defect() else (n_clips, n_frames, FRAME_PIXELS)
    data = rng.uniform(*(draw(VALUE_RANGES) if defect() else (0.0, 1.0)), size=shape)
    if defect() and data.size:
        data.flat[rng.integers(data.size)] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    data = cast(data, draw(DTYPES)) if defect() else data
    n_labels = draw(st.integers(0, 5)) if defect() else (shape[0] if shape else 1)
    labels = rng.integers(0, 5, n_labels) if defect() else rng.integers(1, 4, n_labels)
    labels = cast(labels, draw(LABEL_DTYPES)) if defect() else labels
    archive = {"x" if defect() else "data": data}
    label_key = draw(st.sampled_from(["label", "y", None])) if defect() else "labels"
    if label_key:
        archive[label_key] = labels
    return archive


def loaded_or_refused(path: Path, n_frames: int) -> tuple[np.ndarray, np.ndarray] | None:
    """What the loader returns, checked against the course format; None when it refused the file
    with the one-line error that names it. Any other exception fails the test."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        with warnings.catch_warnings():
            # 0..255 integers are scaled, with a warning
            warnings.simplefilter("ignore", UserWarning)
            result = load_course_file(path, n_frames)
    except DataFileError as error:
        message = str(error)
        assert message.startswith(f"{path}: ") and "\n" not in message and "expected" in message
        result = None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the loader changed the file"
    if result is not None:
        frames, labels = result
        assert frames.dtype == np.float32 and frames.shape[1:] == (n_frames, 32, 32)
        assert frames.min() >= 0 and frames.max() <= 1 and np.isfinite(frames).all()
        assert labels.dtype == np.int64 and labels.shape == (len(frames),)
        assert set(labels.tolist()) <= {1, 2, 3}
    return result


@SETTINGS
@given(data=st.data(), n_frames=st.sampled_from([1, 10]))
def test_any_archive_is_loaded_in_the_course_format_or_refused_in_one_line(data, n_frames):
    archive = data.draw(course_archives(n_frames))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "course.npz"
        np.savez(path, **archive)
        loaded_or_refused(path, n_frames)


@SETTINGS
@given(content=st.binary(max_size=2000), cut=st.integers(0, 5000))
def test_damaged_or_foreign_bytes_are_refused_in_one_line(content, cut):
    """Random bytes, and a good archive cut short or with random bytes appended."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "course.npz"
        path.write_bytes(content)
        assert loaded_or_refused(path, 1) is None or content == b""
        good = Path(folder) / "good.npz"
        np.savez_compressed(good, data=np.zeros((2, 1, FRAME_PIXELS)), labels=np.array([1, 2]))
        path.write_bytes(good.read_bytes()[:cut] + content)
        loaded_or_refused(path, 1)


def test_a_file_in_the_course_format_is_loaded():
    """The property above must not be met by refusing everything."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "course.npz"
        np.savez(path, data=np.full((3, 10, FRAME_PIXELS), 0.5), label=np.array([1, 2, 3]))
        frames, labels = loaded_or_refused(path, 10)
        assert frames.shape == (3, 10, 32, 32) and labels.tolist() == [1, 2, 3]
