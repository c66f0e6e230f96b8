"""The offline tools that make the shipped hand landmark model (tools/)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
from test_landmarks import drawn_hand

from asl_runtime.hands import HandLandmarker, model_patch, original_landmark_onnx


def _tool(name: str):
    path = Path(__file__).resolve().parents[1] / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fine_tuned_landmark_weights_are_written_back_into_the_model_the_app_runs(tmp_path):
    """What `sturdy_landmarks` trained in torch is what ONNX Runtime then computes."""
    onnx2torch = pytest.importorskip("onnx2torch")
    source = original_landmark_onnx()  # the tool's teacher
    student = onnx2torch.convert(str(source))
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in student.parameters():
            p.mul_(1 + 0.05 * torch.randn(p.shape, generator=gen))
    out = tmp_path / "sturdy.onnx"
    _tool("sturdy_landmarks").write_weights(student, source, out)

    patch = model_patch(drawn_hand(), (32.0, 32.0, 64 * 1.3, 0.0))[0]
    with torch.no_grad():
        trained = student(torch.from_numpy(patch[None]).float() / 255)[0].numpy().reshape(21, 3)
    written = HandLandmarker(model=out).run(patch)[0]
    before = HandLandmarker(model=source).run(patch)[0]
    assert np.abs(written - trained).max() < 1e-2
    assert np.abs(before - trained).mean() > 0.5  # the weights did change what it computes
