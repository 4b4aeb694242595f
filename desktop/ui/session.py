"""The document session: opening, saving, the lock beside the file and the
recovery file, for a draft of any kind (desktop.kinds). The window shows what
the session holds; the session never builds widgets, it asks through messages.

The host (the main window) provides: ``doc`` (the open DraftDocument or None),
``set_document(doc)``, ``settings``, ``statusBar()``, the autosave timers, and
is the parent of every message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop import recovery
from desktop import settings_model as S
from desktop.errors import DesktopError
from desktop.filenames import name_problem, safe_base
from desktop.kinds import KINDS, Kind, kind_of
from desktop.storage import (
    DraftChangedOnDisk, draft_to_bytes, load_record, load_record_with_digest, prepare_to_save, save_draft,
)
from desktop.templates import Template, load_template

from . import messages
from .document import DraftDocument

# What 打开 and 另存为 offer: every kind's drafts (and hand-named .json files).
OPEN_FILTER = ("草稿 (" + " ".join(f"*{k.suffix}" for k in KINDS) + " *.json);;"
               + ";;".join(f"{k.label}草稿 (*{k.suffix})" for k in KINDS) + ";;所有文件 (*)")


def save_filter(kind: Kind) -> str:
    return f"{kind.label}草稿 (*{kind.suffix});;所有文件 (*)"


class DocumentSession(QObject):
    """Signals:
        autosaved(): the recovery file was written.
    """

    autosaved = Signal()

    def __init__(self, host: Any) -> None:
        super().__init__(host)
        self.host = host
        self.lock: recovery.DraftLock | None = None
        self.recovery = recovery.RecoveryFile()
        self.open_cancelled = False  # the clerk declined to open a draft someone else has open

    @property
    def doc(self) -> DraftDocument | None:
        doc: DraftDocument | None = self.host.doc
        return doc

    # --- documents ----------------------------------------------------------------------
    def make_document(self, record: Any, template: Template, path: Path | None) -> DraftDocument:
        prepare_to_save(record)
        return DraftDocument(record, template, path, undo_limit=self.host.settings.get(S.UNDO_LIMIT))

    def adopt(self, record: Any, template: Template, path: Path | None = None) -> DraftDocument:
        """Show a new, unsaved document (a new draft, the example, a report just drafted)."""
        self.release_lock()
        doc = self.make_document(record, template, path)
        self.host.set_document(doc)
        return doc

    def is_modified(self) -> bool:
        return self.doc is not None and (self.doc.is_modified() or self.doc.recovered)

    def name(self) -> str:
        doc = self.doc
        if doc is None:
            return ""
        return doc.path.name if doc.path else kind_of(doc.draft).untitled

    def open_path(self, path: str | Path, *, ask_save: bool = True) -> bool:
        """Open a draft file of any kind; every failure is a plain message and nothing changes."""
        path = Path(path).absolute()  # a name given on the command line: its folder is the clerk's, not "."
        if self.doc is not None and self.doc.path is not None and _same_file(self.doc.path, path):
            return True
        if ask_save and not self.maybe_save():
            return False
        settings = self.host.settings
        try:
            record, digest = load_record_with_digest(path)
            template = load_template(record.template)
        except DesktopError as err:
            messages.error(self.host, str(err))
            if not path.exists():
                settings.remove_recent(str(path))
            return False
        lock = recovery.DraftLock(path)
        other = lock.other_holder()
        if other is not None:
            answer = messages.ask(
                self.host, f"草稿“{path.name}”已被 {other.describe()} 打开。\n"
                "两人同时修改同一份草稿，后保存的会覆盖先保存的内容。是否仍要打开？",
                {"open": "仍然打开", "cancel": "取消"}, "cancel", cancel="cancel")
            if answer != "open":
                self.open_cancelled = True
                return False
        self.release_lock()
        lock.acquire()
        self.lock = lock
        doc = self.make_document(record, template, path)
        doc.disk_digest = digest
        self.host.set_document(doc)
        settings.add_recent(path)
        settings.set_value("files/last_dir", str(path.parent))
        if record.clean_notes:
            fields = "、".join(n.path for n in record.clean_notes[:5])
            messages.info(self.host,
                          f"草稿中有无法保存到公文中的控制字符，已在打开时删除（涉及：{fields}）。保存后生效。")
        return True

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> bool:
        if self.doc is None:
            return False
        if self.doc.path is None:
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        doc = self.doc
        if doc is None:
            return False
        kind = kind_of(doc.draft)
        folder = str(doc.path.parent) if doc.path else self.host.settings.value("files/last_dir")
        suggested = doc.path.name if doc.path else kind.file_name(safe_base(kind.title_of(doc.draft), kind.untitled))
        path = messages.save_path(self.host, "另存为", str(Path(folder or ".") / suggested), save_filter(kind))
        if not path:
            return False
        return self.save_to_new_path(Path(path))

    def save_to_new_path(self, path: Path) -> bool:
        doc = self.doc
        assert doc is not None
        kind = kind_of(doc.draft)
        if not path.name.lower().endswith(".json"):
            path = path.with_name(kind.file_name(path.name))
        problem = name_problem(path.name)
        if problem:  # a name that would not open on another office PC
            stem = path.name.removesuffix(".json").removesuffix(kind.suffix.removesuffix(".json"))
            safe = path.with_name(kind.file_name(safe_base(stem)))
            if safe.exists():  # the file dialog asked about the other name, not this one
                answer = messages.ask(self.host, f"{problem}，应改为“{safe.name}”，但该文件已存在。是否覆盖它？",
                                      {"overwrite": "覆盖", "cancel": "取消"}, "cancel", cancel="cancel")
                if answer != "overwrite":
                    return False
            else:
                messages.info(self.host, f"{problem}，草稿将保存为“{safe.name}”。")
            path = safe
        if doc.path is not None and _same_file(doc.path, path):
            return self._save_to(doc.path)
        if not self._save_to(path, check_disk=False):  # the file dialog asked before replacing it
            return False
        if self.lock is None or not _same_file(self.lock.draft_path, path):
            self.release_lock()
            self.lock = recovery.DraftLock(path)
            self.lock.acquire()
        doc.set_path(path)
        self.host.settings.add_recent(path)
        self.host.settings.set_value("files/last_dir", str(path.parent))
        return True

    def _save_to(self, path: Path, *, check_disk: bool = True) -> bool:
        doc = self.doc
        assert doc is not None
        expect = doc.disk_digest if check_disk and doc.path is not None else None
        first = not doc.draft.id
        try:
            digest = save_draft(doc.draft, path, expect=expect)
        except DraftChangedOnDisk as err:
            answer = messages.ask(self.host,
                                  f"{err}\n\n可以另存为新文件（两份都保留），或用窗口中的内容覆盖磁盘上的文件。",
                                  {"save_as": "另存为…", "overwrite": "覆盖磁盘上的文件", "cancel": "取消"}, "save_as",
                                  cancel="cancel")
            if answer == "save_as":
                return self.save_as()
            if answer != "overwrite":
                return False
            return self._save_to(path, check_disk=False)
        except DesktopError as err:
            messages.error(self.host, str(err))
            return False
        doc.disk_digest = digest
        doc.recovered = False
        doc.undo_stack.setClean()
        self.host.autosave_timer.stop()
        self.host.autosave_deadline.stop()
        self.recovery.discard()
        self.host.update_title()
        if first:  # drafts made before ids existed get one now (save_draft), said once
            self.host.statusBar().showMessage(f"已保存到 {path}。草稿原来没有方案编号，已生成并保存："
                                              "以后导出的台账都带有它，导回和合并时据此核对。", 12000)
        else:
            self.host.statusBar().showMessage(f"已保存到 {path}", 5000)
        return True

    def maybe_save(self) -> bool:
        """Before the draft is closed: save, discard or cancel. False = cancel."""
        if not self.is_modified():
            return True
        assert self.doc is not None
        answer = messages.ask(self.host, f"{kind_of(self.doc.draft).label}“{self.name()}”已修改，是否保存？",
                              {"save": "保存", "discard": "不保存", "cancel": "取消"}, "save", cancel="cancel")
        if answer == "save":
            return self.save()
        return answer == "discard"

    def release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # --- autosave and recovery --------------------------------------------------------------
    def autosave(self) -> bool:
        self.host.autosave_timer.stop()
        self.host.autosave_deadline.stop()
        doc = self.doc
        if doc is None:
            return False
        if not self.is_modified():
            self.recovery.discard()
            return False
        try:
            self.recovery.write(draft_to_bytes(doc.draft), doc.path, kind_of(doc.draft).title_of(doc.draft),
                                base=doc.disk_digest or "")
        except DesktopError as err:
            self.host.statusBar().showMessage(f"自动保存恢复文件失败：{err}", 8000)
            return False
        self.autosaved.emit()
        return True

    def emergency_save(self) -> None:
        """After an unexpected error: keep the draft for the next start, whatever happens next."""
        if self.is_modified():
            self.autosave()
        self.recovery.abandon()

    def offer_recovery(self) -> bool:
        """At start-up: offer drafts left behind by a session that ended abnormally.

        When the draft file was saved after the recovery file began (the work
        was saved in the end, or someone else saved the file), the recovery
        file may be the older one: the clerk is told, and can only open it as
        a copy, so neither version is lost.
        """
        recovered = False
        for entry in recovery.orphaned_entries():
            state = entry.source_state()
            if state == "changed":
                when = entry.source_modified()
                answer = messages.ask(
                    self.host, f"上次程序没有正常关闭，留下了自动保存的草稿：\n{entry.describe()}\n\n"
                    f"但在那之后，草稿文件“{entry.source}”又被保存过{f'（最后修改于 {when}）' if when else ''}，"
                    "恢复文件中的内容可能比文件中的旧。可以把恢复文件打开为一份副本再比较，两份都会保留。",
                    {"copy": "打开为副本", "discard": "丢弃恢复文件", "later": "以后再说"}, "copy", cancel="later")
            else:
                gone = "\n（原草稿文件已不存在，恢复后请保存。）" if state == "missing" else ""
                answer = messages.ask(
                    self.host, f"上次程序没有正常关闭。发现自动保存的草稿：\n{entry.describe()}{gone}\n是否恢复？",
                    {"recover": "恢复", "discard": "丢弃", "later": "以后再说"}, "recover", cancel="later")
            if answer == "discard":
                recovery.discard_entry(entry)
            elif answer in ("recover", "copy") and not recovered:
                if self.recover(entry, as_copy=answer == "copy"):
                    recovered = True
        return recovered

    def recover(self, entry: recovery.RecoveryEntry, *, as_copy: bool = False) -> bool:
        """Open a recovery file: in place of its draft, or (``as_copy``) as an
        unsaved copy whose first save asks for a new name."""
        if not self.maybe_save():
            return False
        try:
            record = load_record(entry.path)
            template = load_template(record.template)
        except DesktopError as err:
            messages.error(self.host, f"恢复失败：{err}")
            return False
        source = Path(entry.source) if entry.source and not as_copy else None
        other = recovery.DraftLock(source).other_holder() if source is not None and source.parent.is_dir() else None
        if other is not None:
            answer = messages.ask(
                self.host, f"草稿“{source.name if source else ''}”现在已被 {other.describe()} 打开。\n"
                "恢复到原文件后再保存，会覆盖对方的修改。建议恢复为副本（另存为新文件，两份都保留）。",
                {"copy": "恢复为副本", "here": "仍恢复到原文件", "cancel": "取消"}, "copy", cancel="cancel")
            if answer == "cancel":
                return False
            if answer == "copy":
                source = None
        self.release_lock()
        if source is not None and source.parent.is_dir():
            lock = recovery.DraftLock(source)
            if lock.other_holder() is None:
                lock.acquire()
                self.lock = lock
        doc = self.make_document(record, template, source if source and source.parent.is_dir() else None)
        # Saving in place must still notice a file that changed since the work began.
        doc.disk_digest = entry.base or None
        doc.recovered = True
        self.host.set_document(doc)
        self.autosave()  # our own recovery file now holds it, before the old one goes
        recovery.discard_entry(entry)
        self.host.statusBar().showMessage("已恢复自动保存的草稿，请检查后保存。", 8000)
        return True

    def close(self) -> None:
        self.release_lock()
        self.recovery.close()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
