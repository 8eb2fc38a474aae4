"""Tests for assistant.library.parse: every format, page numbers, sections, offsets, bad inputs.

All fixtures are built in tmp_path at test time (see fixtures_docs.py).
"""

from __future__ import annotations

import os
import random
import threading
import time
import zipfile
from pathlib import Path

import pytest

from assistant.errors import Cancelled, ManualParseError
from assistant.library.document import ParsedManual
from assistant.library.parse import MAX_BLOCK_CHARS, SUPPORTED, page_texts, parse, sniff

try:  # tests/core may or may not be a package
    from . import fixtures_docs as fx
except ImportError:
    import fixtures_docs as fx

# Parsing needs no models: skip the session's model install (see tests/conftest.py).
pytestmark = pytest.mark.no_models

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def block_with(parsed: ParsedManual, token: str):
    found = [b for b in parsed.blocks if token in b.text]
    assert found, f"{token} not found in any block"
    return found[0]


def assert_offsets(parsed: ParsedManual) -> None:
    """page_text[b.start:b.end] == b.text for every block, and texts are normalised."""
    texts = page_texts(parsed)
    for b in parsed.blocks:
        assert texts[b.page][b.start : b.end] == b.text
        assert b.text == b.text.strip() and b.text
        assert "  " not in b.text or b.kind == "text"  # code keeps indentation only
        assert len(b.text) <= MAX_BLOCK_CHARS


def bad(path: Path) -> str:
    with pytest.raises(ManualParseError) as info:
        parse(path)
    assert info.value.path == str(path)
    reason = info.value.reason
    assert reason and "\n" not in reason and len(reason) < 200
    return reason


@pytest.fixture(scope="module")
def manual_pdf(tmp_path_factory) -> Path:
    return fx.build_manual_pdf(tmp_path_factory.mktemp("pdf") / "manual.pdf")


@pytest.fixture(scope="module")
def parsed_pdf(manual_pdf) -> ParsedManual:
    return parse(manual_pdf)


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def test_pdf_pages_title_and_scanned(parsed_pdf):
    assert parsed_pdf.format == "pdf"
    assert parsed_pdf.pages == 4
    assert parsed_pdf.title == fx.PDF_TITLE
    assert parsed_pdf.scanned_pages == [4]
    assert any("no text layer" in w for w in parsed_pdf.warnings)
    assert {b.page for b in parsed_pdf.blocks} == {1, 2, 3}


def test_pdf_tokens_on_their_physical_page(parsed_pdf):
    assert block_with(parsed_pdf, fx.PAGE1_TOKEN).page == 1
    assert block_with(parsed_pdf, fx.PAGE3_TOKEN).page == 3


def test_pdf_table_block_on_page_2_not_duplicated(parsed_pdf):
    tables = [b for b in parsed_pdf.blocks if b.kind == "table"]
    assert len(tables) == 1
    table = tables[0]
    assert table.page == 2
    assert table.text.splitlines()[0] == "Parameter | Value | Unit"
    assert "Supply voltage | 230 | V" in table.text
    # The table's text is not repeated in the paragraphs around it.
    assert [b.kind for b in parsed_pdf.blocks if fx.TABLE_TOKEN in b.text] == ["table"]
    # Reading order: intro paragraph, table, closing paragraph.
    page2 = [b for b in parsed_pdf.blocks if b.page == 2]
    kinds = [b.kind for b in page2]
    assert kinds.index("table") > next(i for i, b in enumerate(page2) if "table below" in b.text)
    assert kinds.index("table") < next(i for i, b in enumerate(page2) if "ambient" in b.text)


def test_pdf_sections_from_heuristics(parsed_pdf):
    assert block_with(parsed_pdf, fx.PAGE1_TOKEN).section == ("1 Safety",)
    assert block_with(parsed_pdf, "holds a charge").section == ("1 Safety", "1.1 Electrical Hazards")
    assert block_with(parsed_pdf, fx.TABLE_TOKEN).section == ("2 Specifications",)
    assert block_with(parsed_pdf, fx.PAGE3_TOKEN).section == ("3 Maintenance",)
    headings = [b.text for b in parsed_pdf.blocks if b.kind == "heading"]
    assert headings == ["1 Safety", "1.1 Electrical Hazards", "2 Specifications", "3 Maintenance"]


def test_pdf_paragraphs_hyphens_and_lists(parsed_pdf):
    p3 = block_with(parsed_pdf, fx.PAGE3_TOKEN)
    assert "routine maintenance of the pump" in p3.text
    assert "switch-off" in block_with(parsed_pdf, "holds a charge").text
    first = block_with(parsed_pdf, fx.PAGE1_TOKEN)
    assert "1.1 Electrical" not in first.text  # a heading is not glued to the paragraph
    lst = block_with(parsed_pdf, "insulated gloves")
    assert lst.kind == "list" and "voltage tester" in lst.text


def test_pdf_offsets_invariant(parsed_pdf):
    assert_offsets(parsed_pdf)
    texts = page_texts(parsed_pdf)
    assert set(texts) == {1, 2, 3}
    assert fx.PAGE3_TOKEN in texts[3]


def test_pdf_sections_from_outline(tmp_path):
    parsed = parse(fx.build_manual_pdf(tmp_path / "outlined.pdf", outline=True))
    assert block_with(parsed, "holds a charge").section == ("1 Safety", "1.1 Electrical Hazards")
    assert block_with(parsed, fx.PAGE3_TOKEN).section == ("3 Maintenance",)
    assert block_with(parsed, fx.PAGE3_TOKEN).page == 3
    assert_offsets(parsed)


def test_pdf_progress_and_cancel(manual_pdf):
    seen = []
    parse(manual_pdf, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        parse(manual_pdf, cancel=cancel)


def test_pdf_long_document_speed(tmp_path):
    path = fx.build_long_pdf(tmp_path / "long.pdf", pages=300)
    start = time.perf_counter()
    parsed = parse(path)
    elapsed = time.perf_counter() - start
    assert parsed.pages == 300
    assert block_with(parsed, "Paragraph 2 of page 150.").page == 150
    assert block_with(parsed, "Paragraph 2 of page 150.").section == ("150 Chapter 150",)
    assert 300 / elapsed > 20, f"{300 / elapsed:.0f} pages/s"


# ---------------------------------------------------------------------------------------------
# Bad PDFs
# ---------------------------------------------------------------------------------------------


def test_pdf_corrupt(tmp_path):
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(random.Random(1).randrange(256) for _ in range(5000)))
    assert "corrupt" in bad(path)


def test_pdf_truncated(tmp_path, manual_pdf):
    data = manual_pdf.read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert "truncated" in bad(path)


def test_pdf_encrypted(tmp_path, manual_pdf):
    path = fx.build_encrypted_pdf(manual_pdf, tmp_path / "locked.pdf")
    assert bad(path) == "PDF is encrypted (password required)"


def test_pdf_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert bad(path) == "file is empty"
    path.write_bytes(b"  \n\t ")
    assert bad(path) == "file is empty"


def test_pdf_zero_pages(tmp_path):
    assert bad(fx.build_zero_page_pdf(tmp_path / "zero.pdf")) == "PDF has no pages"


def test_pdf_that_is_html(tmp_path):
    path = tmp_path / "manual.pdf"
    path.write_text("<html><body>Sorry, the download link expired.</body></html>")
    reason = bad(path)
    assert reason == "not a PDF (file starts with '<html>')"


def test_pdf_all_pages_scanned(tmp_path):
    from reportlab.platypus import SimpleDocTemplate

    path = tmp_path / "scan.pdf"
    SimpleDocTemplate(str(path)).build([fx._picture_flowable()])
    assert "no text layer on any page" in bad(path)


def test_pdf_named_txt_is_read_as_pdf(tmp_path, manual_pdf):
    path = tmp_path / "manual.txt"
    path.write_bytes(manual_pdf.read_bytes())
    assert sniff(path) == "pdf"
    assert parse(path).format == "pdf"


# ---------------------------------------------------------------------------------------------
# Markdown, HTML, DOCX
# ---------------------------------------------------------------------------------------------


def test_markdown(tmp_path):
    path = tmp_path / "guide.md"
    path.write_text(fx.MARKDOWN, encoding="utf-8")
    parsed = parse(path)
    assert parsed.format == "md" and parsed.pages is None
    assert parsed.title == "ignored front matter"  # front matter title wins over the h1
    assert not any("tags:" in b.text for b in parsed.blocks)
    assert block_with(parsed, "FALCON3").section == ("Boiler B7 Guide", "Commissioning")
    table = block_with(parsed, "OWL8")
    assert table.kind == "table"
    assert table.text.splitlines() == ["Code | Meaning", "E1 | Ignition failure OWL8", "E2 | Low pressure"]
    assert table.section == ("Boiler B7 Guide", "Commissioning", "Venting")
    lst = block_with(parsed, "first item")
    assert lst.kind == "list" and lst.text == "first item\nsecond item"
    assert block_with(parsed, "reset --all").kind == "text"
    assert block_with(parsed, "Annual service").section == ("Boiler B7 Guide", "Servicing")
    assert all(b.page is None for b in parsed.blocks)
    assert_offsets(parsed)


def test_markdown_title_from_heading(tmp_path):
    path = tmp_path / "notes.markdown"
    path.write_text("# Valve Guide\n\nText.\n", encoding="utf-8")
    assert parse(path).title == "Valve Guide"


def test_html(tmp_path):
    path = tmp_path / "chiller.html"
    path.write_text(fx.HTML, encoding="utf-8")
    parsed = parse(path)
    assert parsed.format == "html" and parsed.title == "Chiller CH2 Manual"
    everything = "\n".join(b.text for b in parsed.blocks)
    for junk in ("SCRIPTJUNK", "MORESCRIPT", "NAVJUNK", "color: red", "function f"):
        assert junk not in everything
    assert block_with(parsed, "LYNX4").section == ("Chiller CH2",)
    assert block_with(parsed, "LYNX4").text == "Loose div text LYNX4 outside any paragraph."
    table = block_with(parsed, "MOTH6")
    assert table.kind == "table" and table.text == "Alarm | Action\nA01 | Check condenser fan MOTH6"
    assert block_with(parsed, "High pressure alarm").kind == "list"
    reset = block_with(parsed, "RESET")
    assert reset.text == "Press and hold RESET for five seconds."
    assert reset.section == ("Chiller CH2", "Alarms", "Resetting")
    assert block_with(parsed, "menu > service").text == "menu > service\n  reset"
    assert_offsets(parsed)


def test_html_charset_and_bad_bytes(tmp_path):
    path = tmp_path / "legacy.htm"
    path.write_bytes(b'<html><head><meta charset="windows-1252"></head><body>'
                     b"<h1>Temp\xe9rature</h1><p>25 \xb0C \x96 ok</p></body></html>")
    parsed = parse(path)
    assert parsed.title == "Temp\u00e9rature"
    assert block_with(parsed, "25").text == "25 \u00b0C \u2013 ok"
    # Undeclared, mixed bytes: still parsed, undecodable bytes replaced.
    path.write_bytes(b"<p>caf\xc3\xa9 and \x81\x8d junk</p>")
    parsed = parse(path)
    assert "caf" in parsed.blocks[0].text


def test_html_reference_entries_become_sections(tmp_path):
    # postconf(5)-style: hundreds of parameters as <dt> link targets under one heading. Each is a
    # section of its own, so a passage deep inside an entry still carries the parameter's name.
    path = tmp_path / "params.html"
    long_dd = "<p>It counts retries.</p>" * 3
    path.write_text(
        "<body><h1>Parameters</h1><h2>main.cf</h2><dl>"
        f'<dt><b><a name="hop_limit">hop_limit</a> (default: 50)</b></dt><dd>{long_dd}</dd>'
        '<dt id="queue_minfree">queue_minfree (default: 0)</dt><dd><p>Free space BADGER7.</p></dd>'
        "<dt>plain term</dt><dd><p>Not an entry OTTER2.</p></dd>"
        "</dl><h2>master.cf</h2><p>Services HERON3.</p></body>", encoding="utf-8")
    parsed = parse(path)
    assert block_with(parsed, "retries").section == ("Parameters", "main.cf", "hop_limit (default: 50)")
    assert block_with(parsed, "hop_limit").kind == "heading"
    assert block_with(parsed, "BADGER7").section == ("Parameters", "main.cf", "queue_minfree (default: 0)")
    # A <dt> nobody links to is a term of a list, not an entry; the next heading ends the entries.
    assert block_with(parsed, "OTTER2").section == ("Parameters", "main.cf", "queue_minfree (default: 0)")
    assert block_with(parsed, "plain term").kind != "heading"
    assert block_with(parsed, "HERON3").section == ("Parameters", "master.cf")


def test_html_title_falls_back_to_h1(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<body><h1>Dryer D3</h1><p>Text</p></body>", encoding="utf-8")
    assert parse(path).title == "Dryer D3"


def test_docx(tmp_path):
    parsed = parse(fx.build_docx(tmp_path / "c5.docx"))
    assert parsed.format == "docx" and parsed.title == "Compressor C5 Manual"
    assert block_with(parsed, "ORCA11").section == ("Installation",)
    table = block_with(parsed, "PETREL5")
    assert table.kind == "table" and table.section == ("Installation", "Wiring")
    assert table.text == "Terminal | Signal\nX1.1 | L1\nX1.2 | PETREL5"
    lst = block_with(parsed, "earth connection")
    assert lst.kind == "list" and "fuse rating" in lst.text
    assert block_with(parsed, "HERON9").section == ("Maintenance",)
    # Body order: paragraph, list, table, paragraph.
    order = [b.text.split()[0] for b in parsed.blocks if b.section == ("Installation", "Wiring")]
    assert order == ["Wiring", "Connect", "Check", "Terminal", "Tighten"]
    assert_offsets(parsed)


def test_docx_not_a_zip(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("this is not a word file")
    assert bad(path) == "DOCX is not a zip archive"


def test_docx_zip_without_document(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "word/document.xml" in bad(path)


def test_docx_legacy_ole(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert "legacy .doc" in bad(path)


# ---------------------------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------------------------


def test_text_sections_and_paragraphs(tmp_path):
    path = tmp_path / "p1.txt"
    path.write_text(fx.TEXT, encoding="utf-8")
    parsed = parse(path)
    assert parsed.format == "txt" and parsed.title == "PUMP P1 QUICK GUIDE"
    assert block_with(parsed, "flat floor").text == "Place the pump on a flat floor. Keep 30 cm clearance around it."
    assert block_with(parsed, "flat floor").section == ("1 Installation",)
    assert block_with(parsed, "MARTEN2").section == ("1 Installation", "1.1 Electrical connection")
    assert block_with(parsed, "copper").section == ("1 Installation", "Wiring notes")
    assert_offsets(parsed)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_text_unicode_encodings(tmp_path, encoding):
    path = tmp_path / "u.txt"
    text = "PR\u00dcFUNG\n\nDruck \u00fcber 2 bar \u2013 Ventil \u00f6ffnen.\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    parsed = parse(path)
    assert block_with(parsed, "Druck").text == "Druck \u00fcber 2 bar \u2013 Ventil \u00f6ffnen."
    assert parsed.blocks[0].kind == "heading"


def test_text_cp1252(tmp_path):
    path = tmp_path / "w.txt"
    path.write_bytes("Temp\u00e9rature 25\u00b0C \u2013 \u201cok\u201d\n".encode("cp1252"))
    assert parse(path).blocks[0].text == "Temp\u00e9rature 25\u00b0C \u2013 \u201cok\u201d"


def test_text_undecodable_and_binary(tmp_path):
    path = tmp_path / "junk.txt"
    rng = random.Random(7)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4000)) + b"\x00\x00")
    assert bad(path) == "binary file, not text"
    path.write_bytes(b"abc \x81 \x8d \x90 def")  # bytes cp1252 leaves undefined, invalid UTF-8
    assert bad(path) == "text is not valid UTF-8, UTF-16 or cp1252"
    path.write_bytes(b"abc \x01\x02\x03 \xe9")  # cp1252 decodes it, but to control characters
    assert bad(path) == "text is not valid UTF-8, UTF-16 or cp1252"


def test_text_empty(tmp_path):
    path = tmp_path / "blank.text"
    path.write_bytes(b"")
    assert bad(path) == "file is empty"
    path.write_bytes(b"\n\n   \r\n\t")
    assert bad(path) == "file is empty"
    path.write_text("\n\n  \n", encoding="utf-16")  # whitespace behind a BOM
    assert bad(path) == "file is empty"


def test_text_huge_single_line(tmp_path):
    path = tmp_path / "huge.txt"
    sentence = "Check the flow sensor wiring before replacing the board. "
    rng = random.Random(3)
    # Mostly sentences, with a long run of unbroken characters in the middle.
    body = sentence * 45000 + "x" * 20000 + sentence * 45000
    assert len(body) > 5_000_000 and "\n" not in body
    path.write_text(body + " " + "".join(rng.choice("ab") for _ in range(10)), encoding="utf-8")
    start = time.perf_counter()
    parsed = parse(path)
    assert time.perf_counter() - start < 10
    assert len(parsed.blocks) > 1000
    assert max(len(b.text) for b in parsed.blocks) <= MAX_BLOCK_CHARS
    assert sum(len(b.text) for b in parsed.blocks) >= len(body) - len(parsed.blocks) * 2
    assert parsed.blocks[0].text.endswith("board.")  # cut at a sentence end
    assert_offsets(parsed)


def test_html_named_txt_is_text(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("<p>Hello technician</p>", encoding="utf-8")
    parsed = parse(path)
    assert parsed.format == "txt" and parsed.blocks[0].text == "<p>Hello technician</p>"


# ---------------------------------------------------------------------------------------------
# Detection, sniff and error wrapping
# ---------------------------------------------------------------------------------------------


def test_sniff(tmp_path, manual_pdf):
    cases = {
        "a.md": b"# x", "b.htm": b"<p>x</p>", "c.text": b"x", "d.docx": b"PK\x03\x04",
        "e.xyz": b"x", "f.pdf": b"<html>", "~$lock.docx": b"junk", ".~lock.a.docx#": b"x",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "._apple.pdf").write_bytes(b"\x00\x05\x16\x07\x00\x02")
    (tmp_path / "noext").write_bytes(manual_pdf.read_bytes())
    got = {name: sniff(tmp_path / name) for name in [*cases, "._apple.pdf", "noext"]}
    assert got == {
        "a.md": "md", "b.htm": "html", "c.text": "txt", "d.docx": "docx", "e.xyz": None,
        "f.pdf": "pdf", "~$lock.docx": None, ".~lock.a.docx#": None, "._apple.pdf": None, "noext": "pdf",
    }
    assert sniff(tmp_path / "missing.pdf") is None
    assert SUPPORTED == {".pdf", ".html", ".htm", ".md", ".markdown", ".txt", ".text", ".docx",
                         ".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # images: read by OCR


def test_unsupported_and_missing(tmp_path):
    path = tmp_path / "data.xyz"
    path.write_text("hello")
    assert bad(path) == "unsupported file type '.xyz'"
    assert bad(tmp_path / "nope.pdf") == "file not found"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("x")
    path.chmod(0)
    assert bad(path).startswith("cannot read file")


def test_third_party_errors_are_wrapped(tmp_path, monkeypatch, caplog):
    import assistant.library.parse_html as parse_html

    def boom(*args, **kwargs):
        raise ValueError("lexbor exploded\nsecond line")

    monkeypatch.setattr(parse_html, "parse_html", boom)
    path = tmp_path / "x.html"
    path.write_text("<p>hi</p>")
    with caplog.at_level("ERROR"):
        assert bad(path) == "ValueError: lexbor exploded"
    assert "Traceback" in caplog.text or any(r.exc_info for r in caplog.records)


def test_no_text_found(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>x()</script></head><body><nav>menu</nav></body></html>")
    assert bad(path) == "no text found"


# ---------------------------------------------------------------------------------------------
# Robustness details
# ---------------------------------------------------------------------------------------------


def test_pdf_table_detection_failure_keeps_text(manual_pdf, monkeypatch):
    import pdfplumber.page

    def broken(self, *args, **kwargs):
        raise RuntimeError("pdfminer choked")

    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", broken)
    parsed = parse(manual_pdf)
    assert not [b for b in parsed.blocks if b.kind == "table"]
    assert block_with(parsed, fx.TABLE_TOKEN).page == 2  # the table's words survive as text
    assert any("table detection failed on page 2" in w for w in parsed.warnings)


def test_pdf_unreadable_pages_without_eof_marker_mean_truncated(tmp_path, manual_pdf):
    from assistant.library import parse_pdf
    from assistant.library.pdf_pages import Page

    pages = [Page(number=1, has_text=True), Page(number=2, failed=True)]
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(manual_pdf.read_bytes().replace(b"%%EOF", b"%%XXX"))
    with pytest.raises(ManualParseError, match="truncated"):
        parse_pdf._check_truncation(cut, pages, [])
    warnings: list[str] = []
    parse_pdf._check_truncation(manual_pdf, pages, warnings)  # complete file: just a warning
    assert warnings == ["1 page(s) could not be read: 2"]


def test_pdf_parses_from_several_threads(manual_pdf):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(parse, [manual_pdf] * 4))
    assert all(len(r.blocks) == len(results[0].blocks) for r in results)


def test_long_lists_and_tables_are_bounded(tmp_path):
    items = "\n".join(f"- item number {i} with some words" for i in range(200))
    rows = "\n".join(f"| R{i} | value {i} padded with text |" for i in range(400))
    path = tmp_path / "big.md"
    path.write_text(f"# Big\n\n{items}\n\n| Key | Value |\n|---|---|\n{rows}\n", encoding="utf-8")
    parsed = parse(path)
    lists = [b for b in parsed.blocks if b.kind == "list"]
    tables = [b for b in parsed.blocks if b.kind == "table"]
    assert len(lists) > 1 and all(len(b.text) <= 800 for b in lists)
    assert sum(b.text.count("\n") + 1 for b in lists) == 200
    assert len(tables) > 1 and all(len(b.text) <= MAX_BLOCK_CHARS for b in tables)
    assert all(line.count(" | ") == 1 for b in tables for line in b.text.splitlines())
    assert sum(b.text.count("\n") + 1 for b in tables) == 401
    assert_offsets(parsed)


def test_skipped_heading_levels_give_siblings_not_nesting(tmp_path):
    """A Markdown file whose headings all start at `##` files each section beside the others."""
    from assistant.library.parse import parse

    f = tmp_path / "levels.md"
    f.write_text("## Alpha\n\nText a.\n\n## Beta\n\nText b.\n\n#### Deep\n\nText d.\n\n### Gamma\n\nText g.\n")
    sections = {b.text: tuple(b.section) for b in parse(f).blocks if b.kind != "heading"}
    assert sections["Text a."] == ("Alpha",)
    assert sections["Text b."] == ("Beta",)
    assert sections["Text d."] == ("Beta", "Deep")
    assert sections["Text g."] == ("Beta", "Gamma")


def test_pdf_parsing_holds_the_pdfium_lock_per_page_not_per_document():
    """The viewer (and a note list on the same lane) used to wait for a whole manual to parse."""
    import threading

    from assistant.library.parse import parse
    from assistant.pdfium import PDFIUM_LOCK
    from tests.conftest import ROOT

    mid_document, viewer_done = threading.Event(), threading.Event()

    def progress(done, total):
        if done == 1:  # page 1 read, 11 to go
            mid_document.set()
            assert viewer_done.wait(60)

    t = threading.Thread(target=parse, args=(ROOT / "resources" / "demo" / "p200-pump-service-manual.pdf",),
                         kwargs={"progress": progress}, daemon=True)
    t.start()
    assert mid_document.wait(60)
    got = PDFIUM_LOCK.acquire(timeout=30)  # another thread (the page viewer) gets PDFium between pages
    if got:
        PDFIUM_LOCK.release()
    viewer_done.set()
    t.join(60)
    assert got, "the PDFium lock was held across the whole document"
