"""Training and loader speed on the shared ASL photos (skips when they are absent).

Run: .venv/bin/python bench/bench_training.py [--batches 120]
Prints images/s of the production training loop (`trainer.train.train`) and estimated
seconds per epoch for each recipe, with and without augmentation, and the cached loader's
throughput against the reference's per-item Dataset (open + resize one file per __getitem__, batch 32, num_workers 0) as a ratio.
"""

import argparse
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import cv2
import torch
from torch.utils.data import DataLoader, Dataset

from trainer.data import load_dataset
from trainer.tensors import normalize
from trainer.train import TrainConfig, TrainingCallback, TrainingCancelled, train

ARCHIVE = Path(__file__).resolve().parents[1].parent / "shared/data/asl-alphabet/asl-alphabet-train.tar.gz"


class PerItemDataset(Dataset):
    """The reference approach: one file opened and resized per item."""

    def __init__(self, files):
        self.files = files

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        image = cv2.resize(cv2.imread(str(self.files[i])), (28, 28))
        return torch.from_numpy(image).permute(2, 0, 1).float() / 255.0, 0


def bench_loader(data, n_files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(ARCHIVE) as tf:
            members = [m for m in tf.getmembers() if m.isfile()][:n_files]
            tf.extractall(tmp, members=members, filter="data")
        files = sorted(Path(tmp).rglob("*.jpg"))
        loader = DataLoader(PerItemDataset(files), batch_size=32, num_workers=0)
        t = time.perf_counter()
        seen = sum(len(x) for x, _ in loader)
        per_item = seen / (time.perf_counter() - t)
    pixels = torch.from_numpy(data.images)
    t = time.perf_counter()
    seen = 0
    for _ in range(3):
        order = torch.randperm(len(pixels))
        for s in range(0, len(pixels), 32):
            seen += len(normalize(pixels[order[s:s + 32]], (0.5,) * 3, (0.25,) * 3))
    cached = seen / (time.perf_counter() - t)
    print(f"loader: reference per-item {per_item:,.0f} img/s; cached in-memory batches {cached:,.0f} img/s; "
          f"ratio {cached / per_item:.0f}x")


class BatchClock(TrainingCallback):
    """Times the production loop's batches after a warm-up, then stops the run."""

    def __init__(self, warm: int, batches: int):
        self.warm, self.total, self.seen = warm, warm + batches, 0
        self.started = self.ended = 0.0

    def on_batch(self, epoch, batch, loss, accuracy):
        self.seen += 1
        if self.seen == self.warm:
            self.started = time.perf_counter()
        if self.seen == self.total:
            self.ended = time.perf_counter()

    def should_stop(self):
        return self.seen >= self.total


def bench_training(data, arch: str, augment: bool, batches: int) -> float:
    """Images per second of `trainer.train.train` itself (the loop the app and CLI run)."""
    cfg = TrainConfig.for_arch(arch, augment=augment, device="cpu")
    clock = BatchClock(5, batches)
    try:
        train(data, cfg, clock)
    except TrainingCancelled:
        pass
    rate = batches * cfg.batch_size / (clock.ended - clock.started)
    n_train = round(len(data) * cfg.train_share)
    print(f"train {arch:8s} batch {cfg.batch_size:4d} augment={'on ' if augment else 'off'}: {rate:7,.0f} img/s, "
          f"{n_train / rate:6.1f} s per epoch of {n_train} images")
    return rate


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--batches", type=int, default=120)
    p.add_argument("--files", type=int, default=3000, help="images read by the per-item loader")
    args = p.parse_args()
    if not ARCHIVE.exists():
        print(f"skipped: {ARCHIVE} not found")
        return 0
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device cpu")
    t = time.perf_counter()
    data = load_dataset(ARCHIVE)
    print(f"dataset: {len(data)} images ready in {time.perf_counter() - t:.1f} s (decoded once, then cached)")
    bench_loader(data, args.files)
    for arch in ("aslnet", "deepcnn"):
        plain = bench_training(data, arch, False, args.batches)
        aug = bench_training(data, arch, True, args.batches)
        print(f"  augmentation slows {arch} epochs by {plain / aug:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
