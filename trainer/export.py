"""ONNX exports of the live models, written beside the torch checkpoints training keeps.

The app reads these with ONNX Runtime alone (`asl_runtime.model_files`), so a user who only
spells needs no torch. What reading a file needs (classes, input size, colour statistics,
temperature) goes into its metadata.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from pathlib import Path

import onnx
import torch
from torch import nn

from asl_runtime.hands import FEATURES
from asl_runtime.labels import CLASSES
from asl_runtime.model_files import LETTERS_FORMAT, PICTURE_FORMAT
from asl_runtime.storage import atomic_write


def _onnx_bytes(model: nn.Module, example: torch.Tensor, input_name: str) -> bytes:
    """The TorchScript-based exporter: 0.1 s for DeepCNN where the torch.export-based one takes
    5 s and needs onnxscript; torch is pinned, and it warns that it is deprecated."""
    graph = io.BytesIO()
    was_training = model.training
    model.eval()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's deprecation notice and tracer warnings
            torch.onnx.export(model, (example,), graph,  # type: ignore[arg-type]  # a BytesIO is fine
                              dynamo=False, input_names=[input_name], output_names=["logits"],
                              dynamic_axes={input_name: {0: "batch"}, "logits": {0: "batch"}})
    finally:
        model.train(was_training)
    return graph.getvalue()


def _write(graph: bytes, meta: dict[str, object], path: Path) -> None:
    proto = onnx.load_from_string(graph)
    for key, value in {**meta, "classes": list(CLASSES)}.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value if isinstance(value, str) else json.dumps(value)
    atomic_write(path, lambda tmp: onnx.save(proto, tmp))


def export_picture(model: nn.Module, arch: str, input_size: int, mean: Sequence[float], std: Sequence[float],
                   temperature: float, path: Path) -> None:
    example = torch.zeros(1, 3, input_size, input_size, device=next(model.parameters()).device)
    meta = {"format": PICTURE_FORMAT, "arch": arch, "input_size": input_size, "mean": [float(v) for v in mean],
            "std": [float(v) for v in std], "temperature": float(temperature)}
    _write(_onnx_bytes(model, example, "pixels"), meta, path)


def export_letters(net: nn.Module, temperature: float, path: Path) -> None:
    example = torch.zeros(1, FEATURES, device=next(net.parameters()).device)
    _write(_onnx_bytes(net, example, "features"), {"format": LETTERS_FORMAT, "temperature": float(temperature)}, path)


def export_beside(checkpoint: str | Path) -> Path:
    """Write the ONNX export beside a torch checkpoint (a picture model or a `landmarks.pt`)
    that has none, as runs from before the exports; returns its path."""
    from .checkpoint import load_checkpoint, read_payload
    from .landmarks import FORMAT as LANDMARKS_FORMAT
    from .landmarks import load_landmark_model
    checkpoint = Path(checkpoint)
    out = checkpoint.with_suffix(".onnx")
    payload = read_payload(checkpoint)
    if isinstance(payload, dict) and payload.get("format") == LANDMARKS_FORMAT:
        hands = load_landmark_model(checkpoint)
        export_letters(hands.net, hands.temperature, out)
    else:
        m = load_checkpoint(checkpoint)
        export_picture(m.model, m.arch, m.input_size, m.mean, m.std, m.temperature, out)
    return out
