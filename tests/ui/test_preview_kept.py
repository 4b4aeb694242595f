"""The preview kept across starts: a draft opened as it was last previewed
shows that PDF at once, and the render that follows replaces it when its
bytes differ (issue 29: the first preview page at start-up)."""

from __future__ import annotations

import threading

import pytest

from desktop.export import ExportOptions
from desktop.export.pdf import render_pdf_bytes
from desktop.paths import cache_dir
from desktop.sample import make_draft
from desktop.ui import preview as preview_mod
from desktop.ui.preview import PreviewPanel


@pytest.fixture
def held_renders(monkeypatch):
    """Renders wait until the test lets them go: what the panel shows before is not rendered now."""
    gate = threading.Event()
    real = preview_mod.render_pdf

    def render(draft, template, options):
        assert gate.wait(30)
        return real(draft, template, options)

    monkeypatch.setattr(preview_mod, "render_pdf", render)
    return gate


def _panel(qtbot) -> PreviewPanel:
    panel = PreviewPanel()
    qtbot.addWidget(panel)
    return panel


def _wait_rendered(qtbot, panel: PreviewPanel) -> None:
    qtbot.waitUntil(lambda: not panel.busy, timeout=60000)


def test_a_draft_opened_as_last_previewed_shows_the_kept_pdf_before_rendering(qtbot, template, held_renders):
    draft = make_draft(tasks=6, activities=2, seed=11)
    first = _panel(qtbot)
    held_renders.set()
    first.request(draft, template, ExportOptions())
    _wait_rendered(qtbot, first)
    assert first.page_count() > 0
    assert len(list((cache_dir() / "preview").glob("*.pdf"))) == 1, "the render is kept"

    held_renders.clear()
    again = _panel(qtbot)  # as in the next start: a new window, the same draft
    announced = []
    again.rendered.connect(announced.append)
    again.request(draft, template, ExportOptions())
    assert again.busy and again.page_count() == first.page_count(), "shown while the render has not run"
    assert again.pdf_bytes == first.pdf_bytes and announced == []
    held_renders.set()
    _wait_rendered(qtbot, again)
    assert again.pdf_bytes == render_pdf_bytes(draft, template, ExportOptions())[0]
    assert announced == [first.page_count()], "the render still says it is done, once"


def test_a_kept_preview_that_is_no_longer_right_is_replaced(qtbot, template, held_renders):
    draft = make_draft(tasks=6, activities=2, seed=12)
    options = ExportOptions()
    key = preview_mod.preview_key(draft, template, options)
    other, _ = render_pdf_bytes(make_draft(tasks=40, activities=8, seed=13), template, options)
    preview_mod.keep_preview(key, other)  # as if the fonts had changed since it was kept
    panel = _panel(qtbot)
    panel.request(draft, template, options)
    assert panel.pdf_bytes == other and panel.page_count() > 0
    held_renders.set()
    _wait_rendered(qtbot, panel)
    right, _ = render_pdf_bytes(draft, template, options)
    assert panel.pdf_bytes == right != other
    assert preview_mod.kept_preview(key) == right


@pytest.mark.parametrize("damage", ["checksum", "not-a-pdf", "empty"])
def test_a_damaged_kept_preview_is_no_head_start_and_no_error(qtbot, template, held_renders, damage):
    import hashlib

    draft = make_draft(tasks=4, activities=1, seed=14)
    options = ExportOptions()
    key = preview_mod.preview_key(draft, template, options)
    good, _ = render_pdf_bytes(draft, template, options)
    path = cache_dir() / "preview" / f"{key}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes({"checksum": hashlib.sha256(b"x").digest() + good,
                      "not-a-pdf": hashlib.sha256(b"junk" * 50).digest() + b"junk" * 50, "empty": b""}[damage])
    panel = _panel(qtbot)
    failures = []
    panel.render_failed.connect(failures.append)
    panel.request(draft, template, options)
    assert panel.page_count() <= 0 and panel.stack.currentIndex() == 0, "nothing shown before the render"
    held_renders.set()
    _wait_rendered(qtbot, panel)
    assert failures == [] and panel.pdf_bytes == good and panel.page_count() > 0


def test_kept_previews_are_few_and_keyed_by_everything_that_changes_the_pdf(template):
    from dataclasses import replace

    from desktop import official

    options = ExportOptions()
    draft = make_draft(tasks=3, activities=1, seed=15)
    key = preview_mod.preview_key(draft, template, options)
    edited = draft.copy()
    edited.plan.goals += "。"
    assert preview_mod.preview_key(edited, template, options) != key
    assert preview_mod.preview_key(draft, template, ExportOptions(font_dirs=(cache_dir(),))) != key
    other_standard = ExportOptions(standard=replace(official.STANDARD, seal_diameter_mm=44))
    assert preview_mod.preview_key(draft, template, other_standard) != key
    assert preview_mod.preview_key(draft, replace(template, name=template.name + "（改）"), options) != key
    # a colleague's tool's keys are never printed: the key does not encode them (a 7.5-million-element
    # list held the interpreter 0.3 s at every render while the clerk typed)
    tooled = draft.copy()
    tooled.extra["x_tool"] = [0] * 1000
    tooled.plan.extra["x_note"] = {"a": 1}
    assert preview_mod.preview_key(tooled, template, options) == key
    for n in range(preview_mod.KEPT_PREVIEWS + 4):
        preview_mod.keep_preview(f"{n:032x}", b"%PDF-1.4 " + bytes([n]))
    kept = sorted(p.name for p in (cache_dir() / "preview").iterdir())
    assert len(kept) == preview_mod.KEPT_PREVIEWS and not [k for k in kept if k.startswith(".tmp")]
