"""Input widgets bound to one path of the draft.

A field shows the value at its path and turns every user edit into a command
on the document; when the document changes (undo, redo, automatic fix) the
binder reloads the fields showing that path. The widgets' own undo is
switched off so that Ctrl+Z always reaches the document's stack.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QCalendarWidget, QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QMenu, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget, QWidgetAction,
)

from desktop import official
from desktop.textclean import LONG_PARAGRAPH_CHARS, longest_paragraph, split_long_paragraphs

from .document import DraftDocument


# The window's own shortcuts that a one-line field would otherwise take for itself
# (on Linux, QLineEdit keeps Emacs keys: Ctrl+E is end of line, Ctrl+H backspace).
_WINDOW_KEYS = frozenset(QKeySequence(k) for k in ("Ctrl+E", "Ctrl+H", "Ctrl+P", "Ctrl+N", "Ctrl+O", "Ctrl+S",
                                                   "Ctrl+Shift+S", "Ctrl+W", "Ctrl+Q", "Ctrl+F", "F1", "F8"))


class _KeyFilter(QObject):
    """Lets Ctrl+Z/Ctrl+Y reach the window's actions and ends a typing step on focus loss."""

    def __init__(self, binder: Binder) -> None:
        super().__init__(binder)
        self.binder = binder

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo) \
                    or QKeySequence(event.keyCombination()) in _WINDOW_KEYS:
                event.ignore()
                return True
        elif kind == QEvent.Type.FocusOut and self.binder.doc is not None:
            self.binder.doc.break_merge()
        return False


class Binder(QObject):
    """Connects fields to the document's ``value_changed`` signal."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc: DraftDocument | None = None
        self.fields: list[Field] = []
        self.key_filter = _KeyFilter(self)

    def set_document(self, doc: DraftDocument) -> None:
        if self.doc is not None:
            self.doc.value_changed.disconnect(self._on_doc_value_changed)
        self.doc = doc
        doc.value_changed.connect(self._on_doc_value_changed)

    def add(self, field: Field) -> Field:
        self.fields.append(field)
        field.binder = self
        for widget in field.filtered_widgets():
            widget.installEventFilter(self.key_filter)
        return field

    def load_all(self) -> None:
        for field in self.fields:
            field.load()

    def find(self, path: str) -> Field | None:
        return next((f for f in self.fields if f.path == path and f.isVisibleTo(f.window())), None) or \
            next((f for f in self.fields if f.path == path), None)

    def _on_doc_value_changed(self, path: str) -> None:
        for field in self.fields:
            if field.path == path:
                field.load()


class Field(QWidget):
    """Base: a widget showing ``path``; subclasses implement show_value/focus target."""

    def __init__(self, label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: str | None = None
        self.label = label
        self.binder: Binder | None = None
        self._loading = False
        self._committing = False

    def bind(self, path: str | None) -> None:
        self.path = path
        self.setEnabled(path is not None)
        self.load()

    def load(self) -> None:
        if self._committing or self.binder is None or self.binder.doc is None or self.path is None:
            return  # the document is taking this field's own edit: it shows the value already
        try:
            value = self.binder.doc.get(self.path)
        except (IndexError, KeyError, AttributeError):
            return
        self._loading = True
        try:
            self.show_value(value)
        finally:
            self._loading = False

    def commit(self, value: Any, *, merge: bool = True) -> None:
        if self._loading or self.binder is None or self.binder.doc is None or self.path is None:
            return
        self._committing = True
        try:
            self.binder.doc.edit_value(self.path, value, merge=merge, label=self.label)
        finally:
            self._committing = False

    def show_value(self, value: Any) -> None:
        raise NotImplementedError

    def filtered_widgets(self) -> list[QWidget]:
        return [self.focusProxy() or self]

    def focus_field(self) -> None:
        target = self.focusProxy() or self
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def highlight(self, text: str) -> None:
        """Select the first ``text`` shown (after 查找); fields without text ignore it."""


class LineField(Field):
    def __init__(self, label: str = "", placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(lambda text: self.commit(text))

    def show_value(self, value: Any) -> None:
        text = value if isinstance(value, str) else ""
        if self.edit.text() != text:
            self.edit.setText(text)

    def highlight(self, text: str) -> None:
        at = self.edit.text().find(text) if text else -1
        if at >= 0:
            self.edit.setSelection(at, len(text))


class TextField(Field):
    """Long text: paragraphs separated by line breaks, soft-wrapped."""

    def __init__(self, label: str = "", placeholder: str = "", lines: int = 4,
                 parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setUndoRedoEnabled(False)
        self.edit.setTabChangesFocus(True)
        self.edit.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.edit.setPlaceholderText(placeholder)
        line_h = self.edit.fontMetrics().lineSpacing()
        self.edit.setMinimumHeight(int(line_h * lines + 14))
        self.expand = QToolButton(self)
        self.expand.setText("放大编辑")
        self.expand.setToolTip("在大窗口中编辑这段文字")
        self.expand.clicked.connect(self.open_large_editor)
        self.large_editor: tuple[QWidget, QPlainTextEdit] | None = None  # while the big editor is open
        self.count = QLabel(self)
        self.count.setStyleSheet("color: #5f6368;")
        self.too_long: QWidget | None = None  # shown while a paragraph is too long to edit here
        self.too_long_note: QLabel | None = None
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.expand)
        side.addWidget(self.count)
        side.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addLayout(side)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.addLayout(row)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._on_edit_text_changed)

    def _on_edit_text_changed(self) -> None:
        text = self.edit.toPlainText()  # once: a copy of the whole text each time
        self.count.setText(f"{len(text)} 字")
        if not self._loading:
            self.commit(text)
            if self.edit.textCursor().block().length() > LONG_PARAGRAPH_CHARS:  # a paste just made one
                self._guard(text)

    def _guard(self, text: str) -> None:
        """A paragraph too long for Qt to lay out at every keystroke makes the field
        read-only, with a note saying why and a way out (undo, or split it)."""
        longest = longest_paragraph(text)
        too_long = longest > LONG_PARAGRAPH_CHARS
        if too_long and self.too_long is None:
            self.too_long = QWidget(self)
            note = self.too_long_note = QLabel(self.too_long)
            note.setWordWrap(True)
            note.setStyleSheet("color: #b3261e;")
            split = QToolButton(self.too_long)
            split.setText("按句分段")
            split.setToolTip("在句号等处把过长的段落分成约 2000 字一段，可撤销")
            split.clicked.connect(self._split_long_paragraphs)
            box = QHBoxLayout(self.too_long)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(note, 1)
            box.addWidget(split)
            self.column.addWidget(self.too_long)
        if self.too_long is not None and self.too_long_note is not None:
            self.too_long_note.setText(
                f"这一栏中有一段长达 {longest} 字（多为误粘贴），在这里直接修改会非常慢，已暂设为只读。"
                "可以撤销（Ctrl+Z）那次粘贴，或点“按句分段”把它分成多段后再修改。")
            self.too_long.setVisible(too_long)
        self.edit.setReadOnly(too_long)

    def _split_long_paragraphs(self) -> None:
        if self.path is not None and self.binder is not None and self.binder.doc is not None:
            self.binder.doc.edit_value(self.path, split_long_paragraphs(self.edit.toPlainText()), merge=False,
                                       label=f"{self.label}（按句分段）")

    def highlight(self, text: str) -> None:
        if not text:
            return
        cursor = self.edit.textCursor()
        start = self.edit.toPlainText().find(text, cursor.selectionEnd())
        if start < 0:
            start = self.edit.toPlainText().find(text)
        if start >= 0:
            cursor.setPosition(start)
            cursor.setPosition(start + len(text), cursor.MoveMode.KeepAnchor)
            self.edit.setTextCursor(cursor)
            self.edit.ensureCursorVisible()

    def open_large_editor(self) -> None:
        """A large window for long text; its result is one undo step."""
        from PySide6.QtWidgets import QDialog

        from .common import ok_cancel

        dialog = QDialog(self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # each use made one more, kept with its text
        dialog.setWindowTitle(f"编辑：{self.label}")
        dialog.resize(900, 640)
        edit = QPlainTextEdit(dialog)
        edit.setPlainText(self.edit.toPlainText())
        font = edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        edit.setFont(font)
        buttons = ok_cancel(dialog)
        layout = QVBoxLayout(dialog)
        layout.addWidget(edit)
        layout.addWidget(buttons)
        self.large_editor = (dialog, edit)

        def done(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and self.path is not None and self.binder and self.binder.doc:
                self.binder.doc.edit_value(self.path, edit.toPlainText(), merge=False, label=self.label)
            self.large_editor = None

        dialog.finished.connect(done)
        dialog.open()

    def show_value(self, value: Any) -> None:
        text = value if isinstance(value, str) else ""
        if self.edit.toPlainText() == text:
            return
        cursor = self.edit.textCursor()
        pos = cursor.position()
        self._guard(text)
        self.edit.setPlainText(text)
        cursor = self.edit.textCursor()
        cursor.setPosition(min(pos, len(text)))
        self.edit.setTextCursor(cursor)


class DateField(Field):
    """ISO date text with a calendar button and the official rendering beside it."""

    def __init__(self, label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("如 2020-05-12 或 2020年5月12日")
        self.edit.setMinimumWidth(110)
        self.edit.setMaximumWidth(170)
        self.pick = QToolButton(self)
        self.pick.setText("选择日期")
        self.pick.setToolTip("在日历中选择日期")
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.pick)
        self._calendar: QCalendarWidget | None = None  # see calendar
        self.pick.setMenu(menu)
        menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.shown = QLabel(self)
        self.shown.setWordWrap(True)  # beside the date when there is room, wrapped when narrow
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.pick)
        layout.addWidget(self.shown, 1)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(lambda text: self.commit(text.strip()))
        self.edit.editingFinished.connect(self._normalise)

    @property
    def calendar(self) -> QCalendarWidget:
        """The calendar in the button's menu, made when the menu first opens
        (it fills itself in just before showing): the window has many date
        fields, few are ever picked from, and each calendar is a whole table
        of widgets to build before the first paint."""
        if self._calendar is None:
            menu = self.pick.menu()
            # Parented from the start: an unparented calendar is Python's to delete, and
            # the action deleted it again when the window went (a crash after the window closed).
            calendar = QCalendarWidget(menu)
            calendar.setGridVisible(True)
            action = QWidgetAction(menu)
            action.setDefaultWidget(calendar)
            menu.addAction(action)
            calendar.clicked.connect(self._on_calendar_clicked)
            self._calendar = calendar
        return self._calendar

    def _normalise(self) -> None:
        """A date typed as people write it (2020年6月1日, 2020/11/30) is kept as 2020-06-01."""
        text = self.edit.text().strip()
        iso = official.iso_date_from_text(text)
        if iso and iso != text:
            self.edit.setText(iso)
            self.commit(iso)

    def _on_menu_about_to_show(self) -> None:
        d = official.parse_iso_date(official.iso_date_from_text(self.edit.text()) or "")
        if d:
            self.calendar.setSelectedDate(QDate(d.year, d.month, d.day))
            return
        # Nothing yet: open in the plan's year (a 2020 plan is filled in long after 2020).
        today = QDate.currentDate()
        doc = self.binder.doc if self.binder else None
        year = getattr(getattr(doc, "template", None), "year", None)
        if isinstance(year, int) and year != today.year():
            first = QDate(year, today.month(), 1)
            self.calendar.setSelectedDate(first.addDays(min(today.day(), first.daysInMonth()) - 1))
        else:
            self.calendar.setSelectedDate(today)

    def _on_calendar_clicked(self, date: QDate) -> None:
        self.pick.menu().hide()
        text = date.toString("yyyy-MM-dd")
        self.edit.setText(text)
        self.commit(text, merge=False)
        self._update_shown(text)

    def show_value(self, value: Any) -> None:
        text = value if isinstance(value, str) else ""
        if self.edit.text() != text:
            self.edit.setText(text)
        self._update_shown(text)

    def _update_shown(self, text: str) -> None:
        text = text.strip()
        iso = official.iso_date_from_text(text) if text else None
        if not text:
            self.shown.setText("")
        elif iso:
            self.shown.setText(f"即 {official.official_date(iso)}")
            self.shown.setToolTip("公文中的写法")
            self.shown.setStyleSheet("")
        else:
            self.shown.setText("日期无效，可写作 2020-05-12 或 2020年5月12日")
            self.shown.setStyleSheet("color: #b3261e;")

    def load(self) -> None:
        super().load()
        if self.path is None:
            self._update_shown("")

    def commit(self, value: Any, *, merge: bool = True) -> None:
        self._update_shown(value)
        super().commit(value, merge=merge)


class ChoiceField(Field):
    """A fixed choice; ``options`` are (stored value, label)."""

    def __init__(self, label: str, options: list[tuple[str, str]], editable: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.options = options
        self.combo = QComboBox(self)
        self.combo.setEditable(editable)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(max(len(t) for _, t in options) + 1)
        for value, text in options:
            self.combo.addItem(text, value)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.setFocusProxy(self.combo)
        self.combo.activated.connect(self._on_combo_activated)
        line = self.combo.lineEdit() if editable else None
        if line is not None:
            line.textEdited.connect(lambda text: self.commit(text))

    def set_options(self, options: list[tuple[str, str]]) -> None:
        """Other choices (a template's statuses), keeping the value shown."""
        if options == self.options:
            return
        self.options = options
        self.combo.clear()
        for value, text in options:
            self.combo.addItem(text, value)
        self.load()

    def _on_combo_activated(self, index: int) -> None:
        value = self.combo.itemData(index)
        self.commit(value if value is not None else self.combo.itemText(index), merge=False)

    def show_value(self, value: Any) -> None:
        text = value if isinstance(value, str) else ""
        index = self.combo.findData(text)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        elif self.combo.isEditable():
            self.combo.setEditText(text)


class PercentField(Field):
    """A completion rate 0–100 (blank: not given); what is not a number is not taken."""

    def __init__(self, label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("0–100")
        self.edit.setMaximumWidth(90)
        self.unit = QLabel("%", self)
        self.note = QLabel(self)
        self.note.setStyleSheet("color: #b3261e;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.edit, self.unit, self.note):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._on_text_edited)

    def _on_text_edited(self, text: str) -> None:
        text = text.strip().rstrip("%％").strip()
        if not text:
            self.note.setText("")
            self.commit(None)
            return
        try:
            value = float(text)
        except ValueError:
            self.note.setText("请填写 0–100 的数字")
            return
        if not 0 <= value <= 100:
            self.note.setText("应在 0–100 之间")
            return
        self.note.setText("")
        self.commit(int(value) if value.is_integer() else value)

    def show_value(self, value: Any) -> None:
        text = f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
        if self.edit.text() != text:
            self.edit.setText(text)
        self.note.setText("")


class ListField(Field):
    """An ordered list of names (issuers, units) with add/remove/up/down."""

    changed_by_user = Signal()

    def __init__(self, label: str = "", hint: str = "", rows: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.list = QListWidget(self)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setToolTip(hint or "双击修改；可拖动调整顺序")
        row_h = self.list.fontMetrics().lineSpacing() + 8
        self.list.setMinimumHeight(row_h * rows + 6)
        self.list.setMaximumHeight(row_h * max(rows, 6) + 6)
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons = {}
        for key, text, tip in (("add", "添加", "在末尾添加一项"), ("remove", "删除", "删除选中项"),
                               ("up", "上移", "选中项上移"), ("down", "下移", "选中项下移")):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(52)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.list)
        self.buttons["add"].clicked.connect(self.add_item)
        self.buttons["remove"].clicked.connect(self.remove_item)
        self.buttons["up"].clicked.connect(lambda: self.move_item(-1))
        self.buttons["down"].clicked.connect(lambda: self.move_item(1))
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self.list.itemDelegate().closeEditor.connect(self._drop_empty_rows)

    def _drop_empty_rows(self, *_args: Any) -> None:
        """A row added and left empty (Esc, or a click elsewhere) goes away."""
        self._loading = True
        for i in reversed(range(self.list.count())):
            if not self.list.item(i).text().strip():
                self.list.takeItem(i)
        self._loading = False

    def values(self) -> list[str]:
        """The entries as stored: a row left empty is not one."""
        texts = (self.list.item(i).text().strip() for i in range(self.list.count()))
        return [t for t in texts if t]

    def show_value(self, value: Any) -> None:
        values = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        if self.values() == values:
            return
        row = self.list.currentRow()
        self.list.clear()
        for text in values:
            self._append(text)
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)

    def _item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled)
        return item

    def _append(self, text: str) -> QListWidgetItem:
        item = self._item(text)
        self.list.addItem(item)
        return item

    def _store(self) -> None:
        self.commit(self.values(), merge=False)

    def add_item(self) -> None:
        self._loading = True
        item = self._append("")
        self._loading = False
        self.list.setCurrentItem(item)
        self.list.editItem(item)

    def set_values(self, values: list[str]) -> None:
        """Replace the list (a paste, or a dialog's initial values); bound: one undo step."""
        values = [v.strip() for v in values if v.strip()]
        self._loading = True
        self.show_value(values)
        self._loading = False
        self.commit(values, merge=False)

    def remove_item(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self.list.takeItem(row)
        self._store()

    def move_item(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.list.count():
            return
        self._loading = True
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self._loading = False
        self._store()

    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        parts = _lines(item.text())
        if len(parts) > 1:  # names pasted from Word, one a line: one entry each (one undo step)
            self._loading = True
            row = self.list.row(item)
            item.setText(parts[0])
            for k, text in enumerate(parts[1:], 1):
                self.list.insertItem(row + k, self._item(text))
            self._loading = False
        elif not parts:  # an entry left or made empty is removed, not saved as ""
            self._loading = True
            self.list.takeItem(self.list.row(item))
            self._loading = False
        self._store()

    def paste_lines(self, text: str) -> None:
        """Ctrl+V on the list: each line of the clipboard becomes an entry after the current one."""
        parts = _lines(text)
        if not parts:
            return
        row = self.list.currentRow() + 1 if self.list.currentRow() >= 0 else self.list.count()
        self._loading = True
        for k, name in enumerate(parts):
            self.list.insertItem(row + k, self._item(name))
        self.list.setCurrentRow(row + len(parts) - 1)
        self._loading = False
        self._store()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.matches(QKeySequence.StandardKey.Paste):
            from PySide6.QtGui import QGuiApplication

            self.paste_lines(QGuiApplication.clipboard().text())
            return
        super().keyPressEvent(event)

    def _on_rows_moved(self, *args: Any) -> None:
        if not self._loading:
            self._store()


def _lines(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[\r\n\u2028\u2029\v\f]+", text) if p.strip()]


class NumberPicker(Field):
    """Checkable list of provincial items (tasks or activities) an item answers."""

    def __init__(self, label: str, entries: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.entries = entries
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        self.setFocusProxy(self.list)
        self.list.itemChanged.connect(self._on_item_changed)
        self._fill([])

    def _fill(self, checked: list[int]) -> None:
        self.list.clear()
        known = {n for n, _ in self.entries}
        rows = list(self.entries) + [(n, "（模板中不存在此编号）") for n in checked if n not in known]
        for number, text in rows:
            item = QListWidgetItem(f"{number}. {text}")
            item.setData(Qt.ItemDataRole.UserRole, number)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if number in checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)

    def checked(self) -> list[int]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_checked(self, number: int, on: bool) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == number:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def show_value(self, value: Any) -> None:
        numbers = [v for v in value if isinstance(v, int)] if isinstance(value, list) else []
        if sorted(self.checked()) == sorted(numbers) and self.list.count() >= len(self.entries):
            return
        self._fill(numbers)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        current = self.binder.doc.get(self.path) if self.binder and self.binder.doc and self.path else []
        checked = set(self.checked())
        # Keep the draft's order for numbers already there; append new ones.
        ordered = [n for n in current if n in checked] + sorted(n for n in checked if n not in current)
        self.commit(ordered, merge=False)
        if not item.checkState() == Qt.CheckState.Checked and \
                item.data(Qt.ItemDataRole.UserRole) not in {n for n, _ in self.entries}:
            self._loading = True
            self.list.takeItem(self.list.row(item))
            self._loading = False
