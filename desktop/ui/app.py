"""GUI entry point ``plan-drafter`` (also ``python -m desktop.ui [FILE]``).

Start-up is kept light: editors other than the first, the preview (QtPdf),
the exporters and the dialogs are imported when first used.
"""

from __future__ import annotations

import datetime as _dt
import gc
import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, Qt, QTimer, QTranslator, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from desktop import APP_ID, APP_NAME
from desktop.errors import DesktopError
from desktop.paths import log_dir

from . import messages

log = logging.getLogger("plan_drafter.ui")
_translators: list[QTranslator] = []
_in_crash_handler = False


def install_translations(app: QApplication) -> bool:
    """Qt's own dialogs and buttons in Chinese; dates and numbers in the Chinese locale."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ok = False
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
            ok = True
            break
    return ok


LOG_MAX_BYTES = 1024 * 1024  # a year of a clerk's messages; then the oldest goes
LOG_BACKUPS = 3


class _RotatingLog(logging.Handler):
    """A RotatingFileHandler made when the first record comes.

    logging.handlers brings socket, pickle and queue with it: about 10 ms of
    every start, before the window can paint, for a log that most sessions
    write nothing to until much later (if at all)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:  # called under this handler's lock: made once
            from logging.handlers import RotatingFileHandler

            self._file = RotatingFileHandler(self.path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                             encoding="utf-8", delay=True)
        self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def log_file_handler(path: Path) -> logging.Handler:
    """The log never grows without bound: 1 MB, then plan-drafter.log.1 … .3."""
    return _RotatingLog(path)


def setup_logging() -> None:
    root = logging.getLogger("plan_drafter")
    if root.handlers:
        return
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = log_file_handler(log_dir() / "plan-drafter.log")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


class _CrashRelay(QObject):
    """Carries an error raised in another thread to the GUI thread: saving the
    drafts and showing a message box may only happen there."""

    raised = Signal(object, object, object)


_relay: _CrashRelay | None = None


def install_crash_handler() -> None:
    """sys.excepthook and threading.excepthook both go to handle_exception,
    on the GUI thread (call this from it)."""
    global _relay
    if _relay is None:
        _relay = _CrashRelay()
        _relay.raised.connect(handle_exception, Qt.ConnectionType.QueuedConnection)
    sys.excepthook = handle_exception
    threading.excepthook = lambda args: handle_exception(args.exc_type, args.exc_value, args.exc_traceback)


def handle_exception(exc_type, exc, tb) -> None:
    """sys.excepthook: save every open draft to its recovery file, then tell the clerk."""
    global _in_crash_handler
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if threading.current_thread() is not threading.main_thread():
        if _relay is not None:  # queued: runs on the GUI thread
            _relay.raised.emit(exc_type, exc, tb)
        else:
            log.error("unexpected error in a background thread:\n%s",
                      "".join(traceback.format_exception(exc_type, exc, tb)))
        return
    detail = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error:\n%s", detail)
    if _in_crash_handler:  # an error while reporting an error: do not loop
        sys.__excepthook__(exc_type, exc, tb)
        return
    _in_crash_handler = True
    try:
        from .mainwindow import windows

        saved = 0
        for window in list(windows):
            try:
                window.emergency_save()
                saved += 1
            except Exception:  # noqa: BLE001 - saving the others matters more
                log.exception("emergency save failed")
        crash_file = _write_crash_log(detail)
        if isinstance(exc, DesktopError):
            messages.error(None, str(exc), detail)
            return
        kept = "您正在编辑的方案已保存到恢复文件，下次启动时会提示恢复。\n" if saved else ""
        messages.error(None, f"程序遇到了意外错误。{kept}建议先保存方案，然后重新启动程序。\n"
                             f"详细信息已记入：{crash_file}", detail)
    finally:
        _in_crash_handler = False


def _write_crash_log(detail: str) -> str:
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        path = log_dir() / f"crash-{_dt.datetime.now():%Y%m%d-%H%M%S}.txt"
        path.write_text(detail, encoding="utf-8")
        return str(path)
    except OSError:
        return "（日志无法写入）"


def create_app(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    # The preview and exports render in worker threads; every Qt call from the GUI
    # thread releases and re-takes the GIL, waiting up to one switch interval
    # each time while a worker holds it. 1 ms instead of 5 keeps typing smooth.
    sys.setswitchinterval(0.001)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setDesktopFileName(APP_ID)
    _set_icon(app)
    install_translations(app)
    return app


def _set_icon(app: QApplication) -> None:
    from .common import resource_icon

    icon = resource_icon("icon.png")
    if icon is not None:
        app.setWindowIcon(icon)


class _FirstPaint(QObject):
    """Calls ``done`` once the window's first paint pass has ended (or after
    ``fallback_ms`` if it never paints, e.g. started minimised)."""

    def __init__(self, window: QWidget, done, fallback_ms: int = 1000) -> None:
        super().__init__(window)
        self._done = done
        self._fired = False
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and not self._fired:
            obj.removeEventFilter(self)
            # Zero timer: runs after the children have painted in this same pass.
            QTimer.singleShot(0, self, self._queue)
        return False

    def _queue(self) -> None:
        # One more turn: what else the paint pass queued (another zero timer, a
        # repaint) goes before the work that follows it holds the event loop.
        QTimer.singleShot(0, self, self._fire)

    def _fire(self) -> None:
        if not self._fired:
            self._fired = True
            self._done()


def settle_heap() -> None:
    """Collect everything once, then freeze what survives (gc.freeze).

    The window, the fonts, the open draft and the exporter's caches are
    long-lived; without this every full collection walks all of them, and one
    falling inside a preview render held the GIL for 50–80 ms on a 66-page
    draft: keystrokes waited. Frozen objects are never scanned again, so later
    full collections only walk what was made since. Run once per opened draft,
    after its first preview (the one moment a clerk waits anyway)."""
    gc.unfreeze()  # what the previous draft left in cycles can still be freed
    gc.collect()
    gc.freeze()


SETTLE_AFTER_RENDER_MS = 60


def install_heap_policy(window) -> None:
    """After each newly opened draft has its first preview (or 3 s, without
    one), settle the heap: see settle_heap."""
    state = {"armed": False, "hooked": False}
    timer = QTimer(window)
    timer.setSingleShot(True)
    timer.setInterval(3000)

    def fire() -> None:
        if state["armed"]:
            state["armed"] = False
            timer.stop()
            settle_heap()

    def hook_preview() -> None:
        preview = window.preview
        if preview is None:  # built on first use, after the draft is shown
            if state["armed"]:
                QTimer.singleShot(50, window, hook_preview)
            return
        if not state["hooked"]:
            state["hooked"] = True
            # Not inside the delivery, nor before the page is on screen: the view renders the
            # page in its own thread after this signal, then paints it (together ~20-30 ms).
            preview.rendered.connect(lambda _n: QTimer.singleShot(SETTLE_AFTER_RENDER_MS, window, fire))

    def arm() -> None:
        state["armed"] = True
        timer.start()
        hook_preview()

    timer.timeout.connect(fire)
    window.document_replaced.connect(arm)
    if window.doc is not None:
        arm()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = argv[1:]
    # Building the window makes tens of thousands of objects that all live on
    # (Qt's enums, widgets, the draft): collecting while they are made only
    # walks them again and again. Once the window has painted they are frozen
    # (gc.freeze: never scanned) and collecting resumes; a first full
    # collection would hold up the preview, so settle_heap does it after that.
    paused = {"gc": gc.isenabled()}  # only what this call paused is resumed, once
    gc.disable()

    def resume_collecting(freeze: bool = True) -> None:
        if paused["gc"]:
            paused["gc"] = False
            if freeze:
                gc.freeze()
            gc.enable()

    try:
        app = create_app(argv)
        setup_logging()
        if "--no-err-windows" in args:
            messages.set_noninteractive(True)
        from .mainwindow import MainWindow

        window = MainWindow()
        install_heap_policy(window)
        install_crash_handler()
        window.hold_until_painted()
        paths = [a for a in args if not a.startswith("--")]
        if paths and not window.open_path(paths[0], ask_save=False):
            if window.open_cancelled:  # started for a draft someone else has open, and declined: no empty window
                window.close()
                resume_collecting(freeze=False)
                return 0
            window.show_start()
        elif not paths:
            window.show_start()
        window.show()
    except BaseException:
        resume_collecting(freeze=False)
        raise

    def painted() -> None:
        resume_collecting()
        window.release_hold()

    _FirstPaint(window, painted)
    if "--quit-after-show" in args:  # start-up benchmark and smoke test
        QTimer.singleShot(0, app.quit)
    else:
        QTimer.singleShot(0, window.offer_recovery)
    code = app.exec()
    resume_collecting(freeze=False)  # quit before the first paint (--quit-after-show)
    return code


if __name__ == "__main__":
    sys.exit(main())
