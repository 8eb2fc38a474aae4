"""HTML parsing with selectolax (lexbor): headings build the section path, text blocks in order.

Script, style, navigation and the <head> are dropped. Paragraphs, list items, <pre> and
tables (one block each) are emitted in document order, and loose text directly inside
containers such as <div> becomes a paragraph of its own.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from assistant.errors import ManualParseError
from assistant.library.document import Block
from assistant.library.normalise import clean_inline, clean_lines, table_text
from assistant.library.sections import push_section

log = logging.getLogger(__name__)

_SKIP = {"script", "style", "nav", "head", "noscript", "template", "svg", "iframe", "object",
         "embed", "canvas", "button", "select", "textarea", "math", "map", "audio", "video"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements that end the running paragraph. Anything else (b, span, a, ...) is inline.
_BLOCKS = {"html", "body", "p", "div", "section", "article", "main", "header", "footer", "aside",
           "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "figure", "figcaption", "pre",
           "table", "address", "details", "summary", "form", "fieldset", "legend", "hr",
           "center", "caption", "tr", "td", "th", "thead", "tbody", "tfoot", "h1", "h2", "h3",
           "h4", "h5", "h6", "menu", "dialog", "hgroup", "search"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_html(data: bytes, path: Path, warnings: list[str]) -> str:
    """BOM, then <meta charset>, then UTF-8, then cp1252; undecodable bytes become U+FFFD."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    if b"\x00" in data[:4096]:
        raise ManualParseError(path, "binary file, not HTML")
    candidates = []
    declared = _CHARSET.search(data[:4096])
    if declared:
        candidates.append(declared.group(1).decode("ascii", "replace").lower())
    candidates += ["utf-8", "cp1252"]
    for name in candidates:
        try:
            codecs.lookup(name)
        except LookupError:
            warnings.append(f"unknown charset {name!r} declared; guessed another")
            continue
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    # Pages saved by old tools often mix encodings: keep what decodes, mark the rest.
    warnings.append("some bytes could not be decoded and were replaced")
    return data.decode("utf-8", errors="replace")


MAX_NESTING = 1000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
# Elements that never nest, or that the parser closes by itself when the next one starts (old
# manuals leave thousands of <p> and <li> unclosed): they do not add depth.
_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
         "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot", "colgroup", "caption"}


def nesting_depth(text: str) -> int:
    """The deepest nesting of container elements, from the tags alone (linear time)."""
    depth = deepest = 0
    for m in _TAG.finditer(text):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _FLAT or selfclosing:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def parse_html(path: Path, data: bytes, warnings: list[str]) -> tuple[str | None, list[Block]]:
    """Blocks of an HTML page and its <title> (or None)."""
    from selectolax.lexbor import LexborHTMLParser

    text = decode_html(data, path, warnings)
    if not text.strip():
        raise ManualParseError(path, "file is empty")
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        # lexbor takes minutes over a few hundred thousand nested elements (in C: nothing can stop
        # it), and no browser shows a page nested this deep; a manual never is.
        raise ManualParseError(path, f"HTML nests {depth} elements deep (at most {MAX_NESTING}): not a readable page")
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    title = clean_inline(title_node.text()) if title_node is not None else ""
    root = tree.body if tree.body is not None else tree.root
    blocks = _Walker().walk(root) if root is not None else []
    return title or None, blocks


def fragment_text(html: str) -> str:
    """Readable text of an HTML fragment (Markdown's raw HTML blocks); "" for comments/scripts."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    return "\n\n".join(b.text for b in _Walker().walk(root))


class _Walker:
    """Depth-first walk with an explicit stack, so deeply nested pages cannot hit recursion limits."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.section: tuple[str, ...] = ()
        self.buf: list[str] = []
        self.li_depth = 0
        self.level = 0  # of the last <h1>..<h6>: a reference entry (<dt> with an anchor) nests under it
        # An <ol> item keeps its number in the text ("3. Remove the cover"), as PDF and plain text
        # do, so numbered procedures read the same from every format (procedure extraction).
        self.ol_next: dict[int, int] = {}  # <ol> mem_id -> the number of its next <li>
        self.number = ""  # put before the next text emitted: the current <li>'s number

    def walk(self, root) -> list[Block]:
        stack: list[tuple[object, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._flush()
                if node.tag == "li":
                    self.li_depth -= 1
                continue
            self._enter(node, stack)
        self._flush()
        return self.blocks

    def _enter(self, node, stack) -> None:
        if node.is_text_node:
            self.buf.append(node.text_content or "")
            return
        tag = node.tag
        if not node.is_element_node or tag in _SKIP or _hidden(node):
            return
        if tag == "br":
            self.buf.append(" ")
            return
        if tag in _HEADINGS:
            self._flush()
            title = inline_text(node)
            if title:
                self.level = _HEADINGS[tag]
                self.section = push_section(self.section, self.level, title)
                self._emit(title, "heading")
            return
        if tag == "dt" and _is_entry(node):
            # A reference manual's entries (postconf(5): 879 parameters under one <h2>) are <dt>
            # terms with an anchor. As plain text the whole manual was one section, and a passage
            # in the middle of an entry no longer said which parameter it described.
            title = inline_text(node)
            if 0 < len(title) <= ENTRY_MAX:
                self._flush()
                self.section = push_section(self.section, self.level + 1, title)
                self._emit(title, "heading")
                return
        if tag == "table":
            self._flush()
            self._emit(table_text(_table_rows(node)), "table")
            return
        if tag == "pre":
            self._flush()
            self._emit(clean_lines(node.text(deep=True), keep_indent=True), "text")
            return
        if tag in _BLOCKS:
            self._flush()
            if tag == "li":
                self.li_depth += 1
                self.number = self._li_number(node)
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))

    def _flush(self) -> None:
        if self.buf:
            text = clean_inline("".join(self.buf))
            if text and self.number:
                text, self.number = self.number + text, ""
            self._emit(text, "list" if self.li_depth else "text")
            self.buf = []

    def _li_number(self, li) -> str:
        """"3. " for the third item of an <ol> (its start and value attributes obeyed), else ""."""
        parent = li.parent
        if parent is None or parent.tag != "ol":
            return ""
        start = _int_attr(parent, "start", 1)
        n = _int_attr(li, "value", self.ol_next.get(parent.mem_id, start))
        self.ol_next[parent.mem_id] = n + 1
        return f"{n}. "

    def _emit(self, text: str, kind: str) -> None:
        if text:
            self.blocks.append(Block(text=text, page=None, section=self.section, kind=kind))


ENTRY_MAX = 150  # characters: a longer <dt> is a paragraph in a list, not an entry's name


def _is_entry(dt) -> bool:
    """A <dt> that is a link target (its own id, or an <a name|id> inside): a reference entry."""
    if "id" in dt.attributes:
        return True
    return any("name" in a.attributes or "id" in a.attributes for a in dt.css("a"))


def _int_attr(node, name: str, default: int) -> int:
    value = (node.attributes.get(name) or "").strip()
    return int(value) if value.lstrip("-").isdigit() else default


def _hidden(node) -> bool:
    attrs = node.attributes
    return "hidden" in attrs or attrs.get("aria-hidden") == "true"


def inline_text(node) -> str:
    """Text of a subtree as one line; block-level children and <br> become spaces."""
    parts: list[str] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.is_text_node:
            parts.append(cur.text_content or "")
            continue
        if not cur.is_element_node or cur.tag in _SKIP:
            continue
        if cur.tag in _BLOCKS or cur.tag == "br":
            parts.append(" ")
        stack.extend(reversed(list(cur.iter(include_text=True))))
    return clean_inline("".join(parts))


def _table_rows(table) -> list[list[str]]:
    """Rows of this table only (not of tables nested in its cells); a caption leads."""
    rows: list[list[str]] = []
    caption = table.css_first("caption")
    if caption is not None and _owner_table(caption) == table.mem_id:
        rows.append([inline_text(caption)])
    for tr in table.css("tr"):
        if _owner_table(tr) != table.mem_id:
            continue
        rows.append([inline_text(cell) for cell in tr.iter() if cell.tag in ("td", "th")])
    return rows


def _owner_table(node):
    cur = node.parent
    while cur is not None and cur.tag != "table":
        cur = cur.parent
    return cur.mem_id if cur is not None else None
