"""The preview's reuse of the pages its last render drew (see DrawnPages).

This relies on how reportlab numbers the glyphs of its 256-glyph subsets (in
the order characters are first drawn, per font object) and names subsets (in
the order they are first asked for): the public TTFont methods splitString and
getSubsetInternalName replay a page's effects on that state. Kept because the
66-page preview renders 2-3 times faster with it than drawing every page again
(README, architecture); tests/test_pdf.py (test_a_second_render_reuses_pages_and_streams,
test_render_after_edits_gives_the_bytes_of_a_first_render) fails loudly when a
reportlab release numbers them otherwise.
"""

from __future__ import annotations

import hashlib
from typing import Any

_RunKey = tuple[float, float, str, str, float, float, float, tuple[float, float, float]]
# What a page did to the fonts' subset state: per font object, the characters it
# drew first (in order, with a key that draws with that object), then the subsets
# it named first (in order). Each font object numbers its characters alone, and
# two keys can share one (reportlab shares faces by PostScript name); across
# fonts only the order of naming counts (the PDF font names are handed out in it).
_Effects = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, int], ...]]


class DrawnPages:
    """Text blocks of the pages drawn by the last two renders, for the preview:
    it renders again after each pause in typing, and mostly one page changed.

    A page's block depends on its runs and on the fonts' subset state when the
    page starts (reportlab numbers characters in the order they are first
    drawn). A block is reused when the runs are equal and every page before it
    changed that state in the same way (a digest of those changes is part of
    the key). The changes a page made are kept with its block and made again
    through the same font calls (splitString of the characters it drew first,
    getSubsetInternalName of the subsets it named first), so the document ends
    in the state drawing every page gives, and the bytes are the same.
    """

    def __init__(self) -> None:
        self._fonts: dict[str, Any] = {}  # the font objects the last render drew with
        self._old: dict[tuple[bytes, tuple[_RunKey, ...]], tuple[str, _Effects]] = {}
        self._new: dict[tuple[bytes, tuple[_RunKey, ...]], tuple[str, _Effects]] = {}
        self.digest = hashlib.blake2b(digest_size=16)
        self.seen: dict[int, set[str]] = {}  # per font object: characters drawn so far in this document

    def start(self, keys: list[str]) -> DrawnPages:
        """A new document, drawn with the fonts of ``keys``."""
        from reportlab.pdfbase import pdfmetrics

        # Every kept block was drawn by the last render or reused by it, so with
        # the fonts that render drew with: a key drawing with another object now
        # (a font replaced) makes them all suspect.
        fonts = {key: pdfmetrics.getFont(key) for key in keys}
        if any(self._fonts.get(key, font) is not font for key, font in fonts.items()):
            self._old, self._new = {}, {}
        self._fonts = fonts
        self.digest = hashlib.blake2b(digest_size=16)
        self.seen = {}
        return self

    def finish(self) -> None:
        self._old, self._new = self._new, {}
        self.seen = {}

    def key(self, runs: list[Any]) -> tuple[bytes, tuple[_RunKey, ...]]:
        return self.digest.digest(), tuple(
            (r.x, r.baseline, r.text, r.font, r.size, r.char_space, r.hscale, r.color) for r in runs)

    def get(self, key: tuple[bytes, tuple[_RunKey, ...]]) -> tuple[str, _Effects] | None:
        hit = self._new.get(key) or self._old.get(key)
        if hit is not None:
            self._new[key] = hit
        return hit

    def put(self, key: tuple[bytes, tuple[_RunKey, ...]], text: str, effects: _Effects) -> None:
        self._new[key] = (text, effects)
        self.done(effects)

    def done(self, effects: _Effects) -> None:
        """The page is drawn (or replayed): later pages' keys follow from its changes."""
        self.digest.update(repr(effects).encode())

    def replay(self, effects: _Effects, doc: Any, memo: dict[str | tuple[str, int], Any]) -> None:
        for key, chars in effects[0]:
            font = font_for(memo, key)
            font.splitString(chars, doc)
            self.seen.setdefault(id(font), set()).update(chars)
        for key, subset in effects[1]:
            memo[(key, subset)] = font_for(memo, key).getSubsetInternalName(subset, doc)
        self.done(effects)

    def first_drawn(self, font: Any, text: str) -> str:
        """The characters of ``text`` not drawn before with this font object, in order (and now drawn)."""
        seen = self.seen.get(id(font))
        if seen is None:
            seen = self.seen[id(font)] = set()
        if seen.issuperset(text):
            return ""
        new = "".join(dict.fromkeys(ch for ch in text if ch not in seen))
        seen.update(new)
        return new


DRAWN = DrawnPages()


def font_for(memo: dict[str | tuple[str, int], Any], key: str) -> Any:
    """The font that draws ``key``, looked up once per document."""
    font = memo.get(key)
    if font is None:
        from reportlab.pdfbase import pdfmetrics

        font = memo[key] = pdfmetrics.getFont(key)
    return font
