"""Screenshots of the window, each editor, the problem list and the preview.

Written to $PLAN_DRAFTER_SCREENSHOTS when set (a person looks at them there),
else to the test's temporary folder: tests never write into the checkout. Not
compared pixel by pixel,
but each must be a real, non-blank picture of the right size.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from desktop.storage import save_draft


def _save(widget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path)), path
    image = QImage(str(path))
    assert image.width() >= 200 and image.height() >= 120, name
    # Not blank: the picture has many distinct colours (text, frames, icons).
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 8, name
    return path


def test_screenshots(qtbot, make_window, example_draft, tmp_path: Path):
    folder = Path(os.environ.get("PLAN_DRAFTER_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "佛山市2020年实施方案.plan.json"
    save_draft(example_draft, path)
    window = make_window(preview=True)
    window.resize(1366, 800)  # a common office laptop screen
    assert window.open_path(path)
    window.preview_dock.show()
    window.preview_dock.raise_()
    with qtbot.waitSignal(window.ensure_preview().rendered, timeout=60000):
        window.refresh_preview()
    qtbot.wait(600)  # QPdfView paints its pages from a render thread
    written = [_save(window, folder, "01-main-window")]
    shots = {"notice": None, "goals": None, "tasks": (0, 0), "requirements": 0, "activities": 1, "ledger": None}
    for i, (key, select) in enumerate(shots.items(), 2):
        editor = window.show_section(key)
        if isinstance(select, tuple):
            editor.select(select)
        elif isinstance(select, int):
            editor.select(select)
        written.append(_save(editor, folder, f"{i:02d}-editor-{key}"))
    tasks = window.show_section("tasks")
    tasks.show_coverage(8)
    written.append(_save(tasks, folder, "08-editor-tasks-coverage"))
    written.append(_save(window.problems_panel, folder, "09-problems"))
    window.reference_dock.raise_()
    written.append(_save(window.reference_panel, folder, "10-reference"))
    written.append(_save(window.preview, folder, "11-preview"))
    window.export()
    written.append(_save(window.export_dialog, folder, "12-export-dialog"))
    window.export_dialog.reject()
    from desktop.ui.settings_dialog import SettingsDialog

    written.append(_save(SettingsDialog(window.settings, window), folder, "13-settings-dialog"))
    # A new, empty draft: errors (red) and warnings (amber) side by side.
    assert window.new_document()
    window.show_section("notice")
    written.append(_save(window.problems_panel, folder, "14-problems-new-draft"))
    written.append(_save(window, folder, "15-main-window-new-draft"))
    assert all(p.is_file() for p in written)
