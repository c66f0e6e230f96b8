"""Whether the optional training extra is installed: reading letters needs only ONNX Runtime;
training and fine-tuning need torch (`pip install 'asl-desktop[train]'`)."""

from __future__ import annotations

from importlib.util import find_spec

TRAIN_HINT = ("Training needs the training extra, which this installation does not have: "
              "pip install 'asl-desktop[train]' (about 5 GB with torch), then restart the app.")


def training_installed() -> bool:
    return all(find_spec(name) is not None for name in ("torch", "onnx", "plotly"))
