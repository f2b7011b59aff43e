"""The schedule arithmetic of bench/book_cost.py: chapter chains, critical path, lower bound."""

from bench.book_cost import chapter_chain, critical_path, wall_lower_bound


def test_a_chapter_chain_adds_the_longest_run_of_each_call():
    # chapter 5: Task 6's U-Net alone, then the ablation whose longest run is the final network
    assert chapter_chain([[12.0], [80.0, 5.0, 5.0]]) == 92.0
    assert chapter_chain([[], [3.0]]) == 3.0


def test_the_critical_path_is_the_longest_chapter_chain():
    chapters = {"04": [[12.0, 14.0, 12.0]], "05": [[12.0], [80.0, 5.0]], "06": [[12.0, 80.0]]}
    assert critical_path(chapters) == 92.0
    assert critical_path({}) == 0.0


def test_no_build_is_shorter_than_its_critical_path_or_its_work_spread_over_the_cores():
    assert wall_lower_bound(core_seconds=240.0, critical=92.0, cores=2) == 120.0
    assert wall_lower_bound(core_seconds=240.0, critical=92.0, cores=8) == 92.0
