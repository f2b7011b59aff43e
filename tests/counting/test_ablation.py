from lib.counting.ablation import ablation_rows
from lib.settings import HANDOUT_PART1, ROBUST_PART1


def test_each_row_adds_one_change_and_the_last_combines_them():
    rows = ablation_rows(HANDOUT_PART1, ROBUST_PART1)
    names = [name for name, *_ in rows.values()]
    assert list(rows)[0] == "baseline" and list(rows)[-1] == "all changes (final)"
    assert len(set(names)) == len(names)  # each row its own cached models
    final_name, final_build, final_augment, final_config = rows["all changes (final)"]
    assert final_config == ROBUST_PART1 and final_augment is not None
    assert final_build.keywords == {"batch_norm": True, "global_pool": True}
    assert rows["baseline"][2] is None and rows["baseline"][3] == HANDOUT_PART1
