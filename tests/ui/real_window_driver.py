"""Runs the real main window for tests that drive it from outside (xdotool).

    python real_window_driver.py STATE.json SECTION FIELD_PATH [TARGET_LENGTH]

Opens a new draft, shows ``SECTION`` at 1024 x 740, focuses the field at
``FIELD_PATH`` and writes STATE.json every 200 ms: the field's length in the
draft, whether a recovery file was written, the window's X title. Quits by
itself, with status 0, once the field holds TARGET_LENGTH characters.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.ui.recorder import recorder


def main() -> int:
    state_path, section, field_path = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    target = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    from PySide6.QtCore import QTimer

    from desktop.model import get_path
    from desktop.ui import messages
    from desktop.ui.app import create_app
    from desktop.ui.mainwindow import MainWindow

    app = create_app([sys.argv[0]])
    messages.install(recorder)
    window = MainWindow()
    window.new_document()
    window._preview_enabled = False
    window.preview_dock.hide()
    window.autosave_deadline.setInterval(1000)
    window.resize(1024, 740)
    window.show()
    editor = window.show_section(section)
    editor.focus_path(field_path)
    saves = []
    window.autosaved.connect(lambda: saves.append(len(get_path(window.doc.draft, field_path))))

    def report() -> None:
        value = get_path(window.doc.draft, field_path)
        exporting = window.export_dialog is not None and window.export_dialog.isVisible()
        state = {"length": len(value), "autosaves": saves, "title": window.windowTitle(), "pid": os.getpid(),
                 "export_dialog": exporting}
        tmp = state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, state_path)
        if target and len(value) >= target:
            recorder.queue_answer("discard")
            window.close()
            app.quit()

    timer = QTimer()
    timer.timeout.connect(report)
    timer.start(200)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
