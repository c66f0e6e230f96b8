"""Small layout helpers shared by the tabs: a column that scrolls, a slider that is one Tab stop."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSlider, QFrame, QScrollArea, QWidget


def scroll_column(panel: QWidget) -> QScrollArea:
    """`panel` in a frameless area that scrolls up and down: in a small window or with large
    fonts the column scrolls instead of its rows being squashed or overlapping."""
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def scrollbar_width(area: QScrollArea) -> int:
    return area.verticalScrollBar().sizeHint().width()


def one_tab_stop(labelled: QWidget) -> None:
    """A labelled slider is one Tab stop, named as the whole: its slider (arrow keys, Page Up/Down,
    Home/End); the box itself takes no focus, and its number takes a click to type in."""
    slider = next(iter(labelled.findChildren(QAbstractSlider)))
    slider.setAccessibleName(labelled.accessibleName())
    labelled.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    labelled.setFocusProxy(slider)
