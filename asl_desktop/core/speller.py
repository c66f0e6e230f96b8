"""Turns a stream of per-frame predictions into text (pure logic, no Qt).

A short majority vote over recent frames removes flicker; a letter is committed when the
voted label holds above the confidence threshold for `hold` seconds. The same letter is
not committed twice in a row until the prediction changes (or `nothing` is seen), so
HELLO needs a brief change between the two L's. `space` adds a space, `del` deletes the
last character, `nothing` commits nothing.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.6
DEFAULT_HOLD = 0.8


@dataclass
class SpellerState:
    text: str
    candidate: str | None   # the label being held, if any
    progress: float         # 0..1 of the hold time; 1 when it commits
    committed: str | None   # the label committed by this update, if any


class Speller:
    def __init__(self, threshold: float = DEFAULT_THRESHOLD, hold: float = DEFAULT_HOLD, window: int = 5):
        self.threshold, self.hold = threshold, hold
        self.votes: deque[str | None] = deque(maxlen=window)
        self.text = ""
        self._candidate: str | None = None
        self._since = 0.0
        self._blocked: str | None = None  # last committed label, until the prediction changes

    def reset_hold(self) -> None:
        self.votes.clear()
        self._candidate = None

    def clear(self) -> None:
        self.text = ""
        self._blocked = None
        self.reset_hold()

    def backspace(self) -> None:
        self.text = self.text[:-1]

    def update(self, timestamp: float, label: str, confidence: float) -> SpellerState:
        self.votes.append(label if confidence >= self.threshold else None)
        voted, count = Counter(self.votes).most_common(1)[0]
        if voted is None or count * 2 <= len(self.votes):
            self._candidate = None  # no confident majority: flicker or uncertainty
            return SpellerState(self.text, None, 0.0, None)
        if voted != self._blocked:
            self._blocked = None  # a different confident sign (or nothing) re-arms the last one
        if voted == "nothing" or voted == self._blocked:
            self._candidate = None
            return SpellerState(self.text, None, 0.0, None)
        if voted != self._candidate:
            self._candidate, self._since = voted, timestamp
        progress = min(1.0, (timestamp - self._since) / self.hold) if self.hold > 0 else 1.0
        if progress < 1.0:
            return SpellerState(self.text, voted, progress, None)
        self._commit(voted)
        self._blocked, self._candidate = voted, None
        return SpellerState(self.text, voted, 1.0, voted)

    def _commit(self, label: str) -> None:
        if label == "space":
            self.text += " "
        elif label == "del":
            self.backspace()
        else:
            self.text += label
