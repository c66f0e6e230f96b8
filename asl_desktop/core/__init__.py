"""The live pipeline without Qt: frame sources, hand region, recognizer, speller and the
session that ties them together. The window and `asl-desktop transcribe` both drive it."""
