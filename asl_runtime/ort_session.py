"""The one way the live models (the picture model, the hand landmark model) get an ONNX Runtime session."""

from __future__ import annotations

import onnxruntime as ort


def ort_session(model: bytes | str, threads: int) -> ort.InferenceSession:
    """A CPU session for `model` (ONNX bytes or a file's path) on `threads` threads, whose idle
    threads sleep: spinning, they took the GUI thread's core (longer GUI stalls in soaks;
    docs/measurements.md, Speed)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
