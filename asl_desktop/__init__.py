"""ASL Desktop: reads ASL fingerspelling from a webcam and turns it into text."""

__version__ = "0.1.0"
