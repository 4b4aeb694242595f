"""Small widget helpers shared by the editors and dialogs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QVBoxLayout,
    QWidget,
)


if TYPE_CHECKING:
    from PySide6.QtGui import QIcon


def resource_icon(name: str) -> QIcon | None:
    """An icon shipped in resources/ (the program's, a kind's); None when it is missing."""
    from PySide6.QtGui import QIcon, QPixmap

    try:
        import desktop_resources

        # A file on disk (a checkout, installed or frozen): QIcon decodes it only
        # when first drawn, and importlib.resources (about 5 ms of imports) is not needed.
        here = getattr(desktop_resources, "__file__", None)
        path = Path(here).with_name(name) if here else None
        if path is not None and path.is_file():
            return QIcon(str(path))
        from importlib import resources

        ref = resources.files("desktop_resources").joinpath(name)
        if isinstance(ref, Path):
            return QIcon(str(ref)) if ref.is_file() else None
        pixmap = QPixmap()
        return QIcon(pixmap) if pixmap.loadFromData(ref.read_bytes()) else None
    except (ImportError, OSError):
        return None


def hint_label(text: str) -> QLabel:
    """Grey explanatory text that wraps."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5f6368;")
    return label


def fit_on_screen(window: QWidget) -> None:
    """Keep ``window`` inside its screen's free area (a 1024×768 office screen
    less its task bar), moving it up or shrinking it when it grew past it."""
    screen = window.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.top()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """确定/取消 buttons wired to the dialog's accept/reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def browse_row(edit: QLineEdit, on_browse: Callable[[], None]) -> QHBoxLayout:
    """A path field with a 浏览… button beside it."""
    button = QPushButton("浏览…")
    button.clicked.connect(on_browse)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


class AdaptiveSplitter(QSplitter):
    """A list beside its form; on a narrow editor (a small screen with the side
    panes open) the list goes above the form, so that neither is crushed."""

    NARROW = 720  # px: below it, side by side leaves the form too little room

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setChildrenCollapsible(False)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        wanted = Qt.Orientation.Vertical if event.size().width() < self.NARROW else Qt.Orientation.Horizontal
        if wanted != self.orientation():
            self.setOrientation(wanted)
            total = event.size().height() if wanted == Qt.Orientation.Vertical else event.size().width()
            self.setSizes([total * 2 // 5, total * 3 // 5])
        super().resizeEvent(event)


def fill_with_split(owner: QWidget, left: QWidget, right: QWidget) -> QSplitter:
    """Lay ``owner`` out as a list or tree beside its form (2 : 3), or above it when narrow."""
    splitter = AdaptiveSplitter()
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setStretchFactor(0, 2)
    splitter.setStretchFactor(1, 3)
    left.setMinimumHeight(120)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)
    return splitter


_WORDING = ("省级", "五个基本素养", "16 项", "13 项")


def reword(root: QWidget, template) -> None:
    """Say the fixed labels of ``root`` in the words of ``template`` (Template.reword).

    Only labels, buttons and tooltips: never a field, whose text is the
    clerk's. The first text seen is kept, so switching templates rewords
    from the original."""
    # Most drafts use a template worded like the 2020 provincial plan: then a
    # root never reworded before has nothing to change, and the walk over every
    # child (a good part of opening a draft) is skipped.
    if not root.property("wordingApplied") and all(template.reword(k) == k for k in _WORDING):
        return
    root.setProperty("wordingApplied", True)
    for w in [root, *root.findChildren(QWidget)]:
        pairs = [("toolTip", "setToolTip", "wordingTip")]
        if isinstance(w, (QLabel, QAbstractButton)):
            pairs.append(("text", "setText", "wordingText"))
        for getter, setter, prop in pairs:
            source = w.property(prop)
            if source is None:
                current = getattr(w, getter)()
                if not isinstance(current, str) or not any(k in current for k in _WORDING):
                    continue
                w.setProperty(prop, current)
                source = current
            getattr(w, setter)(template.reword(source))


# What the preview pane says while it has no page to show.
PREVIEW_PREPARING = "正在生成预览…"
PREVIEW_NO_DRAFT = "打开或新建方案后，这里显示公文的预览。"
