"""Every shared setting lives in lib/settings.py: chapters, bench scripts and the library import it,
never retype it."""

import ast
import json
import re
from pathlib import Path

import pytest

from lib import settings
from lib.training.loop import TrainConfig, budget

ROOT = Path(__file__).resolve().parents[1]
# What a retyped setting looks like, and where its one home is.
RETYPED = {
    # A name as a whole string literal (a sentence that mentions a file, e.g. a --help text, is
    # prose).
    r"[\"']part[12]_bballs_\w+\.npz[\"']": "a course file name (lib.settings.PART1_TRAINING, ...)",
    r"(?<![=\w])\(1, 2, 3\)|range\(1, 4\)": "the ball counts (lib.settings.BALL_COUNTS)",
    r"\bTrainConfig\(": "a training configuration (lib.video.recipes.HANDOUT_PART2, ...)",
    r"range\(\d+ if quick": "the number of seeds (lib.settings.seeds)",
    r"log_mse=5e-4": "the Task 7 loss (lib.video.recipes.TASK7_LOSS)",
    r"head=\"wide\"|skip=\"concat\"": "the Task 7 architecture (lib.settings.TASK7_ARCHITECTURE)",
}


def code_of(path: Path) -> str:
    """A bench script's source, or a chapter's code cells without their `#|` options (captions are
    prose)."""
    if path.suffix == ".py":
        return path.read_text()
    cells = json.loads(path.read_text())["cells"]
    return "\n".join(
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.startswith("#|")
    )


def retyped_settings(code: str) -> list[str]:
    return [what for pattern, what in RETYPED.items() if re.search(pattern, code)]


@pytest.mark.parametrize(
    "path", sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("bench/*.py")]), ids=lambda p: p.name
)
def test_no_chapter_or_bench_script_spells_out_a_shared_setting(path):
    assert retyped_settings(code_of(path)) == []


def test_the_library_and_tools_take_the_ball_counts_from_settings():
    """simulate, counting, metrics and plots once typed their own (1, 2, 3)."""
    ball_counts = next(pattern for pattern, what in RETYPED.items() if "BALL_COUNTS" in what)
    modules = [
        p
        for p in sorted([*ROOT.glob("lib/**/*.py"), *ROOT.glob("tools/*.py")])
        if p.name != "settings.py"
    ]
    assert [
        p.relative_to(ROOT).as_posix() for p in modules if re.search(ball_counts, p.read_text())
    ] == []


@pytest.mark.parametrize(
    "code",
    [
        'load(DATA / "part1_bballs_test.npz")',
        "for n in (1, 2, 3):",
        "TrainConfig(epochs=5, batch_size=4)",
        "seeds = range(2 if quick else 5)",
        "FrameLoss(mse=1.0, log_mse=5e-4)",
        'VideoUNet(head="wide")',
    ],
)
def test_the_check_catches_each_kind_of_retyped_setting(code):
    assert len(retyped_settings(code)) == 1


def test_axes_and_sentences_are_not_settings():
    assert retyped_settings("images.sum(dim=(1, 2, 3))") == []
    assert retyped_settings('help="read part2_bballs_sequence.npz from here"') == []


def test_quick_previews_train_one_epoch_with_fewer_seeds():
    config = TrainConfig(**settings.HANDOUT_PART1_TRAINING)
    assert budget(config, quick=True).epochs == 1
    assert budget(config, quick=False) == config
    assert len(settings.seeds(True)) < len(settings.seeds(False)) == settings.N_SEEDS


def test_the_handout_settings():
    assert dict(epochs=5, batch_size=4, lr=1e-3) == settings.HANDOUT_PART1_TRAINING
    assert dict(epochs=20, batch_size=4, lr=1e-3, seed=0) == settings.HANDOUT_PART2_TRAINING


def test_settings_import_nothing_from_the_library():
    """Reading a ball count must not pull in the training loop: settings are plain values."""
    tree = ast.parse((ROOT / "lib/settings.py").read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert [name for name in imported if name and name.split(".")[0] == "lib"] == []


SETTINGS = {
    name: value
    for name, value in vars(settings).items()
    if name.isupper() and isinstance(value, int | float | str | tuple)
}


def retyped_in_library(source: str) -> list[str]:
    """Keyword arguments and parameter defaults spelt as a literal equal to the setting of the
    same name in upper case (`train_fraction=0.8` beside TRAIN_FRACTION = 0.8)."""
    tree = ast.parse(source)
    pairs = [
        (keyword.arg, keyword.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            positional = [*node.args.posonlyargs, *node.args.args]
            with_default = positional[len(positional) - len(node.args.defaults) :]
            defaults = zip(with_default, node.args.defaults, strict=True)
            keyword_defaults = zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
            pairs += [(a.arg, d) for a, d in [*defaults, *keyword_defaults] if d is not None]
    found = []
    for name, value in pairs:
        try:
            literal = ast.literal_eval(value)
        except ValueError:
            continue
        setting = name.upper()
        if setting in SETTINGS and SETTINGS[setting] == literal:
            found.append(f"{name}={literal!r} (lib.settings.{setting})")
    return found


def test_the_check_catches_a_retyped_setting_in_the_library():
    assert retyped_in_library("split_train_val(frames, labels, train_fraction=0.8)") == [
        "train_fraction=0.8 (lib.settings.TRAIN_FRACTION)"
    ]
    assert retyped_in_library("def split(frames, train_fraction=0.8): ...") != []
    assert retyped_in_library("split(frames, train_fraction=TRAIN_FRACTION)") == []
    assert retyped_in_library("split(frames, train_fraction=0.5)") == []


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(ROOT.glob("lib/**/*.py")) if p.name != "settings.py"],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_the_library_spells_out_no_setting(path):
    assert retyped_in_library(path.read_text()) == []
