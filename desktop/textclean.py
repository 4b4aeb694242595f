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


# A paragraph longer than this is no paragraph of a plan (a whole plan is some
# 20,000 characters) but a paste gone wrong; Qt lays a paragraph out anew at
# every keystroke, about half a second each at a million characters.
LONG_PARAGRAPH_CHARS = 100_000
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def longest_paragraph(text: str) -> int:
    """The length of the longest line of ``text`` (cheap for short texts)."""
    if len(text) <= LONG_PARAGRAPH_CHARS:
        return len(text)
    return max(map(len, text.split("\n")))


def split_long_paragraphs(text: str, size: int = 2000) -> str:
    """``text`` with every paragraph over LONG_PARAGRAPH_CHARS cut into paragraphs
    of about ``size`` characters, at sentence ends where there are any."""
    out = []
    for para in text.split("\n"):
        if len(para) <= LONG_PARAGRAPH_CHARS:
            out.append(para)
            continue
        chunk = ""
        for sentence in _SENTENCE_END.split(para):
            while len(sentence) > size:  # no sentence end for a long stretch: cut it
                if chunk:
                    out.append(chunk)
                    chunk = ""
                out.append(sentence[:size])
                sentence = sentence[size:]
            if chunk and len(chunk) + len(sentence) > size:
                out.append(chunk)
                chunk = ""
            chunk += sentence
        if chunk:
            out.append(chunk)
    return "\n".join(out)
