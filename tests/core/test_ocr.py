"""OCR of pages without a text layer, end to end with the real RapidOCR models: image-only PDFs
made from a text PDF, turned and noisy pages, an image file, kill mid-OCR and resume, --no-ocr.

Each page costs about a second or more of OCR on one core, so the documents are a few pages."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from assistant import db as dbmod
from assistant import viewer
from assistant.library import ingest, ocr_pages
from assistant.rag.search import search
from tests.conftest import EXE, can_unshare
from tests.core import scans
from tests.core.test_ingest import _consistent


def _top(session, query: str):
    result = search(session.db, session.embedder, query, k=3)
    assert result.passages, f"nothing found for {query!r}"
    return result.passages[0]


def _bbox(rects):
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory):
    return scans.build_text_pdf(tmp_path_factory.mktemp("ocr") / "original.pdf", scans.PAGES[:2])


def test_scanned_pdf_is_searchable_and_highlighted_on_the_right_page(session, tmp_path, text_pdf):
    scan = scans.save_image_pdf(tmp_path / "scan.pdf", scans.render_pages(text_pdf, 150))
    report = ingest.run(session.db, session.embedder, [scan])
    assert not report.failed, report.failed
    added = report.added[0]
    assert added["ocr_pages"] == [1, 2] and "scanned_pages" not in added

    phrase = "ferrite ring on the sensor cable"
    hit = _top(session, phrase)
    assert hit.path == str(scan) and hit.page == 2
    assert hit.section == "Controller wiring"  # the page's larger first line is its heading
    assert hit.ocr and 0.5 < hit.ocr_confidence <= 1.0
    assert "ferrite ring" in hit.text.lower()

    # The highlight sits where the phrase is on the original page (same page size, same scale).
    reading = ocr_pages.page(session.db, str(scan), 2)
    assert reading is not None and reading.words
    shown = viewer.render_pdf_page(scan, 2, 1.0, phrase, ocr=reading)
    truth = viewer.render_pdf_page(text_pdf, 2, 1.0, phrase)
    assert shown.highlights and truth.highlights
    assert _iou(_bbox(shown.highlights), _bbox(truth.highlights)) > 0.5
    # The phrase is not on page 1: nothing is highlighted there.
    page1 = viewer.render_pdf_page(scan, 1, 1.0, phrase, ocr=ocr_pages.page(session.db, str(scan), 1))
    assert not page1.highlights

    _consistent(session.db)
    ocr_rows = session.db.execute("SELECT count(*) FROM chunks WHERE ocr = 1").fetchone()[0]
    assert ocr_rows == session.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    # Removing the manual drops its OCR pages too.
    assert ingest.remove(session.db, str(scan))
    assert session.db.execute("SELECT count(*) FROM ocr_pages").fetchone()[0] == 0


def test_turned_and_noisy_pages_and_an_image_file(session, tmp_path):
    src = scans.build_text_pdf(tmp_path / "original.pdf", scans.PAGES[2:4])
    first, second = scans.render_pages(src, 150)
    scan = scans.save_image_pdf(tmp_path / "sideways.pdf", [scans.turned(first, 1), scans.noisy(second)])
    photo = scans.save_png(tmp_path / "nameplate.png", scans.noisy(scans.render_pages(text_pdf_of(tmp_path), 150)[0], 12))
    report = ingest.run(session.db, session.embedder, [scan, photo])
    assert not report.failed, report.failed
    by_name = {a["path"].rsplit("/", 1)[-1]: a for a in report.added}
    assert by_name["sideways.pdf"]["ocr_pages"] == [1, 2]
    assert by_name["nameplate.png"]["format"] == "image" and by_name["nameplate.png"]["ocr_pages"] == [1]

    turned_hit = _top(session, "float switch has stayed open for ten minutes")
    assert (turned_hit.path, turned_hit.page) == (str(scan), 1)
    assert ocr_pages.page(session.db, str(scan), 1).angle in (90, 270)
    noisy_hit = _top(session, "away from frost during transport")
    assert (noisy_hit.path, noisy_hit.page) == (str(scan), 2)
    image_hit = _top(session, "remove the four bolts that hold the cover plate")
    assert (image_hit.path, image_hit.page) == (str(photo), 1) and image_hit.ocr

    # The turned page's boxes are in the frame of the page as scanned (tall, not wide): the
    # highlighted line runs down the page.
    reading = ocr_pages.page(session.db, str(scan), 1)
    shown = viewer.render_pdf_page(scan, 1, 1.0, "float switch has stayed open", ocr=reading)
    x0, y0, x1, y1 = _bbox(shown.highlights)
    assert y1 - y0 > x1 - x0
    # An image file opens in the viewer like a one-page PDF, with the passage highlighted.
    assert viewer.pdf_page_sizes(photo) == [(float(first.shape[1]), float(first.shape[0]))]
    img = viewer.render_pdf_page(photo, 1, 0.5, "four bolts that hold the cover plate",
                                 ocr=ocr_pages.page(session.db, str(photo), 1))
    assert img.highlights and len(img.data) == img.stride * img.height
    _consistent(session.db)


def text_pdf_of(tmp_path):
    return scans.build_text_pdf(tmp_path / "page1.pdf", scans.PAGES[:1])


def test_kill_mid_ocr_then_resume_reads_only_missing_pages(home, tmp_path):
    src = scans.build_text_pdf(tmp_path / "original.pdf", scans.PAGES)
    scan = scans.save_image_pdf(tmp_path / "bulletin.pdf", scans.render_pages(src, 150))
    proc = subprocess.Popen([EXE, "ingest", str(scan)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db_file = home / "library.sqlite3"
    deadline = time.monotonic() + 300
    cached = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db_file.exists():
            try:
                c = dbmod.connect(db_file)
                cached = c.execute("SELECT count(*) FROM ocr_pages").fetchone()[0]
                c.close()
            except Exception:
                cached = 0
            if cached >= 2:
                break
        time.sleep(0.1)
    assert proc.poll() is None, "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    db = dbmod.connect(db_file)
    _consistent(db)
    assert db.execute("SELECT count(*) FROM manuals").fetchone()[0] == 0
    before = {r["page"]: (r["read_at"], r["seconds"], r["words"])
              for r in db.execute("SELECT page, read_at, seconds, words FROM ocr_pages")}
    assert 2 <= len(before) < 4
    db.close()

    r = subprocess.run([EXE, "ingest", str(scan), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    added = json.loads(r.stdout)["added"]
    assert added[0]["ocr_pages"] == [1, 2, 3, 4]

    db = dbmod.connect(db_file)
    _consistent(db)
    after = {r["page"]: (r["read_at"], r["seconds"], r["words"])
             for r in db.execute("SELECT page, read_at, seconds, words FROM ocr_pages")}
    assert sorted(after) == [1, 2, 3, 4]
    for page, row in before.items():
        assert after[page] == row, f"page {page} was read again"
    # One copy of each passage: no duplicates from the killed run.
    rows = db.execute("SELECT page, char_start, count(*) n FROM chunks GROUP BY page, char_start HAVING n > 1")
    assert rows.fetchall() == []
    assert sorted(p for (p,) in db.execute("SELECT DISTINCT page FROM chunks")) == [1, 2, 3, 4]


def test_no_ocr_leaves_pages_reported_as_scanned(home, tmp_path, text_pdf):
    scan = scans.save_image_pdf(tmp_path / "scan.pdf", scans.render_pages(text_pdf, 100))
    png = scans.save_png(tmp_path / "plate.png", scans.render_pages(text_pdf, 100)[0])
    r = subprocess.run([EXE, "ingest", "--no-ocr", str(scan), str(png), "--json"], capture_output=True, text=True)
    assert r.returncode == 1
    failed = {f["path"].rsplit("/", 1)[-1]: f["error"] for f in json.loads(r.stdout)["failed"]}
    assert "no text layer" in failed["scan.pdf"] and "OCR is turned off" in failed["plate.png"]
    # The setting does the same for the GUI and API callers.
    (home / "settings.json").write_text(json.dumps({"ocr": False}))
    db = dbmod.connect(home / "library.sqlite3")
    from assistant.session import Session

    s = Session()
    try:
        report = ingest.run(s.db, s.embedder, [scan])
        assert report.failed and "no text layer" in report.failed[0]["error"]
    finally:
        s.close()
    assert db.execute("SELECT count(*) FROM ocr_pages").fetchone()[0] == 0


@pytest.mark.skipif(not can_unshare(), reason="unshare -rn (user + network namespace) not permitted here")
def test_image_read_offline_and_cited_as_ocr(home, tmp_path, text_pdf):
    """With no network at all, a photographed page is read (the models come from the rapidocr
    wheel, nothing is fetched), and `search`/`ask --json` mark its passages as read by OCR."""
    png = scans.save_png(tmp_path / "bulletin.png", scans.render_pages(text_pdf, 150)[1])
    env = dict(os.environ)
    env.pop("HF_HUB_OFFLINE", None)
    r = subprocess.run(["unshare", "-rn", str(EXE), "ingest", str(png), "--json"], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["added"][0]["ocr_pages"] == [1]
    r = subprocess.run([EXE, "search", "brown wire terminal L1", "--json"], capture_output=True, text=True)
    top = json.loads(r.stdout)["results"][0]
    assert top["path"] == str(png) and top["page"] == 1 and top["ocr"] is True and top["ocr_confidence"] > 0.5
    r = subprocess.run(["unshare", "-rn", str(EXE), "ask", "Which terminal does the brown wire go to?", "--json"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    citations = json.loads(r.stdout)["citations"]
    assert citations and all(c["ocr"] is True and 0.5 < c["ocr_confidence"] <= 1 for c in citations)


def test_a_scan_with_a_stamped_page_number_counts_as_scanned(tmp_path, text_pdf):
    """A page that is a picture plus a few characters of text (a page number a scanner stamped)
    is a scan: OCR reads it. A text page beside it is parsed from its text layer as before."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from assistant.library.parse import parse

    picture = scans.save_png(tmp_path / "p.png", scans.render_pages(text_pdf, 72)[0])
    path = tmp_path / "stamped.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 800, "This page has a real text layer with several words on it.")
    c.showPage()
    c.drawImage(ImageReader(str(picture)), 0, 0, *A4)
    c.drawString(500, 20, "Page 2")
    c.showPage()
    c.save()
    doc = parse(path, ocr=True)
    assert doc.scanned_pages == [2]
    assert [b.page for b in doc.blocks] == [1]
