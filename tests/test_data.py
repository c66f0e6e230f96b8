import tarfile
import zipfile

import cv2
import numpy as np
import pytest
import torch
from conftest import write_dataset

from asl_runtime.labels import CLASSES, UnknownClassError, class_index
from asl_runtime.preprocess import to_model_pixels
from trainer.data import DatasetError, load_dataset, split_indices
from trainer.tensors import normalize, preprocess


def test_folder_names_map_case_insensitively():
    assert class_index("Del") == class_index("del") == class_index("DEL") == CLASSES.index("del")
    assert class_index("a") == 0 and class_index("Space") == 28
    with pytest.raises(UnknownClassError, match="not a class folder"):
        class_index("thumbs-up")


def test_reference_split_sizes():
    train, test, val = split_indices(81200, seed=0)
    assert (len(train), len(test), len(val)) == (56840, 16240, 8120)
    assert len(set(train) | set(test) | set(val)) == 81200
    again = split_indices(81200, seed=0)
    assert np.array_equal(train, again[0])


def test_training_and_live_preprocessing_give_the_same_tensor(tmp_path):
    root = write_dataset(tmp_path / "d", per_class=3)
    ds = load_dataset(root)
    mean, std = (0.4, 0.5, 0.6), (0.2, 0.25, 0.3)
    files = sorted((root / "A").glob("*.png"))
    live = [preprocess(cv2.imread(str(f)), mean, std) for f in files]
    trained = normalize(ds.images[ds.labels == 0], mean, std)
    assert live[0].shape == (3, 28, 28) and live[0].dtype == torch.float32
    assert torch.equal(torch.stack(live), trained)


def test_preprocess_accepts_any_crop_size_and_grey():
    big = np.full((480, 300, 3), (255, 0, 0), np.uint8)  # pure blue in BGR
    px = to_model_pixels(big)
    assert px.shape == (28, 28, 3)
    assert px[0, 0, 2] > 240 and px[0, 0, :2].max() < 15  # RGB order (JPEG shifts a level or two)
    assert preprocess(np.zeros((10, 10), np.uint8)).shape == (3, 28, 28)
    with pytest.raises(ValueError):
        preprocess(np.zeros((0, 0, 3), np.uint8))


def test_every_source_resolution_gives_the_same_model_input():
    """A 400 px photo and its 64 px copy reach the model alike: both take the canonical path."""
    rng = np.random.default_rng(3)
    small = cv2.GaussianBlur(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8), (0, 0), 2)
    cv2.circle(small, (32, 30), 14, (60, 140, 220), -1)
    big = cv2.resize(small, (400, 400), interpolation=cv2.INTER_CUBIC)
    direct = cv2.cvtColor(cv2.resize(big, (28, 28), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
    a, b = to_model_pixels(small).astype(int), to_model_pixels(big).astype(int)
    assert np.abs(a - b).mean() < 2.0
    assert np.abs(a - b).mean() < np.abs(a - direct.astype(int)).mean()


def test_broken_images_are_skipped_and_counted(tmp_path):
    root = write_dataset(tmp_path / "d", per_class=5, ext=".jpg")
    (root / "A" / "not_an_image.jpg").write_bytes(b"hello")
    good = (root / "B" / "B_0.jpg").read_bytes()
    (root / "B" / "truncated.jpg").write_bytes(good[: len(good) // 2])
    ds = load_dataset(root)
    assert len(ds) == 15
    assert ds.unreadable == 2
    assert ds.summary().unreadable == 2
    assert any("truncated" in s for s in ds.unreadable_examples)


def test_bad_dataset_folders_get_clear_errors(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatasetError, match="no images"):
        load_dataset(empty)
    one = write_dataset(tmp_path / "one", classes=("A",), per_class=3)
    with pytest.raises(DatasetError, match="only 1 class"):
        load_dataset(one)
    odd = write_dataset(tmp_path / "odd", classes=("A", "B", "thumbs"), per_class=2)
    with pytest.raises(DatasetError, match="unknown class folder 'thumbs'"):
        load_dataset(odd)
    with pytest.raises(DatasetError, match="no such folder"):
        load_dataset(tmp_path / "missing")


def test_archives_with_nested_class_folders(tmp_path):
    src = write_dataset(tmp_path / "src" / "asl_alphabet_train" / "asl_alphabet_train", per_class=4)
    zpath = tmp_path / "data.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in src.rglob("*.png"):
            zf.write(f, f.relative_to(tmp_path / "src"))
    tpath = tmp_path / "data.tar.gz"
    with tarfile.open(tpath, "w:gz") as tf:
        tf.add(tmp_path / "src", arcname="top")
    for archive in (zpath, tpath):
        ds = load_dataset(archive)
        assert len(ds) == 12
        assert ds.counts()["A"] == ds.counts()["B"] == ds.counts()["del"] == 4


def test_cache_is_refreshed_when_the_folder_changes(tmp_path):
    root = write_dataset(tmp_path / "d", per_class=4)
    assert len(load_dataset(root)) == 12
    assert len(load_dataset(root)) == 12  # served from the cache
    cv2.imwrite(str(root / "A" / "extra.png"), np.zeros((20, 20, 3), np.uint8))
    assert len(load_dataset(root)) == 13


def test_live_frames_reach_the_model_as_training_photos_do_mirrored_or_not(tiny_model):
    from asl_desktop.core.recognizer import Classifier, Recognizer
    from asl_desktop.core.region import GuideBox
    frame = np.random.default_rng(3).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    classifier = Classifier.from_path(tiny_model)
    for mirror in (False, True):
        r = Recognizer(classifier, GuideBox(0.35, 0.5, 0.6), mirror=mirror).process(frame)
        x, y, side = r.box  # in the frame as shown
        shown = cv2.flip(frame, 1) if mirror else frame
        camera_view = shown[y:y + side, x:x + side][:, ::-1] if mirror else shown[y:y + side, x:x + side]
        assert r.frame is frame and r.mirrored == mirror and np.array_equal(r.hand, camera_view)
        assert np.array_equal(r.pixels, to_model_pixels(camera_view, classifier.input_size))


def test_the_box_follows_the_hand_found_in_the_mirrored_view_and_crops_it_from_the_camera(tiny_model):
    from asl_desktop.core.recognizer import Classifier, Recognizer
    from asl_runtime.finder import Hand
    frame = np.zeros((240, 320, 3), np.uint8)
    cv2.circle(frame, (80, 120), 40, (120, 150, 210), -1)  # a hand on the camera's left
    points = np.zeros((21, 3), np.float32)
    points[:, :2] = (60, 100)
    points[1, :2] = (100, 140)

    class Reader:  # finds that hand, as the palm detector and landmark model would
        looked = True

        def read(self, rgb, guide, anywhere):
            return Hand(points, 0.99, True, (80.0, 120.0, 80.0, 0.0)), np.full(29, 1 / 29)

        def close(self):
            pass

    recognizer = Recognizer(Classifier.from_path(tiny_model), hands=Reader())
    for mirror in (False, True):
        recognizer.mirror = mirror
        r = recognizer.process(frame)
        x, y, side = r.box
        assert r.tracked and abs(y + side / 2 - 120) < 2
        assert abs(x + side / 2 - (240 if mirror else 80)) < 2  # where the user sees the hand
        assert r.hand.mean() > 60  # the crop holds the hand either way
        assert r.pixels is None and r.prediction.source == "landmarks"  # no picture read made for nothing
