"""Embedded plotly reports: the list of runs and a QWebEngineView showing one report."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
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

from trainer.runs import runs_dir

from . import paths


def list_runs() -> list[dict]:
    """Runs in the user's runs folder (newest first), then the shipped model's report."""
    runs = []
    folder = runs_dir()
    for metrics_file in sorted(folder.glob("*/metrics.json"), reverse=True) if folder.is_dir() else []:
        try:
            m = json.loads(metrics_file.read_text())
        except (OSError, ValueError):
            continue
        acc = (m.get("test") or {}).get("accuracy")
        runs.append({"name": metrics_file.parent.name, "created": m.get("created", ""),
                     "accuracy": acc, "report": str(metrics_file.parent / "report.html")})
    shipped = paths.default_model_report()
    if shipped.is_file():
        try:
            acc = json.loads(shipped.with_name("metrics.json").read_text())["test"]["accuracy"]
        except (OSError, ValueError, KeyError):
            acc = None
        runs.append({"name": "Shipped model", "created": "", "accuracy": acc, "report": str(shipped)})
    return runs


class ResultsView(QWidget):
    report_loaded = Signal(str, bool)  # report path, whether it rendered

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs = QTreeWidget()
        self.runs.setHeaderLabels(["Run", "Date", "Test accuracy"])
        self.runs.setRootIsDecorated(False)
        self.runs.currentItemChanged.connect(self._on_pick)
        self.web = QWebEngineView()
        self.web.loadFinished.connect(lambda ok: self.report_loaded.emit(self.current_report or "", ok))
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
        split = QSplitter()
        split.addWidget(left_widget)
        split.addWidget(self.web)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.current_report: str | None = None
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        self.runs.clear()
        chosen = None
        for run in list_runs():
            acc = "" if run["accuracy"] is None else f"{run['accuracy']:.1%}"
            item = QTreeWidgetItem([run["name"], run["created"].replace("T", " "), acc])
            item.setData(0, Qt.ItemDataRole.UserRole, run["report"])
            self.runs.addTopLevelItem(item)
            if chosen is None and select in (None, run["report"]):
                chosen = item
        for col in range(3):
            self.runs.resizeColumnToContents(col)
        if chosen is not None:
            self.runs.setCurrentItem(chosen)

    def _on_pick(self, item, _previous=None) -> None:
        if item is not None:
            self.show_report(item.data(0, Qt.ItemDataRole.UserRole))

    def show_report(self, path: str) -> None:
        """Load a report from its file (setHtml cannot hold plotly's 4 MB page)."""
        self.current_report = path
        self.web.load(QUrl.fromLocalFile(str(Path(path).resolve())))

    def open_in_browser(self) -> None:
        if self.current_report and not QDesktopServices.openUrl(QUrl.fromLocalFile(self.current_report)):
            QMessageBox.information(self, "No browser found",
                                    "No program to open web pages was found on this computer. "
                                    f"Open this file in a browser yourself:\n\n{self.current_report}")
