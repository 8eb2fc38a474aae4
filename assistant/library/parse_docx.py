"""DOCX parsing with python-docx: the body in order, headings as sections, tables as blocks.

The body is walked element by element (`w:p` and `w:tbl` interleaved, content controls
unwrapped) because python-docx's `doc.paragraphs` and `doc.tables` lose their relative order.
Table cells are read straight from the XML: python-docx's cell grid raises on some malformed
merged cells that Word itself opens fine.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

from assistant.errors import ManualParseError
from assistant.library.document import Block
from assistant.library.normalise import clean_inline, table_text
from assistant.library.sections import push_section

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_MAX_DEPTH = 20  # nested content controls; deeper is malformed
MAX_XML_BYTES = 256 * 2**20  # a 2,000-page Word manual holds a few tens of MB of XML


def check_docx(path: Path) -> None:
    """Fail early with a clear reason when the file cannot be a Word document."""
    if not zipfile.is_zipfile(path):
        raise ManualParseError(path, "DOCX is not a zip archive")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ManualParseError(path, f"DOCX zip archive is damaged ({exc})") from None
    if "word/document.xml" not in {i.filename for i in infos}:
        raise ManualParseError(path, "zip archive has no word/document.xml (not a Word document)")
    # python-docx reads each part whole into memory: a zip bomb (a few MB that inflate to GB of
    # XML) would take all of it. The sizes the archive declares are checked before anything is read
    # (zipfile refuses to inflate a member past its declared size).
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    if xml > MAX_XML_BYTES:
        raise ManualParseError(path, f"DOCX expands to {xml // 2**20:,} MB of XML (at most "
                                     f"{MAX_XML_BYTES // 2**20} MB): a damaged or hostile file")


def parse_docx(path: Path) -> tuple[str | None, list[Block]]:
    """Blocks of a Word document and its title (core properties or the Title paragraph)."""
    import docx

    check_docx(path)
    document = docx.Document(str(path))
    walker = _Walker(document)
    walker.walk(document.element.body, 0)
    title = clean_inline(document.core_properties.title or "") or walker.title
    return title or None, walker.blocks


class _Walker:
    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self.document = document
        self.blocks: list[Block] = []
        self.section: tuple[str, ...] = ()
        self.title: str | None = None
        self.tags = {"p": qn("w:p"), "tbl": qn("w:tbl"), "sdt": qn("w:sdt"),
                     "sdtContent": qn("w:sdtContent"), "customXml": qn("w:customXml"),
                     "tr": qn("w:tr"), "tc": qn("w:tc"), "outlineLvl": qn("w:outlineLvl"),
                     "numPr": qn("w:numPr"), "val": qn("w:val"), "numId": qn("w:numId"), "ilvl": qn("w:ilvl")}
        # Numbered list paragraphs keep their number in the text ("3. Remove the cover"), as PDF
        # and plain text do, so a numbered procedure reads the same from every format.
        self.counters: dict[tuple[str, int], int] = {}  # (numId, level) -> the last number given
        self.formats: dict[tuple[str, int], tuple[str, int]] = {}  # (numId, level) -> (numFmt, start)

    def walk(self, element, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        tags = self.tags
        for child in element.iterchildren():
            if child.tag == tags["p"]:
                self._paragraph(child)
            elif child.tag == tags["tbl"]:
                text = table_text(self._table_rows(child))
                if text:
                    self.blocks.append(Block(text=text, page=None, section=self.section, kind="table"))
            elif child.tag == tags["sdt"]:
                content = child.find(tags["sdtContent"])
                if content is not None:
                    self.walk(content, depth + 1)
            elif child.tag == tags["customXml"]:
                self.walk(child, depth + 1)

    def _paragraph(self, p) -> None:
        from docx.text.paragraph import Paragraph

        para = Paragraph(p, self.document)
        text = clean_inline(para.text)
        if not text:
            return
        style = _style_name(para)
        if style.lower() == "title":
            self.title = self.title or text
            self.blocks.append(Block(text=text, page=None, section=self.section, kind="heading"))
            return
        level = self._heading_level(para, style)
        if level:
            self.section = push_section(self.section, level, text)
            self.blocks.append(Block(text=text, page=None, section=self.section, kind="heading"))
            return
        is_list = style.lower().startswith("list") or p.find(f".//{self.tags['numPr']}") is not None
        if is_list:
            text = self._number(para, style) + text
        self.blocks.append(Block(text=text, page=None, section=self.section, kind="list" if is_list else "text"))

    def _number(self, para, style: str) -> str:
        """"3. " for a paragraph Word numbers 3 (decimal numbering on it or its style), else ""."""
        num_id, level = self._num_pr(para)
        if num_id is None:
            # No numbering found: trust the style's name ("List Number", "List Number 2").
            num_id, level = ("style:" + style, 0) if "number" in style.lower() else (None, 0)
            fmt, start = ("decimal", 1) if num_id else ("bullet", 1)
        else:
            fmt, start = self._format(num_id, level)
        if num_id is None or fmt != "decimal":
            return ""
        for key in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[key]  # a higher-level item restarts the levels below it
        n = self.counters.get((num_id, level), start - 1) + 1
        self.counters[(num_id, level)] = n
        return f"{n}. "

    def _num_pr(self, para) -> tuple[str | None, int]:
        """The numbering (numId, level) on the paragraph or, failing that, its style chain."""
        candidates = [para._p.pPr]
        style_obj = _safe_style(para)
        for _ in range(10):
            if style_obj is None:
                break
            candidates.append(style_obj.element.pPr)
            style_obj = style_obj.base_style
        for ppr in candidates:
            num_pr = ppr.find(self.tags["numPr"]) if ppr is not None else None
            num_id = num_pr.find(self.tags["numId"]) if num_pr is not None else None
            if num_id is not None:
                ilvl = num_pr.find(self.tags["ilvl"])
                level = ilvl.get(self.tags["val"], "0") if ilvl is not None else "0"
                value = num_id.get(self.tags["val"])
                return (value if value and value != "0" else None), int(level) if level.isdigit() else 0
        return None, 0

    def _format(self, num_id: str, level: int) -> tuple[str, int]:
        """(numFmt, start) of a numbering level: "decimal", "bullet", ...; ("bullet", 1) if unknown."""
        key = (num_id, level)
        if key not in self.formats:
            self.formats[key] = ("bullet", 1)
            try:
                root = self.document.part.numbering_part.element
                w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
                num = next(n for n in root.iter(w + "num") if n.get(w + "numId") == num_id)
                abstract = num.find(w + "abstractNumId").get(w + "val")
                absnum = next(a for a in root.iter(w + "abstractNum") if a.get(w + "abstractNumId") == abstract)
                lvl = next(v for v in absnum.iter(w + "lvl") if v.get(w + "ilvl") == str(level))
                fmt = lvl.find(w + "numFmt")
                start = lvl.find(w + "start")
                start_val = start.get(w + "val") if start is not None else "1"
                self.formats[key] = (fmt.get(w + "val") if fmt is not None else "decimal",
                                     int(start_val) if start_val.isdigit() else 1)
            except (AttributeError, KeyError, NotImplementedError, StopIteration, ValueError):
                log.debug("numbering %s level %s not found", num_id, level)
        return self.formats[key]

    def _heading_level(self, para, style: str) -> int | None:
        """"Heading N" styles; else an outline level on the paragraph or its style chain."""
        match = _HEADING_STYLE.match(style)
        if match:
            return int(match.group(1)) or 1
        candidates = [para._p.pPr]
        style_obj = _safe_style(para)
        for _ in range(10):  # base-style chains are short; the bound stops cycles
            if style_obj is None:
                break
            candidates.append(style_obj.element.pPr)
            style_obj = style_obj.base_style
        for ppr in candidates:
            if ppr is None:
                continue
            lvl = ppr.find(self.tags["outlineLvl"])
            if lvl is not None:
                value = lvl.get(self.tags["val"], "9")
                # Level 9 is Word's "body text"; 0..8 are heading levels 1..9.
                return int(value) + 1 if value.isdigit() and int(value) < 9 else None
        return None

    def _table_rows(self, tbl) -> list[list[str]]:
        from docx.text.paragraph import Paragraph

        rows = []
        for tr in tbl.iterchildren(self.tags["tr"]):
            cells = []
            for tc in tr.iterchildren(self.tags["tc"]):
                paras = [Paragraph(p, self.document).text for p in tc.iter(self.tags["p"])]
                cells.append(" ".join(paras))
            rows.append(cells)
        return rows


def _safe_style(para):
    try:
        return para.style
    except Exception:  # a dangling style id: python-docx raises, Word falls back to Normal
        log.debug("paragraph style lookup failed", exc_info=True)
        return None


def _style_name(para) -> str:
    style = _safe_style(para)
    return (style.name or "") if style is not None else ""
