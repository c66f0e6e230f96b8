"""Bad datasets: one bad file among good ones is skipped and counted; a broken whole is a clear error."""

import tarfile
import zipfile

import cv2
import numpy as np
import pytest
from conftest import write_dataset

from asl_runtime import images
from asl_runtime.images import decode_image
from trainer import data as data_mod
from trainer.data import DatasetError, load_dataset


def _jpeg(size=32, quality=90) -> bytes:
    img = np.random.default_rng(0).integers(0, 255, (size, size, 3), dtype=np.uint8)
    return cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def test_a_zero_byte_image_is_skipped_and_counted(tmp_path):
    root = write_dataset(tmp_path / "d", per_class=5)
    (root / "A" / "empty.png").write_bytes(b"")
    ds = load_dataset(root)
    assert len(ds) == 15 and ds.unreadable == 1 and "A/empty.png" in ds.unreadable_examples


def test_phone_jpegs_with_bytes_after_the_end_are_read_but_truncated_ones_are_not():
    good = _jpeg()
    assert decode_image(good + b"\x00" * 10 + b"MPF trailer data from a phone" * 50) is not None
    assert decode_image(good[: len(good) // 2]) is None
    # an EXIF-like header segment that contains an end marker does not make a cut file look whole
    app1 = b"\xff\xe1" + (2 + 6).to_bytes(2, "big") + b"\xff\xd9abcd"
    cut = good[:2] + app1 + good[2: len(good) // 2]
    assert decode_image(cut) is None


def test_huge_images_are_skipped_before_decoding(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 32 * 32 - 1)
    assert decode_image(_jpeg(32)) is None
    assert decode_image(_jpeg(31)) is not None


def _zipped(root, archive, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(archive, "w", compression) as zf:
        for f in sorted(root.rglob("*.png")):
            zf.write(f, f.relative_to(root).as_posix())
    return archive


def test_a_corrupt_zip_member_is_skipped(tmp_path):
    archive = _zipped(write_dataset(tmp_path / "d", per_class=5), tmp_path / "d.zip", zipfile.ZIP_DEFLATED)
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("B/B_0.png")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start:start + 40] = b"\xff" * 40  # damage the compressed data of one member
    archive.write_bytes(bytes(raw))
    ds = load_dataset(archive)
    assert len(ds) == 14 and ds.unreadable == 1


def test_an_encrypted_zip_member_is_skipped(tmp_path):
    archive = _zipped(write_dataset(tmp_path / "d", per_class=3), tmp_path / "enc.zip")
    raw = bytearray(archive.read_bytes())
    # set the "encrypted" flag of the first member in its local header and the central directory
    raw[6] |= 1
    raw[raw.find(b"PK\x01\x02") + 8] |= 1
    archive.write_bytes(bytes(raw))
    ds = load_dataset(archive)
    assert len(ds) == 8 and ds.unreadable == 1


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_an_archive_member_that_would_expand_to_gigabytes_is_skipped_unread(tmp_path, monkeypatch, kind):
    """A member over MAX_MEMBER_BYTES (here lowered to 1 MB) is never read: zeros compress to
    almost nothing, and reading a few of them whole took 5.7 GB."""
    data = data_mod
    monkeypatch.setattr(data, "MAX_MEMBER_BYTES", 1_000_000)
    root = write_dataset(tmp_path / "d", per_class=3)
    (root / "A" / "bomb.png").write_bytes(bytes(2_000_000))
    archive = tmp_path / f"d.{kind}"
    if kind == "zip":
        _zipped(root, archive, zipfile.ZIP_DEFLATED)
    else:
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(root, arcname="d")
    assert archive.stat().st_size < 100_000
    read = []
    real = data.decode_image
    monkeypatch.setattr(data, "decode_image", lambda b: read.append(len(b) if b else 0) or real(b))
    ds = load_dataset(archive, cache_dir=tmp_path / "cache")
    assert len(ds) == 9 and ds.unreadable == 1 and max(read) < 1_000_000


def test_a_truncated_tar_gz_is_a_clear_error(tmp_path):
    root = write_dataset(tmp_path / "d", per_class=20)
    archive = tmp_path / "d.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(root, arcname="d")
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(DatasetError, match="damaged or incomplete"):
        load_dataset(archive)


def test_a_damaged_cache_file_is_rebuilt(tmp_path, isolated_user_dirs):
    root = write_dataset(tmp_path / "d", per_class=4)
    first = load_dataset(root)
    [cache] = list((isolated_user_dirs / "cache").rglob("*.npz"))
    cache.write_bytes(b"PK\x03\x04 this is not a zip any more")
    again = load_dataset(root)
    assert np.array_equal(first.images, again.images)
    np.load(cache).close()  # rewritten as a readable cache


def test_decoding_keeps_pace_with_reading(tmp_path, monkeypatch):
    """The loader decodes as it reads instead of reading every file first."""
    root = write_dataset(tmp_path / "d", per_class=40)
    monkeypatch.setattr(data_mod, "DECODE_CHUNK", 16)
    read, decoded_when = [0], []
    real_read, real_decode = data_mod._read_bytes, data_mod.decode_image

    def counting_read(path, members):
        for item in real_read(path, members):
            read[0] += 1
            yield item

    def noting_decode(data):
        decoded_when.append(read[0])
        return real_decode(data)

    monkeypatch.setattr(data_mod, "_read_bytes", counting_read)
    monkeypatch.setattr(data_mod, "decode_image", noting_decode)
    load_dataset(root)
    assert decoded_when[0] <= 16, f"the first image was decoded only after {decoded_when[0]} files were read"


def test_a_damaged_metrics_file_lists_its_run_without_figures_and_a_half_written_run_not_at_all():
    import json

    from asl_runtime.runs import list_runs, runs_dir
    for name, metrics in (("20260101-000000-a", {"test": {"accuracy": "abc"}, "unseen": {"accuracy": [1]}}),
                          ("20260101-000001-b", {"test": "x", "arch": ["deepcnn"]}),
                          ("20260101-000002-c", ["not", "a", "record"]),
                          (".20260101-000003-d.partial-x1", {"test": {"accuracy": 0.5}})):
        folder = runs_dir() / name
        folder.mkdir(parents=True)
        (folder / "metrics.json").write_text(json.dumps(metrics))
    runs = list_runs()
    assert [r.folder.name for r in runs] == ["20260101-000001-b", "20260101-000000-a"]
    assert all(r.test_accuracy is None and r.unseen_accuracy is None and r.arch is None for r in runs)


@pytest.mark.parametrize("damage", ["labels out of range", "5x5 images", "a folder"])
def test_a_cache_entry_that_does_not_fit_the_dataset_is_rebuilt(tmp_path, damage):
    import shutil

    import numpy as np

    from trainer.data import load_dataset
    root = write_dataset(tmp_path / "data", per_class=4)
    cache = tmp_path / "cache"
    first = load_dataset(root, cache_dir=cache)
    (entry,) = cache.glob("*.npz")
    if damage == "a folder":
        entry.unlink()
        entry.mkdir()
    else:
        images, labels = first.images, first.labels
        if damage == "labels out of range":
            labels = labels + 100
        else:
            images = images[:, :5, :5]
        with open(entry, "wb") as fh:
            np.savez(fh, images=images, labels=labels, unreadable=0, unreadable_examples=np.array([], dtype=str))
    again = load_dataset(root, cache_dir=cache)
    assert np.array_equal(again.images, first.images) and np.array_equal(again.labels, first.labels)
    if damage == "a folder":
        shutil.rmtree(entry)


def test_hidden_folders_are_left_out_and_linked_class_folders_are_read(tmp_path):
    from trainer.data import load_dataset
    root = write_dataset(tmp_path / "data", per_class=4)
    (root / ".thumbnails").mkdir()
    (root / ".thumbnails" / "x.png").write_bytes((root / "A").iterdir().__next__().read_bytes())
    (root / "A" / ".hidden.png").write_bytes(b"junk")
    elsewhere = write_dataset(tmp_path / "other", classes=("B",), per_class=3) / "B"
    (root / "B").rename(tmp_path / "B-old")
    (root / "B").symlink_to(elsewhere, target_is_directory=True)
    ds = load_dataset(root, cache_dir=tmp_path / "cache")
    assert ds.counts()["A"] == 4 and ds.counts()["B"] == 3 and ds.unreadable == 0
