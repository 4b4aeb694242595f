"""GUI entry point ``plan-drafter``: opens a draft and shows its check results."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem, QMainWindow, QMessageBox

from desktop import APP_NAME
from desktop.errors import DesktopError


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.problems = QListWidget()
        self.setCentralWidget(self.problems)
        self.resize(900, 600)

    def open_draft(self, path: str) -> None:
        from desktop.checks import ERROR, run_checks
        from desktop.storage import load_draft
        from desktop.templates import load_template

        draft = load_draft(path)
        template = load_template(draft.template)
        self.setWindowTitle(f"{path} - {APP_NAME}")
        self.problems.clear()
        for p in run_checks(draft, template):
            label = "错误" if p.severity == ERROR else "提醒"
            QListWidgetItem(f"[{label}] {p.path}：{p.message}", self.problems)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    app = QApplication.instance() or QApplication(argv)
    window = MainWindow()
    window.show()
    if len(argv) > 1:
        try:
            window.open_draft(argv[1])
        except DesktopError as err:
            QMessageBox.warning(window, APP_NAME, str(err))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
