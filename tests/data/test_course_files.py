import json
import re
from pathlib import Path

import numpy as np
import pytest

from lib.data.course_files import (
    MANIFEST_NAME,
    PART1_TEST,
    PART1_TRAINING,
    PART2_SEQUENCE,
    DataFileError,
    course_files,
    data_origin,
    ensure_course_files,
    file_sha256,
    load_course_file,
    radius_words,
    read_manifest,
    simulation_settings,
    split_input_target,
    split_train_val,
)

SMALL = 12  # clips per simulated file: fast, and enough for 1, 2 and 3 balls to occur
FRAMES_PER_FILE = {spec.name: spec.n_frames for spec in course_files()}


def arrays_of(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as archive:
        return {key: archive[key] for key in archive.files}


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    ensure_course_files(data_dir, seed=0, max_clips=SMALL)
    return data_dir


# ---- what ensure_course_files writes ----------------------------------------------------------


def test_course_files_match_the_handouts_table_1():
    sizes = {spec.name: (spec.n_clips, spec.n_frames) for spec in course_files()}
    assert sizes == {PART1_TRAINING: (500, 1), PART1_TEST: (200, 1), PART2_SEQUENCE: (5000, 10)}


@pytest.mark.parametrize("name", FRAMES_PER_FILE)
def test_simulated_files_have_the_course_format(course_dir, name):
    arrays = arrays_of(course_dir / name)
    assert set(arrays) == {"data", "labels"}
    data, labels = arrays["data"], arrays["labels"]
    assert data.shape == (SMALL, FRAMES_PER_FILE[name], 1024) and data.dtype == np.float32
    assert data.min() >= 0 and data.max() == 1
    assert labels.shape == (SMALL,) and labels.dtype == np.int64
    assert set(labels.tolist()) == {1, 2, 3}


def test_only_the_files_and_the_manifest_are_left_behind(course_dir):
    names = sorted(path.name for path in course_dir.iterdir())
    assert names == sorted([*FRAMES_PER_FILE, MANIFEST_NAME])


def test_manifest_records_each_simulated_file_and_its_settings(course_dir):
    manifest = read_manifest(course_dir)
    assert set(manifest) == set(FRAMES_PER_FILE)
    for name, entry in manifest.items():
        assert entry["sha256"] == file_sha256(course_dir / name)
        assert entry["seed"] == 0 and entry["n_clips"] == SMALL
        assert entry["physics"]["speed"] == 0.5 and entry["resolution"] == 32
    assert manifest[PART1_TEST]["radius_range"] == [0.8, 1.8]
    assert manifest[PART1_TRAINING]["radius_range"] == [1.2, 1.2]
    assert json.loads((course_dir / MANIFEST_NAME).read_text()) == manifest


def test_simulated_files_are_recognised_and_changed_ones_are_not(course_dir, tmp_path):
    assert {data_origin(course_dir / name) for name in FRAMES_PER_FILE} == {"simulated"}
    copy = tmp_path / PART1_TRAINING
    copy.write_bytes((course_dir / PART1_TRAINING).read_bytes() + b"\0")
    (tmp_path / MANIFEST_NAME).write_text((course_dir / MANIFEST_NAME).read_text())
    assert data_origin(copy) == "supplied"


def test_simulation_settings_are_known_only_for_files_this_project_simulated(course_dir, tmp_path):
    assert simulation_settings(course_dir / PART1_TEST)["radius_range"] == [0.8, 1.8]
    supplied = tmp_path / PART1_TEST
    supplied.write_bytes((course_dir / PART1_TEST).read_bytes() + b"\0")
    (tmp_path / MANIFEST_NAME).write_text((course_dir / MANIFEST_NAME).read_text())
    assert simulation_settings(supplied) is None
    assert (
        radius_words(simulation_settings(course_dir / PART1_TEST)) == "radii drawn from 0.8 to 1.8"
    )
    assert radius_words(simulation_settings(course_dir / PART1_TRAINING)) == "radius 1.2"


def test_an_existing_file_is_never_overwritten(tmp_path):
    supplied = tmp_path / PART1_TRAINING
    supplied.write_bytes(b"the user's own file")
    paths = ensure_course_files(tmp_path, max_clips=SMALL)
    assert supplied.read_bytes() == b"the user's own file"
    assert paths[PART1_TRAINING] == supplied and set(paths) == set(FRAMES_PER_FILE)
    assert PART1_TRAINING not in read_manifest(tmp_path)
    assert data_origin(supplied) == "supplied"


def test_a_second_call_simulates_nothing(course_dir):
    before = {path.name: path.stat().st_mtime_ns for path in course_dir.iterdir()}
    ensure_course_files(course_dir, seed=1, max_clips=SMALL)
    assert {path.name: path.stat().st_mtime_ns for path in course_dir.iterdir()} == before


def test_each_file_comes_from_its_own_random_stream(course_dir, tmp_path):
    """A file's content depends on the seed only, not on which other files already existed."""
    (tmp_path / PART1_TRAINING).write_bytes(b"supplied")
    ensure_course_files(tmp_path, seed=0, max_clips=SMALL)
    for name in (PART1_TEST, PART2_SEQUENCE):
        for key, array in arrays_of(course_dir / name).items():
            np.testing.assert_array_equal(arrays_of(tmp_path / name)[key], array)


def test_files_do_not_share_a_random_stream(course_dir):
    """With one stream, every file's clips would start with the same ball counts."""
    labels = [arrays_of(course_dir / name)["labels"][:SMALL].tolist() for name in FRAMES_PER_FILE]
    assert labels[0] != labels[1] and labels[0] != labels[2] and labels[1] != labels[2]


def test_another_seed_simulates_other_clips(course_dir, tmp_path):
    ensure_course_files(tmp_path, seed=1, max_clips=SMALL)
    for name in FRAMES_PER_FILE:
        other, first = arrays_of(tmp_path / name)["data"], arrays_of(course_dir / name)["data"]
        assert not np.array_equal(other, first)


# ---- load_course_file -----------------------------------------------------------------------


def test_loading_reshapes_frames_to_images(course_dir):
    frames, labels = load_course_file(course_dir / PART2_SEQUENCE, n_frames=10)
    assert frames.shape == (SMALL, 10, 32, 32) and frames.dtype == np.float32
    raw = arrays_of(course_dir / PART2_SEQUENCE)
    np.testing.assert_array_equal(frames.reshape(SMALL, 10, 1024), raw["data"])
    np.testing.assert_array_equal(labels, raw["labels"])


def good_arrays(n_clips: int = 4, n_frames: int = 1) -> dict[str, np.ndarray]:
    data = np.random.default_rng(0).random((n_clips, n_frames, 1024)).astype(np.float32)
    return {"data": data, "labels": np.arange(n_clips) % 3 + 1}


def test_the_label_key_may_be_singular(tmp_path):
    arrays = good_arrays()
    path = tmp_path / "singular.npz"
    np.savez(path, data=arrays["data"], label=arrays["labels"].astype(np.float64))
    frames, labels = load_course_file(path, n_frames=1)
    assert labels.dtype == np.int64 and labels.tolist() == arrays["labels"].tolist()


def test_integer_images_in_0_to_255_are_scaled_with_a_notice(tmp_path):
    path = tmp_path / "bytes.npz"
    data = np.zeros((3, 1, 1024), dtype=np.uint8)
    data[:, :, :2] = [128, 255]
    np.savez(path, data=data, labels=np.array([1, 2, 3]))
    with pytest.warns(UserWarning, match=r"bytes\.npz.*scaled by 1/255"):
        frames, _ = load_course_file(path, n_frames=1)
    assert frames.dtype == np.float32 and frames.max() == 1
    assert frames[0, 0, 0, 0] == np.float32(128 / 255)


def test_binary_integer_images_load_unscaled(tmp_path, recwarn):
    path = tmp_path / "binary.npz"
    np.savez(path, data=np.ones((3, 1, 1024), dtype=np.int64), labels=np.array([1, 2, 3]))
    frames, _ = load_course_file(path, n_frames=1)
    assert frames.dtype == np.float32 and frames.max() == 1 and not recwarn.list


def with_data(data) -> dict[str, np.ndarray]:
    return {**good_arrays(len(data)), "data": np.asarray(data)}


def with_labels(labels) -> dict[str, np.ndarray]:
    return {**good_arrays(), "labels": np.asarray(labels)}


def pixels(value, dtype=np.float32) -> np.ndarray:
    """Four valid clips of one frame with a single pixel set to `value`."""
    data = good_arrays()["data"].astype(dtype)
    data[1, 0, 7] = value
    return data


NPZ_CASES = {
    "no data": ({"labels": np.array([1, 2])}, r"holds arrays \['labels'\]; expected .*'data'"),
    "no labels": ({"data": good_arrays()["data"]}, r"holds arrays \['data'\]; expected .*'labels'"),
    "object array": (with_data(np.array([[[0.5] * 1024]] * 4, dtype=object)), r"unreadable array"),
    "2-D data": (with_data(np.zeros((4, 1024))), r"shape \(4, 1024\); expected 3 axes"),
    "not 32x32": (with_data(np.zeros((4, 1, 1000))), r"1000\); expected 1024 = 32\*32 pixels"),
    "wrong T": (good_arrays(n_frames=10), r"\(4, 10, 1024\); expected T = 1 frame"),
    "no clips": (with_data(np.zeros((0, 1, 1024))), r"expected at least one clip"),
    "complex": (with_data(np.zeros((4, 1, 1024), complex)), r"dtype complex128; expected real"),
    "labels count": (with_labels([1, 2, 3]), r"labels have shape \(3,\); expected \(4,\)"),
    "labels 2-D": (with_labels([[1], [2], [3], [1]]), r"shape \(4, 1\); expected \(4,\)"),
    "NaN": (with_data(pixels(np.nan)), r"NaN or inf; expected finite"),
    "inf": (with_data(pixels(np.inf)), r"NaN or inf; expected finite"),
    "negative": (with_data(pixels(-0.1)), r"spans \[-0\.1.*expected values in \[0, 1\]"),
    "float 0..255": (with_data(pixels(255.0)), r"spans .*255.*expected values in \[0, 1\]"),
    "integers above 255": (with_data(pixels(300, np.int16)), r"spans \[0, 300\]; expected values"),
    "negative integers": (with_data(pixels(-3, np.int16)), r"spans \[-3, .*expected values"),
    "label 0": (with_labels([0, 1, 2, 3]), r"labels include \[0\]; expected ball counts 1, 2 or 3"),
    "label 4": (with_labels([1, 4, 2, 3]), r"labels include \[4\]; expected ball counts"),
    "fractional label": (with_labels([1, 2.5, 2, 3]), r"labels include \[2\.5\]; expected"),
    "text labels": (with_labels(["1", "2", "3", "1"]), r"dtype <U1; expected ball counts"),
}


def assert_one_line_error(path: Path, n_frames: int, expectation: str) -> None:
    with pytest.raises(DataFileError, match=re.escape(str(path)) + ": .*" + expectation) as error:
        load_course_file(path, n_frames)
    assert "\n" not in str(error.value)


def assert_unchanged_by_failed_load(path: Path, n_frames: int, expectation: str) -> None:
    before = (file_sha256(path), path.stat().st_mtime_ns)
    assert_one_line_error(path, n_frames, expectation)
    assert (file_sha256(path), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize("case", NPZ_CASES)
def test_a_malformed_archive_is_rejected_with_a_one_line_message(tmp_path, case):
    arrays, expectation = NPZ_CASES[case]
    path = tmp_path / "course.npz"
    np.savez(path, **arrays)
    assert_unchanged_by_failed_load(path, 1, expectation)


def test_a_missing_file_is_rejected(tmp_path):
    assert_one_line_error(tmp_path / "absent.npz", 1, "file not found; expected an .npz archive")


def test_a_folder_is_not_a_file(tmp_path):
    assert_one_line_error(tmp_path, 1, "file not found")


def test_random_bytes_are_rejected(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    assert_unchanged_by_failed_load(path, 1, "unreadable .*; expected an .npz archive")


def test_a_truncated_archive_is_rejected(course_dir, tmp_path):
    whole = (course_dir / PART2_SEQUENCE).read_bytes()
    path = tmp_path / "half.npz"
    path.write_bytes(whole[: len(whole) // 2])
    assert_unchanged_by_failed_load(path, 10, "unreadable .*; expected an .npz archive")


def test_a_bare_npy_array_is_rejected(tmp_path):
    path = tmp_path / "array.npz"
    with open(path, "wb") as file:
        np.save(file, good_arrays()["data"])
    assert_unchanged_by_failed_load(path, 1, "not an archive; expected")


def test_a_corrupted_member_is_rejected(tmp_path):
    path = tmp_path / "corrupt.npz"
    np.savez_compressed(path, **good_arrays())
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 3  # inside the compressed `data` member, before the central directory
    raw[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(raw))
    assert_unchanged_by_failed_load(path, 1, "unreadable")


# ---- splits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n_clips, n_train", [(500, 400), (5000, 4000), (7, 6)])
def test_train_val_split_keeps_order_first_80_percent_for_training(n_clips, n_train):
    frames = np.arange(n_clips)[:, None, None, None] * np.ones((1, 1, 2, 2))
    labels = np.arange(n_clips)
    (train_frames, train_labels), (val_frames, val_labels) = split_train_val(frames, labels)
    assert train_labels.tolist() == list(range(n_train))
    assert val_labels.tolist() == list(range(n_train, n_clips))
    np.testing.assert_array_equal(np.concatenate([train_frames, val_frames]), frames)


def test_train_fraction_must_leave_both_sets():
    with pytest.raises(ValueError, match="train_fraction"):
        split_train_val(np.zeros((5, 1)), np.zeros(5), train_fraction=1.0)


def test_input_target_split_takes_the_first_five_frames_as_input():
    clips = np.arange(2 * 10)[:, None, None].reshape(2, 10, 1, 1) * np.ones((1, 1, 32, 32))
    inputs, targets = split_input_target(clips)
    assert inputs.shape == targets.shape == (2, 5, 32, 32)
    assert inputs[1, :, 0, 0].tolist() == [10, 11, 12, 13, 14]
    assert targets[1, :, 0, 0].tolist() == [15, 16, 17, 18, 19]


def test_input_target_split_needs_frames_on_both_sides():
    with pytest.raises(ValueError, match="n_input"):
        split_input_target(np.zeros((2, 10, 32, 32)), n_input=10)
