"""Embedded plotly reports: the list of runs and a QWebEngineView showing one report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from asl_runtime import shipped
from asl_runtime.runs import RunInfo, list_runs, read_run, runs_dir


def shipped_run() -> RunInfo | None:
    return read_run(shipped.default_model_report().with_name("metrics.json"), shipped.default_model())


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


class ResultsView(QWidget):
    report_loaded = Signal(str, bool)  # report path, whether it rendered
    run_selected = Signal(object)      # the RunInfo picked in the list

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs = QTreeWidget()
        self.runs.setAccessibleName("Training runs, newest first")
        self.runs.setHeaderLabels(["Run", "Date", "Test accuracy", "Unseen people"])
        self.runs.setRootIsDecorated(False)
        self.runs.currentItemChanged.connect(self._on_pick)
        # The web view is made the first time the Results view is shown, not before: once a
        # QWebEngineView is in a window, Qt composes the whole window through OpenGL, and under
        # Mesa's software GL the live video then grew memory by ~3 MB a minute (bench/soak.py).
        self.web: QWebEngineView | None = None
        self.placeholder = QLabel("The report of the selected run appears here.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.browser_button = QPushButton("Open in browser")
        self.browser_button.clicked.connect(self.open_in_browser)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        folder = QLabel(f"Runs are saved in <a href='{QUrl.fromLocalFile(str(runs_dir())).toString()}'>"
                        f"{runs_dir()}</a>")
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        folder.setOpenExternalLinks(True)
        folder.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.runs, 1)
        left.addWidget(folder)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.browser_button)
        left.addLayout(row)
        left_widget = QWidget()
        left_widget.setLayout(left)
        # the list above the report, full width: every column shows without dragging anything
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(left_widget)
        self.split.addWidget(self.placeholder)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 3)
        self.split.setSizes([1000, 3000])  # a quarter for the list (scaled to the real height)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)
        self.current_report: str | None = None
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        """List the runs (newest first, then the shipped model); select the one whose report is `select`."""
        self.runs.clear()
        chosen = None
        shipped = shipped_run()
        for run in list_runs() + ([shipped] if shipped else []):
            name = "Shipped model" if run is shipped else run.folder.name
            item = QTreeWidgetItem([name, run.created.replace("T", " "), _percent(run.test_accuracy),
                                    _percent(run.unseen_accuracy)])
            item.setData(0, Qt.ItemDataRole.UserRole, run)
            self.runs.addTopLevelItem(item)
            if chosen is None and select in (None, str(run.report)):
                chosen = item
        for col in range(4):
            self.runs.resizeColumnToContents(col)
        if chosen is not None:
            self.runs.setCurrentItem(chosen)

    def selected_run(self) -> RunInfo | None:
        item = self.runs.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    def _on_pick(self, item, _previous=None) -> None:
        if item is not None:
            run = item.data(0, Qt.ItemDataRole.UserRole)
            self.show_report(str(run.report))
            self.run_selected.emit(run)

    def show_report(self, path: str) -> None:
        """Load a report from its file (setHtml cannot hold plotly's 4 MB page)."""
        self.current_report = path
        if self.web is not None:
            self.web.load(QUrl.fromLocalFile(str(Path(path).resolve())))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.web is None:
            # the first web view makes Qt re-create the window's native window (composed through
            # OpenGL from then on); a window manager may place the new one anew: put it back
            top = self.window()
            placed = top.saveGeometry()
            self.web = QWebEngineView()
            self.web.loadFinished.connect(lambda ok: self.report_loaded.emit(self.current_report or "", ok))
            self.split.replaceWidget(1, self.web)
            self.placeholder.deleteLater()
            QTimer.singleShot(0, lambda: top.restoreGeometry(placed))
            if self.current_report:
                self.show_report(self.current_report)

    def open_in_browser(self) -> None:
        if self.current_report and not QDesktopServices.openUrl(QUrl.fromLocalFile(self.current_report)):
            QMessageBox.information(self, "No browser found",
                                    "No program to open web pages was found on this computer. "
                                    f"Open this file in a browser yourself:\n\n{self.current_report}")
