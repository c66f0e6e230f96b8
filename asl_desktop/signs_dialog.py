"""Help > The signs: every sign's typical hand, drawn, and how it is made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QVBoxLayout

from asl_runtime.shipped import sign_descriptions

from .hand_view import HandView, show_sign


class SignsDialog(QDialog):
    """A list of the signs; the selected one drawn (turnable; J and Z moving, as the live view shows the
    signing hand) and described."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("The signs")
        self.descriptions = sign_descriptions()
        self.signs = QListWidget()
        self.signs.setAccessibleName("Signs")
        for label in self.descriptions:
            self.signs.addItem(label if len(label) == 1 else label.upper())
        self.signs.setMaximumWidth(110)
        self.hand = HandView("", QColor(60, 140, 230))
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
        self.hand.title = label if len(label) == 1 else label.upper()
        show_sign(self.hand, label)
        note = "" if self.hand.points is not None else " (no hand to draw)"
        self.text.setText(f"{self.hand.title}: {self.descriptions[label]}{note}")
