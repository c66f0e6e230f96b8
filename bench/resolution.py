"""Does the accuracy depend on the source resolution? The Massey photos (64 px) scored
through other paths to 28x28: upscaled to 400 px and 1080 px first, re-encoded as a poorer
JPEG (quality 60 and 40), slightly blurred (sigma 0.5 and 0.8 px). With the canonical
preprocessing path the figures should agree within a point. Scored twice: the picture model
alone, and as the app reads them (hand landmarks where a hand is found, the picture otherwise).

Run: .venv/bin/python bench/resolution.py [--massey DIR] [--model PATH] [--landmarks PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402

from asl_runtime.hands import features  # noqa: E402
from asl_runtime.preprocess import CANONICAL_SIZE, to_model_pixels  # noqa: E402
from asl_runtime.shipped import shipped_landmark_model  # noqa: E402
from trainer.checkpoint import load_checkpoint  # noqa: E402
from trainer.landmark_training import extract_points  # noqa: E402
from trainer.landmarks import load_landmark_model  # noqa: E402
from trainer.train import predict_pixels  # noqa: E402


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    return cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], cv2.IMREAD_COLOR)


PATHS = {
    "64 px as stored": lambda im: im,
    "upscaled to 400 px (cubic)": lambda im: cv2.resize(im, (400, 400), interpolation=cv2.INTER_CUBIC),
    "upscaled to 400 px, JPEG q60": lambda im: _jpeg(cv2.resize(im, (400, 400), interpolation=cv2.INTER_CUBIC), 60),
    "upscaled to 1080 px (linear)": lambda im: cv2.resize(im, (1080, 1080), interpolation=cv2.INTER_LINEAR),
    "re-encoded as JPEG q60": lambda im: _jpeg(im, 60),
    "re-encoded as JPEG q40": lambda im: _jpeg(im, 40),
    "Gaussian blur, sigma 0.5 px": lambda im: cv2.GaussianBlur(im, (0, 0), 0.5),
    "Gaussian blur, sigma 0.8 px": lambda im: cv2.GaussianBlur(im, (0, 0), 0.8),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--landmarks", default=str(shipped_landmark_model()), help="hand-landmark model")
    args = ap.parse_args()
    files = massey.photos(args.massey)
    if not files:
        return 0
    torch.set_num_threads(2)
    model = load_checkpoint(args.model)
    labels = torch.tensor([massey.label(f) for f in files])
    images = [cv2.imread(str(f)) for f in files]
    hands = load_landmark_model(args.landmarks)
    print(f"model {args.model}; {len(files)} Massey photos; landmarks {args.landmarks}")
    for name, path in PATHS.items():
        sources = [path(im) for im in images]
        pixels = np.stack([to_model_pixels(im, model.input_size) for im in sources])
        probs = predict_pixels(model.model, pixels, model.mean, model.std)
        line = f"  {name:32s} picture alone {(probs.argmax(1) == labels).float().mean():.3f}"
        points = extract_points(np.stack([to_model_pixels(im, CANONICAL_SIZE) for im in sources]), live=True)
        found = ~np.isnan(points[:, 0, 0])
        probs[torch.as_tensor(found)] = torch.as_tensor(hands.probs(features(points[found])))
        line += f"; as the app reads them {(probs.argmax(1) == labels).float().mean():.3f} (hand found in {found.mean():.1%})"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
