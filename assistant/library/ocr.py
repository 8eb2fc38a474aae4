"""Optical character recognition of page images with RapidOCR (PP-OCRv6 small, ONNX Runtime).

- `recognise(rgb)`: an RGB page image (H x W x 3, uint8) -> `OcrPage`: its words in reading
  order, each with a box (fractions of the page's width and height, so any rendering of the
  page can place it), a confidence, and the number of the line it belongs to.
- `page_blocks(ocr, page, section)`: the recognised text as paragraph `Block`s.
- `page_text(ocr)`: the page's text with each word's character span (for highlights).

The engine is created once per process, lazily, with one ONNX Runtime thread and one OpenCV
thread: OCR runs beside the GUI and the embedder on a two-core tablet and must leave a core
free. Models come only from the files inside the rapidocr wheel, named explicitly, so
rapidocr's download fallback (which fetches a model when no path is given) can never run.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.errors import ModelMissingError
from assistant.library.document import Block

log = logging.getLogger(__name__)

_MODEL_FILES = {
    "Det.model_path": "PP-OCRv6_det_small.onnx",
    "Rec.model_path": "PP-OCRv6_rec_small.onnx",
    "Cls.model_path": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
MAX_SIDE = 2000  # rapidocr scales larger images down to this anyway; render no bigger
_UPSIDE_DOWN_SCORE = 0.8  # mean line confidence under which the page is also read turned by 180 degrees
_TALL = 1.5  # a text box this much taller than wide is a line of a page turned by 90 degrees
_PARAGRAPH_GAP = 0.9
_HEADING_HEIGHT = 1.3  # a line this much taller than the page's median line is set larger: a heading
_HEADING_WORDS = 10  # a vertical gap over this many line heights starts a new paragraph

_engine = None
_engine_lock = threading.Lock()  # one recognition at a time: the engine is not thread-safe


@dataclass
class Word:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page (top-left origin)
    conf: float
    line: int


@dataclass
class OcrPage:
    """What OCR read on one page image of `width` x `height` pixels, turned by `angle` degrees
    (counter-clockwise) before reading when the page lay on its side."""

    width: int
    height: int
    words: list[Word] = field(default_factory=list)
    angle: int = 0

    @property
    def confidence(self) -> float | None:
        """Mean word confidence weighted by word length; None when nothing was read."""
        total = sum(len(w.text) for w in self.words)
        return sum(w.conf * len(w.text) for w in self.words) / total if total else None

    def to_json(self) -> list:
        return [[w.text, *(round(v, 5) for v in w.box), round(w.conf, 4), w.line] for w in self.words]

    @classmethod
    def from_json(cls, width: int, height: int, words: list, angle: int = 0) -> OcrPage:
        return cls(width, height, [Word(t, (x0, y0, x1, y1), c, ln) for t, x0, y0, x1, y1, c, ln in words], angle)


def model_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


def engine():
    """The process's RapidOCR engine (created on first use, ~1 s)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = _create()
        return _engine


def _create():
    try:
        import cv2
        from rapidocr import RapidOCR
    except ImportError as exc:  # a broken install: say which part, once, instead of failing per page
        raise ModelMissingError(f"OCR is not available ({exc}); reinstall the app or turn OCR off") from None

    cv2.setNumThreads(1)
    models = model_dir()
    params: dict = {
        "Global.log_level": "warning",
        # The line-level 0/180 classifier flips good lines at times (a whole line of a clean page
        # read upside down as garbage); a page turned by 180 degrees is handled per page instead.
        "Global.use_cls": False,
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    for key, name in _MODEL_FILES.items():
        path = models / name
        if not path.is_file():
            raise ModelMissingError(f"OCR model {name} is missing from {models} (reinstall rapidocr)")
        params[key] = str(path)
    return RapidOCR(params=params)


def recognise(rgb: np.ndarray) -> OcrPage:
    """Read one page image. A page lying on its side (most text boxes tall and narrow) is read
    again turned both ways, one read with low confidence again turned upside down, and the
    better reading kept; boxes are always in `rgb`'s frame."""
    height, width = rgb.shape[:2]
    result, angle = _run(rgb), 0
    if _lies_on_side(result):
        turns = (1, 3)
    elif _mean_score(result) < _UPSIDE_DOWN_SCORE:
        turns = (2,)  # upside down reads as low-confidence noise
    else:
        turns = ()
    if turns:
        readings = [(result, 0)] + [(_run(np.ascontiguousarray(np.rot90(rgb, k))), k * 90) for k in turns]
        result, angle = max(readings, key=lambda r: _score(r[0]))
    return OcrPage(width, height, _words(result, width, height, angle), angle)


def _run(rgb: np.ndarray):
    eng = engine()
    with _engine_lock:
        return eng(rgb, return_word_box=True)


def _score(result) -> float:
    return sum(len(t) * s for t, s in zip(result.txts or (), result.scores or (), strict=False))


def _mean_score(result) -> float:
    scores = list(result.scores or ())
    return sum(scores) / len(scores) if scores else 0.0


def _lies_on_side(result) -> bool:
    boxes = result.boxes if result.boxes is not None else []
    tall = 0
    for quad in boxes:
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        if (max(ys) - min(ys)) > _TALL * (max(xs) - min(xs)):
            tall += 1
    return len(boxes) >= 3 and tall > len(boxes) / 2


def _unrotate(x: float, y: float, angle: int, width: int, height: int) -> tuple[float, float]:
    """A point of the image turned by `angle` (np.rot90, counter-clockwise) back in the original."""
    if angle == 90:  # rot90 k=1: (x, y) -> (y, W - x)
        return width - y, x
    if angle == 270:  # k=3: (x, y) -> (H - y, x)
        return y, height - x
    if angle == 180:
        return width - x, height - y
    return x, y


def _words(result, width: int, height: int, angle: int) -> list[Word]:
    out: list[Word] = []
    if not result.txts:
        return out
    word_lines = result.word_results or ()
    for line_no, (text, score, quad) in enumerate(zip(result.txts, result.scores, result.boxes, strict=False)):
        pieces = word_lines[line_no] if line_no < len(word_lines) and word_lines[line_no] else ()
        pieces = [(t, s, q) for t, s, q in pieces if t and t.strip()]
        if not pieces or "".join(t for t, _, _ in pieces).replace(" ", "") != text.replace(" ", ""):
            pieces = [(text, score, quad)]  # word boxes missing or disagreeing: the line as one word
        for t, s, q in pieces:
            pts = [_unrotate(float(px), float(py), angle, width, height) for px, py in q]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            box = (max(0.0, min(xs) / width), max(0.0, min(ys) / height),
                   min(1.0, max(xs) / width), min(1.0, max(ys) / height))
            out.append(Word(" ".join(t.split()), box, float(s), line_no))
    return out


def lines(ocr: OcrPage) -> list[list[Word]]:
    """Words grouped by line, in reading order: the order RapidOCR read them in, on the upright
    page (top to bottom, left to right); for a turned page the boxes no longer show that order."""
    by_line: dict[int, list[Word]] = {}
    for w in ocr.words:
        by_line.setdefault(w.line, []).append(w)
    return list(by_line.values())


def page_text(ocr: OcrPage) -> tuple[str, list[tuple[int, int, Word]]]:
    """The page as text (words joined by spaces, lines by newlines) and each word's span in it."""
    parts: list[str] = []
    spans: list[tuple[int, int, Word]] = []
    pos = 0
    for k, line in enumerate(lines(ocr)):
        if k:
            parts.append("\n")
            pos += 1
        for j, w in enumerate(line):
            if j:
                parts.append(" ")
                pos += 1
            spans.append((pos, pos + len(w.text), w))
            parts.append(w.text)
            pos += len(w.text)
    return "".join(parts), spans


def page_blocks(ocr: OcrPage, page: int, section: tuple[str, ...]) -> list[Block]:
    """Paragraphs and headings of an OCR page, under `section` (the heading path before it).

    Consecutive lines split into paragraphs where the vertical gap is large. A short line set
    clearly larger than the page's usual line (a title, a chapter heading) is a heading: it
    starts a section beside the current one, which the blocks after it carry.
    """
    rows = []
    for line in lines(ocr):
        top = min(_upright(w.box, ocr.angle)[0] for w in line)
        bottom = max(_upright(w.box, ocr.angle)[1] for w in line)
        rows.append((" ".join(w.text for w in line), top, bottom))
    heights = sorted(b - t for _, t, b in rows)
    usual = heights[len(heights) // 2] if heights else 0.0
    blocks: list[Block] = []
    current: list[str] = []
    prev_bottom = prev_height = None

    def flush() -> None:
        if current:
            blocks.append(Block(_join(current), page, section))
            current.clear()

    for text, top, bottom in rows:
        height = bottom - top
        if len(rows) > 2 and height >= _HEADING_HEIGHT * usual and _heading_like(text):
            flush()
            section = (*section[:-1], text)
            blocks.append(Block(text, page, section, kind="heading"))
            prev_bottom, prev_height = bottom, height
            continue
        if current and prev_bottom is not None and top - prev_bottom > _PARAGRAPH_GAP * max(height, prev_height):
            flush()
        current.append(text)
        prev_bottom, prev_height = bottom, height
    flush()
    return blocks


def _heading_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= _HEADING_WORDS and not text.rstrip().endswith((".", ",", ";")) \
        and any(ch.isalpha() for ch in text)


def _upright(box: tuple[float, float, float, float], angle: int) -> tuple[float, float]:
    """Top and bottom of a box on the page as it reads (turned upright), as fractions."""
    x0, y0, x1, y1 = box
    if angle == 90:
        return 1 - x1, 1 - x0
    if angle == 270:
        return x0, x1
    if angle == 180:
        return 1 - y1, 1 - y0
    return y0, y1


def _join(lines_: list[str]) -> str:
    """Lines of a paragraph as one text; a word broken by a hyphen at a line end is joined."""
    out = ""
    for line in lines_:
        if out.endswith("-") and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return out
