"""The file dialogs a clerk meets on Linux: Chinese labels, and no ~$ lock files."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows shows its own dialog")


def test_the_open_dialog_speaks_chinese_and_hides_lock_files(qtbot, tmp_path):
    from desktop.ui.file_dialogs import make_dialog

    (tmp_path / "方案.plan.json").write_text("{}", encoding="utf-8")
    (tmp_path / "~$方案.plan.json").write_text("{}", encoding="utf-8")
    dialog = make_dialog(None, "open", "打开方案草稿", str(tmp_path), "方案草稿 (*.plan.json *.json)")
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.proxyModel()

    def names() -> list[str]:
        root = model.mapFromSource(model.sourceModel().index(str(tmp_path)))
        return sorted(model.index(r, 0, root).data() for r in range(model.rowCount(root))) if root.isValid() else []

    qtbot.waitUntil(lambda: "方案.plan.json" in names())
    assert names() == ["方案.plan.json"]  # the lock file beside it is not offered
    labels = " ".join(w.text() for w in dialog.findChildren(QLabel))
    assert "查找范围" in labels and "文件类型" in labels and "Look in" not in labels and "Files of type" not in labels
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "打开"
    QApplication.processEvents()


def test_the_save_dialog_offers_the_name(qtbot, tmp_path):
    from desktop.ui.file_dialogs import make_dialog

    dialog = make_dialog(None, "save", "另存为", str(tmp_path / "佛山方案.plan.json"), "方案草稿 (*.plan.json)")
    qtbot.addWidget(dialog)
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "保存"
