"""What a parser returns: a manual as ordered blocks, each knowing its page and heading path."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """One paragraph, list item, table or heading of a manual.

    `start`/`end` are character offsets of `text` inside the page text (PDF: the text of
    physical page `page`) or inside the whole document text (formats without pages), so a
    citation can point at the exact passage.
    """

    text: str
    page: int | None
    section: tuple[str, ...]
    kind: str = "text"  # "text" | "heading" | "table" | "list"
    start: int = 0
    end: int = 0


@dataclass
class ParsedManual:
    title: str
    format: str  # "pdf" | "html" | "md" | "txt" | "docx" | "image"
    blocks: list[Block]
    pages: int | None = None  # physical pages (PDF); None where a format has none
    scanned_pages: list[int] = field(default_factory=list)  # PDF pages with no text layer
    warnings: list[str] = field(default_factory=list)
    ocr_pages: dict[int, float | None] = field(default_factory=dict)  # page read by OCR -> mean confidence
