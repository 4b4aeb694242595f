"""Background jobs let go of what they held once they have reported back."""

from __future__ import annotations

import gc
import weakref

import shiboken6
from PySide6.QtCore import QEvent, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from desktop.errors import DesktopError
from desktop.ui import workers


class _Payload:
    """Stands in for what a job carries: a draft snapshot, a template."""


def _succeed(payload: _Payload) -> int:
    return 1


def _fail(payload: _Payload) -> int:
    raise DesktopError("读取失败")


def test_finished_jobs_and_their_arguments_are_freed(qtbot):
    """The preview starts a job per render (its argument: a snapshot of the
    whole draft). Each job's signals held the slots connected to them, and a
    slot that refers to the job (workers.start's own, or a caller's closure)
    closed a cycle through Qt that Python's collector cannot see: every
    snapshot stayed in memory, and full collections walking them made the
    window stall longer the longer a clerk typed."""
    payloads: list[weakref.ref[_Payload]] = []
    jobs: list[weakref.ref[workers.Job]] = []
    delivered: list[object] = []
    gc.disable()  # freed by reference counting alone: a failed job's traceback held a cycle
    try:
        _run_jobs(qtbot, payloads, jobs, delivered)
        assert sum(r() is not None for r in jobs) == 0
        assert sum(r() is not None for r in payloads) == 0
    finally:
        gc.enable()
    assert sorted(str(d[1]) for d in delivered).count("1") == 15


def _settle() -> None:
    for _ in range(5):  # the jobs are let go in a later turn of the event loop (deleteLater: as app.exec does)
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _run_jobs(qtbot, payloads, jobs, delivered) -> None:
    for n in range(20):
        payload = _Payload()
        payloads.append(weakref.ref(payload))
        job = workers.Job(_fail if n % 4 == 3 else _succeed, payload)
        jobs.append(weakref.ref(job))
        job.signals.succeeded.connect(lambda result, job=job: delivered.append((job.fn, result)))
        job.signals.failed.connect(lambda msg, _detail, job=job: delivered.append((job.fn, msg)))
        workers.start(job)
        del payload, job
    QThreadPool.globalInstance().waitForDone(20000)
    qtbot.waitUntil(lambda: len(delivered) == 20, timeout=10000)
    _settle()


def test_a_job_is_kept_while_its_slot_waits_in_a_dialog(qtbot):
    """A slot that asks the clerk something (a message box runs its own event
    loop) can still use its job when the answer comes: the job is let go only
    once no dialog is open."""
    seen: list[bool] = []
    held = {"job": workers.Job(_succeed, _Payload())}

    def ask(_result: object) -> None:
        box = QDialog()
        box.setModal(True)
        QTimer.singleShot(400, box.accept)
        box.exec()  # the job's own release runs in here
        seen.append(shiboken6.isValid(held["job"].signals))

    held["job"].signals.succeeded.connect(ask)
    workers.start(held["job"])
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert seen == [True]
    ref = weakref.ref(held.pop("job"))
    qtbot.waitUntil(lambda: (_settle(), ref() is None)[1], timeout=5000)  # and then it goes
