"""How long `asl-desktop transcribe` of one photo takes as a whole process, against the bare
`python -c "import onnxruntime, cv2, numpy"` it cannot do without, run side by side.

Run: .venv/bin/python bench/startup.py [--pairs 5] [--photo PHOTO]
Prints each command's median wall time and peak memory over the pairs (alternating, so a busy
minute slows both alike) and the ratio of the medians.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

BIN = Path(sys.executable).parent


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--photo", help="a photo of a sign (default: a drawn one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.photo:
            image = cv2.imread(args.photo)
        else:
            image = np.full((480, 480, 3), 40, np.uint8)
            cv2.circle(image, (240, 240), 120, (150, 180, 220), -1)
        cv2.imwrite(str(Path(folder) / "photo.png"), image)
        commands = {"bare imports": [sys.executable, "-c", "import onnxruntime, cv2, numpy"],
                    "transcribe one photo": [str(BIN / "asl-desktop"), "transcribe", folder]}
        for command in commands.values():  # warm the file cache once
            timed(command)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.pairs):
            for name, command in commands.items():
                runs[name].append(timed(command))
    medians = {}
    for name, results in runs.items():
        medians[name] = statistics.median(s for s, _ in results)
        print(f"{name}: median {medians[name]:.2f} s (runs {', '.join(f'{s:.2f}' for s, _ in results)}), "
              f"peak {max(mb for _, mb in results):.0f} MB")
    print(f"ratio: {medians['transcribe one photo'] / medians['bare imports']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
