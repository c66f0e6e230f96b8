"""Letters from hand landmarks: features, the landmark model, and reading them live.

The photos here are generated and show no hands, so training and the live path are driven by
a stand-in for the landmark model that returns known points; the real one is checked for what
it must do offline here: load the shipped model file, find no hand where there is none, and
turn its box upright along the hand as MediaPipe's tracker does.
"""

import cv2
import numpy as np
import pytest
import torch

from asl_desktop.core.recognizer import Classifier, Recognizer
from asl_desktop.core.region import GuideBox
from asl_runtime import finder, hands, shipped
from asl_runtime.finder import Hand, HandReader
from asl_runtime.hands import HandLandmarker, features, landmark_onnx, original_landmark_onnx
from asl_runtime.labels import CLASSES
from asl_runtime.model_files import LetterModel, ModelFileError
from trainer import landmark_training
from trainer.data import DatasetError
from trainer.landmarks import LandmarkModel, LandmarkNet, load_landmark_model, save_landmark_model


def hand(rng, letter: int) -> np.ndarray:
    """21 points of a made-up handshape per letter, in pixels, with a little tremor."""
    shape = np.random.default_rng(letter).normal(0, 1, (21, 3))
    return (shape + rng.normal(0, 0.05, (21, 3))) * 20 + np.array([40, 40, 0])


def test_features_ignore_where_the_hand_is_and_its_size_but_not_its_shape():
    rng = np.random.default_rng(0)
    p = hand(rng, 3)
    moved_and_bigger = p * 2.5 + np.array([100, -30, 7])
    assert np.allclose(features(p), features(moved_and_bigger), atol=1e-5)
    assert features(p).shape == (63,) and features(np.stack([p, p])).shape == (2, 63)
    assert not np.allclose(features(p), features(hand(rng, 4)), atol=0.1)


@pytest.fixture
def fake_points(monkeypatch):
    """extract_points as if the landmark model found each photo's letter shape (no hand in 'nothing')."""
    def extract(images, progress=None, **_):
        rng = np.random.default_rng(0)
        points = np.full((len(images), 21, 3), np.nan, np.float32)
        for i, img in enumerate(images):
            letter = round(img[0, 0, 0] / 8)  # the test paints each photo 8 x its class index
            if CLASSES[letter] != "nothing":
                points[i] = hand(rng, letter)
        return points
    monkeypatch.setattr(landmark_training, "extract_points", extract)


def write_letters(root, letters, per_class=40):
    import cv2
    for name in letters:
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            img = np.full((64, 64, 3), 8 * CLASSES.index(name), np.uint8)
            cv2.imwrite(str(root / name / f"{i}.png"), img)
    return root


def test_a_landmark_model_learns_handshapes_and_is_saved_safely(tmp_path, fake_points):
    data = write_letters(tmp_path / "data", ["A", "B", "C", "nothing"])
    cfg = landmark_training.LandmarkConfig(epochs=15, train_share=0.7, test_share=0.2)
    lines = []
    metrics = landmark_training.train_landmarks(data, tmp_path / "run", cfg, log=lines.append)
    assert metrics["hand_found"] == pytest.approx(0.75)  # none in the 'nothing' photos
    assert metrics["hand_found_per_class"]["nothing"] == 0.0
    assert metrics["test"]["accuracy"] == 1.0 and metrics["test"]["images"] == 24
    assert metrics["degraded_copies_trained_on"] == metrics["split"]["train"]  # and their worse copies
    assert any("hand found in 75.0%" in line for line in lines)
    model = load_landmark_model(tmp_path / "run" / "landmarks.pt")
    rng = np.random.default_rng(5)
    probs = model.probs(features(np.stack([hand(rng, CLASSES.index(c)) for c in "ABC"])))
    assert [CLASSES[i] for i in probs.argmax(1)] == ["A", "B", "C"]
    assert np.allclose(probs.sum(1), 1, atol=1e-5)


def test_damaged_or_wrong_landmark_model_files_are_refused_by_name(tmp_path, tiny_model):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="bad.pt"):
        load_landmark_model(bad)
    with pytest.raises(ModelFileError, match="not an ASL Desktop hand-landmark model"):
        load_landmark_model(tiny_model)  # a picture model
    with pytest.raises(ModelFileError, match="no such"):
        load_landmark_model(tmp_path / "missing.pt")
    path = tmp_path / "nan.pt"
    save_landmark_model(path, LandmarkNet(), float("nan"))
    with pytest.raises(ModelFileError, match="temperature"):
        load_landmark_model(path)
    from trainer.landmarks import Replay
    for mean, chol in ((torch.zeros(3, 63), torch.zeros(3, 63, 63)),
                       (torch.zeros(29, 63), torch.full((29, 63, 63), float("inf")))):
        save_landmark_model(path, LandmarkNet(), 1.0, Replay(mean, chol))
        with pytest.raises(ModelFileError, match="nan.pt: its replay statistics are damaged"):
            load_landmark_model(path)


class FakeReader:
    """A HandReader stand-in: a hand with these points, read as this letter, or no hand."""

    looked = True  # looks on every frame

    def __init__(self, points=None, letter="B"):
        self.points, self.letter = points, letter

    def read(self, rgb, guide, anywhere=True):
        if self.points is None:
            return None
        probs = np.full(len(CLASSES), 0.01)
        probs[CLASSES.index(self.letter)] = 1 - 0.01 * (len(CLASSES) - 1)
        return Hand(self.points.copy(), 0.99, True, (0.0, 0.0, 1.0, 0.0)), probs


def test_the_letter_comes_from_the_landmarks_when_a_hand_is_found_else_from_the_picture(tiny_model):
    frame = np.zeros((200, 300, 3), np.uint8)
    frame[60:101, 100:141] = 255  # where the hand is: the crop a sample keeps
    guide = GuideBox(0.5, 0.5, 0.5)  # a 100 px box at (100, 50)
    points = np.zeros((21, 3), np.float32)
    points[:, 0], points[:, 1] = 110, 70  # in the camera's frame
    points[1, :2] = 130, 90
    recognizer = Recognizer(Classifier.from_path(tiny_model), guide, hands=FakeReader(points, "B"))
    r = recognizer.process(frame)
    assert r.prediction.source == "landmarks" and r.prediction.label == "B" and r.prediction.top[0][0] == "B"
    assert r.tracked and np.allclose(r.points[0], (110, 70))  # drawn where the hand is
    assert r.box == (107, 67, 26) and r.hand.min() == 255  # the box around the hand, cropped from it
    recognizer.mirror = True  # the view is mirrored: so are the points and the box drawn on it
    r = recognizer.process(frame)
    assert np.allclose(r.points[0], (190, 70)) and r.box == (300 - 107 - 26, 67, 26) and r.hand.min() == 255
    recognizer.hands = FakeReader(None)
    r = recognizer.process(frame)
    assert r.prediction.source == "picture" and r.points is None
    assert r.prediction.label in {"H", "E", "L", "O", "nothing", "space"}


def test_with_no_hand_in_view_a_frame_looks_for_one_or_reads_the_picture_never_both(tiny_model):
    class Searching(FakeReader):  # no hand; looks on every third frame, as HandReader on video
        frames = 0

        def read(self, rgb, guide, anywhere=True):
            self.looked, self.frames = self.frames % 3 == 0, self.frames + 1
            return None

    classifier = Classifier.from_path(tiny_model)
    reads = []
    predict = classifier.predict_pixels
    classifier.predict_pixels = lambda pixels: reads.append(1) or predict(pixels)
    recognizer = Recognizer(classifier, hands=Searching())
    rng = np.random.default_rng(0)
    results = [recognizer.process(rng.integers(0, 255, (120, 160, 3), np.uint8)) for _ in range(9)]
    assert len(reads) == 7  # frames 1-8 minus the searches at 3 and 6 (frame 0 has no earlier read)
    for i in (3, 6):  # a search frame shows the frame before's picture read
        assert results[i].prediction is results[i - 1].prediction and results[i].prediction.source == "picture"
    assert results[4].prediction is not results[3].prediction


@pytest.mark.parametrize("int8", [True, False], ids=["8-bit", "float"])
def test_the_landmark_model_loads_offline_and_finds_no_hand_in_an_empty_crop(int8):
    landmarker = HandLandmarker(video=False, model=landmark_onnx(int8))
    try:
        assert landmarker.find(np.zeros((240, 240, 3), np.uint8)) is None
        assert landmarker.find(np.full((50, 80, 3), 128, np.uint8)) is None
    finally:
        landmarker.close()


def drawn_hand() -> np.ndarray:
    """A 64 px canonical crop with a palm and five fingers drawn in skin colour."""
    img = np.full((64, 64, 3), 200, np.uint8)
    cv2.ellipse(img, (32, 44), (14, 12), 0, 0, 360, (205, 160, 130), -1)
    for i, x in enumerate((20, 27, 33, 39, 45)):
        cv2.rectangle(img, (x - 2, 12 + 3 * abs(i - 2)), (x + 2, 40), (205, 160, 130), -1)
    return img


@pytest.mark.skipif(not hands.int8_is_exact(), reason="the app takes the 8-bit model only where it is exact")
def test_both_shipped_landmark_models_place_the_points_alike():
    """The 8-bit file reads the patch's bytes, the float one 0-1: fed wrongly, the points of
    this crop move 4-5 px on average; fed rightly the two models differ by about 1 px."""
    box = (32.0, 32.0, 64 * 1.3, 0.0)
    points = [HandLandmarker(model=landmark_onnx(int8)).look(drawn_hand(), box)[0] for int8 in (True, False)]
    assert np.abs(points[0][:, :2] - points[1][:, :2]).mean() < 2.0


def test_the_8_bit_landmark_model_is_used_only_where_its_arithmetic_is_exact(monkeypatch):
    for exact, name in ((True, "hand_landmark_lite_int8.onnx"), (False, "hand_landmark_lite.onnx")):
        monkeypatch.setattr(hands, "int8_is_exact", lambda exact=exact: exact)
        assert landmark_onnx().name == name and landmark_onnx().is_file()


def test_my_signs_learns_from_the_points_of_both_landmark_models(tmp_path, monkeypatch):
    """The shipped letter network learned from MediaPipe's model as converted while the app reads
    with the sturdy one (docs/model-card.md, Sturdy points); a fine-tune on both models' points read Massey
    signers as well as or better than on either's (docs/model-card.md, My signs). Held-back samples and
    other people are scored as the app reads them."""
    built = []

    class Recorded(HandLandmarker):
        def __init__(self, *args, model=None, **kwargs):
            built.append(model)
            super().__init__(*args, model=model, **kwargs)

    monkeypatch.setattr(landmark_training, "HandLandmarker", Recorded)
    monkeypatch.setattr(landmark_training, "default_cache_dir", lambda: tmp_path)
    # held-back samples unlike the trained ones: where the live model is the float one, the same
    # pixels would find their points in the cache instead of building a landmarker
    images = np.stack([drawn_hand()] * 2 + [np.ascontiguousarray(drawn_hand()[:, ::-1])] * 2)
    labels = np.array([7, 7, 4, 4])
    model = LandmarkModel(LandmarkNet().eval(), 1.0, {})
    landmark_training.finetune_landmarks(model, images, labels, np.arange(2), np.arange(2, 4), epochs=1)
    landmark_training.score_unseen(model, write_letters(tmp_path / "people", ["H", "E"], per_class=2))
    assert built == [original_landmark_onnx(), landmark_onnx(int8=False), landmark_onnx(), landmark_onnx()]
    assert original_landmark_onnx().read_bytes() != landmark_onnx(int8=False).read_bytes()


def test_a_damaged_hand_landmark_model_file_is_refused_by_name(tmp_path):
    from asl_runtime.hands import LandmarksUnavailable
    for junk in (b"", b"not a model" * 100):
        bad = tmp_path / "hand.onnx"
        bad.write_bytes(junk)
        with pytest.raises(LandmarksUnavailable, match="hand.onnx: not a hand landmark model"):
            HandLandmarker(model=bad)
    with pytest.raises(LandmarksUnavailable, match="missing.onnx"):
        HandLandmarker(model=tmp_path / "missing.onnx")
    with pytest.raises(LandmarksUnavailable, match="not 224 x 224 RGB in"):  # a model, but not this one
        HandLandmarker(model=_other_onnx_model(tmp_path / "other.onnx"))


def _other_onnx_model(path):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the TorchScript-based exporter's notice
        torch.onnx.export(torch.nn.Linear(3, 2), (torch.zeros(1, 3),), str(path), dynamo=False)
    return path


def upright_hand() -> np.ndarray:
    """21 points of an upright hand around (0, -30): wrist at the bottom, fingers up."""
    p = np.zeros((21, 3), np.float32)
    p[:, 0] = np.tile([-12, -6, 0, 6, 12], 5)[:21]
    p[:, 1] = -np.arange(21) * 3.0
    p[0, 0] = 0  # the wrist
    p[[5, 9, 13], 0], p[[5, 9, 13], 1] = (-10, 0, 10), -40  # knuckles straight above it
    return p


def turned(points: np.ndarray, angle: float, about=(100.0, 100.0)) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    out = points.copy()
    out[:, :2] = points[:, :2] @ np.array([[c, -s], [s, c]], np.float32).T + about
    return out


def test_the_box_around_a_hand_turns_with_the_hand_and_keeps_its_size():
    from asl_runtime.hands import box_around
    x0, y0, side0, rotation0 = box_around(turned(upright_hand(), 0.0))
    assert rotation0 == pytest.approx(0.0, abs=1e-6) and side0 > 40  # the whole palm, with room
    assert y0 < 100  # shifted towards the fingers
    for angle in (0.5, -1.0, 2.5):
        x, y, side, rotation = box_around(turned(upright_hand(), angle))
        assert rotation == pytest.approx(angle, abs=1e-5) and side == pytest.approx(side0, rel=1e-4)
        c, s = np.cos(angle), np.sin(angle)  # its centre turned with the hand
        assert (x, y) == pytest.approx((100 + c * (x0 - 100) - s * (y0 - 100), 100 + s * (x0 - 100) + c * (y0 - 100)), abs=1e-3)


class FakeLandmarkModel:
    """Stands in for the landmark model's session: the points it 'finds' are fixed in its 224 px patch."""

    def __init__(self, presence: float):
        self.presence, self.looks = presence, 0

    def run(self, outputs, feed):
        [pixels] = feed.values()
        assert pixels.shape == (1, 224, 224, 3) and 0 <= pixels.min() and pixels.max() <= 255
        self.looks += 1
        points = np.zeros((21, 3), np.float32)
        points[:, :2] = 112
        points[12, :2] = (112, 0)  # the middle fingertip: top centre of the upright patch
        return [points.reshape(1, 63), np.array([[self.presence]], np.float32)]


def test_points_found_in_the_upright_patch_land_on_the_hand_and_video_looks_once_a_frame_a_photo_twice():
    import math
    landmarker = HandLandmarker(video=True)
    landmarker._session = fake = FakeLandmarkModel(0.9)
    points, presence = landmarker.look(np.zeros((64, 64, 3), np.uint8), (30.0, 40.0, 20.0, math.pi / 2))
    assert presence == pytest.approx(0.9) and np.allclose(points[0, :2], (30, 40), atol=1e-4)
    assert np.allclose(points[12, :2], (40, 40), atol=1e-4)  # a hand pointing right: fingertip to the right
    landmarker._last = None
    crop = np.zeros((64, 64, 3), np.uint8)
    assert landmarker.find_canonical(crop) is not None and fake.looks == 2  # found at the first look
    assert landmarker.find_canonical(crop) is not None and fake.looks == 3  # then once a frame
    fake.presence = 0.1
    assert landmarker.find_canonical(crop) is None and landmarker.find_canonical(crop) is None
    assert fake.looks == 5  # lost: one look at the whole crop, no second
    landmarker.video, fake.presence = False, 0.9
    assert landmarker.find_canonical(crop) is not None and fake.looks == 7  # a photo: look, look again


def test_a_still_hand_on_video_is_read_through_one_box_until_it_moves():
    """The points of a still hand wobble by a pixel from look to look (the real model's do on a
    still picture); the box they are read through stays put until the hand moves."""
    hand = turned(upright_hand(), 0.0, about=(32.0, 48.0))  # in a 64 px crop
    boxes, moved = [], [0.0]

    def look(rgb, box):
        boxes.append(box)
        return hand + (0.5 if len(boxes) % 2 else -0.5) + moved[0], 0.9

    landmarker = HandLandmarker(video=True)
    landmarker.look = look
    crop = np.zeros((64, 64, 3), np.uint8)
    for _ in range(6):
        landmarker.find_canonical(crop)
    assert len(set(boxes[1:])) == 1  # after the first look (the whole crop), one steady box
    moved[0] = 6.0  # the hand moved by a tenth of its box
    landmarker.find_canonical(crop)
    landmarker.find_canonical(crop)
    assert boxes[-1] != boxes[1] and boxes[-1][0] == pytest.approx(boxes[1][0] + 6, abs=1)


def test_a_new_source_looks_for_the_hand_afresh():
    """The box the last source's hand left is not where the next source's hand is looked for."""
    from asl_desktop.core.session import LiveSession
    from asl_desktop.core.speller import Speller
    reader = HandReader(LetterModel.load(shipped.shipped_landmark_model()), video=True)
    session = LiveSession(Speller(), classifier=Classifier.from_path(shipped.default_model()), hands=reader)
    boxes, hand = [], turned(upright_hand(), 0.0, about=(37.0, 53.0))
    reader.finder.landmarker.look = lambda rgb, box: (boxes.append(box), (hand, 0.9))[1]
    frame = np.zeros((120, 120, 3), np.uint8)  # no palm: the guide square is read whole
    first_look = hands.whole_crop(frame)
    for t in (0.0, 0.1):
        session.process(frame, t)
    assert boxes == [first_look, hands.box_around(hand)]  # then it followed the hand
    session.restart()
    session.process(frame, 0.2)
    assert boxes[-1] == first_look


def test_the_steady_box_follows_a_hand_that_turns_or_comes_closer():
    old = (32.0, 32.0, 40.0, 3.1)
    assert hands.steady(old, (33.0, 32.0, 41.0, -3.14)) == old  # 2.5% of its side, 2.5 degrees (across +-pi)
    assert hands.steady(old, (32.0, 32.0, 42.0, 3.1))[2] == 42.0  # 5% bigger
    assert hands.steady(old, (32.0, 32.0, 40.0, 3.0))[3] == 3.0  # turned by 6 degrees
    assert hands.steady(old, (34.0, 32.0, 40.0, 3.1))[0] == 34.0  # moved by 5% of its side


def test_the_shipped_landmark_model_loads_and_reads_nothing_without_a_hand():
    model = load_landmark_model(shipped.default_model().with_name("landmarks.pt"))
    assert model.meta["classes"] == list(CLASSES) and model.temperature > 0
    reader = HandReader(model, video=True)
    try:
        assert reader.read(np.zeros((120, 160, 3), np.uint8), (20, 0, 120)) is None
    finally:
        reader.close()
    with torch.no_grad():
        assert model.probs(np.zeros((1, 63), np.float32)).shape == (1, len(CLASSES))


def test_a_my_signs_fine_tune_adapts_the_landmark_model_too_and_the_app_reads_it(tmp_path, tiny_model, fake_points):
    from trainer.finetune import FinetuneConfig
    from trainer.runs import run_finetune
    own = write_letters(tmp_path / "own", ["H", "E", "L"], per_class=12)
    untrained = tmp_path / "hands.pt"
    save_landmark_model(untrained, LandmarkNet(), 1.0)
    out = run_finetune(tiny_model, own, tmp_path / "run", FinetuneConfig(epochs=2), landmarks=untrained)
    hands = out.metrics["finetune"]["landmarks"]
    assert hands["hand_found"] == 1.0 and hands["held_back"] > 0
    assert hands["held_back_after"] == 1.0 and hands["held_back_before"] < 0.9
    assert shipped.landmark_model_for(out.checkpoint) == tmp_path / "run" / "landmarks.onnx"
    assert load_landmark_model(shipped.landmark_model_for(out.checkpoint)).meta["fine_tuned_from"] == str(untrained)
    assert shipped.landmark_model_for(tiny_model) == shipped.shipped_landmark_model()  # no landmark model beside it


def test_fine_tuning_on_a_few_signs_keeps_reading_the_others(tmp_path, fake_points):
    from dataclasses import replace
    data = write_letters(tmp_path / "data", ["A", "B", "C", "nothing"])
    landmark_training.train_landmarks(data, tmp_path / "run", landmark_training.LandmarkConfig(epochs=15), log=print)
    model = load_landmark_model(tmp_path / "run" / "landmarks.pt")
    assert model.replay is not None and not model.replay.mean[CLASSES.index("B")].isnan().any()
    assert model.replay.mean[CLASSES.index("D")].isnan().all()  # no D in that training set
    own = np.full((20, 64, 64, 3), 8 * CLASSES.index("D"), np.uint8)  # one person records D only
    labels = np.full(20, CLASSES.index("D"))
    rng = np.random.default_rng(7)
    others = features(np.stack([hand(rng, CLASSES.index(c)) for c in "ABC" for _ in range(5)]))

    def read_after_finetune(m):
        tuned, metrics = landmark_training.finetune_landmarks(m, own, labels, np.arange(16), np.arange(16, 20))
        assert metrics["held_back_after"] == 1.0  # D is learnt
        return "".join(CLASSES[i] for i in tuned.probs(others).argmax(1))

    assert read_after_finetune(model) == "A" * 5 + "B" * 5 + "C" * 5
    assert "D" in read_after_finetune(replace(model, replay=None))  # without replay, some are forgotten


def test_while_no_hand_is_in_view_the_live_reader_looks_on_every_third_frame_only(monkeypatch):
    from trainer.landmarks import LandmarkModel
    searches = []

    class Finder:  # counts the searches
        def __init__(self, video, which=None):
            self.hand = None

        def find(self, rgb, guide, anywhere):
            searches.append(1)
            return self.hand

    monkeypatch.setattr(finder, "HandFinder", Finder)
    reader = HandReader(LandmarkModel(LandmarkNet().eval(), 1.0, {}), video=True)
    frame, guide = np.zeros((64, 64, 3), np.uint8), (0, 0, 64)
    assert all(reader.read(frame, guide) is None for _ in range(9)) and len(searches) == 3
    reader.finder.hand = Hand(hand(np.random.default_rng(0), 1).astype(np.float32), 0.9, True, (0, 0, 1, 0))
    assert all(reader.read(frame, guide) is not None for _ in range(6)) and len(searches) == 9  # then every frame
    photos = HandReader(LandmarkModel(LandmarkNet().eval(), 1.0, {}), video=False)
    searches.clear()
    assert all(photos.read(frame, guide) is None for _ in range(4)) and len(searches) == 4  # photos: every one


def reads_the_picture_saying(reason: str, qtbot, tiny_model, tmp_path, capsys):
    """`transcribe` spells a video from the picture and says why; so does the window (returned)."""
    from conftest import sign_frames, write_video

    from asl_desktop.main_window import MainWindow
    from asl_desktop.transcribe import main as transcribe_main
    video = write_video(tmp_path / "h.avi", sign_frames(["nothing"] * 10 + ["H"] * 16 + ["nothing"] * 6))
    assert transcribe_main([str(video), "--model", str(tiny_model), "--hold", "0.4"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "H" and "reading the picture only" in out.err and reason in out.err
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)
    qtbot.addWidget(window)
    messages = []
    window.live.controller.status.connect(messages.append)
    qtbot.waitUntil(lambda: any("picture only" in m and reason in m for m in messages), timeout=10000)
    return window


def test_a_damaged_landmark_model_leaves_the_picture_reading_with_a_message(qtbot, tiny_model, tmp_path,
                                                                             monkeypatch, capsys):
    from PySide6.QtGui import QAction

    from asl_desktop import settings
    bad = tmp_path / "landmarks.pt"
    bad.write_bytes(b"junk")
    monkeypatch.setattr(shipped, "shipped_landmark_model", lambda: bad)
    window = reads_the_picture_saying("landmarks.pt", qtbot, tiny_model, tmp_path, capsys)
    [toggle] = [a for a in window.findChildren(QAction) if a.text().startswith("Read the &hand")]
    assert not toggle.isChecked()
    assert settings.read(settings.LANDMARKS)  # the preference stays for when it works again


def test_the_hand_shape_numbers_stay_when_the_hand_turns_moves_or_is_further_away():
    from trainer.landmarks import hand_shape
    rng = np.random.default_rng(0)
    hand = upright_hand() + rng.normal(0, 2, (21, 3)).astype(np.float32)  # bent joints
    shape = hand_shape(features(hand)[None])
    assert np.allclose(hand_shape(torch.as_tensor(features(hand))[None]).numpy(), shape, atol=1e-6)  # training's kind
    for angle, scale in ((0.7, 1.0), (-2.0, 0.5), (3.0, 2.0)):
        other = turned(hand, angle, about=(300.0, 50.0)) * scale
        assert np.allclose(hand_shape(features(other)[None]), shape, atol=1e-4)
    fist = hand.copy()
    fist[[8, 12, 16, 20]] = hand[[5, 9, 13, 17]]  # fingertips folded onto the knuckles
    assert not np.allclose(hand_shape(features(fist)[None]), shape, atol=1e-2)


def test_the_live_read_gives_the_probabilities_of_the_network_as_trained(tmp_path):
    """The app reads the ONNX export saved beside the torch file, without torch."""
    torch.manual_seed(0)
    net = LandmarkNet()
    save_landmark_model(tmp_path / "lm.pt", net, 0.6)
    live = LetterModel.load(tmp_path / "lm.onnx")
    rng = np.random.default_rng(0)
    x = features(upright_hand() + rng.normal(0, 5, (8, 21, 3)).astype(np.float32))
    trained = torch.softmax(net.eval()(torch.as_tensor(x)) / 0.6, 1).detach().numpy()
    assert live.temperature == pytest.approx(0.6)
    assert np.allclose(live.probs(x), trained, atol=1e-5)
    assert (live.probs(x).argmax(1) == trained.argmax(1)).all()
    assert np.allclose(load_landmark_model(tmp_path / "lm.pt").probs(x), trained, atol=1e-6)


def test_a_landmark_model_saved_before_the_hand_shape_numbers_still_loads_and_reads(tmp_path):
    old = LandmarkNet(shape=False)
    path = tmp_path / "old.pt"
    save_landmark_model(path, old, 1.0)
    payload = torch.load(path, weights_only=True)
    del payload["hand_shape"]  # as files were written before
    torch.save(payload, path)
    model = load_landmark_model(path)
    assert not model.net.shape
    x = features(upright_hand())[None]
    assert np.allclose(model.probs(x), torch.softmax(old.eval()(torch.as_tensor(x)), 1).detach().numpy(), atol=1e-6)


def test_a_damaged_hand_landmark_model_file_leaves_the_picture_reading_with_a_message(qtbot, tiny_model, tmp_path,
                                                                                     monkeypatch, capsys):
    bad = tmp_path / "hand_landmark_lite.onnx"
    bad.write_bytes(b"\x00" * 4096)
    monkeypatch.setattr(hands, "landmark_onnx", lambda int8=None: bad)
    reads_the_picture_saying("hand_landmark_lite.onnx: not a hand landmark model", qtbot, tiny_model, tmp_path, capsys)


def test_an_interrupted_landmark_training_leaves_no_folder_behind(tmp_path, fake_points, monkeypatch):
    data = write_letters(tmp_path / "data", ["A", "B", "C"])

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C (or SIGTERM, which asl-train turns into it) near the end
    monkeypatch.setattr(landmark_training, "fit_temperature", interrupted)
    with pytest.raises(KeyboardInterrupt):
        landmark_training.train_landmarks(data, tmp_path / "run", landmark_training.LandmarkConfig(epochs=1))
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]  # no run, no half-written hidden folder


def write_point_set(path, letters, per_run=12, runs=4, seed=0, frames=True):
    """A set of hand points as the public sets store them: normalised to a 4:3 camera."""
    rng = np.random.default_rng(seed)
    points, labels, frame = [], [], []
    n = 0
    for letter in letters:
        for _ in range(runs):
            for _ in range(per_run):
                points.append(hand(rng, CLASSES.index(letter)) / np.array([640.0, 480.0, 640.0]) + [0.2, 0.3, 0.0])
                labels.append(letter)
                frame.append(n)
                n += 1
            n += 5  # a new recording: the frame numbers jump
    arrays = {"points": np.array(points, np.float32), "labels": np.array(labels)}
    if frames:
        arrays["frame"] = np.array(frame)
    arrays["aspect"] = np.float32(4 / 3)
    np.savez(path, **arrays)
    return path


def test_a_point_set_is_read_in_the_apps_proportions_and_split_by_whole_runs(tmp_path):
    from trainer.point_sets import load_point_set, split_runs
    path = write_point_set(tmp_path / "set.npz", "AB", per_run=12, runs=5)
    whole = load_point_set(path)
    assert len(whole.labels) == 120 and len(np.unique(whole.runs)) == 10
    one_long_recording = load_point_set(write_point_set(tmp_path / "long.npz", "A", per_run=70, runs=1))
    assert len(np.unique(one_long_recording.runs)) == 3  # cut every 30 frames: not a whole letter a run
    in_pixels = whole.points[0] * 480  # x scaled by the aspect: the camera's pixels over its height
    rng = np.random.default_rng(0)
    assert np.allclose(features(in_pixels), features(hand(rng, CLASSES.index("A"))), atol=1e-4)
    assert len(load_point_set(path, every=3).labels) == 40
    tr, te, va = split_runs(whole.runs, seed=0, train=0.6, test=0.2)
    assert sorted(np.concatenate([tr, te, va]).tolist()) == list(range(120))
    parts = [set(whole.runs[i]) for i in (tr, te, va)]
    assert all(parts) and not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    without_frames = load_point_set(write_point_set(tmp_path / "nf.npz", "A", per_run=70, runs=1, frames=False))
    assert len(np.unique(without_frames.runs)) == 3  # cut every 30 rows
    bad = tmp_path / "bad.npz"
    np.savez(bad, points=np.zeros((3, 5, 2)), labels=np.array(["A"] * 3))
    with pytest.raises(DatasetError, match="bad.npz: points must be N x 21 x 3"):
        load_point_set(bad)


@pytest.mark.parametrize("recipe", [{}, {"balance": True, "mixup": 0.2, "degraded": False}])
def test_the_letter_network_learns_from_other_signers_points_and_is_scored_on_a_set_it_never_saw(
        tmp_path, fake_points, recipe):
    data = write_letters(tmp_path / "data", ["A", "B", "nothing"])
    known = write_point_set(tmp_path / "known.npz", "ABC", seed=1)  # C: a letter the photos lack
    unseen = write_point_set(tmp_path / "unseen.npz", "C", seed=2, runs=2)
    cfg = landmark_training.LandmarkConfig(epochs=40, train_share=0.7, test_share=0.2, turn=0.3, every=2,
                                           point_sets=(str(known),), **recipe)
    lines = []
    metrics = landmark_training.train_landmarks(data, tmp_path / "run", cfg, log=lines.append, unseen_points=[unseen])
    assert metrics["point_sets"]["known.npz"]["trained_on"] > 0 and metrics["point_sets"]["known.npz"]["accuracy"] == 1.0
    assert metrics["unseen_points"]["unseen.npz"] == {"frames": 24, "accuracy": 1.0}  # C learnt from the set alone
    assert any("unseen.npz, never trained on: 1.0000" in line for line in lines)
    model = load_landmark_model(tmp_path / "run" / "landmarks.pt")
    assert not np.isnan(model.replay.mean[CLASSES.index("C")]).any()  # a fine-tune replays C too


def test_balanced_sources_are_drawn_equally_often_whatever_their_size():
    from trainer.landmark_training import source_weights
    weights = source_weights([9000, 0, 1000])  # the photos, an empty set, a small set
    drawn = torch.multinomial(weights, 20000, replacement=True, generator=torch.Generator().manual_seed(0))
    assert len(weights) == 10000 and (drawn >= 9000).float().mean() == pytest.approx(0.5, abs=0.02)
    with pytest.raises(ValueError, match="mixup"):
        landmark_training.LandmarkConfig(mixup=-1)


def test_a_turned_hand_keeps_its_shape_numbers_and_the_size_features_give_it():
    from trainer.landmark_training import turned
    from trainer.landmarks import hand_shape
    rng = np.random.default_rng(0)
    hand_points = upright_hand() + rng.normal(0, 2, (21, 3)).astype(np.float32)
    p = torch.as_tensor(features(hand_points)).view(1, 21, 3)
    out = turned(p, torch.tensor([0.4]), torch.tensor([-0.3]))
    assert out[0, :, :2].norm(dim=-1).max() == pytest.approx(1.0)  # scaled as `features` scales a hand
    assert not torch.allclose(out, p, atol=1e-2)
    # bends, spreads and fingertip gaps are angles and ratios in 3D: a rigid turn keeps them
    assert torch.allclose(hand_shape(out.reshape(1, -1)), hand_shape(p.reshape(1, -1)), atol=1e-5)
