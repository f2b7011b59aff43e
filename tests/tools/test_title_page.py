"""The title page's student details: the template's placeholders are found, one by one."""

from pathlib import Path

from tools.title_page import PLACEHOLDERS, placeholder_message, placeholders_left

ROOT = Path(__file__).resolve().parents[2]


def book(tmp_path, author, subtitle):
    config = tmp_path / "_quarto.yml"
    config.write_text(f'book:\n  title: "T"\n  subtitle: "{subtitle}"\n  author: "{author}"\n')
    return config


def test_the_shipped_configuration_holds_every_placeholder():
    assert placeholders_left(ROOT / "_quarto.yml") == list(PLACEHOLDERS)


def test_each_detail_left_at_its_placeholder_is_named(tmp_path):
    config = book(tmp_path, "Chan Tai Man", "Student ID: 20000000 · Email: tmchan@connect.ust.hk")
    assert placeholders_left(config) == ["student ID"]
    assert placeholder_message(config) == (
        "the title page still shows the template's student ID; "
        "write yours in the book: block of _quarto.yml (author, subtitle)"
    )


def test_own_details_leave_nothing_to_say(tmp_path):
    config = book(tmp_path, "Chan Tai Man", "Student ID: 20912345 · Email: tmchan@connect.ust.hk")
    assert placeholders_left(config) == [] and placeholder_message(config) is None
    assert placeholders_left(tmp_path / "missing.yml") == []
