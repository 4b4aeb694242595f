"""The main window: navigator, editors, docks, menus, files, autosave and locks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDialog, QDockWidget, QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter, QStackedWidget,
    QStyle, QWidget,
)

from desktop import APP_NAME
from desktop import settings_model as S
from desktop.errors import DesktopError
from desktop.kinds import BY_KEY, KINDS, Kind, creating_kind, kind_of
from desktop.kinds.base import resolve
from desktop.model import DEFAULT_TEMPLATE, text_places
from desktop.recovery import DraftLock, RecoveryEntry, RecoveryFile
from desktop.storage import load_record
from desktop.templates import load_template

from . import messages
from .common import PREVIEW_NO_DRAFT, PREVIEW_PREPARING
from .document import DraftDocument
from .editors import Editor
from .panels import ProblemsPanel
from .session import OPEN_FILTER, DocumentSession
from .settings import AppSettings

if TYPE_CHECKING:  # imported on first use, to keep start-up quick
    from desktop.checks import Problem

    from .export_dialog import ExportDialog
    from .preview import PreviewPanel
    from .start_page import StartPage

log = logging.getLogger("plan_drafter.ui")
_D = TypeVar("_D", bound=QDialog)

DRAFT_FILTER = OPEN_FILTER  # kept for callers that name it
CHECK_DELAY_MS = 120
# About 300 pages of text: past this the preview is rendered when asked, not at every pause in typing.
LONG_DRAFT_CHARS = 200_000

windows: list[MainWindow] = []  # open windows, for the crash handler


class MainWindow(QMainWindow):
    """Signals:
        checks_updated(): the problem list was refreshed.
        document_replaced(): a new, opened or recovered draft is now shown.
        autosaved(): the recovery file was written.
    """

    checks_updated = Signal()
    document_replaced = Signal()
    autosaved = Signal()

    def __init__(self, settings: AppSettings | None = None) -> None:
        super().__init__()
        windows.append(self)
        self.settings = settings or AppSettings()
        self.doc: DraftDocument | None = None
        self.kind: Kind = KINDS[0]  # the kind of the open document: its sections make the navigator
        self.session = DocumentSession(self)
        self.session.autosaved.connect(self._on_autosaved)
        self.problems: list[Problem] = []
        self.editors: dict[str, Editor] = {}
        self.undo_group = QUndoGroup(self)
        self.export_dialog: ExportDialog | None = None
        self.import_dialog: QDialog | None = None  # the ledger import's preview, while it is open
        self.merge_dialog: QDialog | None = None
        self.settings_dialog: QDialog | None = None
        self.guide_dialog: QDialog | None = None
        self.preview: PreviewPanel | None = None
        self._preview_enabled = True
        self._held = False  # start-up: see hold_until_painted
        self.setObjectName("MainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)

        # navigator + editors
        self.nav = QListWidget()
        self.nav.setObjectName("navigator")
        self.nav.setMinimumWidth(110)
        self.nav.setSpacing(2)
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.nav.setFont(font)
        self.stack = QStackedWidget()
        # The side panes give way before the editor does: its inputs never shrink to nothing.
        self.stack.setMinimumWidth(400)
        self._pages: dict[str, QWidget] = {}
        self._build_navigator(self.kind)
        self.nav.currentRowChanged.connect(self._on_nav_row_changed)
        # Built when first shown: a window opened on a draft never needs them.
        self._start_page: StartPage | None = None
        self._start_area: QWidget | None = None
        splitter = QSplitter()
        splitter.setObjectName("centralSplitter")
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([150, 900])
        self.setCentralWidget(splitter)

        # docks
        self.problems_panel = ProblemsPanel()
        self.problems_panel.problem_activated.connect(self.go_to_problem)
        self.problems_panel.fix_requested.connect(self.fix_problem)
        self.problems_panel.fix_all_requested.connect(self.fix_all)
        self.problems_dock = self._dock("检查结果", "problemsDock", self.problems_panel,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        from .reference_panel import ReferencePanel

        self.reference_panel = ReferencePanel()
        self.reference_panel.path_requested.connect(self._on_reference_path_requested)
        self.reference_dock = self._dock("上级方案对照", "referenceDock", self.reference_panel,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.preview_holder = QLabel(PREVIEW_PREPARING)
        self.preview_holder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_dock = self._dock("预览", "previewDock", self.preview_holder,
                                       Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.reference_dock, self.preview_dock)
        self.preview_dock.raise_()
        # Wide enough for an A4 page to be readable beside the editor.
        self.resizeDocks([self.preview_dock], [480], Qt.Orientation.Horizontal)
        self.resizeDocks([self.problems_dock], [220], Qt.Orientation.Vertical)
        self.preview_dock.visibilityChanged.connect(self._on_preview_visibility_changed)

        # status bar
        self.count_label = QLabel()
        self.count_label.setObjectName("problemCount")
        self.count_label.setContentsMargins(4, 0, 16, 0)  # clear of the size grip
        # Reserve room for four-digit counts so a changing count never gets clipped.
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance("错误 9999 · 提醒 9999") + 24)
        self.saved_label = QLabel()
        self.statusBar().addPermanentWidget(self.saved_label)
        self.statusBar().addPermanentWidget(self.count_label)

        # timers
        self.check_timer = self._timer(CHECK_DELAY_MS, self._checks_due)
        self._checks_pending = False
        self.autosave_timer = self._timer(self.settings.get(S.AUTOSAVE_MS), self.autosave)
        # The pause timer above restarts with every keystroke; this one does not,
        # so a clerk who types without pausing still has a recent recovery file.
        self.autosave_deadline = self._timer(self.settings.get(S.AUTOSAVE_MAX_MS), self.autosave)
        self.preview_timer = self._timer(self.settings.get(S.PREVIEW_DELAY_MS), self.refresh_preview)

        self._build_actions()
        self._restore_layout()
        self.nav.setCurrentRow(0)

    # --- construction ------------------------------------------------------------------
    @property
    def start_page(self) -> StartPage:
        if self._start_page is None:
            from PySide6.QtWidgets import QScrollArea

            from .start_page import StartPage

            page = StartPage()
            page.open_requested.connect(self._on_start_open)
            page.new_requested.connect(self.new_document)
            page.example_requested.connect(self.open_example)
            page.derive_requested.connect(self.new_derived)
            area = QScrollArea()  # small screens scroll it rather than grow the window
            area.setWidgetResizable(True)
            area.setFrameShape(QScrollArea.Shape.NoFrame)
            area.setWidget(page)
            self.stack.addWidget(area)
            self._start_page, self._start_area = page, area
        return self._start_page

    @property
    def start_area(self) -> QWidget:
        """The start page in its scroll area, as the editor stack shows it."""
        self.start_page  # noqa: B018 - builds both
        assert self._start_area is not None
        return self._start_area

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _timer(self, ms: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def _action(self, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip}（{QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)}）"
                              if shortcut is not None else tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        SP = QStyle.StandardPixmap
        K = QKeySequence.StandardKey
        a = self.actions_by_name = {
            "new": self._action("新建(&N)", self.new_document, K.New, SP.SP_FileIcon, "按模板和单位默认设置新建方案"),
            "open": self._action("打开(&O)…", self.open_dialog, K.Open, SP.SP_DialogOpenButton, "打开方案草稿"),
            "save": self._action("保存(&S)", self.save, K.Save, SP.SP_DialogSaveButton, "保存方案草稿"),
            "save_as": self._action("另存为(&A)…", self.save_as, "Ctrl+Shift+S", None, "把方案另存为新文件"),
            "export": self._action("导出(&E)…", self.export, "Ctrl+E", SP.SP_DialogApplyButton,
                                   "导出 Word、PDF 公文和进度台账"),
            "print": self._action("打印(&P)…", self.print_document, K.Print, None, "打印预览中的页面"),
            "close": self._action("关闭(&C)", self.show_start, "Ctrl+W", None, "关闭当前方案，回到开始页"),
            "quit": self._action("退出(&X)", self.close, "Ctrl+Q"),
            "guide": self._action("使用指南(&G)", self.show_guide, "F1", None, "五步完成实施方案"),
            "settings": self._action("单位默认设置(&D)…", self.edit_settings, None, None,
                                     "发文机关、印发机关、字体等默认值"),
            "import_ledger": self._action("导入填好的台账(&I)…", self.import_ledger, None, None,
                                          "把同事填好的台账进度导入当前方案"),
            "merge_ledgers": self._action("合并多个台账(&M)…", self.merge_ledgers, None, None,
                                          "把一个文件夹中的台账合并为一个汇总表"),
            "next_problem": self._action("下一个问题", self.next_problem, "F8", None, "转到下一个检查问题"),
            "find": self._action("查找和替换(&F)…", self.find_replace, "Ctrl+H", None,
                                 "在方案的所有栏目中查找和替换文字"),
            "about": self._action("关于(&A)", self.about),
            "from_superior": self._action("从上级文件生成(&S)…", self.new_from_superior, None, None,
                                          "把上级印发的方案（Word、PDF、文本或上级的方案草稿）生成本单位模板"),
        }
        a["find"].setShortcuts([QKeySequence("Ctrl+H"), QKeySequence(QKeySequence.StandardKey.Find)])
        self.undo_action = self.undo_group.createUndoAction(self, "撤销")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.setIcon(self.style().standardIcon(SP.SP_ArrowBack))
        self.redo_action = self.undo_group.createRedoAction(self, "重做")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.redo_action.setIcon(self.style().standardIcon(SP.SP_ArrowForward))
        a["undo"], a["redo"] = self.undo_action, self.redo_action

        bar = self.menuBar()
        m = bar.addMenu("文件(&F)")
        self.new_menu = m.addMenu("新建(&N)")
        self.new_menu.aboutToShow.connect(self._fill_new_menu)
        self._fill_new_menu()
        m.addAction(a["open"])
        self.recent_menu = m.addMenu("最近打开(&R)")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        m.addSeparator()
        m.addAction(a["save"])
        m.addAction(a["save_as"])
        m.addSeparator()
        m.addAction(a["export"])
        m.addAction(a["print"])
        m.addSeparator()
        m.addAction(a["close"])
        m.addAction(a["quit"])
        m = bar.addMenu("编辑(&E)")
        m.addAction(self.undo_action)
        m.addAction(self.redo_action)
        m.addSeparator()
        m.addAction(a["find"])
        m.addAction(a["next_problem"])
        m.addSeparator()
        m.addAction(a["settings"])
        m = bar.addMenu("台账(&L)")
        m.addAction(a["import_ledger"])
        m.addAction(a["merge_ledgers"])
        m = bar.addMenu("视图(&V)")
        for dock in (self.problems_dock, self.reference_dock, self.preview_dock):
            m.addAction(dock.toggleViewAction())
        m = bar.addMenu("帮助(&H)")
        m.addAction(a["guide"])
        m.addAction(a["about"])

        tools = self.addToolBar("常用")
        tools.setObjectName("mainToolBar")
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.setMovable(False)
        # The menu's 撤销/重做 say what they undo ("撤销修改工作目标"); beside icons on the
        # toolbar that text would change the buttons' width at every edit and move the
        # toolbar sideways, so the toolbar has its own, with the description as a tip.
        self.toolbar_undo = self._steady_twin(self.undo_action, "撤销", self.undo_group.undo,
                                              self.undo_group.canUndoChanged, self.undo_group.undoTextChanged)
        self.toolbar_redo = self._steady_twin(self.redo_action, "重做", self.undo_group.redo,
                                              self.undo_group.canRedoChanged, self.undo_group.redoTextChanged)
        for key in ("new", "open", "save", None, "undo", "redo", None, "export", "print"):
            if key is None:
                tools.addSeparator()
            else:
                tools.addAction({"undo": self.toolbar_undo, "redo": self.toolbar_redo}.get(key) or a[key])

    def _steady_twin(self, action: QAction, text: str, slot, enabled_changed, text_changed) -> QAction:
        twin = QAction(action.icon(), text, self)
        twin.triggered.connect(slot)
        twin.setEnabled(action.isEnabled())
        enabled_changed.connect(twin.setEnabled)
        text_changed.connect(lambda said: twin.setToolTip(f"{text}：{said}" if said else text))
        return twin

    def _restore_layout(self) -> None:
        geometry, layout = self.settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry() if self.screen() else None
            if screen is not None and (screen.width() < 1400 or screen.height() < 900):
                self.resize(screen.width(), screen.height())  # a small office screen: use all of it
            else:
                self.resize(1360, 860)
        if layout is not None:
            self.restoreState(layout)
        else:
            # Panes in proportion to the window: on 1024 × 768 the editor keeps half the width.
            self.resizeDocks([self.preview_dock], [max(280, min(480, self.width() * 3 // 10))],
                             Qt.Orientation.Horizontal)
            self.resizeDocks([self.problems_dock], [max(150, min(220, self.height() // 4))],
                             Qt.Orientation.Vertical)

    # --- editors -----------------------------------------------------------------------
    def _build_navigator(self, kind: Kind) -> None:
        """The navigator entries and editor pages of ``kind`` (its sections table)."""
        self.kind = kind
        self.nav.blockSignals(True)
        self.nav.clear()
        for section in kind.sections:
            item = QListWidgetItem(section.label)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setSizeHint(QSize(100, 34))
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        for page in self._pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self._pages.clear()
        self.editors.clear()
        for section in kind.sections:
            page = QWidget()
            self._pages[section.key] = page
            self.stack.insertWidget(len(self._pages) - 1, page)

    def editor(self, key: str) -> Editor:
        """The editor of a navigator entry, built the first time it is needed."""
        editor = self.editors.get(key)
        if editor is None:
            section = next(s for s in self.kind.sections if s.key == key)
            editor = resolve(section.editor)()
            editor.setObjectName(f"{key}Editor")
            self.editors[key] = editor
            page = self._pages[key]
            index = self.stack.indexOf(page)
            self.stack.removeWidget(page)
            page.deleteLater()
            self.stack.insertWidget(index, editor)
            self._pages[key] = editor
            if self.doc is not None:
                editor.set_document(self.doc)
        return editor

    def show_section(self, key: str) -> Editor:
        editor = self.editor(key)
        row = [s.key for s in self.kind.sections].index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        self.stack.setCurrentWidget(editor)
        return editor

    def current_section(self) -> str:
        return self.kind.sections[max(0, self.nav.currentRow())].key

    def _on_nav_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.kind.sections):
            self.stack.setCurrentWidget(self.editor(self.kind.sections[row].key))

    # --- documents ------------------------------------------------------------------------
    def set_document(self, doc: DraftDocument) -> None:
        old = self.doc
        if old is not None:
            self.undo_group.removeStack(old.undo_stack)
            old.document_changed.disconnect(self._on_document_changed)
            old.changed_by_undo.disconnect(self._on_changed_by_undo)
            old.undo_stack.cleanChanged.disconnect(self._update_title)
            old.path_changed.disconnect(self._update_title)
            old.deleteLater()
        self.session.recovery.discard()
        kind = kind_of(doc.draft)
        if kind is not self.kind:  # another kind of document: its own navigator and editors
            self._build_navigator(kind)
            self.nav.setCurrentRow(0)
        self.doc = doc
        doc.setParent(self)
        self.undo_group.addStack(doc.undo_stack)
        self.undo_group.setActiveStack(doc.undo_stack)
        doc.document_changed.connect(self._on_document_changed)
        doc.changed_by_undo.connect(self._on_changed_by_undo)
        doc.undo_stack.cleanChanged.connect(self._update_title)
        doc.path_changed.connect(self._update_title)
        for editor in self.editors.values():
            editor.set_document(doc)
        self.reference_dock.setWindowTitle(f"{doc.template.superior}方案对照")
        self.reference_dock.toggleViewAction().setVisible(kind.reference_pane)
        if not kind.reference_pane:
            self.reference_dock.hide()
        if self.preview is None:
            self.preview_holder.setText(PREVIEW_PREPARING)
        self.nav.setEnabled(True)
        self._set_document_actions(True)
        self.actions_by_name["import_ledger"].setEnabled(kind.keeps_ledger)
        self.stack.setCurrentWidget(self.editor(self.current_section()))
        self._update_title()
        if self._held:
            self.problems = []  # checked once the window has painted: see release_hold
        else:
            self.run_checks()
            self.preview_timer.start(0)
        self.document_replaced.emit()

    def hold_until_painted(self) -> None:
        """At start-up, until release_hold(): an opened draft is shown, but neither
        checked nor rendered for the preview.

        The first paint needs neither: the checks (importing them, running them,
        filling the problem list and the reference pane) and the render (a worker
        that would share the interpreter with the GUI thread while it builds and
        paints the window) would only delay it. The problems and the preview
        follow a moment later, without the clerk doing anything."""
        self._held = True

    def release_hold(self) -> None:
        """The window has painted: check the draft, then start its preview.

        In this order, not the other: checking is short and then done, while
        checks waiting for the render (as they do after typing) would run just
        as its page arrives, and hold it back."""
        if not self._held:
            return
        self._held = False
        if self.doc is None:
            return
        self.run_checks()
        self.refresh_preview()

    def update_title(self) -> None:
        if self.doc is None:
            self.setWindowTitle(APP_NAME)
            return
        self.setWindowTitle(f"{self.session.name()}[*] - {APP_NAME}")
        self.setWindowModified(self.is_modified())

    _update_title = update_title

    def is_modified(self) -> bool:
        return self.session.is_modified()

    # The document session (desktop/ui/session.py) opens, saves, locks and recovers.
    @property
    def lock(self) -> DraftLock | None:
        return self.session.lock

    @property
    def recovery(self) -> RecoveryFile:
        return self.session.recovery

    @property
    def open_cancelled(self) -> bool:
        return self.session.open_cancelled

    def open_path(self, path: str | Path, *, ask_save: bool = True) -> bool:
        return self.session.open_path(path, ask_save=ask_save)

    def save(self) -> bool:
        return self.session.save()

    def save_as(self) -> bool:
        return self.session.save_as()

    def save_to_new_path(self, path: Path) -> bool:
        return self.session.save_to_new_path(path)

    def maybe_save(self) -> bool:
        return self.session.maybe_save()

    def autosave(self) -> bool:
        return self.session.autosave()

    def emergency_save(self) -> None:
        self.session.emergency_save()

    def offer_recovery(self) -> bool:
        return self.session.offer_recovery()

    def recover(self, entry: RecoveryEntry, *, as_copy: bool = False) -> bool:
        return self.session.recover(entry, as_copy=as_copy)

    def _on_autosaved(self) -> None:
        self.saved_label.setText("已自动保存")
        self.autosaved.emit()

    def _on_document_changed(self) -> None:
        self.check_timer.start()
        self.autosave_timer.start()
        if not self.autosave_deadline.isActive():
            self.autosave_deadline.start()
        if self._preview_enabled:
            self.preview_timer.start()
        self._update_title()

    def _on_changed_by_undo(self, path: str) -> None:
        """Undo and redo go to what they changed, as in Word."""
        if not path:
            return
        if path.startswith("progress:"):  # a ledger cell: progress:<id>:<field>
            path = "progress." + path.split(":")[1]
        QTimer.singleShot(0, self, lambda: self.go_to_path(path))  # dropped if the window goes first

    # --- the start page ----------------------------------------------------------------------
    def show_start(self) -> bool:
        """Close the draft (asking to save) and show recent drafts, templates and the guide."""
        if not self.maybe_save():
            return False
        if self.doc is not None:
            self.undo_group.removeStack(self.doc.undo_stack)
            self.doc.document_changed.disconnect(self._on_document_changed)
            self.doc.changed_by_undo.disconnect(self._on_changed_by_undo)
            self.doc.undo_stack.cleanChanged.disconnect(self._update_title)
            self.doc.path_changed.disconnect(self._update_title)
            self.doc.deleteLater()
            self.doc = None
            self.session.recovery.discard()
            self.session.release_lock()
        self.problems = []
        self.problems_panel.clear()
        self.reference_panel.clear()
        self.count_label.setText("")
        self.preview_timer.stop()
        if self.preview is None:  # the preview module (QtPdf) stays unloaded until a draft needs it
            self.preview_holder.setText(PREVIEW_NO_DRAFT)
        else:
            self.preview.show_message(PREVIEW_NO_DRAFT)
        self.start_page.fill(self.settings.recent_files(), _templates())
        self.stack.setCurrentWidget(self.start_area)
        self.nav.setEnabled(False)
        self._set_document_actions(False)
        self.setWindowTitle(APP_NAME)
        return True

    def _set_document_actions(self, on: bool) -> None:
        for key in ("save", "save_as", "export", "print", "find", "next_problem", "import_ledger", "close"):
            self.actions_by_name[key].setEnabled(on)

    def _on_start_open(self, path: str) -> None:
        if path:
            if not self.open_path(path):
                self.start_page.fill(self.settings.recent_files(), _templates())
        else:
            self.open_dialog()

    def open_example(self) -> bool:
        """The bundled example as an unsaved copy: saving asks where."""
        from importlib import resources

        from desktop.storage import parse_record_bytes

        if not self.maybe_save():
            return False
        name = next(k.example for k in KINDS if k.example)
        try:
            data = resources.files("desktop_resources").joinpath("examples", name).read_bytes()
            record = parse_record_bytes(data, "示例草稿")
            template = load_template(record.template)
        except (DesktopError, OSError) as err:
            messages.error(self, f"无法打开示例草稿：{err}")
            return False
        self.session.adopt(record, template)
        self.statusBar().showMessage("已打开示例草稿（副本）。保存时请选择保存位置。", 8000)
        return True

    def _fill_new_menu(self) -> None:
        menu = self.new_menu
        menu.clear()
        menu.addAction(self.actions_by_name["new"])
        others = [(tid, name) for tid, name in _templates() if tid != DEFAULT_TEMPLATE]
        if others:
            menu.addSeparator()
            for tid, name in others:
                action = menu.addAction(name)
                action.triggered.connect(lambda _=False, t=tid: self.new_document(t))
        menu.addSeparator()
        menu.addAction(self.actions_by_name["from_superior"])
        for kind in KINDS:
            if kind.deriver:
                action = menu.addAction(f"{kind.new_label}（由{BY_KEY[kind.derived_from].label}起草）…")
                action.triggered.connect(lambda _=False, k=kind.key: self.new_derived(k))

    def new_from_superior(self, path: str = "") -> bool:
        """A template from a superior document, reviewed by the clerk, then a new draft from it."""
        from desktop.superior import import_superior
        from desktop.templates import save_office_template

        from .superior_dialog import SuperiorDialog

        folder = str(self.doc.path.parent) if self.doc and self.doc.path else self.settings.value("files/last_dir")
        path = path or messages.open_path(self, "选择上级文件", folder or "",
                                          "上级文件 (*.docx *.pdf *.txt *.json);;所有文件 (*)")
        if not path:
            return False
        try:
            derived = import_superior(path)
        except DesktopError as err:
            messages.error(self, str(err))
            return False
        dialog = SuperiorDialog(derived, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            data = dialog.result_data()
        finally:
            dialog.deleteLater()  # the window's child: it would stay until the window closes
        try:
            template = save_office_template(data)
        except DesktopError as err:
            messages.error(self, str(err))
            return False
        self.statusBar().showMessage(f"已保存本单位模板“{template.name}”，可在“文件 → 新建”中再次选用。", 8000)
        return self.new_document(template.id)

    def new_derived(self, key: str, source_path: str = "") -> bool:
        """A draft of kind ``key`` made from a draft of the kind it derives from (a work
        report from a plan): the open one, else the file at ``source_path`` or one asked
        for. The clerk then edits it like any draft."""
        kind = BY_KEY[key]
        source = BY_KEY[kind.derived_from]
        if not source_path and self.doc is not None and self.kind is source:
            record, template, where = self.doc.draft.copy(), self.doc.template, self.doc.path
        else:
            folder = self.settings.value("files/last_dir") or ""
            source_path = source_path or messages.open_path(
                self, f"选择{source.label}草稿", folder, f"{source.label}草稿 (*{source.suffix} *.json);;所有文件 (*)")
            if not source_path:
                return False
            try:
                record = load_record(source_path)
                template = load_template(record.template)
            except DesktopError as err:
                messages.error(self, str(err))
                return False
            if kind_of(record) is not source:
                messages.error(self, f"“{Path(source_path).name}”是{kind_of(record).label}草稿，"
                                     f"请选择一份{source.label}草稿。")
                return False
            where = Path(source_path)
        made = resolve(kind.deriver)(self, record, template, where)
        if made is None or not self.maybe_save():
            return False
        self.session.adopt(made, template)
        self.show_section(self.kind.sections[0].key)
        self.statusBar().showMessage(f"已由{source.label}起草{kind.label}，请逐项核对后保存。", 10000)
        return True

    def new_document(self, template_id: str = "") -> bool:
        """A new draft of the kind made from templates (the plan), with the office's defaults."""
        if not self.maybe_save():
            return False
        kind = creating_kind()
        try:
            template = load_template(template_id or DEFAULT_TEMPLATE)
        except DesktopError as err:
            messages.error(self, str(err))
            return False
        self.session.adopt(resolve(kind.creator)(template, self.settings.office_defaults()), template)
        self.show_section(self.kind.sections[0].key)
        return True

    def open_dialog(self) -> None:
        folder = str(self.doc.path.parent) if self.doc and self.doc.path else self.settings.value("files/last_dir")
        path = messages.open_path(self, "打开方案草稿", folder, DRAFT_FILTER)
        if path:
            self.open_path(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        if not files:
            self.recent_menu.addAction("（无）").setEnabled(False)
            return
        for i, name in enumerate(files, 1):
            action = self.recent_menu.addAction(f"&{i} {name}")
            action.triggered.connect(lambda _=False, p=name: self.open_path(p))

    # --- drag and drop --------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if _dropped_drafts(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        paths = _dropped_drafts(event)
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, self, lambda: self.open_path(paths[0]))

    # --- checks ---------------------------------------------------------------------------
    def _checks_due(self) -> None:
        """The pause after typing: check now, or after the preview's render if one
        is running (both at once share the interpreter and stall the keystrokes)."""
        if self.preview is not None and self.preview.busy:
            self._checks_pending = True
            return
        self.run_checks()

    def _run_pending_checks(self) -> None:
        if self._checks_pending and self.check_timer.isActive() is False:
            self.run_checks()

    def run_checks(self) -> None:
        from desktop import checks

        self.check_timer.stop()
        self._checks_pending = False
        if self.doc is None:
            return
        kind, record = self.kind, self.doc.draft
        self.problems = kind.run_checks(record, self.doc.template, std=self.settings.standard())
        self.problems += kind.context_checks(record, self.doc.path)
        self.problems_panel.set_problems(self.problems, kind.describe(record))
        if kind.reference_pane:
            self.reference_panel.update_from(record, self.doc.template)
        errors = sum(1 for p in self.problems if p.severity == checks.ERROR)
        warnings = len(self.problems) - errors
        self._update_nav_counts()
        if self.problems:
            self.count_label.setText(f"<span style='color:#b3261e'>错误 {errors}</span> · 提醒 {warnings}")
        else:
            self.count_label.setText("<span style='color:#1e7d32'>检查通过</span>")
        self.checks_updated.emit()

    def _update_nav_counts(self) -> None:
        """Each navigator entry shows how many errors its part has."""
        from desktop.checks import ERROR

        per: dict[str, int] = {}
        for p in self.problems:
            if p.severity == ERROR:
                key = self.kind.section_of(p.path)
                per[key] = per.get(key, 0) + 1
        for row, section in enumerate(self.kind.sections):
            key, label = section.key, section.label
            item = self.nav.item(row)
            n = per.get(key, 0)
            item.setText(f"{label}  （{n}）" if n else label)
            item.setForeground(QColor("#b3261e") if n else self.nav.palette().text().color())
            item.setToolTip(f"{label}：{n} 个错误" if n else label)

    def go_to_problem(self, problem: Problem) -> bool:
        """Show the editor holding the problem's field and focus that field."""
        return self.go_to_path(problem.path, problem.upstream_task)

    def go_to_path(self, path: str, upstream_task: int | None = None) -> bool:
        editor = self.show_section(self.kind.section_of(path))
        ok = editor.focus_path(path, upstream_task=upstream_task)
        if not ok:
            self.statusBar().showMessage("找不到该问题所在的栏目，可能已被删除。", 5000)
        return ok

    def _on_reference_path_requested(self, path: str, number) -> None:
        self.go_to_path(path, number)

    def fix_problem(self, problem: Problem) -> None:
        if self.doc is None or problem.fix is None:
            return
        from desktop.checks import RULES, apply_fix

        def fix(d: Any) -> None:  # apply_fix()'s bool is not wanted here
            apply_fix(d, problem)

        self.doc.edit_structure(f"自动修正：{RULES.get(problem.rule, problem.rule)}", fix, problem.path)
        self.run_checks()
        self.statusBar().showMessage(f"已自动修正：{RULES.get(problem.rule, problem.message)}（可撤销）", 5000)

    def fix_all(self) -> int:
        """Every safe fix (checks.SAFE_FIX_RULES) as one undo step; fixes that make
        further ones possible are followed for a few rounds. Returns how many."""
        if self.doc is None:
            return 0
        from desktop.checks import apply_fix, safe_fixes

        applied = 0
        kind, template, std = self.kind, self.doc.template, self.settings.standard()

        def fix(d: Any) -> None:
            nonlocal applied
            for _ in range(4):
                found = safe_fixes(kind.run_checks(d, template, std=std))
                if not found:
                    return
                applied += sum(1 for p in found if apply_fix(d, p))

        self.doc.edit_structure("全部修正", fix)
        self.run_checks()
        self.statusBar().showMessage(f"已修正 {applied} 处（可撤销）。", 5000)
        return applied

    def find_replace(self) -> None:
        if self.doc is None:
            return
        from .find_dialog import FindReplaceDialog

        if getattr(self, "find_dialog", None) is None:
            self.find_dialog = FindReplaceDialog(self)
        self.find_dialog.refresh()
        self.find_dialog.show()
        self.find_dialog.raise_()
        self.find_dialog.find_edit.setFocus()
        self.find_dialog.find_edit.selectAll()

    def next_problem(self) -> None:
        tree = self.problems_panel.tree
        if tree.topLevelItemCount() == 0:
            return
        current = tree.currentItem()
        row = tree.indexOfTopLevelItem(current) + 1 if current else 0
        item = tree.topLevelItem(row % tree.topLevelItemCount())
        assert item is not None  # the row is within the count
        tree.setCurrentItem(item)
        self.go_to_problem(item.data(0, Qt.ItemDataRole.UserRole))

    # --- autosave and recovery ----------------------------------------------------------------
    # --- preview, print, export ------------------------------------------------------------------
    def _on_preview_visibility_changed(self, visible: bool) -> None:
        if visible and self.doc is not None:
            self.preview_timer.start(0)

    def ensure_preview(self) -> PreviewPanel:
        if self.preview is None:
            from .preview import PreviewPanel

            self.preview = PreviewPanel()
            self.preview.print_button.clicked.connect(self.print_document)
            self.preview.refresh_button.clicked.connect(lambda: self.refresh_preview(on_request=True))
            self.preview.idle.connect(self._run_pending_checks)
            self.preview_dock.setWidget(self.preview)
            self.preview_holder.deleteLater()
        return self.preview

    def refresh_preview(self, *, on_request: bool = False) -> None:
        """Render the preview; a very long draft only when asked (``on_request``):
        a thousand-page render on every pause in typing would hold the window up."""
        self.preview_timer.stop()
        if self.doc is None or self._held or not self.preview_dock.isVisible():
            return
        preview = self.ensure_preview()
        size = sum(len(text) for _, text in text_places(self.doc.draft))
        if not on_request and size > LONG_DRAFT_CHARS:
            preview.show_paused(f"草稿很长（约 {size // 10000} 万字），预览不再随输入自动更新，"
                                "需要查看时请点预览上方的“刷新”。导出不受影响。")
            return
        preview.request(self.doc.draft, self.doc.template, self.settings.export_options())

    def print_document(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        preview = self.ensure_preview()
        if preview.page_count() <= 0 or preview.stale:  # print what the draft holds now
            self.preview_dock.show()
            self.preview_dock.raise_()
            self.refresh_preview(on_request=True)
            messages.info(self, "预览正在生成，请稍候再打印。")
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        accepted = dialog.exec() == QPrintDialog.DialogCode.Accepted
        dialog.deleteLater()  # the window's child: it would stay until the window closes
        if not accepted:
            return
        try:
            pages = preview.print_to(printer)
        except DesktopError as err:
            messages.error(self, str(err))
            return
        self.statusBar().showMessage(f"已发送 {pages} 页到打印机。", 5000)

    @staticmethod
    def _replacing(old: QDialog | None, new: _D) -> _D:
        """``new``, after deleting ``old`` (the dialog it replaces): each is the
        window's child, so otherwise every export, merge and import kept its
        dialog until the window closed. One still on screen is left alone."""
        if old is not None and old is not new and shiboken6.isValid(old) and not old.isVisible():
            old.deleteLater()
        return new

    def export(self) -> None:
        if self.doc is None:
            return
        from .export_dialog import ExportDialog

        self.run_checks()
        self.export_dialog = self._replacing(self.export_dialog, ExportDialog(self.doc, self.settings, self.problems,
                                                                              self))
        self.export_dialog.open()

    # --- ledger tools ---------------------------------------------------------------------------
    def import_ledger(self) -> None:
        if self.doc is None:
            return
        from .ledger_tools import start_import

        start_import(self)

    def show_import_plan(self, dialog: QDialog) -> None:
        """The ledger import's changes, shown before anything changes (ledger_tools.LedgerHost)."""
        self.import_dialog = self._replacing(self.import_dialog, dialog)
        dialog.open()

    def merge_ledgers(self) -> None:
        from .ledger_tools import MergeDialog

        self.merge_dialog = self._replacing(self.merge_dialog,
                                            MergeDialog(self.settings, self, self.doc.template if self.doc else None))
        self.merge_dialog.open()

    # --- settings, about ----------------------------------------------------------------------------
    def edit_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        self.settings_dialog = self._replacing(self.settings_dialog,
                                               SettingsDialog(self.settings, self))
        self.settings_dialog.accepted.connect(self._on_settings_accepted)
        self.settings_dialog.open()

    def _on_settings_accepted(self) -> None:
        self.settings.sync()
        self.autosave_timer.setInterval(self.settings.get(S.AUTOSAVE_MS))
        self.autosave_deadline.setInterval(self.settings.get(S.AUTOSAVE_MAX_MS))
        self.statusBar().showMessage("单位默认设置已保存：版式设置用于今后的导出和预览，"
                                     "机关名称等用于新建的方案。", 5000)
        self.preview_timer.start()
        self.check_timer.start()

    def show_guide(self) -> None:
        from PySide6.QtWidgets import QTextBrowser, QVBoxLayout

        from .common import ok_cancel
        from .start_page import GUIDE_HTML

        dialog = QDialog(self)
        dialog.setWindowTitle("使用指南")
        dialog.resize(620, 480)
        text = QTextBrowser(dialog)
        text.setHtml(GUIDE_HTML)
        buttons = ok_cancel(dialog)
        buttons.button(buttons.StandardButton.Cancel).hide()
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.guide_dialog = self._replacing(self.guide_dialog, dialog)
        dialog.open()

    def about(self) -> None:
        from desktop import __version__

        messages.info(self, f"{APP_NAME} {__version__}\n"
                            "按 GB/T 9704-2012《党政机关公文格式》起草、检查和导出实施方案。")

    # --- closing ------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self.session.close()
        self.check_timer.stop()
        self.autosave_timer.stop()
        self.autosave_deadline.stop()
        self.preview_timer.stop()
        if self in windows:
            windows.remove(self)
        event.accept()
        # Deleted by Qt at a quiet moment, not by Python's collector in the middle
        # of some later event (which crashed in an item view's destructor).
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)


def _templates() -> list[tuple[str, str]]:
    """(id, name) of every template: the program's own and the office's."""
    from desktop.templates import template_ids

    out = []
    for tid in template_ids():
        try:
            out.append((tid, load_template(tid).name))
        except DesktopError:
            continue
    return out


def _dropped_drafts(event) -> list[str]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile().lower().endswith(".json")]

