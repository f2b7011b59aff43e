from lib.counting.ablation import SECONDARY_ROW, ablation_rows
from lib.counting.recipes import HANDOUT_PART1, ROBUST_PART1

RANGE, OTHER = (0.5, 2.0), (0.6, 1.6)


def test_each_row_adds_one_change_and_the_final_row_combines_them():
    rows = ablation_rows(HANDOUT_PART1, ROBUST_PART1, RANGE)
    names = [name for name, *_ in rows.values()]
    assert list(rows)[0] == "baseline" and list(rows)[-1] == "all changes (final)"
    assert len(set(names)) == len(names)  # each row its own cached models
    final_name, final_build, final_augment, final_config = rows["all changes (final)"]
    assert final_config == ROBUST_PART1 and final_augment is not None
    assert final_augment.keywords == {"scale_range": RANGE, "flips": True}
    assert final_build.keywords == {"batch_norm": True, "global_pool": True}
    assert rows["baseline"][2] is None and rows["baseline"][3] == HANDOUT_PART1
    assert rows["size augmentation"][2].keywords == {"scale_range": RANGE}


def test_the_secondary_row_repeats_the_final_model_with_the_other_range():
    rows = ablation_rows(HANDOUT_PART1, ROBUST_PART1, RANGE, test_informed_range=OTHER)
    assert list(rows)[-1] == SECONDARY_ROW and list(rows)[-2] == "all changes (final)"
    names = [name for name, *_ in rows.values()]
    assert len(set(names)) == len(names)
    _, build, augment, config = rows[SECONDARY_ROW]
    _, final_build, _, final_config = rows["all changes (final)"]
    assert config == final_config and build.keywords == final_build.keywords
    assert augment.keywords == {"scale_range": OTHER, "flips": True}
    assert SECONDARY_ROW not in ablation_rows(HANDOUT_PART1, ROBUST_PART1, RANGE)
