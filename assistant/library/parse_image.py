"""Image files (PNG, JPEG, TIFF): a photographed page or nameplate, a scanned bulletin.

An image has no text layer: `parse_image` only counts its pages (the frames of a multi-page
TIFF) and lists them all as scanned, for the OCR step of ingest to read. `frame` gives one page
as RGB pixels, turned upright by its EXIF orientation (phone photos), for OCR and the viewer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.errors import ManualParseError

EXTENSIONS = {".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image"}
MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
MAX_PIXELS = 120_000_000  # a decompression bomb is refused, a 50-megapixel photo is not


def is_image(head: bytes) -> bool:
    return head.startswith(MAGIC)


def parse_image(path: Path) -> tuple[str, int]:
    """The title (file name) and page count of an image file; ManualParseError when unreadable."""
    with _open(path) as img:
        count = getattr(img, "n_frames", 1)
    return path.stem, count


def _open(path: Path):
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(path)
        img.size  # noqa: B018 - forces the header to be read
        return img
    except (UnidentifiedImageError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise ManualParseError(path, f"not a readable image ({exc})") from None


def frame(path: Path, number: int, max_side: int | None = None) -> np.ndarray:
    """Page `number` (1-based) of an image file as RGB uint8, at most `max_side` pixels long."""
    from PIL import ImageOps

    with _open(path) as img:
        if number > 1 or getattr(img, "n_frames", 1) > 1:
            img.seek(number - 1)
        page = (ImageOps.exif_transpose(img) or img).convert("RGB")
        if max_side and max(page.size) > max_side:
            page.thumbnail((max_side, max_side))
        return np.asarray(page, dtype=np.uint8).copy()


def size(path: Path, number: int) -> tuple[int, int]:
    """Width and height in pixels of page `number`, upright."""
    arr = frame(path, number)
    return arr.shape[1], arr.shape[0]


def page_count(path: Path) -> int:
    return parse_image(path)[1]
