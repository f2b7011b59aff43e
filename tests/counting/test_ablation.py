from lib.counting.ablation import ALL_RESCALED_ROW, FINAL_ROW, SECONDARY_ROW, ablation_rows
from lib.counting.recipes import HANDOUT_PART1, ROBUST_PART1

RANGE, OTHER, SHARE = (0.5, 2.0), (0.6, 1.6), 0.5


def test_each_row_adds_one_change_and_the_final_row_combines_them():
    rows = ablation_rows(HANDOUT_PART1, ROBUST_PART1, RANGE, SHARE)
    names = [name for name, *_ in rows.values()]
    assert list(rows)[0] == "baseline" and list(rows)[-1] == FINAL_ROW
    assert len(set(names)) == len(names)  # each row its own cached models
    final_name, final_build, final_augment, final_config = rows[FINAL_ROW]
    assert final_config == ROBUST_PART1 and final_augment is not None
    assert final_augment.keywords == {"scale_range": RANGE, "rendered_share": SHARE, "flips": True}
    assert final_build.keywords == {"batch_norm": True, "global_pool": True}
    assert rows["baseline"][2] is None and rows["baseline"][3] == HANDOUT_PART1
    assert rows["size augmentation"][2].keywords == {
        "scale_range": RANGE,
        "rendered_share": SHARE,
        "flips": False,
    }


def test_the_diagnosed_row_is_the_final_model_rescaling_every_image():
    rows = ablation_rows(HANDOUT_PART1, ROBUST_PART1, RANGE, SHARE)
    _, build, augment, config = rows[ALL_RESCALED_ROW]
    _, final_build, final_augment, final_config = rows[FINAL_ROW]
    assert config == final_config and build.keywords == final_build.keywords
    assert augment.keywords == {**final_augment.keywords, "rendered_share": 0.0}


def test_the_secondary_row_repeats_the_final_model_with_the_other_range():
    rows = ablation_rows(HANDOUT_PART1, ROBUST_PART1, RANGE, SHARE, test_informed_range=OTHER)
    assert list(rows)[-1] == SECONDARY_ROW and list(rows)[-2] == FINAL_ROW
    names = [name for name, *_ in rows.values()]
    assert len(set(names)) == len(names)
    _, build, augment, config = rows[SECONDARY_ROW]
    _, final_build, final_augment, final_config = rows[FINAL_ROW]
    assert config == final_config and build.keywords == final_build.keywords
    assert augment.keywords == {**final_augment.keywords, "scale_range": OTHER}
    assert SECONDARY_ROW not in ablation_rows(HANDOUT_PART1, ROBUST_PART1, RANGE, SHARE)
