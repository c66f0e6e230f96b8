"""What the live app and `asl-desktop transcribe` need to read letters, without torch or Qt.

Labels, the preprocessing every crop takes, the shipped files and the user's folders, atomic
writes, and the two live models run by ONNX Runtime: the picture model and the letter network
that reads the hand's landmarks (docs/architecture.md). Training (`trainer`) writes the ONNX
files this package reads; nothing here imports torch, Qt, `trainer` or `asl_desktop`.
"""
