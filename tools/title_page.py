"""The student's details on the title page: the template's placeholders must be replaced.

`_quarto.yml`'s `book:` block is the one place where the name (`author`), student ID and e-mail
(`subtitle`) are written. The repository ships placeholders there; `make report` warns while they
are left, and `make submission` refuses to pack a report that carries them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

# What the template holds until the student writes their own details.
PLACEHOLDERS = {
    "name": "Student Name",
    "student ID": "20000000",
    "e-mail": "student@connect.ust.hk",
}


def placeholders_left(config: Path) -> list[str]:
    """The kinds of detail ('name', 'student ID', 'e-mail') still at their placeholder in
    `config`."""
    if not config.is_file():  # no book configuration, no title page
        return []
    book = (yaml.safe_load(config.read_text()) or {}).get("book", {})
    title_page = f"{book.get('author', '')} {book.get('subtitle', '')}"
    return [kind for kind, placeholder in PLACEHOLDERS.items() if placeholder in title_page]


def placeholder_message(config: Path) -> str | None:
    """One line naming the placeholders left in `config` and where to replace them; None if none."""
    left = placeholders_left(config)
    if not left:
        return None
    kinds = left[0] if len(left) == 1 else ", ".join(left[:-1]) + " and " + left[-1]
    return (
        f"the title page still shows the template's {kinds}; write yours in the book: block "
        f"of {config.name} (author, subtitle)"
    )
