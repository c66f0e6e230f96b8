"""Make the shipped hand landmark models, `resources/models/hand_landmark_lite.onnx` (float) and
`hand_landmark_lite_int8.onnx` (8-bit), from MediaPipe's `hand_landmark_lite.tflite`.

1. Convert the .tflite (in the mediapipe 0.10.21 wheel under mediapipe/modules/hand_landmark/,
   and in this repository's history: `git show 728284f:resources/models/hand_landmark_lite.tflite`)
   with tf2onnx, which needs TensorFlow, in an environment of its own:

       python3.11 -m venv /tmp/tfvenv
       /tmp/tfvenv/bin/pip install tf2onnx==1.17.0 tensorflow-cpu==2.20.0
       /tmp/tfvenv/bin/python -m tf2onnx.convert --tflite hand_landmark_lite.tflite --opset 17 \\
           --output mediapipe_hand_landmark_lite.onnx

   That file ships as `resources/models/hand_landmark_lite_original.onnx`: letter networks
   learn from its points. The palm detector, `resources/models/palm_detection_lite.onnx`, is
   `mediapipe/modules/palm_detection/palm_detection_lite.tflite` of the same wheel converted by
   the same command, and ships as converted (`asl_runtime/palms.py`).

2. Make it sturdy on worse pictures, which writes `resources/models/hand_landmark_lite.onnx`:
   `tools/sturdy_landmarks.py DATA` (its teacher, `--source`, is the shipped original).

3. Quantize that (this script): ONNX Runtime's static quantization (QDQ, unsigned 8-bit
   activations, signed 8-bit weights per channel, min-max ranges), calibrated on the patches the
   app's looks cut from training photos (both looks of each photo where a hand is found):

       .venv/bin/python tools/landmark_onnx.py DATA [--photos 1000]

   The 8-bit model then takes the patch's 0-255 pixels as they are (`bytes_in`): its first
   step quantized the 0-1 input back to exactly those bytes.

The two files' points agree to about 0.5 px of a 64 px crop (docs/measurements.md, Speed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_runtime.hands import HandLandmarker, landmark_onnx, model_patch  # noqa: E402
from asl_runtime.preprocess import CANONICAL_SIZE  # noqa: E402
from trainer.data import load_dataset  # noqa: E402


class Patches(CalibrationDataReader):
    """The model inputs of both looks at each photo, one at a time."""

    def __init__(self, images: np.ndarray, model: Path):
        self.landmarker = HandLandmarker(video=False, model=model)
        self.images = iter(images)
        self.pending: list[np.ndarray] = []
        self.count = 0

    def get_next(self) -> dict | None:
        while not self.pending:
            rgb = next(self.images, None)
            if rgb is None:
                return None
            self.pending += [model_patch(rgb, box)[0] for box in self.landmarker.photo_boxes(rgb)]
        self.count += 1
        return {"input_1": (self.pending.pop(0)[None] / np.float32(255)).astype(np.float32)}


def bytes_in(path: Path) -> None:
    """Let a quantized model read uint8 pixels: drop the QuantizeLinear after its input's
    transpose (scale 1/255, zero point 0, which gives back the very bytes the 0-1 input was
    made from) and type the input, and that transpose, uint8."""
    model = onnx.load(str(path))
    graph, name = model.graph, model.graph.input[0].name
    transpose = next(n for n in graph.node if name in n.input)
    quantize = next(n for n in graph.node if n.op_type == "QuantizeLinear" and n.input[0] == transpose.output[0])
    consts = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    scale, zero = (consts[quantize.input[i]] for i in (1, 2))
    if transpose.op_type != "Transpose" or not np.isclose(scale, 1 / 255) or zero != 0 or zero.dtype != np.uint8:
        raise SystemExit(f"{path}: the input is not quantized as bytes (scale {scale}, zero point {zero})")
    for node in graph.node:
        node.input[:] = [transpose.output[0] if i == quantize.output[0] else i for i in node.input]
    graph.node.remove(quantize)
    for info in [v for v in graph.value_info if v.name == transpose.output[0]]:  # typed float
        graph.value_info.remove(info)
    graph.input[0].type.tensor_type.elem_type = TensorProto.UINT8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="training photos (a folder, .zip or .tar.gz with a folder per sign)")
    ap.add_argument("--photos", type=int, default=1000, help="photos to calibrate on, drawn at random")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    source, target = landmark_onnx(int8=False), landmark_onnx(int8=True)
    images = load_dataset(args.data, size=CANONICAL_SIZE).images
    chosen = np.random.default_rng(args.seed).choice(len(images), min(args.photos, len(images)), replace=False)
    patches = Patches(images[np.sort(chosen)], source)
    quantize_static(str(source), str(target), patches, quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    calibrate_method=CalibrationMethod.MinMax)
    bytes_in(target)
    print(f"{target}: {target.stat().st_size / 1e6:.1f} MB, calibrated on {patches.count} patches "
          f"of {len(chosen)} photos")
    return 0


if __name__ == "__main__":
    sys.exit(main())
