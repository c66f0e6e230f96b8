"""Keyboard use without a mouse: Return (or Enter) presses the focused button, as Space does.

Qt presses a focused push button with Return only inside dialogs; in the main window a user who
Tabs to "Fine-tune on my signs" or "Start training" expects Return to press it too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton

RETURN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ReturnPressesButtons(QObject):
    """An event filter for buttons: Return on a focused, enabled one (or a check box) clicks it.
    Install it on the buttons themselves, not on the application."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(watched, QAbstractButton) and watched.isEnabled()
                and isinstance(event, QKeyEvent) and event.key() in RETURN_KEYS
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)):
            watched.click()
            return True
        return False
