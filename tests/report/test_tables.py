import pandas as pd

from lib.report.tables import markdown_table


def test_number_columns_are_right_aligned_and_text_columns_left():
    frame = pd.DataFrame(
        {
            "model": ["physics", "hybrid"],
            "MSE": ["3.73e-05", "3.79e-05"],
            "share": ["99.8%", "—"],
            "Δ": ["−0.16", "+1,875"],
            "verdict": ["as expected", "1 less"],
        }
    )
    header, rule, *rows = markdown_table(frame).splitlines()
    cells = [cell.strip() for cell in rule.strip("|").split("|")]
    assert [cell.startswith(":") for cell in cells] == [True, False, False, False, True]
    assert [cell.endswith(":") for cell in cells] == [False, True, True, True, False]
    assert rows[0].split("|")[1].strip() == "physics"  # the cells are written as given


def test_a_cell_that_only_starts_with_a_number_is_text():
    frame = pd.DataFrame({"setting": ["2 balls", "3"]})
    assert markdown_table(frame).splitlines()[1].strip("|").startswith(":")
