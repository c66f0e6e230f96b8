"""Speaking text aloud through Qt's QTextToSpeech (speech-dispatcher on Linux).

Where Qt's speech module or an engine is missing, `Speaker.available` is False and
`Speaker.problem` says what to install; the window then disables Speak with that tooltip.
ASL_DESKTOP_TTS_ENGINE picks an engine by name (the tests use Qt's `mock` engine).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QLocale, QObject, Signal

INSTALL_HINT = ("No speech engine found. On Debian/Ubuntu install speech-dispatcher and a voice "
                "(sudo apt install speech-dispatcher espeak-ng), then restart the app.")


class Speaker(QObject):
    """One text-to-speech engine for the window; `say` queues nothing: it interrupts."""

    state_changed = Signal(str)   # "speaking", "ready" or "error"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tts = None
        self.problem = ""
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:  # e.g. libpulse.so.0 missing: Qt's speech module cannot load
            self.problem = f"Speech is unavailable: {exc}. Install libpulse0 and speech-dispatcher."
            return
        wanted = os.environ.get("ASL_DESKTOP_TTS_ENGINE")
        engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
        engine = wanted or (engines[0] if engines else None)
        if engine is None:
            self.problem = INSTALL_HINT
            return
        self.tts = QTextToSpeech(engine, self)
        if self.tts.state() == QTextToSpeech.State.Error:
            reason = self.tts.errorString() or "no reason given"
            self.problem = f"The speech engine '{engine}' failed to start ({reason}). {INSTALL_HINT}"
            self.tts = None
            return
        if QLocale.system() in self.tts.availableLocales():  # a voice of the system's language first
            self.tts.setLocale(QLocale.system())
        self.tts.stateChanged.connect(self._on_state)
        self._states = {QTextToSpeech.State.Speaking: "speaking", QTextToSpeech.State.Ready: "ready",
                        QTextToSpeech.State.Error: "error"}

    @property
    def available(self) -> bool:
        return self.tts is not None

    def voices(self) -> list[str]:
        return [v.name() for v in self.tts.availableVoices()] if self.tts else []

    def set_voice(self, name: str) -> None:
        for voice in self.tts.availableVoices() if self.tts else []:
            if voice.name() == name:
                self.tts.setVoice(voice)

    def set_rate(self, rate: float) -> None:
        """rate from -1 (slow) to 1 (fast), 0 normal."""
        if self.tts:
            self.tts.setRate(max(-1.0, min(1.0, rate)))

    def say(self, text: str) -> None:
        if self.tts and text.strip():
            self.tts.say(text.strip().lower())  # spelled in capitals; engines read lower case as words

    def _on_state(self, state) -> None:
        self.state_changed.emit(self._states.get(state, "ready"))
