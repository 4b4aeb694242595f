"""Find and replace across a whole draft (what Word's 查找和替换 does in one file).

``occurrences`` lists where a text occurs, field by field, in document order;
``replace_all`` replaces it everywhere and says how often. Both go through
``model.text_places``, so they see every text the clerk typed and nothing
else (ids, dates and choices stay as they are), and they write back by the
field's structural address: a path string parsed back would misread map keys
such as an exemption keyed "" or "1.x".
"""

from __future__ import annotations

from desktop.model import Address, Draft, set_at, text_places


def occurrences(draft: Draft, needle: str) -> list[tuple[Address, int]]:
    """(address, how many times) of every field holding ``needle``."""
    if not needle:
        return []
    return [(address, text.count(needle)) for address, text in text_places(draft) if needle in text]


def replace_all(draft: Draft, needle: str, replacement: str) -> int:
    """Replace ``needle`` by ``replacement`` in every field; the number replaced."""
    if not needle or needle == replacement:
        return 0
    total = 0
    for address, text in text_places(draft):
        n = text.count(needle)
        if n:
            set_at(draft, address, text.replace(needle, replacement))
            total += n
    return total
