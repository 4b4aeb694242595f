"""Finding the fonts every output draws with, by role (仿宋, 黑体, 楷体, 小标宋, 宋体).

Usage::

    fonts = font_set(options.font_dirs)     # cached per folder list
    face = fonts.face_for("fangsong", "中")  # a Face, per-character fallback
    fonts.notes()                            # Chinese notes: substitutions, missing characters

Where fonts come from, first match wins for each role:

1. the office's own folders (``ExportOptions.font_dirs``), searched recursively;
2. the Windows font folders, including the per-user
   ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``;
3. fontconfig (``fc-list``) on Linux;
4. open fonts packaged by Debian (AR PL UMing, LXGW WenKai, WenQuanYi Zen Hei),
   which stand in for the commercial faces; every stand-in is reported.

Only TrueType outlines are accepted (a 'glyf' table, no 'CFF '), because
reportlab embeds nothing else; a ``.ttc`` is searched face by face and the
right face index is kept. A character the role's font lacks is drawn with the
first other font that has it; a character no font has is drawn as the font's
"missing glyph" box but keeps its text, and is reported.

What was read from a font is kept in the user's cache folder
(``font_cache_dir()``), keyed by path, face, size and modification time (and
the reading library's version): a folder's names, a face's cmap ranges,
reportlab's metrics, the OFD subsets. A stale or damaged record is ignored and
rewritten.

Modules, one concern each:

- ``sfnt``: reading font files without a font library (faces, names, cmap ranges);
- ``store``: the cache folder and its record files;
- ``folders``: where fonts are (office and Windows folders, fontconfig);
- ``faces``: loaded faces, one per face and process;
- ``choice``: fonts per role and per character, and the notes;
- ``rl_adapter``: everything that relies on reportlab's internals
  (``packed`` and ``filebytes`` serve it: packed number tables, lazily read file bytes);
- ``subset``: the OFD's TrueType subsets (fontTools), kept across processes.
"""

from desktop.fonts.choice import Choice, FontSet, font_set
from desktop.fonts.faces import Face, face_by_key, load_face, missing_face
from desktop.fonts.folders import fontconfig_faces, prefetch_font_list, windows_font_dirs
from desktop.fonts.rl_adapter import canvas_document, embedding, ensure_codes, load_ttfont
from desktop.fonts.sfnt import FontFile, face_coverage, read_faces, skipped_font_files
from desktop.fonts.store import font_cache_dir

__all__ = [
    "Choice", "Face", "FontFile", "FontSet", "canvas_document", "embedding", "ensure_codes", "face_by_key",
    "face_coverage", "font_cache_dir", "font_set", "fontconfig_faces", "load_face", "load_ttfont",
    "missing_face", "prefetch_font_list", "read_faces", "skipped_font_files", "windows_font_dirs",
]
