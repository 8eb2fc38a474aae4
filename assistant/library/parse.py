"""Turn a manual file (PDF, HTML, Markdown, plain text, DOCX) into a `ParsedManual`.

Entry points:
- `parse(path)`: blocks in reading order with page, section path and offsets; raises
  `ManualParseError` (and only that, or `Cancelled`) with one short human reason.
- `sniff(path)`: which format a file is, or None when the folder walker should skip it.
- `page_texts(parsed)`: the text that block offsets index into.

The real type comes from the content, not the name: a `.pdf` that is HTML fails, a PDF named
`.txt` is read as a PDF. Format parsers live in parse_pdf / parse_html / parse_md / parse_txt /
parse_docx (sharing normalise, sections and line_heuristics); this module detects, dispatches
and finishes their blocks (size bounds, offsets, title) so every format obeys the same rules.
"""

from __future__ import annotations

import logging
import re
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

from assistant.errors import Cancelled, ManualParseError
from assistant.library.document import Block, ParsedManual
from assistant.library.parse_image import EXTENSIONS as IMAGE_EXTENSIONS
from assistant.library.parse_image import is_image

log = logging.getLogger(__name__)

_BY_EXTENSION = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md",
                 ".txt": "txt", ".text": "txt", ".docx": "docx", **IMAGE_EXTENSIONS}
SUPPORTED = set(_BY_EXTENSION)

MAX_BLOCK_CHARS = 4000  # the chunker cuts further; this only keeps single blocks sane
_LIST_MERGE_CHARS = 800  # consecutive list items up to this size become one block
_HEAD_BYTES = 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, and password-protected .docx
_APPLEDOUBLE_MAGIC = b"\x00\x05\x16\x07"  # macOS "._name" resource forks on USB sticks


# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------


def sniff(path: Path) -> str | None:
    """The format `parse` would use ("pdf", "html", "md", "txt", "docx"), or None to skip.

    A file with a supported extension is claimed even when its content is wrong (a `.pdf`
    that is HTML): parse() then reports it, instead of the walker hiding a broken manual.
    Editor lock files and macOS resource forks are skipped.
    """
    path = Path(path)
    if path.name.startswith(("~$", ".~lock.")):
        return None
    try:
        head = _head(path)
    except OSError:
        return None
    if head.startswith(_APPLEDOUBLE_MAGIC):
        return None
    return _detect(path, head)


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(_HEAD_BYTES)


def _detect(path: Path, head: bytes) -> str | None:
    ext = path.suffix.lower()
    if b"%PDF-" in head:  # readers accept the header anywhere in the first kilobyte
        return "pdf"
    if is_image(head):
        return "image"
    if head.startswith(b"PK\x03\x04") and ext != ".docx" and _is_word_zip(path):
        return "docx"
    return _BY_EXTENSION.get(ext)


def _is_word_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _is_blank(path: Path, size: int) -> bool:
    """0 bytes or only ASCII whitespace; stops reading at the first other byte."""
    if size == 0:
        return True
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 16):
            if chunk.strip():
                return False
    return True


def _snippet(head: bytes) -> str:
    """The first few characters of a file, printable, for "not a PDF (file starts with ...)"."""
    lines = head.lstrip().decode("latin-1").splitlines()
    text = re.sub(r"[^\x20-\x7e]", ".", lines[0] if lines else "")[:20]
    close = text.find(">")
    return text[: close + 1] if text.startswith("<") and close > 0 else text.rstrip()


# ---------------------------------------------------------------------------------------------
# parse()
# ---------------------------------------------------------------------------------------------


def parse(path: Path, cancel: threading.Event | None = None,
          progress: Callable[[int, int], None] | None = None, ocr: bool = False) -> ParsedManual:
    """Parse one manual. Raises ManualParseError with a one-line reason (or Cancelled).

    `cancel` and `progress(done_pages, total_pages)` matter for long PDFs; other formats are
    parsed in one go. With `ocr`, pages without text (all pages of an image file) are left in
    `scanned_pages` for the OCR step (`ocr_pages.read_scanned`) instead of failing the manual.
    """
    path = Path(path)
    try:
        return _parse(path, cancel, progress, ocr)
    except (ManualParseError, Cancelled):
        raise
    except OSError as exc:
        raise ManualParseError(path, f"cannot read file ({exc.strerror or exc})") from None
    except RecursionError:
        log.exception("parsing %s recursed too deep", path)
        raise ManualParseError(path, "document structure is nested too deeply") from None
    except Exception as exc:  # third-party parsers raise anything; the batch must go on
        log.exception("unexpected error parsing %s", path)
        first = (str(exc).strip().splitlines() or [""])[0][:160]
        raise ManualParseError(path, f"{type(exc).__name__}: {first}" if first else type(exc).__name__) from None


def _parse(path: Path, cancel, progress, ocr: bool = False) -> ParsedManual:
    if not path.is_file():
        raise ManualParseError(path, "not a file" if path.exists() else "file not found")
    size = path.stat().st_size
    head = _head(path)
    ext = path.suffix.lower()
    fmt = _detect(path, head)
    if _is_blank(path, size):
        raise ManualParseError(path, "file is empty")
    _check_claims(path, ext, fmt, head)
    warnings: list[str] = []
    scanned: list[int] = []
    pages = None
    if fmt == "pdf":
        from assistant.library.parse_pdf import parse_pdf

        title, blocks, pages = parse_pdf(path, warnings, scanned, cancel, progress, ocr)
    elif fmt == "image":
        from assistant.library.parse_image import parse_image

        if not ocr:
            raise ManualParseError(path, "an image has no text layer and OCR is turned off")
        title, pages = parse_image(path)
        blocks, scanned = [], list(range(1, pages + 1))
    elif fmt == "docx":
        from assistant.library.parse_docx import parse_docx

        title, blocks = parse_docx(path)
    elif fmt == "html":
        from assistant.library.parse_html import parse_html

        title, blocks = parse_html(path, path.read_bytes(), warnings)
    elif fmt == "md":
        from assistant.library.parse_md import parse_md

        title, blocks = parse_md(path, path.read_bytes())
    else:
        from assistant.library.parse_txt import parse_txt

        title, blocks = parse_txt(path, path.read_bytes())
    blocks = finish_blocks(blocks)
    if not blocks and not (ocr and scanned):
        raise ManualParseError(path, "no text found")
    title = title or next((b.text for b in blocks if b.kind == "heading"), None) or path.stem
    return ParsedManual(title=title[:300], format=fmt, blocks=blocks, pages=pages,
                        scanned_pages=scanned, warnings=warnings)


def _check_claims(path: Path, ext: str, fmt: str | None, head: bytes) -> None:
    """The extension promises a format; refuse when the content disagrees or is unknown."""
    if ext == ".pdf" and b"%PDF-" not in head:
        raise ManualParseError(path, f"not a PDF (file starts with {_snippet(head)!r})")
    if ext == ".docx" and not head.startswith(b"PK"):
        if head.startswith(_OLE_MAGIC):
            raise ManualParseError(path, "DOCX is password-protected or really a legacy .doc file")
        raise ManualParseError(path, "DOCX is not a zip archive")
    if fmt is None:
        if head.startswith(_OLE_MAGIC) and ext == ".doc":
            raise ManualParseError(path, "legacy .doc format is not supported (save it as .docx or PDF)")
        raise ManualParseError(path, f"unsupported file type '{ext or path.name}'")


# ---------------------------------------------------------------------------------------------
# Finishing blocks: lists, size bounds, offsets
# ---------------------------------------------------------------------------------------------


def finish_blocks(blocks: list[Block]) -> list[Block]:
    """Drop empty blocks, merge short runs of list items, bound sizes, assign offsets."""
    blocks = [b for b in blocks if b.text and b.text.strip()]
    blocks = _merge_lists(blocks)
    blocks = [piece for b in blocks for piece in _split_block(b)]
    _assign_offsets(blocks)
    return blocks


def _merge_lists(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (prev is not None and block.kind == "list" and prev.kind == "list"
                and prev.page == block.page and prev.section == block.section
                and len(prev.text) + len(block.text) + 1 <= _LIST_MERGE_CHARS):
            prev.text = prev.text + "\n" + block.text
            continue
        out.append(Block(text=block.text, page=block.page, section=block.section, kind=block.kind))
    return out


_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s")


def _split_block(block: Block, limit: int = MAX_BLOCK_CHARS) -> list[Block]:
    """Blocks over `limit` characters split at row, sentence or word boundaries."""
    if len(block.text) <= limit:
        return [block]
    text = block.text
    lined = block.kind in ("table", "list") or "\n" in text
    pieces = []
    pos = 0
    while len(text) - pos > limit:
        cut = _cut_point(text, pos, limit, lined)
        pieces.append(text[pos:cut].strip())
        pos = cut
    pieces.append(text[pos:].strip())
    return [Block(text=p, page=block.page, section=block.section, kind=block.kind) for p in pieces if p]


def _cut_point(text: str, pos: int, limit: int, lined: bool) -> int:
    """End of the next piece: last line break, else sentence end, else space in the window."""
    window = text[pos : pos + limit]
    floor = limit // 2  # never produce slivers
    if lined:
        nl = window.rfind("\n")
        if nl >= floor:
            return pos + nl + 1
    ends = [m.end() for m in _SENTENCE_END.finditer(window, floor)]
    if ends:
        return pos + ends[-1]
    space = window.rfind(" ")
    if space >= floor:
        return pos + space + 1
    return pos + limit


def _assign_offsets(blocks: list[Block]) -> None:
    """start/end index into "\\n\\n".join(texts of the blocks with the same page), in order."""
    cursor: dict[int | None, int] = {}
    for block in blocks:
        start = cursor[block.page] + 2 if block.page in cursor else 0
        block.start, block.end = start, start + len(block.text)
        cursor[block.page] = block.end


def page_texts(parsed: ParsedManual) -> dict[int | None, str]:
    """The text each block's offsets index into: per physical page (PDF) or one key None."""
    grouped: dict[int | None, list[str]] = {}
    for block in parsed.blocks:
        grouped.setdefault(block.page, []).append(block.text)
    return {page: "\n\n".join(texts) for page, texts in grouped.items()}
