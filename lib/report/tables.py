"""Tables as the book prints them: pipe tables that Quarto and the fallback renderer set alike."""

from __future__ import annotations

import re

import pandas as pd

# A formatted number: sign (hyphen or minus), digits with thousands commas, decimals, exponent,
# percent; or a dash standing for "none".
NUMBER = re.compile(r"[+\-−]?[\d,]*\.?\d+(e[+\-]\d+)?%?|[—–-]")


def markdown_table(frame: pd.DataFrame) -> str:
    """A frame whose cells are already formatted as text, as a pipe table: a column whose every cell
    is a number (or a dash) is right-aligned so that its digits line up; any other stays left."""
    align = [
        "right" if all(NUMBER.fullmatch(str(cell)) for cell in frame[column]) else "left"
        for column in frame.columns
    ]
    return frame.to_markdown(index=False, disable_numparse=True, colalign=align)
