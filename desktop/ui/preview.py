"""Preview: the pages exactly as the PDF export draws them.

The PDF is rendered by the same exporter (desktop.export.pdf) in a worker
thread shortly after the clerk stops typing, and shown with QPdfView.
Printing paints those same pages onto the printer.

The last few previews are kept in the user's cache folder, keyed by the
draft, its template, the export options and the program's version: a draft
opened as it was last previewed shows that PDF at once, while the render runs
as always and replaces it if its bytes differ (fonts changed since, say).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QToolButton, QVBoxLayout, QWidget

from desktop.errors import DesktopError, ExportError
from desktop.templates import Template

from . import workers
from .common import PREVIEW_PREPARING

_ZOOMS = (("适合宽度", 0.0), ("整页", -1.0), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0), ("125%", 1.25),
          ("150%", 1.5), ("200%", 2.0))


def _tool_button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    return button


def render_pdf(draft: Any, template: Template, options: object) -> tuple[bytes, list[str]]:
    """The PDF the export would write and its notes (raises DesktopError)."""
    try:
        module = importlib.import_module("desktop.export.pdf")
    except ImportError as err:
        raise ExportError("PDF 排版模块尚未安装，暂时无法预览。") from err
    render = getattr(module, "render_pdf_bytes", None)
    if render is not None:
        result = render(draft, template, options)
        return result if isinstance(result, tuple) else (result, [])
    with tempfile.TemporaryDirectory(prefix="plan-drafter-preview-") as tmp:
        dest = Path(tmp) / "preview.pdf"
        notes = module.write(draft, template, dest, options) or []
        return dest.read_bytes(), list(notes)


def _render_from_dict(record_type: Any, data: dict, template: Template, options: object,
                      key: str | None) -> tuple[bytes, list[str]]:
    record = record_type.from_dict(data)
    result = render_pdf(record, template, options)
    key = key or preview_key(record, template, options)  # here, not in the GUI thread, while the clerk types
    if key is not None:
        keep_preview(key, result[0])
    return result


# --- previews kept across starts ------------------------------------------------------

KEPT_PREVIEWS = 8  # the newest; a clerk works on a few drafts
KEPT_RENDER_DELAY_MS = 150


def preview_key(record: Any, template: Template, options: object) -> str | None:
    """What a kept preview must match: what the draft prints (not its unknown keys,
    which may be megabytes encoded while holding the interpreter), its template, the
    export options and the program's version; None when it cannot be said."""
    from desktop import __version__

    digest = hashlib.sha256()
    try:
        printed = record.to_dict(extras=False)
        for part in (__version__, json.dumps(printed, sort_keys=True, ensure_ascii=False), repr(template),
                     repr(options)):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    except (TypeError, ValueError):
        return None
    return digest.hexdigest()[:32]


def _kept_path(key: str) -> Path:
    from desktop.paths import cache_dir

    return cache_dir() / "preview" / f"{key}.pdf"


def kept_preview(key: str) -> bytes | None:
    """The PDF kept for ``key``; None when there is none or it is damaged
    (each file starts with the SHA-256 of the PDF after it)."""
    try:
        raw = _kept_path(key).read_bytes()
    except OSError:
        return None
    data = raw[32:]
    return data if hashlib.sha256(data).digest() == raw[:32] and data.startswith(b"%PDF") else None


def keep_preview(key: str, data: bytes) -> None:
    """Keep ``data`` for ``key`` (temp file + rename), and only the newest
    KEPT_PREVIEWS; a failure only costs the next start its head start."""
    target = _kept_path(key)
    tmp = target.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{key}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(hashlib.sha256(data).digest() + data)
        os.replace(tmp, target)
        kept = sorted(target.parent.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[KEPT_PREVIEWS:]:
            old.unlink()
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


class PreviewPanel(QWidget):
    """Shows the rendered PDF with page navigation and zoom.

    Signals:
        rendered(int): a new rendering is on screen (its page count).
        render_failed(str): the rendering failed (message shown in the panel).
    """

    rendered = Signal(int)
    render_failed = Signal(str)
    idle = Signal()  # no render running any more (the window runs its deferred checks)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        self.pdf = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("QPdfView { background: #8a8f98; }")
        self._buffer: QBuffer | None = None
        self._data = QByteArray()
        self._generation = 0
        self._shown_generation = 0
        self._cleared = 0  # renders requested up to this generation are never shown (show_message)
        self._busy = False
        self._pending: tuple[Any, Template, object] | None = None
        self.pdf_bytes = b""
        self.notes: list[str] = []

        self.prev_button = _tool_button("◀")
        self.prev_button.setToolTip("上一页")
        self.next_button = _tool_button("▶")
        self.next_button.setToolTip("下一页")
        self.page_label = QLabel("—")
        self.page_label.setMinimumWidth(self.page_label.fontMetrics().horizontalAdvance("第 888 / 888 页") + 8)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom = QComboBox()
        for text, _ in _ZOOMS:
            self.zoom.addItem(text)
        self.zoom.setToolTip("缩放")
        self.print_button = _tool_button("打印…")
        self.refresh_button = _tool_button("刷新")
        self.refresh_button.setToolTip("按草稿当前内容重新生成预览")
        self.stale = False  # the draft changed since the pages shown (see show_paused)
        self.status = QLabel("")
        self.status.setStyleSheet("color: #5f6368;")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for w in (self.prev_button, self.page_label, self.next_button, self.zoom):
            bar.addWidget(w)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.print_button)
        self.message = QLabel(PREVIEW_PREPARING)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self.prev_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.zoom.currentIndexChanged.connect(self._on_zoom_changed)
        self.view.pageNavigator().currentPageChanged.connect(lambda _p: self._update_page_label())

    # --- rendering ------------------------------------------------------------------
    def request(self, draft: Any, template: Template, options: object) -> None:
        """Render a copy of ``draft``; a newer request supersedes an older one."""
        self._generation += 1
        self.stale = False
        if self.stack.currentIndex() == 0:
            self.message.setText(PREVIEW_PREPARING)
        # Keep a reference only: the snapshot is taken when a render starts, so a
        # render in progress never competes with the GUI thread for a large copy.
        self._pending = (draft, template, options)
        if not self._busy:
            self._start_next()

    def _start_next(self) -> None:
        if self._pending is None:
            return
        draft, template, options = self._pending
        self._pending = None
        data = draft.to_dict()  # the worker rebuilds the draft from this snapshot
        key, kept = None, None
        if self.stack.currentIndex() == 0:  # no page on screen yet (start-up, another draft): the kept one, if any
            key = preview_key(draft, template, options)
            kept = kept_preview(key) if key is not None else None
            if kept is not None:
                self._show_pdf(kept, announce=False)
        self._busy = True
        generation = self._generation
        self.status.setText("正在更新预览…")
        job = workers.Job(_render_from_dict, type(draft), data, template, options, key)
        # The panel may be gone (its window closed) before the render ends.
        def rendered(data: Any) -> None:
            if shiboken6.isValid(self):
                self._on_rendered(generation, data)

        def failed(msg: str, _detail: str) -> None:
            if shiboken6.isValid(self):
                self._on_failed(generation, msg)

        job.signals.succeeded.connect(rendered)
        job.signals.failed.connect(failed)
        if kept is not None and self.stack.currentIndex() == 1:
            # The render only confirms the kept pages: after the view has drawn them, not
            # competing with it for the interpreter (page drawn and painted: some 30-50 ms).
            QTimer.singleShot(KEPT_RENDER_DELAY_MS, self, lambda: workers.start(job))
        else:
            workers.start(job)

    def _on_rendered(self, generation: int, result: tuple[bytes, list[str]]) -> None:
        self._busy = False
        if generation == self._generation or (self._pending is None and generation > self._cleared):
            data, self.notes = result
            if data == self.pdf_bytes and self.stack.currentIndex() == 1:  # the kept preview was right
                self._show_status()
                self.rendered.emit(self.pdf.pageCount())
            else:
                self._show_pdf(data)
            self._shown_generation = generation
        self._start_next()
        if not self._busy:
            self.idle.emit()

    @property
    def busy(self) -> bool:
        """A render is running in the worker thread."""
        return self._busy

    def _on_failed(self, generation: int, message: str) -> None:
        self._busy = False
        if generation == self._generation:
            self.message.setText(message)
            self.stack.setCurrentIndex(0)
            self.status.setText("")
            self.render_failed.emit(message)
        self._start_next()
        if not self._busy:
            self.idle.emit()

    def show_message(self, text: str) -> None:
        """No page to show (no draft open): ``text`` instead, and any render
        still running is not shown when it ends."""
        self._generation += 1
        self._cleared = self._generation
        self._pending = None
        self.message.setText(text)
        self.stack.setCurrentIndex(0)
        self.status.setText("")
        self.status.setToolTip("")
        self.page_label.setText("—")
        self.prev_button.setEnabled(False)
        self.next_button.setEnabled(False)

    def show_paused(self, text: str) -> None:
        """The draft changed but is not rendered on its own (too long to follow
        typing): say so, keep any pages shown, and wait for 刷新."""
        self.stale = True
        if self.stack.currentIndex() == 0:
            self.message.setText(text)
        self.status.setText("预览未更新，请点“刷新”")
        self.status.setToolTip(text)

    def _show_pdf(self, data: bytes, announce: bool = True) -> None:
        """Show ``data``; ``announce`` False for a kept preview (the render that
        follows says ``rendered``)."""
        page = self.current_page()
        self.pdf_bytes = data
        old = self._buffer
        self.pdf.close()
        self._data = QByteArray(data)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        count = self.pdf.pageCount()
        if count <= 0:
            if announce:  # a kept preview that does not load is only no head start
                self._on_failed(self._generation, "预览无法显示：生成的 PDF 无法读取。")
            return
        self.stack.setCurrentIndex(1)
        if page > 0:
            self.go_to_page(min(page, count - 1))
        self._update_page_label()
        if announce:
            self._show_status()
            self.rendered.emit(count)

    def _show_status(self) -> None:
        self.status.setText("⚠ 已替换字体" if self.notes else "")
        self.status.setToolTip("\n".join(self.notes))

    # --- navigation -----------------------------------------------------------------
    def page_count(self) -> int:
        return self.pdf.pageCount()

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        count = self.page_count()
        if count <= 0:
            return
        page = max(0, min(page, count - 1))
        self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
        self._update_page_label()

    def _update_page_label(self) -> None:
        count = self.page_count()
        page = self.current_page()
        self.page_label.setText(f"第 {page + 1} / {count} 页" if count > 0 else "—")
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(0 <= page < count - 1)

    def _on_zoom_changed(self, index: int) -> None:
        from PySide6.QtPdfWidgets import QPdfView

        factor = _ZOOMS[index][1]
        if factor == 0.0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif factor < 0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(factor)

    def set_zoom(self, factor: float) -> None:
        for i, (_, value) in enumerate(_ZOOMS):
            if value == factor:
                self.zoom.setCurrentIndex(i)
                return

    # --- printing -------------------------------------------------------------------
    def print_to(self, printer) -> int:
        """Paint every page on ``printer`` at its resolution; returns the pages printed."""
        from PySide6.QtGui import QPageLayout, QPageSize

        count = self.page_count()
        if count <= 0:
            raise DesktopError("还没有可打印的页面，请等预览生成后再打印。")
        printer.setFullPage(True)
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                          printer.pageLayout().margins()))
        painter = QPainter()
        if not painter.begin(printer):
            raise DesktopError("无法连接打印机，请检查打印机是否可用。")
        try:
            dpi = min(printer.resolution(), 300)  # enough for text; 1200 dpi pages would need ~0.5 GB each
            for page in range(count):
                if page:
                    printer.newPage()
                size_pt = self.pdf.pagePointSize(page)
                target = printer.pageRect(printer.Unit.DevicePixel)
                px = QSize(int(size_pt.width() / 72 * dpi), int(size_pt.height() / 72 * dpi))
                image = self.pdf.render(page, px)
                painter.drawImage(target.toRect(), image)
        finally:
            painter.end()
        return count
