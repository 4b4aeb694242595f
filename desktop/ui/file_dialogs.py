"""File and folder dialogs for the clerk: Chinese throughout and without lock files.

On Windows the system's own dialog is used (it speaks the system's language and
hides our hidden ``~$`` lock files). Elsewhere Qt draws its own, whose labels the
bundled translation leaves partly in English and which lists ``~$…`` lock files
beside the drafts: both are put right here.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QLocale, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QWidget

from desktop.recovery import LOCK_PREFIX

_LABELS = {"open": "打开", "save": "保存", "folder": "选择"}


class _WithoutLocks(QSortFilterProxyModel):
    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if isinstance(model, QFileSystemModel):
            return not model.fileName(model.index(row, 0, parent)).startswith(LOCK_PREFIX)
        return True


def make_dialog(parent: QWidget | None, kind: str, title: str, start: str, filters: str = "") -> QFileDialog:
    """A dialog to ``open`` a file, ``save`` one (``start`` may name it) or pick a ``folder``."""
    dialog = QFileDialog(parent, title, start, filters)
    dialog.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if kind == "save":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    elif kind == "folder":
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if sys.platform != "win32":
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setProxyModel(_WithoutLocks(dialog))
        for label, text in ((QFileDialog.DialogLabel.LookIn, "查找范围："),
                            (QFileDialog.DialogLabel.FileName, "文件名(&N)："),
                            (QFileDialog.DialogLabel.FileType, "文件类型："),
                            (QFileDialog.DialogLabel.Accept, _LABELS[kind]),
                            (QFileDialog.DialogLabel.Reject, "取消")):
            dialog.setLabelText(label, text)
    return dialog


def choose(parent: QWidget | None, kind: str, title: str, start: str, filters: str = "") -> str:
    """The path chosen, or "" when the clerk cancelled."""
    dialog = make_dialog(parent, kind, title, start, filters)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return ""
        chosen = dialog.selectedFiles()
        return chosen[0] if chosen else ""
    finally:
        dialog.deleteLater()
