"""Fine-tune MediaPipe's float hand landmark model so that a worse copy of a crop (re-encoded as
a poor JPEG, or blurred) gives the points the model itself finds in the sharp crop.

The teacher is the model as converted from MediaPipe; the student starts as its copy and sees
the same patches (the app's two looks at each training photo, each box jittered a little),
60% of them cut from a worse copy of the photo (`degraded`, as the letter network's worse
copies are made). It learns the teacher's points and hand-presence score on the sharp patch.
Only the weights change: they are written back into the teacher's ONNX graph, so the app, the
quantization step and every other tool read the result as before. docs/model-card.md, "Sturdy points".

    .venv/bin/python tools/sturdy_landmarks.py DATA

It needs onnx2torch, which `make test` installs (the test extras).

The teacher (`--source`) is step 1 of `tools/landmark_onnx.py` (tf2onnx's conversion), shipped as
`resources/models/hand_landmark_lite_original.onnx`; the result replaces
`resources/models/hand_landmark_lite.onnx`, which `tools/landmark_onnx.py DATA` then quantizes.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_runtime.hands import (  # noqa: E402
    MIN_PRESENCE,
    POINTS,
    HandLandmarker,
    landmark_onnx,
    model_patch,
    original_landmark_onnx,
)
from asl_runtime.preprocess import CANONICAL_SIZE  # noqa: E402
from asl_runtime.storage import atomic_write  # noqa: E402
from trainer.data import load_dataset  # noqa: E402
from trainer.landmark_training import degraded  # noqa: E402

WORSE_SHARE = 0.6


def looks(landmarker: HandLandmarker, images: np.ndarray) -> list[tuple[int, tuple]]:
    """(photo, box) of the app's looks at each photo (`photo_boxes`)."""
    return [(i, box) for i, rgb in enumerate(images) for box in landmarker.photo_boxes(rgb)]


def jittered(box: tuple, rng: np.random.Generator) -> tuple:
    """The box moved, resized and turned a little (standard deviations 3%, 5%, 0.05 rad), as
    the previous frame's points or a worse first look would place it."""
    x, y, side, rotation = box
    return (x + rng.normal(0, 0.03) * side, y + rng.normal(0, 0.03) * side,
            side * math.exp(rng.normal(0, 0.05)), rotation + rng.normal(0, 0.05))


def loss_fn(out, points: torch.Tensor, presence: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Distance to the teacher's points (|dx| + |dy| + |dz| in model pixels, halved, averaged
    over the points where the teacher finds a hand) and cross-entropy to its presence score."""
    found = (presence >= MIN_PRESENCE).float()[:, None]
    error = (out[0].reshape(-1, POINTS, 3) - points).abs().sum(-1) / 2
    point_loss = (error * found).sum() / (found.sum() * POINTS + 1e-6)
    presence_loss = torch.nn.functional.binary_cross_entropy(out[1].reshape(-1).clamp(1e-6, 1 - 1e-6), presence)
    return point_loss, presence_loss


def write_weights(student: torch.nn.Module, source: Path, target: Path) -> None:
    """The student's weights put back into the source graph, each Conv and Gemm by name."""
    model = onnx.load(str(source))
    inits = {t.name: t for t in model.graph.initializer}
    modules = dict(student.named_modules())
    for node in model.graph.node:
        if node.op_type not in ("Conv", "Gemm"):
            continue
        module = modules.get(node.name)
        if not hasattr(module, "weight"):
            module = modules[f"{node.name}.1"]  # a padded conv: onnx2torch's Sequential(pad, conv)
        trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
        for name, value in zip(node.input[1:], (module.weight, module.bias)):
            array = value.detach().numpy()
            if node.op_type == "Gemm" and name == node.input[1] and not trans_b:
                array = array.T
            old = inits[name]
            if array.shape != tuple(old.dims):
                raise SystemExit(f"{node.name}: shape {array.shape} against {tuple(old.dims)}")
            old.CopyFrom(numpy_helper.from_array(array.astype(np.float32), name))
    onnx.checker.check_model(model)
    atomic_write(target, lambda tmp: onnx.save(model, str(tmp)))


def main() -> int:
    import onnx2torch  # only this tool needs it

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="training photos (a folder, .zip or .tar.gz with a folder per sign)")
    ap.add_argument("--source", type=Path, default=original_landmark_onnx(),
                    help="MediaPipe's model as tf2onnx converted it (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=landmark_onnx(int8=False))
    ap.add_argument("--photos", type=int, default=4000, help="photos to learn from, drawn at random")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    started = time.monotonic()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    images = load_dataset(args.data, size=CANONICAL_SIZE).images
    images = images[np.sort(rng.choice(len(images), min(args.photos, len(images)), replace=False))]
    teacher = HandLandmarker(video=False, model=args.source)
    boxes = looks(teacher, images)
    student = onnx2torch.convert(str(args.source))
    opt = torch.optim.Adam(student.parameters(), args.lr)
    for epoch in range(args.epochs):
        worse = degraded(images, seed=args.seed + 1 + epoch)
        order = rng.permutation(len(boxes))
        bar = tqdm(range(0, len(order) - args.batch + 1, args.batch), desc=f"epoch {epoch + 1}/{args.epochs}")
        for start in bar:
            pixels, points, presence = [], [], []
            for i, box in (boxes[k] for k in order[start:start + args.batch]):
                box = jittered(box, rng)
                found, score = teacher.run(model_patch(images[i], box)[0])
                points.append(found)
                presence.append(score)
                pixels.append(model_patch(worse[i] if rng.random() < WORSE_SHARE else images[i], box)[0])
            out = student(torch.from_numpy(np.stack(pixels)).float() / 255)
            point_loss, presence_loss = loss_fn(out, torch.from_numpy(np.stack(points)),
                                                torch.tensor(presence, dtype=torch.float32))
            opt.zero_grad()
            (point_loss + 10 * presence_loss).backward()
            opt.step()
            bar.set_postfix(points=f"{point_loss.item():.2f}", presence=f"{presence_loss.item():.3f}")
    write_weights(student, args.source, args.out)
    patch = model_patch(images[0], boxes[0][1])[0]
    with torch.no_grad():
        expected = student(torch.from_numpy(patch[None]).float() / 255)[0].numpy().reshape(POINTS, 3)
    if np.abs(HandLandmarker(video=False, model=args.out).run(patch)[0] - expected).max() > 1e-2:
        raise SystemExit(f"{args.out}: the written model does not compute what was trained")
    print(f"{args.out}: {len(boxes)} looks at {len(images)} photos, {args.epochs} epochs, "
          f"{(time.monotonic() - started) / 60:.0f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
