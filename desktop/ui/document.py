"""One open draft: the model, its undo stack and the signals the views follow.

Every edit goes through a QUndoCommand that calls ``set_value`` (one field)
or ``replace_draft`` (structural changes, restored from snapshots), which
emit the signals. Views never change the draft directly.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.model import Progress, get_path, set_path
from desktop.templates import Template

_SET_VALUE_ID = 1001


class DraftDocument(QObject):
    """The open draft.

    Signals:
        value_changed(str): one field at this path got a new value.
        structure_changed(): items were added, removed, moved or the draft replaced.
        document_changed(): anything changed (after the two above).
        path_changed(): the file the draft is saved to changed.
        changed_by_undo(str): an undo or redo changed the field or item at this path.
    """

    value_changed = Signal(str)
    structure_changed = Signal()
    document_changed = Signal()
    path_changed = Signal()
    # An undo or redo changed this path (a field, an item, or ""): the window shows it.
    changed_by_undo = Signal(str)

    def __init__(self, draft: Any, template: Template, path: Path | None = None,
                 undo_limit: int = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.draft: Any = draft  # a draft record of any kind (desktop.kinds)
        self.template = template
        self.path = Path(path) if path else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(max(0, undo_limit))
        self._merge_session = 0
        # Restored from a recovery file: unsaved although the undo stack is clean.
        self.recovered = False
        # SHA-256 of the file as last read or saved (None: not from a file), so
        # a save can tell when someone else changed the file in between.
        self.disk_digest: str | None = None

    # --- reading -------------------------------------------------------------
    def get(self, path: str) -> Any:
        if path.startswith("progress:"):
            item_id, key = _progress_address(path)
            entry = self.draft.progress.get(item_id)
            return getattr(entry, key) if entry else (None if key == "percent" else "")
        return get_path(self.draft, path)

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def set_path(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self.path_changed.emit()

    # --- changing (called by the commands) --------------------------------------
    def set_value(self, path: str, value: Any) -> None:
        if path.startswith("progress:"):
            item_id, key = _progress_address(path)
            entry = self.draft.progress.get(item_id)
            if entry is None:
                entry = self.draft.progress[item_id] = Progress()
            setattr(entry, key, value)
        else:
            set_path(self.draft, path, copy.deepcopy(value))
        self.value_changed.emit(path)
        self.document_changed.emit()

    def replace_draft(self, draft: Any) -> None:
        self.draft = draft
        self.structure_changed.emit()
        self.document_changed.emit()

    # --- editing (called by the views) ----------------------------------------
    def edit_value(self, path: str, value: Any, *, merge: bool = True, label: str = "") -> None:
        """Push a command setting one field; consecutive typing merges into one step."""
        old = self.get(path)
        if old == value:
            return
        session = self._merge_session if merge else -1
        if not merge:
            self._merge_session += 1
        self.undo_stack.push(SetValueCommand(self, path, old, value, session, label))

    def edit_structure(self, label: str, mutate: Callable[[Any], None], focus: str = "") -> None:
        """Push a snapshot command running ``mutate`` on the draft (one undo step);
        undoing it shows ``focus`` (the path of the item it changed)."""
        self.break_merge()
        self.undo_stack.push(SnapshotCommand(self, label, mutate, focus))

    def break_merge(self) -> None:
        """The next typed character starts a new undo step (focus left a field)."""
        self._merge_session += 1

    @property
    def merge_session(self) -> int:
        return self._merge_session


def progress_address(item_id: str, key: str) -> str:
    """The address of one ledger field, e.g. ``progress:t1:status``."""
    return f"progress:{item_id}:{key}"


def _progress_address(path: str) -> tuple[str, str]:
    _, rest = path.split(":", 1)
    item_id, key = rest.rsplit(":", 1)
    return item_id, key


class SetValueCommand(QUndoCommand):
    def __init__(self, doc: DraftDocument, path: str, old: Any, new: Any, session: int, label: str) -> None:
        super().__init__(f"修改{label}" if label else "修改")
        self.doc = doc
        self.path = path
        self.old = copy.deepcopy(old)
        self.new = copy.deepcopy(new)
        self.session = session
        self.pushed = False  # the first redo is the edit itself, not a redo

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _SET_VALUE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetValueCommand) or other.path != self.path:
            return False
        if self.session < 0 or other.session != self.session:
            return False
        self.new = copy.deepcopy(other.new)
        if self.new == self.old:
            self.setObsolete(True)
        return True

    def redo(self) -> None:
        self.doc.set_value(self.path, self.new)
        if self.pushed:
            self.doc.changed_by_undo.emit(self.path)
        self.pushed = True

    def undo(self) -> None:
        self.doc.set_value(self.path, self.old)
        self.doc.changed_by_undo.emit(self.path)


class SnapshotCommand(QUndoCommand):
    """A structural change: remembers the draft before and after."""

    def __init__(self, doc: DraftDocument, label: str, mutate: Callable[[Any], None], focus: str = "") -> None:
        super().__init__(label)
        self.doc = doc
        self.mutate = mutate
        self.focus = focus
        self.before: dict[str, Any] | None = None
        self.after: dict[str, Any] | None = None

    def redo(self) -> None:
        if self.after is None:
            self.before = self.doc.draft.to_dict()
            self.mutate(self.doc.draft)
            self.after = self.doc.draft.to_dict()
            self.doc.replace_draft(self.doc.draft)
        else:
            self.doc.replace_draft(_restore(self.after, self.doc.draft))
            self.doc.changed_by_undo.emit(self.focus)

    def undo(self) -> None:
        assert self.before is not None
        self.doc.replace_draft(_restore(self.before, self.doc.draft))
        self.doc.changed_by_undo.emit(self.focus)


def _restore(data: dict[str, Any], current: Any) -> Any:
    draft = type(current).from_dict(copy.deepcopy(data))
    draft.clean_notes = list(current.clean_notes)
    # The identity is not content: undoing an edit made before the first save
    # must not take away the id that save gave the draft (and its ledgers).
    draft.id = current.id or draft.id
    return draft
