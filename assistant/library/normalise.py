"""Raw text to the tidy text the index stores; every format parser uses these.

Decoding bytes of text files, whitespace and control-character clean-up, PDF ligatures, and
table rows as " | "-joined lines.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from assistant.errors import ManualParseError

log = logging.getLogger(__name__)

# Control characters other than tab/newline carry no meaning in a manual; \ufffe/\uffff are
# non-characters some PDF producers leak. Soft hyphens are invisible unless a line breaks there.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b\ufeff\ufffe\uffff]")
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ANY_SPACE = re.compile(r"\s+")
# Ligature glyphs from PDF fonts break keyword search ("ﬁlter" != "filter").
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})


def clean_inline(text: str) -> str:
    """One line of prose: control characters out, every whitespace run becomes one space."""
    text = _CONTROL.sub("", text.translate(_LIGATURES))
    return _ANY_SPACE.sub(" ", text).strip()


def clean_lines(text: str, keep_indent: bool = False) -> str:
    """Text whose line breaks matter (lists, code): tidy each line, drop blank lines."""
    out = []
    for line in _CONTROL.sub("", text.translate(_LIGATURES).replace("\r\n", "\n")).split("\n"):
        if not line.strip():
            continue
        if keep_indent:
            # Code and config snippets: leading indentation is meaning, trailing space is not.
            stripped = line.lstrip(" \t")
            indent = line[: len(line) - len(stripped)].replace("\t", "    ")
            out.append(indent + _HSPACE.sub(" ", stripped).rstrip())
        else:
            out.append(_HSPACE.sub(" ", line).strip())
    return "\n".join(out)


def table_text(rows: list[list[str | None]]) -> str:
    """Rows of cells as " | "-joined lines; empty rows are dropped, cells are one line each."""
    lines = []
    for row in rows:
        cells = [clean_inline(c or "") for c in row]
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)


_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, path: Path) -> str:
    """Bytes of a text file to str: UTF-8 (BOM optional), UTF-16/32 with BOM, else cp1252.

    cp1252 decodes almost any byte string, so it is accepted only when the result has no
    control characters; NUL bytes outside UTF-16 mean a binary file.
    """
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                       (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise ManualParseError(path, f"text has a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                                             f"(byte {exc.start + len(bom)})") from None
    if b"\x00" in data:
        text = _bomless_utf16(data)
        if text is None:
            raise ManualParseError(path, "binary file, not text")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None or _BAD_CONTROL.search(text):
        raise ManualParseError(path, "text is not valid UTF-8, UTF-16 or cp1252")
    log.debug("%s: decoded as cp1252", path)
    return text


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM (Windows tools write it): ASCII text leaves NULs on one side."""
    if len(data) % 2 or len(data) < 4:
        return None
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    codec = "utf-16-le" if odd > 0.6 * half and even == 0 else "utf-16-be" if even > 0.6 * half and odd == 0 else None
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if _BAD_CONTROL.search(text) else text
