"""The Part 1 and Part 2 chapters on a matrix of plausible course files of another generator.

Each case supplies its own files (training radius 0.8, 1.5 or 2.0, each with a test file of
smaller and of larger balls, and a mix skewed to three balls) and executes the chapters in quick
mode with `make -j2`, without rendering (tests/test_book_supplied_data.py renders one such book).
Cases with the same training file share a model cache, so the second one trains nothing.
Every chapter must complete and state the radii it measures, never the simulator's.
"""

import json
import subprocess
import sys
import time

import pytest

from tests.supplied_files import (
    SIZES_ROW,
    FileSet,
    chapter_text,
    measured,
    simulator_claims,
    supply_course_files,
)

pytestmark = pytest.mark.e2e  # builds the book (make), minutes per case

PART1 = ["01-data", "02-counting", "03-counting-robust"]
PART2 = ["04-video", "05-video-beyond", "06-video-physics"]
CASES = {  # name: (files, chapters)
    "r0.8-smaller-test": (FileSet(0.8, (0.5, 0.8), 0.8), PART1),
    "r0.8-larger-test": (FileSet(0.8, (0.8, 1.6), 0.8), PART1 + PART2),
    "r1.5-smaller-test": (FileSet(1.5, (0.5, 1.5), 1.5), PART1),
    "r1.5-larger-test": (FileSet(1.5, (1.5, 2.5), 1.5), PART1),
    "r2.0-smaller-test": (FileSet(2.0, (0.5, 2.0), 2.0), PART1),
    "r2.0-larger-test": (FileSet(2.0, (2.0, 2.5), 2.0), PART1 + PART2),
    "mostly-three-balls": (FileSet(1.2, (0.8, 1.8), 1.2, count_weights=(1, 2, 7)), PART1),
}


@pytest.fixture(scope="module")
def work_tree(tmp_path_factory, copy_work_tree):
    return copy_work_tree(tmp_path_factory.mktemp("tree"))


@pytest.fixture(scope="module", params=list(CASES))
def case(request, work_tree, tmp_path_factory):
    """One case built: its files and the text of each executed chapter."""
    files, chapters = CASES[request.param]
    case_dir = tmp_path_factory.mktemp(request.param)
    data_dir = case_dir / "data"
    supply_course_files(data_dir, files)
    # Same training file, same models: the cases of one training radius share their cache.
    weights = "-".join(map(str, files.count_weights))
    cache_dir = tmp_path_factory.getbasetemp() / f"cache-r{files.training_radius}-w{weights}"
    build = work_tree / "build"
    subprocess.run(["rm", "-rf", str(build)], check=True)
    targets = [f"build/chapters/{chapter}.ipynb" for chapter in chapters]
    started = time.perf_counter()
    result = subprocess.run(
        [
            "make",
            "-j2",
            *targets,
            "QUICK=1",
            f"DATA_DIR={data_dir}",
            f"CACHE_DIR={cache_dir}",
            f"PYTHON={sys.executable}",
        ],
        cwd=work_tree,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, (
        f"{request.param}: " + result.stdout[-3000:] + result.stderr[-3000:]
    )
    texts = {chapter: chapter_text(build / "chapters" / f"{chapter}.ipynb") for chapter in chapters}
    # Kept beside the case's data for a reader of a failure (and of the build times).
    (case_dir / "texts.json").write_text(
        json.dumps({"seconds": time.perf_counter() - started, **texts})
    )
    return files, texts


def test_every_chapter_completes_and_states_only_measured_radii(case):
    files, texts = case
    assert not [claim for text in texts.values() for claim in simulator_claims(text)]


# A Part 1 file's row in chapter 1's table of ball sizes (lib.report.counting_tables.ball_sizes):
# brightness per ball (mean, central range, min–max), then the ball radius (median, min–max).


def test_the_training_radius_is_measured(case):
    files, texts = case
    stated, _, _ = measured(SIZES_ROW.format("training file"), texts["01-data"])
    assert stated == pytest.approx(files.training_radius, abs=0.02)


def test_the_test_radii_are_measured(case):
    files, texts = case
    _, low, high = measured(SIZES_ROW.format("test file"), texts["01-data"])
    assert files.test_radii[0] - 0.02 <= low < high <= files.test_radii[1] + 0.02


PART2_CASES = [name for name, (_, chapters) in CASES.items() if "06-video-physics" in chapters]


@pytest.mark.parametrize("case", PART2_CASES, indirect=True)
def test_the_physics_identifies_the_part2_radius(case):
    """Chapter 6's physics-informed predictor identifies the radius of the Part 2 training clips
    (within 3 % of the supplied one) and says how many clips its self-check sent to the network.
    The supplied clips are drawn by the renderer it assumes, with a lone ball in a third of them
    and bounces off every wall, so failing to identify the settings is a failure here."""
    files, texts = case
    text = texts["06-video-physics"]
    assert "The self-check sent " in text
    assert "the physics refuses these files" not in text
    (pixels,) = measured(r"\| ball radius r \(px\) +\| (\d+\.\d+) +\|", text)
    # The supplied files draw a box of 10 units on 32 pixels (tests/supplied_files.py).
    assert pixels == pytest.approx(files.video_radius * 3.2, rel=0.03)
