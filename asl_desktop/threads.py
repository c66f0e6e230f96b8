"""The one way this app runs a worker: a QObject moved to a QThread of its own.

Workers report through signals only (results, progress, `failed` messages); they catch their
own errors (see `crash.log_exception`), so a thread never dies silently.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread


class WorkerThread:
    """Starts `worker` on a new QThread; `on_start` (a worker slot) runs there first."""

    def __init__(self, worker: QObject, name: str, on_start=None):
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        if on_start is not None:
            self.thread.started.connect(on_start)
        self.thread.start()

    def stop(self) -> None:
        """Quit the thread's event loop once the running slot returns, wait for it, then
        delete both. The worker's own stop flag (if any) must be set first."""
        self.thread.quit()
        self.thread.wait()
        self.worker.deleteLater()
        self.thread.deleteLater()
