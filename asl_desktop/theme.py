"""The window's colours: the system's, or light or dark whatever the system says (View > Theme).

Light and dark use Qt's Fusion style, whose look is the same on every system; the dark palette
is Fusion's light one turned round. The charts and drawn hands take the palette's colours, so
they follow."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = {"system": "&System", "light": "&Light", "dark": "&Dark"}
_DARK = {
    QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#151515", QPalette.ColorRole.AlternateBase: "#2a2b2e",
    QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#303134",
    QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.ToolTipBase: "#303134",
    QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Highlight: "#3b82f6", QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8", QPalette.ColorRole.Mid: "#5f6368", QPalette.ColorRole.Dark: "#111111",
    QPalette.ColorRole.Light: "#3c4043", QPalette.ColorRole.BrightText: "#ffffff",
}
_system: tuple[str, QPalette] | None = None  # the style and palette the app started with


def apply(theme: str) -> None:
    """Use `theme` (a key of THEMES) now, for every window of the application."""
    global _system
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _system is None:
        _system = (app.style().name(), QPalette(app.palette()))
    if theme not in ("light", "dark"):
        app.setStyle(_system[0])
        app.setPalette(_system[1])
        return
    app.setStyle("Fusion")
    palette = QPalette(app.style().standardPalette())
    if theme == "dark":
        for role, colour in _DARK.items():
            palette.setColor(role, QColor(colour))
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80868b"))
    app.setPalette(palette)
