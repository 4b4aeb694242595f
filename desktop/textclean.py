"""Removal of characters that XML 1.0 cannot hold.

Drafts are cleaned once, on the way in, so that no exporter (python-docx,
openpyxl, reportlab) ever meets these characters.
"""

from __future__ import annotations

import re

# C0 controls except tab/newline/CR, lone surrogates, and the two non-characters.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def describe_char(ch: str) -> str:
    """Name a removed character the way a clerk can report it (U+0007)."""
    return f"U+{ord(ch):04X}"


def clean_text(text: str) -> tuple[str, list[str]]:
    """Return ``text`` without XML-illegal characters and the removed ones.

    A carriage return is folded into a newline because every line is a
    paragraph and ``\\r\\n`` from Windows clipboards would otherwise double them.
    """
    removed = _ILLEGAL.findall(text)
    cleaned = _ILLEGAL.sub("", text) if removed else text
    if "\r" in cleaned:
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    return cleaned, removed


def is_clean(text: str) -> bool:
    return _ILLEGAL.search(text) is None and "\r" not in text
