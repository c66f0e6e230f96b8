"""Each sign's typical hand shape, and what differs between a learner's hand and it (no torch, no Qt).

`resources/models/sign_shapes.npz` (made by `tools/sign_shapes.py` from the points found in the
training photos) holds, per sign, the median upright hand (the wrist at the origin, the middle
finger's knuckle straight above it at a distance of 1) and how the hand is turned in the photos
(the angle of the line from the wrist to that knuckle). `sign_motions.npz` (`tools/sign_motions.py`)
holds J and Z as they move. The reference hand draws them (`reference_points`,
`reference_motion`), and `hint` names the one thing that differs most, in plain words.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np

from .labels import CLASSES
from .shipped import models

FINGERS = {"thumb": (1, 2, 3, 4), "index finger": (5, 6, 7, 8), "middle finger": (9, 10, 11, 12),
           "ring finger": (13, 14, 15, 16), "little finger": (17, 18, 19, 20)}
BONES = [(0, 1), (0, 5), (0, 17), (5, 9), (9, 13), (13, 17)] + [  # the palm, then each finger's joints
    (a, b) for joints in FINGERS.values() for a, b in zip(joints, joints[1:])]
TURNED = math.radians(50)   # the hand points another way by more than this: say so first
STRETCH = 0.35              # a finger this much more (or less) stretched than the sign's: say so
SPREAD = 0.3                # index and middle fingertips this much farther apart (or closer)
MOTION_SIGNS = ("J", "Z")   # the signs drawn by moving


def shapes_path() -> Path:
    return models() / "sign_shapes.npz"


def motions_path() -> Path:
    return models() / "sign_motions.npz"


def handed(points: np.ndarray) -> bool:
    """Which way round the knuckles go, seen from the wrist (index to little finger): True for
    one hand, False for the other (or the same hand turned to show its back)."""
    a, b = points[5, :2] - points[0, :2], points[17, :2] - points[0, :2]
    return bool(a[0] * b[1] - a[1] * b[0] > 0)


def heading(points: np.ndarray) -> float:
    """The angle (radians, image axes, 0 = fingers up) of the line from the wrist to the middle
    finger's knuckle."""
    dx, dy = points[9, 0] - points[0, 0], points[9, 1] - points[0, 1]
    return math.atan2(dx, -dy)


def upright(points: np.ndarray) -> np.ndarray:
    """21 x 3 points turned so the middle finger's knuckle is straight above the wrist, at a
    distance of 1 (z scaled alike)."""
    p = np.asarray(points, np.float32) - np.asarray(points, np.float32)[0]
    a = heading(p)
    c, s = math.cos(a), math.sin(a)
    turned = p.copy()
    turned[:, 0], turned[:, 1] = c * p[:, 0] + s * p[:, 1], -s * p[:, 0] + c * p[:, 1]
    return turned / max(float(np.linalg.norm(turned[9, :2])), 1e-6)


@cache
def sign_shapes() -> dict[str, tuple[np.ndarray, float]]:
    """Sign -> (its upright typical points, its typical heading), for the signs that have a hand."""
    with np.load(shapes_path()) as z:  # plain arrays: no pickles
        shapes, present, headings = z["shapes"], z["present"], z["headings"]
    return {c: (shapes[i], float(headings[i])) for i, c in enumerate(CLASSES) if present[i]}


@cache
def sign_motions() -> dict[str, np.ndarray]:
    """J and Z -> their typical motion, T x 21 x 3 (image axes, the first wrist at the origin)."""
    with np.load(motions_path()) as z:  # plain arrays: no pickles
        return {str(sign): motion for sign, motion in zip(z["signs"], z["motions"])}


def reference_points(sign: str, mirrored: bool) -> np.ndarray | None:
    """A sign's typical hand (21 x 3), turned as it is signed, as seen in the photos it comes
    from; `mirrored` flips it left to right (a selfie view, or the other hand). None when the
    sign has no hand."""
    known = sign_shapes().get(sign)
    if known is None:
        return None
    shape, direction = known
    c, s = math.cos(direction), math.sin(direction)
    points = shape.copy()
    points[:, 0], points[:, 1] = c * shape[:, 0] - s * shape[:, 1], s * shape[:, 0] + c * shape[:, 1]
    if mirrored:
        points[:, 0] = -points[:, 0]
    return points


def reference_motion(sign: str, mirrored: bool) -> np.ndarray | None:
    """J's or Z's typical motion (T x 21 x 3), mirrored as `reference_points`; None for a still sign."""
    motion = sign_motions().get(sign)
    if motion is None:
        return None
    motion = motion.copy()
    if mirrored:
        motion[..., 0] = -motion[..., 0]
    return motion


def stretch(points: np.ndarray, finger: str) -> float:
    """How stretched a finger is: its tip's distance from the wrist, in upright units."""
    return float(np.linalg.norm(points[FINGERS[finger][-1], :2] - points[0, :2]))


def hint(points: np.ndarray, target: str) -> str | None:
    """The one change that brings a hand (21 points, any pixels) closest to `target`'s shape, in
    plain words; None when nothing differs much (or the sign has no shape)."""
    known = sign_shapes().get(target)
    if known is None:
        return None
    shape, direction = known
    turn = (heading(points) - direction + math.pi) % (2 * math.pi) - math.pi
    if abs(turn) > TURNED:
        return _pointing(direction)
    hand = upright(points)
    gaps = {f: stretch(hand, f) - stretch(shape, f) for f in FINGERS}
    finger, gap = max(gaps.items(), key=lambda fg: abs(fg[1]))
    spread = float(np.linalg.norm(hand[8, :2] - hand[12, :2]) - np.linalg.norm(shape[8, :2] - shape[12, :2]))
    if abs(spread) > max(SPREAD, abs(gap)):
        return "spread your index and middle fingers apart" if spread < 0 else "bring your index and middle fingers together"
    if abs(gap) < STRETCH:
        return None
    if finger == "thumb":
        return "tuck your thumb in" if gap > 0 else "stretch your thumb out"
    return f"bend your {finger}" if gap > 0 else f"straighten your {finger}"


def _pointing(direction: float) -> str:
    """Plain words for the way a sign's fingers point (0 = up, image axes)."""
    d = math.degrees(direction)
    if abs(d) <= 45:
        return "point your fingers up"
    if abs(d) >= 135:
        return "point your fingers down"
    return "turn your hand sideways, fingers pointing across"
