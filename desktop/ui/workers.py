"""Running slow work (PDF rendering, exports, ledger merges) off the event loop."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from desktop.errors import DesktopError

log = logging.getLogger("plan_drafter.ui")


class JobSignals(QObject):
    """Signals of one job, delivered in the thread that created them (the GUI thread).

    Signals:
        progressed(str, int, int): what is being done, step, total.
        succeeded(object): the function's result.
        failed(str, str): a message for the clerk and, for a bug, the traceback.
    """

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str, str)


class Job(QRunnable):
    """Runs ``fn(*args, progress=callback)`` (or ``fn(*args)``) in the thread pool."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.with_progress = with_progress
        self.signals = JobSignals()
        self.error: BaseException | None = None  # what ``failed`` reported, for callers that tell kinds apart
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.fn(*self.args, progress=self._progress)
            else:
                result = self.fn(*self.args)
        except DesktopError as err:
            self.error = err
            self._report("failed", str(err), err.detail)
        except BaseException as err:  # noqa: BLE001 - reported to the clerk as a plain message, traceback logged
            self.error = err
            detail = traceback.format_exc()
            log.error("background job failed:\n%s", detail)
            self._report("failed", "处理时发生意外错误，详细信息已记入日志。", detail)
        else:
            self._report("succeeded", result)

    def _progress(self, what: str, step: int, total: int) -> None:
        self._report("progressed", what, step, total)

    def _report(self, signal: str, *args: Any) -> None:
        """Emit ``signal``, unless nobody can receive it any more.

        When the program quits while a job runs (closed just after opening a
        draft, its first preview still rendering), Qt deletes the signals
        object before the job ends; emitting then raised in this thread, and
        the crash handler told the clerk of an "unexpected error" at exit."""
        signals = self.signals
        if not shiboken6.isValid(signals):
            return
        try:
            getattr(signals, signal).emit(*args)
        except RuntimeError:
            if shiboken6.isValid(signals):
                raise


_running: set[Job] = set()


def start(job: Job, pool: QThreadPool | None = None) -> Job:
    """Start ``job``; it is kept alive until it has reported back.

    It is let go in a later turn of the event loop, never inside the delivery
    of its own signal: freeing the signals object while Qt still walks its
    connections crashed the window (after an export, in the next test)."""
    _running.add(job)

    def release(*_args: Any) -> None:
        QTimer.singleShot(0, lambda: _let_go(job))

    job.signals.succeeded.connect(release)
    job.signals.failed.connect(release)
    # The pool is handed a callable, not the job: a QRunnable given to start()
    # becomes a child of the pool in PySide, and the global pool never ends.
    (pool or QThreadPool.globalInstance()).start(job.run)
    return job


def _let_go(job: Job) -> None:
    """Forget a job that has reported back, and everything it held; the job is
    spent then (its signals are gone).

    Its signals keep the slots connected to them alive, and a slot that refers
    to the job (``release`` above, a caller's closure) closes a cycle through
    Qt that Python's collector cannot see: every finished job, with its
    arguments (the preview's is a snapshot of the whole draft), stayed in
    memory for good. Deleting the signals object drops those connections.

    Not while a dialog is open: a slot of this job may be waiting in it (a
    message box runs its own event loop, and this runs inside that loop), and
    may still use the signals when the clerk has answered."""
    from PySide6.QtWidgets import QApplication

    if QApplication.activeModalWidget() is not None or QApplication.activePopupWidget() is not None:
        QTimer.singleShot(_LET_GO_RETRY_MS, lambda: _let_go(job))
        return
    _running.discard(job)
    job.fn, job.args = _done, ()
    if job.error is not None:  # its traceback holds the failed call's frames, and through them the job
        job.error.__traceback__ = None
    signals = job.signals
    if shiboken6.isValid(signals):
        signals.deleteLater()


_LET_GO_RETRY_MS = 500


def _done(*_args: Any, **_kwargs: Any) -> None:
    """What a finished job would run: nothing (it is never run again)."""
