"""Help > The signs: every sign's typical hand, drawn, and how it is made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QVBoxLayout

from asl_runtime.shipped import sign_descriptions

from . import settings
from .practice_tab import SkeletonView, reference_points


class SignsDialog(QDialog):
    """A list of the signs; the selected one drawn (as the live view shows a right hand) and described."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("The signs")
        self.descriptions = sign_descriptions()
        self.signs = QListWidget()
        self.signs.setAccessibleName("Signs")
        for label in self.descriptions:
            self.signs.addItem(label if len(label) == 1 else label.upper())
        self.signs.setMaximumWidth(110)
        self.hand = SkeletonView("", QColor(60, 140, 230))
        self.hand.setMinimumSize(260, 260)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName("How the sign is made")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        right = QVBoxLayout()
        right.addWidget(self.hand, 1)
        right.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(self.signs)
        row.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.signs.currentRowChanged.connect(self._show)
        self.signs.setCurrentRow(0)
        self.signs.setFocus(Qt.FocusReason.OtherFocusReason)  # arrow keys go through the signs

    def _show(self, row: int) -> None:
        label = list(self.descriptions)[row]
        mirrored = settings.read(settings.MIRROR) != (settings.read(settings.HAND) == "left")
        points = reference_points(label, mirrored)
        self.hand.title = label if len(label) == 1 else label.upper()
        self.hand.show_points(points)
        note = "" if points is not None else " (no hand to draw)"
        self.text.setText(f"{self.hand.title}: {self.descriptions[label]}{note}")
