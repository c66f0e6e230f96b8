"""Finding the hand anywhere in a frame: the palm detector's decoding and the search-then-follow scheme."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asl_runtime import finder, palms
from asl_runtime.finder import HandFinder
from asl_runtime.palms import Palm, PalmDetector


def test_the_anchors_are_mediapipes_palm_grid():
    a = palms.anchors()
    assert a.shape == (2016, 2)
    assert np.allclose(a[0], (0.5 / 24, 0.5 / 24)) and np.allclose(a[1], a[0])  # 2 a cell, stride 8
    assert np.allclose(a[2], (1.5 / 24, 0.5 / 24))
    assert np.allclose(a[1152:1158], (0.5 / 12, 0.5 / 12))  # then 6 a cell, stride 16
    assert np.allclose(a[-1], (11.5 / 12, 11.5 / 12))


class FakeSession:
    """Raw detector outputs: one palm at anchor `at`, offset by `raw` (model pixels)."""

    def __init__(self, hits: dict[int, tuple[float, np.ndarray]]):
        self.hits = hits

    def get_inputs(self):
        return [type("Input", (), {"name": "input_1"})]

    def run(self, names, feeds):
        raw, logits = np.zeros((1, 2016, 18), np.float32), np.full((1, 2016, 1), -10, np.float32)
        for anchor, (score, values) in self.hits.items():
            raw[0, anchor], logits[0, anchor, 0] = values, math.log(score / (1 - score))
        return raw, logits


def detector_with(monkeypatch, hits) -> PalmDetector:
    monkeypatch.setattr(palms, "ort_session", lambda path, threads: FakeSession(hits))
    return PalmDetector()


def test_a_palm_is_decoded_into_the_images_pixels_through_the_letterbox(monkeypatch):
    values = np.zeros(18, np.float32)
    values[:4] = (0, 0, 48, 24)          # centred on its anchor, 48 x 24 model pixels
    values[4:6] = (0, 12)                # the wrist below the middle
    values[8:10] = (0, -12)              # the middle finger's knuckle above it
    anchor = 12 * 24 * 2 + 12 * 2        # the cell at (12, 12) of the 24 x 24 grid: the middle
    detector = detector_with(monkeypatch, {anchor: (0.9, values)})
    [palm] = detector.detect(np.zeros((480, 640, 3), np.uint8))  # 640 px -> 192: x 10/3; bars above and below
    scale = 640 / 192
    assert palm.score == pytest.approx(0.9)
    cx, cy = (12.5 / 24) * 640, (12.5 / 24 * 192 - 24) * scale  # 24 px bars top and bottom
    assert palm.box == pytest.approx((cx - 24 * scale, cy - 12 * scale, cx + 24 * scale, cy + 12 * scale), abs=0.01)
    assert palm.keypoints[0] == pytest.approx((cx, cy + 12 * scale), abs=0.01)
    x, y, side, turn = palm.hand_box()  # upright: fingers up; 2.6 palms, shifted towards the fingers
    assert turn == pytest.approx(0) and side == pytest.approx(2.6 * 48 * scale)
    assert (x, y) == pytest.approx((cx, cy - 0.5 * 24 * scale))


def test_overlapping_boxes_are_one_palm_and_apart_ones_two(monkeypatch):
    values = np.zeros(18, np.float32)
    values[2:4] = (20, 20)
    shifted = values.copy()
    shifted[0] = 2  # 2 model pixels right of the first: the same palm
    hits = {0: (0.9, values), 2: (0.6, values), 200: (0.8, values)}  # anchors 0 and 2 are 8 px apart
    hits[0], hits[1] = (0.9, values), (0.7, shifted)
    found = detector_with(monkeypatch, hits).detect(np.zeros((192, 192, 3), np.uint8))
    assert [round(p.score, 2) for p in found] == [0.9, 0.8]  # anchor 2 merged with 0 (IoU > 0.3)
    x0 = found[0].box[0]  # the score-weighted mean of the merged boxes
    assert x0 == pytest.approx(4 - 10 + (0.7 * 2 + 0.6 * 8) / 2.2, abs=0.01)


def test_the_shipped_detector_loads_offline_and_finds_no_palm_in_an_empty_frame():
    assert PalmDetector().detect(np.zeros((480, 640, 3), np.uint8)) == []


def test_tiles_cover_a_frame_too_big_for_one_look_and_none_when_one_does():
    squares = finder.tiles(640, 480)
    assert (0, 0, 320) in squares and (320, 160, 320) in squares and len(squares) == 6
    assert finder.tiles(400, 400) == []


class FakeLandmarker:
    """Hands at given places: a look finds the one nearest its box's centre, if within it."""

    def __init__(self, hands: list[tuple[float, float, bool]]):
        self.hands = hands  # x, y of the middle knuckle, signer's right hand
        self.handedness = 0.5
        self.looks = []

    def look(self, rgb, box):
        self.looks.append(box)
        near = [h for h in self.hands if abs(h[0] - box[0]) < box[2] / 2 and abs(h[1] - box[1]) < box[2] / 2]
        if not near:
            return np.zeros((21, 3), np.float32), 0.0
        x, y, right = min(near, key=lambda h: math.dist(h[:2], box[:2]))
        self.handedness = 0.1 if right else 0.9
        points = np.zeros((21, 3), np.float32)
        points[:, :2] = (x, y + 30)
        points[9, :2], points[5, :2], points[13, :2] = (x, y), (x - 10, y), (x + 10, y)
        return points, 0.95


class FakeDetector:
    """A palm wherever the image it is given has a white pixel (in that image's pixels)."""

    calls = 0

    def detect(self, rgb):
        self.calls += 1
        return [Palm(0.9, (x - 20, y - 20, x + 20, y + 20), np.float32([[x, y + 30], [0, 0], [x, y]] + [[0, 0]] * 4))
                for y, x in np.argwhere(rgb[..., 0] == 255)]


GUIDE = (80, 0, 480)
FRAME = np.zeros((480, 640, 3), np.uint8)


def make_finder(hands, palms_at, **kw) -> tuple[HandFinder, FakeLandmarker, FakeDetector]:
    """A finder, and a frame with palms at `palms_at` (x, y) in it (global FRAME)."""
    FRAME[:] = 0
    for x, y in palms_at:
        FRAME[y, x] = 255
    landmarker, detector = FakeLandmarker(hands), FakeDetector()
    return HandFinder(landmarker=landmarker, detector=detector, **kw), landmarker, detector


def test_a_hand_is_searched_for_once_then_followed_by_the_landmark_model_alone():
    f, _, detector = make_finder([(500, 100, True)], [(500, 100)])
    hand = f.find(FRAME, GUIDE)
    assert hand is not None and tuple(hand.points[9, :2]) == (500, 100) and hand.right
    for _ in range(5):
        assert f.find(FRAME, GUIDE) is not None
    assert detector.calls == 1  # followed without the detector
    f.landmarker.hands = []  # the hand left: searched for again
    assert f.find(FRAME, GUIDE) is None and detector.calls == 2


def test_a_hand_outside_the_guide_box_is_not_read_unless_anywhere():
    f, _, _ = make_finder([(600, 100, True)], [(600, 100)])
    assert f.find(FRAME, GUIDE, anywhere=False) is None
    assert f.find(FRAME, GUIDE, anywhere=True) is not None
    assert f.find(FRAME, GUIDE, anywhere=False) is None  # it left the box: no longer followed


def test_with_two_hands_the_one_asked_for_is_read_and_found_again_when_it_comes_into_view():
    f, landmarker, _ = make_finder([(100, 100, False), (500, 100, True)], [(100, 100), (500, 100)], which="right")
    assert f.find(FRAME, GUIDE).right
    f.which = "left"  # the other hand is seen again within SEE_OTHER_EVERY frames
    seen = [f.find(FRAME, GUIDE).right for _ in range(finder.SEE_OTHER_EVERY)]
    assert seen[0] and not seen[-1]


def test_small_hands_are_looked_for_in_one_tile_a_search_frame_on_video_and_all_tiles_in_a_photo():
    f, _, detector = make_finder([], [])
    f.find(FRAME, GUIDE)
    assert detector.calls == 2  # the whole frame, then one tile
    photo, _, detector = make_finder([], [], video=False)
    photo.find(FRAME, GUIDE)
    assert detector.calls == 1 + 6


def test_with_no_palm_the_guide_square_is_read_whole_as_a_hand_filling_it():
    f, landmarker, _ = make_finder([(320, 240, True)], [])
    assert f.find(FRAME, GUIDE) is not None
    assert landmarker.looks[-1][:3] == pytest.approx((320, 240, 480 * 1.3))


@pytest.mark.parametrize("shape", [(5, 1700, 3), (1700, 5, 3), (1, 1, 3)])
def test_a_frame_far_wider_than_tall_or_a_single_pixel_finds_no_hand_without_an_error(shape):
    rgb = np.full(shape, 128, np.uint8)
    side = min(shape[:2])
    for video in (False, True):
        assert HandFinder(video=video).find(rgb, (0, 0, side)) is None
