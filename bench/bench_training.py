"""Training and loader speed on the shared ASL photos (skips when they are absent).

Run: .venv/bin/python bench/bench_training.py [--batches 120]
Prints images/s and estimated seconds per epoch for each recipe, with and without
augmentation, and the cached loader's throughput against the reference's per-item
Dataset (open + resize one file per __getitem__, batch 32, num_workers 0) as a ratio.
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

from trainer.augment import augment_batch
from trainer.data import load_dataset, split_indices
from trainer.models import build_model
from trainer.preprocess import normalize, standardize, to_unit
from trainer.train import RECIPES

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


def bench_training(data, arch: str, augment: bool, batches: int) -> float:
    recipe = RECIPES[arch]
    bs = recipe["batch_size"]
    train_idx, _, _ = split_indices(len(data))
    x_all = torch.from_numpy(data.images[train_idx])
    y_all = torch.from_numpy(data.labels[train_idx])
    model = build_model(arch)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    model.train()
    for warm in (True, False):
        t = time.perf_counter()
        n = 5 if warm else batches
        for b in range(n):
            idx = torch.randint(0, len(x_all), (bs,), generator=gen)
            x = to_unit(x_all[idx])
            if augment:
                x = augment_batch(x, gen)
            loss = torch.nn.functional.cross_entropy(model(standardize(x, (0.5,) * 3, (0.25,) * 3)), y_all[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    rate = batches * bs / (time.perf_counter() - t)
    print(f"train {arch:8s} batch {bs:4d} augment={'on ' if augment else 'off'}: {rate:7,.0f} img/s, "
          f"{len(train_idx) / rate:6.1f} s per epoch of {len(train_idx)} images")
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
