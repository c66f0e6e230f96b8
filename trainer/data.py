"""Labelled image folders and archives -> cached 28x28 uint8 arrays.

A dataset is any folder, .zip or .tar(.gz) whose images sit in class sub-folders
(A-Z, del, nothing, space, any case), however deep those sub-folders are.  Each image
is decoded once; the decoded arrays are cached on disk under a key that changes when
the source changes.  Unreadable images are skipped and counted.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import tarfile
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import platformdirs

from asl_runtime.images import IMAGE_SUFFIXES, decode_image
from asl_runtime.labels import CLASSES, class_index, is_class_name
from asl_runtime.preprocess import INPUT_SIZE, to_model_pixels

CACHE_VERSION = 2  # 2: pixels through the canonical 64 px JPEG path (preprocess.canonical)
DECODE_CHUNK = 256        # images read ahead of decoding: memory stays flat on big datasets
MAX_MEMBER_BYTES = 64_000_000  # an archive member larger than this is skipped unread: no photo is, and a
#                                few zero-filled gigabytes compress to kilobytes (a zip bomb)
Progress = Callable[[int, int], None]


class DatasetError(ValueError):
    """A dataset that cannot be used, with a message for the user."""


@dataclass
class ImageDataset:
    images: np.ndarray  # N x S x S x 3, uint8 RGB
    labels: np.ndarray  # N, int64 indices into CLASSES
    source: str
    unreadable: int = 0
    unreadable_examples: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self) -> dict[str, int]:
        per_class = np.bincount(self.labels, minlength=len(CLASSES))
        return {name: int(n) for name, n in zip(CLASSES, per_class)}

    def summary(self) -> DatasetSummary:
        counts = self.counts()
        return DatasetSummary(self.source, len(self), counts, [name for name, n in counts.items() if n == 0],
                              self.unreadable, self.unreadable_examples[:10])


@dataclass
class DatasetSummary:
    """What a dataset holds; saved as a dict (`asdict`) in metrics.json and checkpoints."""
    source: str
    images: int
    per_class: dict[str, int]
    missing_classes: list[str]
    unreadable: int
    unreadable_examples: list[str]


def is_archive(path: Path) -> bool:
    name = path.name.lower()
    return path.is_file() and (name.endswith(".zip") or ".tar" in name or name.endswith(".tgz"))


def _hidden(name: str) -> bool:
    """A file or folder a system or a viewer put there (.thumbnails, .DS_Store, __MACOSX)."""
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts)


def _list_images(path: Path) -> list[str]:
    """Relative POSIX paths of every image file in a folder or archive, hidden ones left out.
    Folders that are symbolic links are followed (each real folder once)."""
    if path.is_dir():
        names, seen = [], set()
        for folder, dirs, files in os.walk(path, followlinks=True):
            real = os.path.realpath(folder)
            if real in seen:  # a link back up the tree
                dirs.clear()
                continue
            seen.add(real)
            for f in files:
                p = Path(folder) / f
                if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file():
                    names.append(p.relative_to(path).as_posix())
        return sorted(n for n in names if not _hidden(n))
    if path.name.lower().endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    else:
        with tarfile.open(path) as tf:
            names = [m.name for m in tf.getmembers() if m.isfile()]
    return sorted(n for n in names if PurePosixPath(n).suffix.lower() in IMAGE_SUFFIXES and not _hidden(n))


def _assign_classes(files: list[str], source: Path) -> list[tuple[str, int]]:
    """(file, class index) for images inside class folders; unknown sibling folders fail."""
    by_dir: dict[PurePosixPath, list[str]] = defaultdict(list)
    for f in files:
        by_dir[PurePosixPath(f).parent].append(f)
    class_dirs = {d for d in by_dir if d.name and is_class_name(d.name)}
    if not class_dirs:
        raise DatasetError(
            f"{source}: no class folders found. A dataset holds one sub-folder of images "
            "per letter, named A-Z, del, nothing or space."
        )
    roots = {d.parent for d in class_dirs}
    unknown = sorted(d.name for d in by_dir if d not in class_dirs and d.parent in roots and d.name)
    if unknown:
        raise DatasetError(
            f"{source}: unknown class folder '{unknown[0]}' beside the letter folders; "
            "expected only A-Z, del, nothing and space"
        )
    return [(f, class_index(d.name)) for d in sorted(class_dirs) for f in by_dir[d]]


def _read_bytes(path: Path, members: list[str]):
    """Yield (member, bytes or None) in archive order; None for a member that cannot be read
    (a damaged or encrypted zip member) or would expand to more than MAX_MEMBER_BYTES. A
    truncated archive stops with a DatasetError."""
    if path.is_dir():
        for m in members:
            try:
                yield m, (path / m).read_bytes()
            except OSError:
                yield m, None
    elif path.name.lower().endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for m in members:
                try:
                    if zf.getinfo(m).file_size > MAX_MEMBER_BYTES:
                        yield m, None
                        continue
                    yield m, zf.read(m)
                except (zipfile.BadZipFile, zlib.error, RuntimeError, OSError, EOFError, NotImplementedError):
                    yield m, None  # CRC error, corrupt deflate data, encrypted, unsupported compression
    else:
        wanted = set(members)
        try:
            with tarfile.open(path) as tf:
                for info in tf:
                    member = tf.extractfile(info) if info.name in wanted else None
                    if member is not None:  # None: not a regular file
                        yield info.name, member.read() if info.size <= MAX_MEMBER_BYTES else None
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise DatasetError(f"{path}: the archive is damaged or incomplete ({exc or type(exc).__name__}); "
                               "download or copy it again") from exc


def _chunks(items, n: int):
    it = iter(items)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def _cache_key(path: Path, files: list[str], size: int) -> str:
    h = hashlib.sha1(f"v{CACHE_VERSION}|{size}|{path.resolve()}".encode())
    if path.is_dir():
        for f in files:
            st = (path / f).stat()
            h.update(f"{f}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    else:
        st = path.stat()
        h.update(f"{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()


def default_cache_dir() -> Path:
    return Path(os.environ.get("ASL_DESKTOP_CACHE") or platformdirs.user_cache_dir("asl-desktop")) / "datasets"


def scan_dataset(path: str | Path) -> list[tuple[str, int]]:
    """Check a folder or archive is a dataset; return its (file, class) list."""
    path = Path(path).expanduser()
    if not path.exists():
        raise DatasetError(f"{path}: no such folder or file")
    if not (path.is_dir() or is_archive(path)):
        raise DatasetError(f"{path}: not a folder, .zip or .tar.gz archive")
    try:
        files = _list_images(path)
    except (OSError, tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise DatasetError(f"{path}: the archive is damaged or incomplete ({exc or type(exc).__name__}); "
                           "download or copy it again") from exc
    if not files:
        raise DatasetError(f"{path}: no images found (.jpg, .png, ...)")
    return _assign_classes(files, path)


def load_dataset(path: str | Path, size: int = INPUT_SIZE, cache_dir: Path | None = None,
                 progress: Progress | None = None, min_classes: int = 2) -> ImageDataset:
    """Decode (or read from cache) every image of a dataset as size x size RGB uint8."""
    path = Path(path).expanduser()
    entries = scan_dataset(path)
    n_classes = len({c for _, c in entries})
    if n_classes < min_classes:
        raise DatasetError(f"{path}: only {n_classes} class found; training needs at least {min_classes}")

    cache_dir = cache_dir or default_cache_dir()
    cache_file = cache_dir / f"{_cache_key(path, [f for f, _ in entries], size)}.npz"
    cached = _read_cache(cache_file, size, len(entries), str(path))
    if cached is not None:
        if progress:
            progress(len(entries), len(entries))
        return cached

    label_of = dict(entries)
    images, labels, bad = [], [], []

    def work(item):
        member, data = item
        bgr = decode_image(data)
        return member, None if bgr is None else to_model_pixels(bgr, size)

    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            done = 0
            for chunk in _chunks(_read_bytes(path, list(label_of)), DECODE_CHUNK):
                for member, pixels in pool.map(work, chunk):
                    if pixels is None:
                        bad.append(member)
                    else:
                        images.append(pixels)
                        labels.append(label_of[member])
                done += len(chunk)
                if progress:
                    progress(done, len(entries))
    except (OSError, zipfile.BadZipFile) as exc:
        raise DatasetError(f"{path}: cannot read images ({exc})") from exc
    if not images:
        raise DatasetError(f"{path}: none of the {len(entries)} images could be read")

    ds = ImageDataset(np.stack(images), np.asarray(labels, dtype=np.int64), str(path), len(bad), bad[:10])
    _write_cache(cache_file, ds)
    return ds


def _read_cache(cache_file: Path, size: int, files: int, source: str) -> ImageDataset | None:
    """The cached arrays, or None when there are none or they are not what this dataset decodes to
    (damaged, another size, labels out of range: rebuilt by the caller, the bad file removed)."""
    if not cache_file.is_file():
        return None
    try:
        with np.load(cache_file) as z:
            images, labels = z["images"], z["labels"]
            ds = ImageDataset(images, labels.astype(np.int64), source, int(z["unreadable"]),
                              [str(s) for s in z["unreadable_examples"]])
        if (images.dtype == np.uint8 and images.shape[1:] == (size, size, 3) and labels.shape == (len(images),)
                and 0 < len(images) <= files and ((labels >= 0) & (labels < len(CLASSES))).all()):
            return ds
    except Exception:  # noqa: BLE001  a damaged cache entry (any error) is rebuilt
        pass
    try:
        cache_file.unlink()
    except OSError:
        pass
    return None


def _write_cache(cache_file: Path, ds: ImageDataset) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, images=ds.images, labels=ds.labels, unreadable=ds.unreadable,
                     unreadable_examples=np.asarray(ds.unreadable_examples, dtype=str))
        os.replace(tmp, cache_file)
    except OSError:
        pass  # caching is an optimisation; a read-only disk must not stop training


def split_indices(n: int, seed: int = 0, train: float = 0.7, test: float = 0.2):
    """Seeded random split into (train, test, validation) index arrays: 70/20/10 by default."""
    order = np.random.default_rng(seed).permutation(n)
    n_train, n_test = int(round(n * train)), int(round(n * test))
    return order[:n_train], order[n_train:n_train + n_test], order[n_train + n_test:]
