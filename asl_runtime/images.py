"""Image files read safely: a truncated, unreadable or enormous image is None, never a crash."""

from __future__ import annotations

import io

import cv2
import numpy as np
import PIL.Image

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
MAX_PIXELS = 50_000_000   # larger images are skipped: one 20000x20000 PNG would take 1.2 GB


def _jpeg_is_complete(data: bytes) -> bool:
    """True when the JPEG's image data reaches its end marker. Walks the header segments
    (so an EXIF thumbnail's end marker is not mistaken for the image's) and accepts bytes
    after the end, as many phone cameras write."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: entropy-coded data never holds FF D9
            return data.find(b"\xff\xd9", i) != -1
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return False


def _too_large(data: bytes, max_pixels: int | None = None) -> bool:
    """Over `max_pixels` (MAX_PIXELS), judged from the header alone (decoding would take the memory)."""
    try:
        with PIL.Image.open(io.BytesIO(data)) as im:
            width, height = im.size
    except PIL.Image.DecompressionBombError:
        return True
    except (OSError, ValueError, SyntaxError):
        return False  # a header Pillow does not know: OpenCV may still read it
    return width * height > (MAX_PIXELS if max_pixels is None else max_pixels)


def decode_image(data: bytes | None, max_pixels: int | None = None) -> np.ndarray | None:
    """BGR image from encoded bytes, or None when empty, unreadable, truncated or over
    `max_pixels` (MAX_PIXELS)."""
    if not data:
        return None
    if data[:2] == b"\xff\xd8" and not _jpeg_is_complete(data):
        return None  # truncated JPEG: OpenCV would return a half-grey image
    if _too_large(data, max_pixels):
        return None
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        return None
    return image if image is not None and image.size else None
