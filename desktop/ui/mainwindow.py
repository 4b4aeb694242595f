"""The main window: navigator, editors, docks, menus, files, autosave and locks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import shiboken6

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDialog, QDockWidget, QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter, QStackedWidget,
    QStyle, QWidget,
)

from desktop import APP_NAME, recovery
from desktop import settings_model as S
from desktop.errors import DesktopError
from desktop.model import DEFAULT_TEMPLATE, Draft
from desktop.storage import DraftChangedOnDisk, draft_to_bytes, load_draft, load_draft_with_digest, save_draft
from desktop.templates import Template, load_template

from . import messages
from .common import PREVIEW_NO_DRAFT, PREVIEW_PREPARING
from .document import DraftDocument
from .editors import ActivitiesEditor, Editor, GoalsEditor, LedgerEditor, NoticeEditor, RequirementsEditor, TasksEditor
from .locations import SECTIONS, section_of
from .panels import ProblemsPanel, ReferencePanel
from .settings import AppSettings

if TYPE_CHECKING:  # imported on first use, to keep start-up quick
    from desktop.checks import Problem

    from .export_dialog import ExportDialog
    from .preview import PreviewPanel
    from .start_page import StartPage

log = logging.getLogger("plan_drafter.ui")
_D = TypeVar("_D", bound=QDialog)

DRAFT_FILTER = "方案草稿 (*.plan.json *.json);;所有文件 (*)"
_EDITORS = {"notice": NoticeEditor, "goals": GoalsEditor, "tasks": TasksEditor, "requirements": RequirementsEditor,
            "activities": ActivitiesEditor, "ledger": LedgerEditor}
CHECK_DELAY_MS = 120

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
        self.lock: recovery.DraftLock | None = None
        self.recovery = recovery.RecoveryFile()
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
        self.open_cancelled = False  # the clerk declined to open a draft someone else has open
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
        for key, label in SECTIONS:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(100, 34))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        # The side panes give way before the editor does: its inputs never shrink to nothing.
        self.stack.setMinimumWidth(400)
        self._pages: dict[str, QWidget] = {}
        for key, _ in SECTIONS:
            page = QWidget()
            self._pages[key] = page
            self.stack.addWidget(page)
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
        self.problems_dock = self._dock("检查结果", "problemsDock", self.problems_panel,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
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
        for key in ("new", "open", "save", None, "undo", "redo", None, "export", "print"):
            if key is None:
                tools.addSeparator()
            else:
                tools.addAction(a[key])

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
    def editor(self, key: str) -> Editor:
        """The editor of a navigator entry, built the first time it is needed."""
        editor = self.editors.get(key)
        if editor is None:
            editor = _EDITORS[key]()
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
        row = [k for k, _ in SECTIONS].index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        self.stack.setCurrentWidget(editor)
        return editor

    def current_section(self) -> str:
        return SECTIONS[max(0, self.nav.currentRow())][0]

    def _on_nav_row_changed(self, row: int) -> None:
        if row >= 0:
            key = SECTIONS[row][0]
            self.stack.setCurrentWidget(self.editor(key))

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
        self.recovery.discard()
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
        if self.preview is None:
            self.preview_holder.setText(PREVIEW_PREPARING)
        self.nav.setEnabled(True)
        self._set_document_actions(True)
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

    def _make_document(self, draft: Draft, template: Template, path: Path | None) -> DraftDocument:
        return DraftDocument(draft, template, path, undo_limit=self.settings.get(S.UNDO_LIMIT))

    def _update_title(self) -> None:
        if self.doc is None:
            self.setWindowTitle(APP_NAME)
            return
        name = self.doc.path.name if self.doc.path else "未命名方案"
        self.setWindowTitle(f"{name}[*] - {APP_NAME}")
        self.setWindowModified(self.is_modified())

    def is_modified(self) -> bool:
        return self.doc is not None and (self.doc.is_modified() or self.doc.recovered)

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
            self.recovery.discard()
            self._release_lock()
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

        from desktop.storage import parse_draft_bytes

        if not self.maybe_save():
            return False
        try:
            data = resources.files("desktop_resources").joinpath("examples", "foshan-2020.plan.json").read_bytes()
            draft = parse_draft_bytes(data, "示例草稿")
            template = load_template(draft.template)
        except (DesktopError, OSError) as err:
            messages.error(self, f"无法打开示例草稿：{err}")
            return False
        self._release_lock()
        self.set_document(self._make_document(draft, template, None))
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

    def new_document(self, template_id: str = "") -> bool:
        if not self.maybe_save():
            return False
        from desktop.drafting import new_draft

        try:
            template = load_template(template_id or DEFAULT_TEMPLATE)
        except DesktopError as err:
            messages.error(self, str(err))
            return False
        self._release_lock()
        self.set_document(self._make_document(new_draft(template, self.settings.office_defaults()), template, None))
        self.show_section("notice")
        return True

    def open_dialog(self) -> None:
        folder = str(self.doc.path.parent) if self.doc and self.doc.path else self.settings.value("files/last_dir")
        path = messages.open_path(self, "打开方案草稿", folder, DRAFT_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, *, ask_save: bool = True) -> bool:
        """Open a draft file; every failure is a plain message and nothing changes."""
        path = Path(path)
        if self.doc is not None and self.doc.path is not None and _same_file(self.doc.path, path):
            return True
        if ask_save and not self.maybe_save():
            return False
        try:
            draft, digest = load_draft_with_digest(path)
            template = load_template(draft.template)
        except DesktopError as err:
            messages.error(self, str(err))
            if not path.exists():
                self.settings.remove_recent(str(path))
            return False
        lock = recovery.DraftLock(path)
        other = lock.other_holder()
        if other is not None:
            answer = messages.ask(
                self, f"草稿“{path.name}”已被 {other.describe()} 打开。\n"
                "两人同时修改同一份草稿，后保存的会覆盖先保存的内容。是否仍要打开？",
                {"open": "仍然打开", "cancel": "取消"}, "cancel", cancel="cancel")
            if answer != "open":
                self.open_cancelled = True
                return False
        self._release_lock()
        lock.acquire()
        self.lock = lock
        doc = self._make_document(draft, template, path)
        doc.disk_digest = digest
        self.set_document(doc)
        self.settings.add_recent(path)
        self.settings.set_value("files/last_dir", str(path.parent))
        if draft.clean_notes:
            fields = "、".join(n.path for n in draft.clean_notes[:5])
            messages.info(self, f"草稿中有无法保存到公文中的控制字符，已在打开时删除（涉及：{fields}）。保存后生效。")
        return True

    def save(self) -> bool:
        if self.doc is None:
            return False
        if self.doc.path is None:
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        if self.doc is None:
            return False
        folder = str(self.doc.path.parent) if self.doc.path else self.settings.value("files/last_dir")
        suggested = self.doc.path.name if self.doc.path else f"{self.doc.draft.plan.title.strip() or '方案'}.plan.json"
        path = messages.save_path(self, "另存为", str(Path(folder or ".") / suggested), DRAFT_FILTER)
        if not path:
            return False
        return self.save_to_new_path(Path(path))

    def save_to_new_path(self, path: Path) -> bool:
        assert self.doc is not None
        if not path.name.lower().endswith(".json"):
            path = path.with_name(path.name + ".plan.json")
        if self.doc.path is not None and _same_file(self.doc.path, path):
            return self._save_to(self.doc.path)
        if not self._save_to(path, check_disk=False):  # the file dialog asked before replacing it
            return False
        if self.lock is None or not _same_file(self.lock.draft_path, path):
            self._release_lock()
            self.lock = recovery.DraftLock(path)
            self.lock.acquire()
        self.doc.set_path(path)
        self.settings.add_recent(path)
        self.settings.set_value("files/last_dir", str(path.parent))
        return True

    def _save_to(self, path: Path, *, check_disk: bool = True) -> bool:
        assert self.doc is not None
        expect = self.doc.disk_digest if check_disk and self.doc.path is not None else None
        try:
            digest = save_draft(self.doc.draft, path, expect=expect)
        except DraftChangedOnDisk as err:
            answer = messages.ask(self, f"{err}\n\n可以另存为新文件（两份都保留），或用窗口中的内容覆盖磁盘上的文件。",
                                  {"save_as": "另存为…", "overwrite": "覆盖磁盘上的文件", "cancel": "取消"}, "save_as",
                                  cancel="cancel")
            if answer == "save_as":
                return self.save_as()
            if answer != "overwrite":
                return False
            return self._save_to(path, check_disk=False)
        except DesktopError as err:
            messages.error(self, str(err))
            return False
        self.doc.disk_digest = digest
        self.doc.recovered = False
        self.doc.undo_stack.setClean()
        self.autosave_timer.stop()
        self.autosave_deadline.stop()
        self.recovery.discard()
        self._update_title()
        self.statusBar().showMessage(f"已保存到 {path}", 5000)
        return True

    def maybe_save(self) -> bool:
        """Before the draft is closed: save, discard or cancel. False = cancel."""
        if not self.is_modified():
            return True
        name = self.doc.path.name if self.doc and self.doc.path else "未命名方案"
        answer = messages.ask(self, f"方案“{name}”已修改，是否保存？",
                              {"save": "保存", "discard": "不保存", "cancel": "取消"}, "save", cancel="cancel")
        if answer == "save":
            return self.save()
        return answer == "discard"

    def _release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

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
        self.problems = checks.run_checks(self.doc.draft, self.doc.template, std=self.settings.standard())
        self.problems_panel.set_problems(self.problems, self.doc.draft)
        self.reference_panel.update_from(self.doc.draft, self.doc.template)
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
                key = section_of(p.path)
                per[key] = per.get(key, 0) + 1
        for row, (key, label) in enumerate(SECTIONS):
            item = self.nav.item(row)
            n = per.get(key, 0)
            item.setText(f"{label}  （{n}）" if n else label)
            item.setForeground(QColor("#b3261e") if n else self.nav.palette().text().color())
            item.setToolTip(f"{label}：{n} 个错误" if n else label)

    def go_to_problem(self, problem: Problem) -> bool:
        """Show the editor holding the problem's field and focus that field."""
        return self.go_to_path(problem.path, problem.upstream_task)

    def go_to_path(self, path: str, upstream_task: int | None = None) -> bool:
        editor = self.show_section(section_of(path))
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

        def fix(d: Draft) -> None:  # apply_fix()'s bool is not wanted here
            apply_fix(d, problem)

        self.doc.edit_structure(f"自动修正：{RULES.get(problem.rule, problem.rule)}", fix, problem.path)
        self.run_checks()
        self.statusBar().showMessage(f"已自动修正：{RULES.get(problem.rule, problem.message)}（可撤销）", 5000)

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
    def autosave(self) -> bool:
        self.autosave_timer.stop()
        self.autosave_deadline.stop()
        if self.doc is None:
            return False
        if not self.is_modified():
            self.recovery.discard()
            return False
        try:
            self.recovery.write(draft_to_bytes(self.doc.draft), self.doc.path, self.doc.draft.plan.title,
                                base=self.doc.disk_digest or "")
        except DesktopError as err:
            self.statusBar().showMessage(f"自动保存恢复文件失败：{err}", 8000)
            return False
        self.saved_label.setText("已自动保存")
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
                    self, f"上次程序没有正常关闭，留下了自动保存的草稿：\n{entry.describe()}\n\n"
                    f"但在那之后，草稿文件“{entry.source}”又被保存过{f'（最后修改于 {when}）' if when else ''}，"
                    "恢复文件中的内容可能比文件中的旧。可以把恢复文件打开为一份副本再比较，两份都会保留。",
                    {"copy": "打开为副本", "discard": "丢弃恢复文件", "later": "以后再说"}, "copy", cancel="later")
            else:
                gone = "\n（原草稿文件已不存在，恢复后请保存。）" if state == "missing" else ""
                answer = messages.ask(
                    self, f"上次程序没有正常关闭。发现自动保存的草稿：\n{entry.describe()}{gone}\n是否恢复？",
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
            draft = load_draft(entry.path)
            template = load_template(draft.template)
        except DesktopError as err:
            messages.error(self, f"恢复失败：{err}")
            return False
        source = Path(entry.source) if entry.source and not as_copy else None
        self._release_lock()
        if source is not None and source.parent.is_dir():
            lock = recovery.DraftLock(source)
            if lock.other_holder() is None:
                lock.acquire()
                self.lock = lock
        doc = self._make_document(draft, template, source if source and source.parent.is_dir() else None)
        # Saving in place must still notice a file that changed since the work began.
        doc.disk_digest = entry.base or None
        doc.recovered = True
        self.set_document(doc)
        self.autosave()  # our own recovery file now holds it, before the old one goes
        recovery.discard_entry(entry)
        self.statusBar().showMessage("已恢复自动保存的草稿，请检查后保存。", 8000)
        return True

    # --- preview, print, export ------------------------------------------------------------------
    def _on_preview_visibility_changed(self, visible: bool) -> None:
        if visible and self.doc is not None:
            self.preview_timer.start(0)

    def ensure_preview(self) -> PreviewPanel:
        if self.preview is None:
            from .preview import PreviewPanel

            self.preview = PreviewPanel()
            self.preview.print_button.clicked.connect(self.print_document)
            self.preview.idle.connect(self._run_pending_checks)
            self.preview_dock.setWidget(self.preview)
            self.preview_holder.deleteLater()
        return self.preview

    def refresh_preview(self) -> None:
        self.preview_timer.stop()
        if self.doc is None or self._held or not self.preview_dock.isVisible():
            return
        self.ensure_preview().request(self.doc.draft, self.doc.template, self.settings.export_options())

    def print_document(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        preview = self.ensure_preview()
        if preview.page_count() <= 0:
            self.preview_dock.show()
            self.preview_dock.raise_()
            self.refresh_preview()
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
        self._release_lock()
        self.recovery.close()
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


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _dropped_drafts(event) -> list[str]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile().lower().endswith(".json")]

