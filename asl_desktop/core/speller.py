"""Decides, from a stream of per-frame class probabilities, when a sign is committed (pure
logic, no Qt); the `Transcript` it is given turns the commits into text.

The speller averages the (calibrated) probabilities of the frames in the last `smooth`
seconds and calls a sign *clear* when its average is at least `threshold` and leads the
runner-up by `margin`. A clear sign held for `hold` seconds is committed; an unsure moment
shorter than `rearm` seconds (a blurred frame, a one-frame dip) neither resets the hold
nor counts as a change. The same letter is not committed twice in a row until something
else is clear (`nothing`, another sign) or the hand has been unsure for `rearm` seconds,
so HELLO needs only the natural movement between the two L's. `space` adds a space,
`del` deletes the last character, `nothing` commits nothing.

A hand held still whose sign stays unclear (P against Q, N against M) is not lost: when
the same sign stays on top of the average (at least `floor`) for `patience` times the hold
time, it is committed as a best guess, with the alternatives the word suggestions and
autocorrect weigh (HELQ becomes HELP). Only frames where a hand was found count
(`update(..., hand=False)` restarts that wait), and a guessed letter is not guessed again
until another sign, or no hand, has been on top.

With `settle` (the app's default), frames read from the hand's points need no hold: a letter
is committed once the hand has settled on a shape for `settle_time` and the probabilities
averaged over the settled frames are clear, once however long it is held; when the hand moves
on (its points move faster than MOVE_SPEED hand sizes a second for MOVE_FRAMES frames) or
leaves before any sign was clear, the settled frames' best letter is committed as a best
guess. No hand in view for PAUSE seconds ends the word, as the space sign does. A doubled
letter needs only the small bounce or slide between the two (the hand's middle straying
REPEAT_EXCURSION hand sizes); a new clear shape reached without a motion (a slow change)
starts a new letter too. With a motion model, J and Z are read from the fingertips' paths over
MOTION_WINDOW seconds, and replace the letters their starting shape and corners committed.
Fluent signers spell about 4 letters a second, which a hold of 0.8 s cannot follow
(docs/measurements.md, Hands anywhere, a fluent pace). Frames read from the picture (no hand
found) keep the hold.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .transcript import Transcript

DEFAULT_THRESHOLD = 0.5
DEFAULT_HOLD = 0.8
DEFAULT_MARGIN = 0.2
DEFAULT_SMOOTH = 0.3
DEFAULT_REARM = 0.25
DEFAULT_PATIENCE = 1.3  # x hold (docs/measurements.md, Word videos: best guesses)
DEFAULT_FLOOR = 0.3
DEFAULT_SETTLE_TIME = 0.1  # s the hand rests on a shape before its letter can commit
MOVE_SPEED = 2.0  # hand sizes a second: faster is a move between letters (a tremor is about 0.4)
MOVE_FRAMES = 1   # ... for this many frames in a row
NEW_SHAPE_WINDOW = 0.2  # s of frames whose mean reads a new clear shape: a new letter without a move
AWAY = 0.2  # s out of view after which a letter may repeat (a shorter loss is the landmark model's)
REPEAT_EXCURSION = 0.15  # hand sizes the hand's middle must stray from where a letter committed
#                         before that letter commits again (the bounce of a doubled letter)
PAUSE = 0.5  # s with no hand in view that end the word being spelled (settle)
MOTION_WINDOW = 1.2  # s of the hand's path read for J and Z (settle, with a motion model)
MOTION_PROB = 0.99   # ... the probability a J or Z needs (bench/jz_motion.py)
MOTION_REST = 0.4    # s after a J or Z in which no other letter commits (the motion's end is not a letter)
MOTION_FAMILY = 1.0  # ... and its own shapes (MOTION_STARTS) do not, held as the motion ends
# a letter committed as the motion began, whose shape is where J or Z starts: replaced by it
MOTION_STARTS = {"J": {"I", "J", "Y"}, "Z": {"D", "G", "X", "Z", "L", "H"}}


class MotionReader(Protocol):
    def read(self, points: np.ndarray) -> tuple[str, float]: ...


@dataclass
class Segment:
    """The frames since the hand settled: their summed probabilities, and what it committed."""
    start: float
    end: float = 0.0  # the last frame's time
    total: dict[str, float] = field(default_factory=dict)
    frames: int = 0
    committed: str | None = None

    def add(self, timestamp: float, probs: Mapping[str, float]) -> list[tuple[str, float]]:
        """Add a frame; the mean probabilities so far, best first."""
        self.end = timestamp
        for label, p in probs.items():
            self.total[label] = self.total.get(label, 0.0) + p
        self.frames += 1
        return sorted(((label, p / self.frames) for label, p in self.total.items()), key=lambda lp: -lp[1])


def hand_speed(old: np.ndarray, new: np.ndarray, seconds: float) -> float:
    """How fast a hand's points moved, in hand sizes (the points' larger extent) a second."""
    size = max(float(np.ptp(new[:, 0])), float(np.ptp(new[:, 1])), 1e-6)
    moved = float(np.linalg.norm(new[:, :2] - old[:, :2], axis=1).mean())
    return moved / size / max(seconds, 1e-3)


@dataclass
class SpellerState:
    text: str
    candidate: str | None   # the label being held, if any
    progress: float         # 0..1 of the hold time; 1 when it commits
    committed: str | None   # the label committed by this update, if any
    sure: bool = True       # False while the candidate is (or was committed as) a best guess


class Speller:
    def __init__(self, threshold: float = DEFAULT_THRESHOLD, hold: float = DEFAULT_HOLD,
                 margin: float = DEFAULT_MARGIN, smooth: float = DEFAULT_SMOOTH, rearm: float = DEFAULT_REARM,
                 patience: float = DEFAULT_PATIENCE, floor: float = DEFAULT_FLOOR, transcript: Transcript | None = None,
                 settle: bool = False, settle_time: float = DEFAULT_SETTLE_TIME, motion: MotionReader | None = None):
        self.threshold, self.hold, self.margin, self.smooth, self.rearm = threshold, hold, margin, smooth, rearm
        self.patience, self.floor = patience, floor  # patience 0: never guess
        self.settle, self.settle_time = settle, settle_time
        self.motion = motion  # reads J and Z from the hand's path (settle)
        # settle: the hand's points and the letter read on top, over the last MOTION_WINDOW s
        self._trail: deque[tuple[float, np.ndarray, str]] = deque()
        self._last_commit: tuple[float, str] | None = None     # settle: when and what was committed last
        self._fast = 0            # settle: frames in a row the hand moved fast
        self._anchor: np.ndarray | None = None  # settle: the hand's middle where the last letter committed
        self._strayed = 0.0       # settle: the farthest it has been from there since, in hand sizes
        self._middles: deque[np.ndarray] = deque(maxlen=3)  # settle: the hand's last middles
        self._left_at: float | None = None  # settle: when the hand was last lost from view
        self._motion_until = -1e9  # settle: no other letter before this time (a J or Z just ended)
        self._motion_label: str | None = None  # ... that J or Z
        self._commits: deque[tuple[float, str]] = deque(maxlen=8)  # settle: the last letters' times
        self._segment: Segment | None = None             # settle: the frames since the hand settled
        self._last: tuple[float, np.ndarray] | None = None  # settle: the previous frame's time and points
        self._frame = 0.0  # settle: seconds between the last two frames
        self._away_since: float | None = None  # settle: since when no hand has been in view
        self._hand_seen = False  # settle: a hand was read since the last word ended
        self.recent: deque[tuple[float, Mapping[str, float]]] = deque()
        self.transcript = transcript or Transcript()
        self._candidate: str | None = None
        self._since = 0.0
        self._unsure_since: float | None = None
        self._blocked: str | None = None  # the last committed label, until it is re-armed
        self._top: str | None = None      # the label on top of the average, on frames with a hand
        self._top_since = 0.0
        self._held: str | None = None     # the last committed label while it stays on top: not guessed again
        self._guessed = False             # it was a best guess: an unsure moment does not re-arm it

    def reset_hold(self) -> None:
        self.recent.clear()
        self._candidate = self._top = None
        self._unsure_since = None
        self._segment = self._last = self._anchor = None
        self._strayed, self._fast = 0.0, 0
        self._middles.clear()
        self._trail.clear()

    def start_over(self) -> None:
        """Nothing held or blocked: the next sign starts afresh (a new source, a cleared text)."""
        self._blocked = self._held = None
        self._guessed = False
        self.reset_hold()

    @property
    def text(self) -> str:
        return self.transcript.text

    def average(self, timestamp: float, probs: Mapping[str, float]) -> list[tuple[str, float]]:
        """Add a frame; the mean probability per label over the last `smooth` seconds, best first."""
        self.recent.append((timestamp, probs))
        while len(self.recent) > 1 and timestamp - self.recent[0][0] > self.smooth:
            self.recent.popleft()
        total: dict[str, float] = {}
        for _, frame in self.recent:
            for label, p in frame.items():
                total[label] = total.get(label, 0.0) + p
        n = len(self.recent)
        return sorted(((label, p / n) for label, p in total.items()), key=lambda lp: -lp[1])

    def update(self, timestamp: float, probs: Mapping[str, float], hand: bool = True,
               points: np.ndarray | None = None) -> SpellerState:
        """Feed one frame's class probabilities (any subset of labels; missing ones count as 0);
        `hand`: whether a hand was found in it (only such frames lead to a best guess);
        `points`: the hand's points it was read from (with `settle`, they decide when)."""
        if self.settle and points is not None:
            self._away_since, self._hand_seen = None, True
            return self._settled(timestamp, probs, points)
        if self.settle and not hand:
            ended = self._pause(timestamp)
            if ended is not None:
                return ended
        if self._segment is not None or self._last is not None:  # the hand left: its letter ends
            guessed = self._end_segment()
            self._last, self._fast, self._left_at = None, 0, timestamp
            if guessed is not None:
                return guessed
        ranked = self.average(timestamp, probs)
        best, p1 = ranked[0] if ranked else (None, 0.0)
        p2 = ranked[1][1] if len(ranked) > 1 else 0.0
        top = best if hand else None
        if top != self._top:
            self._top, self._top_since = top, timestamp
            if top != self._held:  # another sign, or no hand: the last letter may be guessed again
                self._held, self._guessed = None, False
        if best is None or p1 < self.threshold or p1 - p2 < self.margin:
            return self._unsure(timestamp, ranked)
        self._unsure_since = None
        if best != self._blocked:
            self._blocked = None  # something else is clear: the last letter may come again
        if best == "nothing" or best == self._blocked:
            self._candidate = None
            return SpellerState(self.text, None, 0.0, None)
        if best != self._candidate:
            self._candidate, self._since = best, timestamp
        progress = self._progress(timestamp)
        if progress < 1.0:
            return SpellerState(self.text, best, progress, None)
        self.transcript.commit(best, dict(ranked[:5]))
        self._blocked, self._candidate = best, None
        self._held, self._guessed = top, False
        return SpellerState(self.text, best, 1.0, best)

    def _unsure(self, timestamp: float, ranked: list[tuple[str, float]]) -> SpellerState:
        if self._unsure_since is None:
            self._unsure_since = timestamp
        if timestamp - self._unsure_since < self.rearm:
            if self._candidate is not None:  # a dip while holding a clear sign
                return SpellerState(self.text, self._candidate, min(self._progress(timestamp), 0.99), None)
        else:
            self._candidate = None  # a real pause: start over, re-arm the last letter (unless guessed)
            if not self._guessed:
                self._blocked = None
        return self._guess(timestamp, ranked) or SpellerState(self.text, None, 0.0, None)

    def _guess(self, timestamp: float, ranked: list[tuple[str, float]]) -> SpellerState | None:
        """The unclear letter on top, while a hand holds it: its progress, or its commit as a best
        guess (`space`, `del` and `nothing` are never guessed)."""
        label = self._top
        if (not self.patience or label is None or len(label) != 1 or label in (self._held, self._blocked)
                or ranked[0][1] < self.floor):
            return None
        waited = timestamp - self._top_since
        progress = min(1.0, waited / (self.patience * self.hold)) if self.hold > 0 else 1.0
        if progress < 1.0:  # shown once it outlasts a passing transition
            return SpellerState(self.text, label, progress, None, sure=False) if waited >= self.smooth else None
        self.transcript.commit(label, dict(ranked[:5]))
        self._blocked, self._held, self._guessed = label, label, True
        return SpellerState(self.text, label, 1.0, label, sure=False)

    def _settled(self, timestamp: float, probs: Mapping[str, float], points: np.ndarray) -> SpellerState:
        last, self._last = self._last, (timestamp, points)
        self.average(timestamp, probs)
        recent = self._mean_since(timestamp - NEW_SHAPE_WINDOW)  # what the last few frames read
        if last is not None:
            self._frame = timestamp - last[0]
        moved = self._motion_letter(timestamp, points, max(probs.items(), key=lambda lp: lp[1])[0] if probs else "")
        if moved is not None:
            return moved
        if last is None and self._left_at is not None and timestamp - self._left_at >= AWAY:
            self._anchor, self._strayed = None, REPEAT_EXCURSION  # it left and came back: a letter may repeat
        self._left_at = None
        fast = last is None or hand_speed(last[1], points, timestamp - last[0]) > MOVE_SPEED
        self._fast = self._fast + 1 if fast else 0
        self._stray(points)
        if last is None or self._fast >= MOVE_FRAMES:
            return self._end_segment() or SpellerState(self.text, None, 0.0, None)
        if fast:  # a twitch: not averaged in
            return SpellerState(self.text, None, 0.0, None)
        segment = self._segment
        if segment is not None and segment.committed is not None and self._clear(recent) \
                and recent[0][0] not in (segment.committed, "nothing"):
            segment = None  # a new shape reached slowly, without a move: a new letter
        if segment is None:
            segment = self._segment = Segment(timestamp)
        ranked = segment.add(timestamp, probs)
        if segment.committed is not None:
            return SpellerState(self.text, None, 0.0, None)
        best = ranked[0][0]
        progress = min(1.0, self._covered(segment) / self.settle_time) if self.settle_time > 0 else 1.0
        if (progress < 1.0 or not self._clear(ranked) or best == "nothing" or not self._may_repeat(best)
                or self._after_motion(timestamp, best)):
            return SpellerState(self.text, best if ranked[0][1] >= self.floor else None, min(progress, 0.99), None,
                                sure=self._clear(ranked))
        self.transcript.commit(best, dict(ranked[:5]))
        segment.committed = best
        self._committed(timestamp, best)
        return SpellerState(self.text, best, 1.0, best)

    def _mean_since(self, since: float) -> list[tuple[str, float]]:
        """The mean probabilities of the frames since `since`, best first."""
        frames = [probs for t, probs in self.recent if t >= since - 1e-6] or [self.recent[-1][1]]
        total: dict[str, float] = {}
        for frame in frames:
            for label, p in frame.items():
                total[label] = total.get(label, 0.0) + p
        return sorted(((label, p / len(frames)) for label, p in total.items()), key=lambda lp: -lp[1])

    def _stray(self, points: np.ndarray) -> None:
        """How far (hand sizes) the hand's middle has been from where the last letter committed;
        the median of the last three frames' middles, so points that jump back and forth (a
        sideways hand read two ways) do not count as a bounce."""
        self._middles.append(points[:, :2].mean(0))
        middle = np.median(np.stack(self._middles), axis=0)
        if self._anchor is None:
            self._anchor = middle
        size = max(float(np.ptp(points[:, 0])), float(np.ptp(points[:, 1])), 1e-6)
        self._strayed = max(self._strayed, float(np.linalg.norm(middle - self._anchor)) / size)

    def _after_motion(self, timestamp: float, label: str) -> bool:
        """Whether a J or Z just ended: no letter for MOTION_REST, none of its shapes for MOTION_FAMILY."""
        family = MOTION_STARTS.get(self._motion_label or "", set())
        return timestamp < self._motion_until or (label in family and timestamp < self._motion_until + MOTION_FAMILY)

    def _may_repeat(self, label: str) -> bool:
        """A letter again right after itself only once the hand has bounced or slid (or left)."""
        return self._last_commit is None or self._last_commit[1] != label or self._strayed >= REPEAT_EXCURSION

    def _committed(self, timestamp: float, label: str) -> None:
        self._last_commit = (timestamp, label)
        self._commits.append((timestamp, label))
        self._anchor = np.median(np.stack(self._middles), axis=0) if self._middles else None
        self._strayed = 0.0

    def _motion_letter(self, timestamp: float, points: np.ndarray, top: str) -> SpellerState | None:
        """J or Z, when the hand's path over the last MOTION_WINDOW seconds draws one: committed,
        in place of the letter committed as it began if that was its starting shape (I for J).
        The hand must show that shape in the window's first half and in its last third (a J keeps
        the I shape as it turns; a move from I to another letter does not)."""
        self._trail.append((timestamp, points, top))
        while timestamp - self._trail[0][0] > MOTION_WINDOW:
            self._trail.popleft()
        if self.motion is None or timestamp < self._motion_until + MOTION_WINDOW - MOTION_REST:
            return None  # one J or Z a motion
        label, p = self.motion.read(np.stack([pts for _, pts, _ in self._trail]))
        if label not in MOTION_STARTS or p < MOTION_PROB:
            return None
        reads = [read for _, _, read in self._trail]
        third = max(1, len(reads) // 3)
        family = MOTION_STARTS[label]
        if not any(r in family for r in reads[:len(reads) // 2 or 1]) or not any(r in family for r in reads[-third:]):
            return None  # it did not begin and end in its shape (I for J, a pointing index for Z): a move to another letter
        began = self._trail[0][0]
        self._trail.clear()
        # the letters committed while it was drawn (its corners), and its starting shape just before
        drawn = [c for c in self._commits if c[0] >= began]
        earlier = [c for c in self._commits if began - 1.0 <= c[0] < began][-1:]
        if earlier and earlier[0][1] in MOTION_STARTS[label]:
            drawn = earlier + drawn
        if drawn and self.text.endswith("".join(c[1] for c in drawn)):
            for _ in drawn:
                self.transcript.commit("del", {})
        self.transcript.commit(label, {label: p})
        self._segment = Segment(timestamp, committed=label)  # the pose it ends in is not a new letter
        self._committed(timestamp, label)
        self._commits.clear()
        self._motion_until, self._motion_label = timestamp + MOTION_REST, label
        return SpellerState(self.text, label, 1.0, label)

    def _pause(self, timestamp: float) -> SpellerState | None:
        """No hand for PAUSE seconds after one was read: the word ends, as the space sign ends it
        (never while letters come from the picture alone: no hand was ever found)."""
        if not self._hand_seen:
            return None
        if self._away_since is None:
            self._away_since = timestamp
        if timestamp - self._away_since < PAUSE or not self.text or self.text.endswith(" "):
            return None
        self._hand_seen = False
        self._end_segment()
        self.transcript.commit("space", {})
        return SpellerState(self.text, "space", 1.0, "space")

    def _covered(self, segment: Segment) -> float:
        """Seconds the segment's frames cover: first to last, and the last one's own time (and a
        millisecond, so three frames at 30 a second cover 0.1 s despite rounding)."""
        return segment.end - segment.start + self._frame + 1e-3

    def _clear(self, ranked: list[tuple[str, float]]) -> bool:
        p1, p2 = ranked[0][1] if ranked else 0.0, ranked[1][1] if len(ranked) > 1 else 0.0
        return p1 >= self.threshold and p1 - p2 >= self.margin

    def _end_segment(self) -> SpellerState | None:
        """The hand moved on or left: a settled shape that never read clearly is committed as a
        best guess (letters only), from the probabilities averaged over its frames."""
        segment, self._segment = self._segment, None
        if (segment is None or segment.committed is not None or not self.patience
                or self._covered(segment) < self.settle_time):
            return None
        ranked = sorted(((label, p / segment.frames) for label, p in segment.total.items()), key=lambda lp: -lp[1])
        label, p = ranked[0]
        if len(label) != 1 or p < self.floor or not self._may_repeat(label) or self._after_motion(segment.end, label):
            return None
        self.transcript.commit(label, dict(ranked[:5]))
        self._committed(segment.end, label)
        return SpellerState(self.text, label, 1.0, label, sure=False)

    def _progress(self, timestamp: float) -> float:
        return min(1.0, (timestamp - self._since) / self.hold) if self.hold > 0 else 1.0
