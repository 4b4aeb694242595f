"""Find and replace across a whole draft (what Word's 查找和替换 does in one file).

``occurrences`` lists where a text occurs, field by field, in document order;
``replace_all`` replaces it everywhere and says how often. Both go through
``model.text_fields``, so they see every text the clerk typed and nothing
else (ids, dates and choices stay as they are).
"""

from __future__ import annotations

from desktop.model import Draft, set_path, text_fields


def occurrences(draft: Draft, needle: str) -> list[tuple[str, int]]:
    """(path, how many times) of every field holding ``needle``."""
    if not needle:
        return []
    return [(path, text.count(needle)) for path, text in text_fields(draft) if needle in text]


def replace_all(draft: Draft, needle: str, replacement: str) -> int:
    """Replace ``needle`` by ``replacement`` in every field; the number replaced."""
    if not needle or needle == replacement:
        return 0
    total = 0
    for path, text in text_fields(draft):
        n = text.count(needle)
        if n:
            set_path(draft, path, text.replace(needle, replacement))
            total += n
    return total
