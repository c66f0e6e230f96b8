"""The signing hand anywhere in a camera frame (no torch, no Qt).

MediaPipe's own scheme: while no hand is followed, the palm detector (`palms`) looks at the
whole search area, then, for hands too small for its 192 px input, at one 320 px tile of it a
search frame in turn (every tile at once for a photo); the landmark model reads each palm found,
and its hand-presence score, not skin colour, decides whether it is a hand, so a face, an arm or
a wooden desk is dropped there. Once a hand is found the landmark model alone follows it, frame
to frame, through the box around its previous points; the detector runs again only when it is
lost, or now and then while the hand followed is not the one asked for, to see the other.
When no palm is found, the guide square is read whole, as a hand filling it is (the training
photos' framing, where the palm detector finds a hand less often).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from .hands import FIRST_LOOK, MIN_PRESENCE, Box, HandLandmarker, box_around, features, steady
from .palms import Palm, PalmDetector

Square = tuple[int, int, int]  # x, y, side in pixels
Which = Literal["right", "left"] | None
TILE = 320          # pixels of a tile the detector reads when the whole area shows no palm
MAX_PALMS = 2       # palms read by the landmark model on a search frame
SEE_OTHER_EVERY = 15  # frames, while following the hand not asked for
SEARCH_EVERY = 3    # frames, while no hand is in view (live)
# the landmark model's hand-presence score a new hand needs (MIN_PRESENCE keeps one followed):
# walls, gardens and white jugs passed the palm detector and 0.5 (bench/room_frames.py)
NEW_PRESENCE = 0.85


@dataclass(frozen=True)
class Hand:
    points: np.ndarray  # 21 x 3, pixels of the frame (z on x's scale)
    presence: float     # the landmark model's hand-presence score
    right: bool         # the signer's right hand (the frame as the camera sends it, unmirrored)
    box: Box            # the box the landmark model read it through


def tiles(width: int, height: int, side: int = TILE) -> list[Square]:
    """Overlapping squares covering a width x height area, half a tile apart; none when one
    tile would cover most of it (the whole-area look sees its hands well enough)."""
    if max(width, height) < 1.5 * side:
        return []
    step = side // 2
    xs = range(0, max(1, width - side + step), step)
    ys = range(0, max(1, height - side + step), step)
    return [(min(x, width - side), min(y, height - side), min(side, width, height)) for y in ys for x in xs]


class HandFinder:
    """One hand's points in RGB frames: video=True follows it from frame to frame."""

    def __init__(self, video: bool = True, landmarker: HandLandmarker | None = None,
                 detector: PalmDetector | None = None, which: Which = None):
        self.video = video
        self.landmarker = landmarker or HandLandmarker(video=False)
        self.detector = detector or PalmDetector()
        self.which = which
        self._hand: Hand | None = None  # the hand followed (video)
        self._tile = 0                  # the next tile a search frame reads
        self._frames = 0                # frames followed since the last search

    def close(self) -> None:
        """Forget the hand followed: the next frame searches afresh."""
        self._hand = None

    def _read(self, rgb: np.ndarray, box: Box, least: float = MIN_PRESENCE) -> Hand | None:
        points, presence = self.landmarker.look(rgb, box)
        if presence < least:
            return None
        return Hand(points, presence, self.landmarker.handedness < 0.5, box)

    def _wanted(self, hand: Hand) -> bool:
        return self.which is None or hand.right == (self.which == "right")

    def _best(self, hands: list[Hand]) -> Hand | None:
        """The hand asked for, else any; the larger of two alike (the nearer the camera)."""
        return max(hands, key=lambda h: (self._wanted(h), h.box[2]), default=None)

    def _palms(self, rgb: np.ndarray, area: Square | None) -> list[Hand]:
        """Hands read where the detector finds palms in `area` (None: the whole frame): the
        whole of it, else tiles."""
        x, y = area[:2] if area else (0, 0)
        view = rgb[y:y + area[2], x:x + area[2]] if area else rgb
        palms = self.detector.detect(view)
        if not palms:
            squares = tiles(view.shape[1], view.shape[0])
            if self.video and squares:  # one tile a search frame
                squares = [squares[self._tile % len(squares)]]
                self._tile += 1
            for tx, ty, ts in squares:
                palms += [shift(p, tx, ty) for p in self.detector.detect(view[ty:ty + ts, tx:tx + ts])]
        hands = []
        for palm in sorted(palms, key=lambda p: -p.score)[:MAX_PALMS]:
            cx, cy, side, turn = palm.hand_box()
            hand = self._read(rgb, (cx + x, cy + y, side, turn), NEW_PRESENCE)
            if hand is not None and not self.video:  # a photo: a second look, as a next frame would
                hand = self._read(rgb, box_around(hand.points), NEW_PRESENCE)
            if hand is not None:
                hands.append(hand)
        return hands

    def find(self, rgb: np.ndarray, guide: Square, anywhere: bool = True) -> Hand | None:
        """The hand in an RGB frame, or None. `guide`: the guide square (unmirrored pixels),
        read whole when no palm is found; the search is limited to it unless `anywhere`."""
        if self.video and self._hand is not None:
            self._frames += 1
            hand = self._read(rgb, steady(self._hand.box, box_around(self._hand.points)))
            if hand is not None and not anywhere and not inside(hand.points, guide):
                hand = None  # it left the guide square (a second person's hand, say)
            if hand is not None and (self._wanted(hand) or self._frames % SEE_OTHER_EVERY):
                self._hand = hand
                return hand
            other = self._best([h for h in self._palms(rgb, None if anywhere else guide)
                                if not overlaps(h, hand)]) if hand is not None else None
            if other is not None and self._wanted(other):
                hand = other
            self._hand = hand
            if hand is not None:
                return hand
        self._frames = 0
        hand = self._best(self._palms(rgb, None if anywhere else guide))
        if hand is None:  # a hand filling the guide square: read it whole, twice for a photo
            hand = self._read(rgb, square_box(guide), NEW_PRESENCE)
            if hand is not None and not self.video:
                hand = self._read(rgb, box_around(hand.points), NEW_PRESENCE)
        if hand is not None and not anywhere and not inside(hand.points, guide):
            hand = None  # the margin of the guide square's look showed a hand beside it
        self._hand = hand if self.video else None
        return hand


def shift(palm: Palm, dx: int, dy: int) -> Palm:
    """A palm found in a tile, moved into the area's pixels."""
    x0, y0, x1, y1 = palm.box
    return Palm(palm.score, (x0 + dx, y0 + dy, x1 + dx, y1 + dy), palm.keypoints + np.array([dx, dy], np.float32))


def square_box(square: Square) -> Box:
    """The first look at a square: the whole of it with a margin (`hands.whole_crop`)."""
    x, y, side = square
    return x + side / 2, y + side / 2, side * FIRST_LOOK, 0.0


def inside(points: np.ndarray, square: Square) -> bool:
    """Whether the hand's middle (the middle finger's knuckle) is in the square."""
    x, y, side = square
    px, py = points[9, :2]
    return x <= px < x + side and y <= py < y + side


def overlaps(a: Hand, b: Hand | None) -> bool:
    """Whether two reads are the same hand: their wrists closer than a fifth of a box."""
    return b is not None and math.dist(a.points[0, :2], b.points[0, :2]) < 0.2 * max(a.box[2], b.box[2])


class LetterReader(Protocol):
    def probs(self, feats: np.ndarray) -> np.ndarray: ...


class HandReader:
    """An RGB frame -> (hand, letter probabilities) from its landmarks, or None when no hand is
    found.

    On video, while no hand is in view it searches on every SEARCH_EVERY-th frame only
    (docs/measurements.md, Speed); `looked` says whether this frame's read looked."""

    def __init__(self, model: LetterReader, video: bool = False, which: Which = None):
        self.model = model
        self.video = video
        self.finder = HandFinder(video, which=which)
        self._misses = 0  # frames since a hand was last found
        self.looked = False

    @property
    def which(self) -> Which:
        return self.finder.which

    @which.setter
    def which(self, which: Which) -> None:
        self.finder.which = which

    def read(self, rgb: np.ndarray, guide: Square, anywhere: bool = True) -> tuple[Hand, np.ndarray] | None:
        self.looked = not (self.video and self._misses % SEARCH_EVERY)
        if not self.looked:
            self._misses += 1
            return None
        hand = self.finder.find(rgb, guide, anywhere)
        if hand is None:
            self._misses += 1
            return None
        self._misses = 0
        return hand, self.model.probs(features(hand.points)[None])[0]

    def close(self) -> None:
        """Forget the hand followed so far: the next read looks afresh."""
        self.finder.close()
        self._misses = 0
