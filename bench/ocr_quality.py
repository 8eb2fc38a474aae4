"""OCR quality and speed: the app's OCR (RapidOCR, PP-OCRv6 small, one thread) against Debian's
`tesseract` (5.x, `eng`, one thread), on the same rendered pages of real manuals, in one run.

    .venv/bin/python bench/ocr_quality.py [PDF ...] [--pages-per-manual 2]

Pages come from real PDF manuals (by default the Debian manuals `bench/devset_debian.py fetch`
caches, AVRDUDE, OpenOCD and ngspice, plus the demo manual): per manual, the pages with the most
body text among its manual's first 40 pages (contents pages, whose dot leaders would dominate
the error rates, are passed over). Each page is rendered at 150 and 300 dpi, and at 150 dpi
blurred (Gaussian, sigma 1.2 px) and turned by 2 degrees (a skewed scan). The reference is the
page's own text layer. CER is character edit distance over the reference's characters, WER
word edit distance over its words, both after lower-casing and collapsing white space, so
reading-order differences count against both engines alike. Pages/s is per rendered page,
engine time only (tesseract: process start included, as the app would pay it).

Install the peer with `apt-get install -y tesseract-ocr tesseract-ocr-eng`; it is a benchmark
peer only, not a dependency of the app or its tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._common import PROJECT_ROOT, banner, table  # noqa: E402

CACHE = Path(os.environ.get("FA_BENCH_CACHE", Path.home() / ".cache" / "field-assistant-bench")) / "debian" / "manuals"
DEFAULT_PDFS = [CACHE / "avrdude.pdf", CACHE / "openocd.pdf", CACHE / "ngspice-manual.pdf",
                PROJECT_ROOT / "resources" / "demo" / "p200-pump-service-manual.pdf"]
VARIANTS = [("150 dpi", 150, None), ("300 dpi", 300, None), ("150 dpi blur", 150, "blur"),
            ("150 dpi skew 2°", 150, "skew")]


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\ufb01": "fi",
                         "\ufb02": "fl", "\u2013": "-", "\u2014": "-"})


def norm(text: str) -> str:
    text = text.replace("\ufffe", "-").replace("\u00ad", "").translate(_QUOTES)
    return re.sub(r"\s+", " ", text.lower()).strip()


def char_edits(a: str, b: str) -> int:
    """Levenshtein distance, one row at a time with numpy (insertions by a running minimum)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1)
    prev = idx.copy()
    for i, ch in enumerate(a, 1):
        cost = (bb != ord(ch)).astype(np.int64)
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
        cur = np.minimum.accumulate(cur - idx) + idx
        prev = cur
    return int(prev[-1])


def word_edits(a: list[str], b: list[str]) -> int:
    vocab: dict[str, str] = {}
    enc = lambda ws: "".join(vocab.setdefault(w, chr(0x4E00 + len(vocab))) for w in ws)  # noqa: E731
    return char_edits(enc(a), enc(b))


def pick_pages(pdf_path: Path, n: int, first: int = 40) -> list[tuple[int, str]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        found = []
        for i in range(min(first, len(pdf))):
            tp = pdf[i].get_textpage()
            text = tp.get_text_range()
            tp.close()
            words = text.split()
            # Body text, not a contents page: dot leaders would dominate the error rates.
            leaders = sum(not any(c.isalnum() for c in w) for w in words)
            if words and leaders <= 0.1 * len(words):
                found.append((len(words), i + 1, text))
        # Most words, but not an index page of thousands of tiny entries: cap at 700 words.
        found = sorted((f for f in found if f[0] <= 700), reverse=True)[:n]
        return [(p, t) for _, p, t in found]
    finally:
        pdf.close()


def render(pdf_path: Path, page: int, dpi: int, effect: str | None) -> np.ndarray:
    import cv2
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        img = pdf[page - 1].render(scale=dpi / 72, rev_byteorder=True).to_numpy()[:, :, :3].copy()
    finally:
        pdf.close()
    if effect == "blur":
        img = cv2.GaussianBlur(img, (0, 0), 1.2)
    elif effect == "skew":
        h, w = img.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), 2.0, 1.0)
        img = cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))
    return img


def ours(img: np.ndarray) -> tuple[str, float]:
    from assistant.library import ocr

    t0 = time.perf_counter()
    reading = ocr.recognise(img)
    dt = time.perf_counter() - t0
    return ocr.page_text(reading)[0], dt


def tesseract(img: np.ndarray, tmp: Path) -> tuple[str, float]:
    import cv2

    png = tmp / "page.png"
    cv2.imwrite(str(png), img[:, :, ::-1])
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t0 = time.perf_counter()
    out = subprocess.run(["tesseract", str(png), "-", "-l", "eng"], capture_output=True, text=True, env=env,
                         check=True).stdout
    return out, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--pages-per-manual", type=int, default=2)
    args = ap.parse_args()
    pdfs = [p for p in (args.pdfs or DEFAULT_PDFS) if p.is_file()]
    if not pdfs:
        print("no PDFs: run bench/devset_debian.py fetch, or name PDFs", file=sys.stderr)
        return 1
    if shutil.which("tesseract") is None:
        print("tesseract is not installed (apt-get install -y tesseract-ocr tesseract-ocr-eng)", file=sys.stderr)
        return 1
    banner("OCR quality: app (RapidOCR PP-OCRv6 small) vs tesseract, same pages, same run")
    tver = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    pages = [(pdf, p, t) for pdf in pdfs for p, t in pick_pages(pdf, args.pages_per_manual)]
    print(f"peer: {tver}; pages: " + ", ".join(f"{pdf.stem} p{p} ({len(t.split())} words)" for pdf, p, t in pages))
    from assistant.library import ocr

    t0 = time.perf_counter()
    ocr.engine()
    print(f"app OCR engine load: {time.perf_counter() - t0:.2f} s")
    rows = []
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        for name, dpi, effect in VARIANTS:
            sums = {"app": [0, 0, 0, 0, 0.0], "tesseract": [0, 0, 0, 0, 0.0]}
            for pdf, page, ref_text in pages:
                img = render(pdf, page, dpi, effect)
                ref = norm(ref_text)
                for engine, fn in (("app", lambda im: ours(im)), ("tesseract", lambda im: tesseract(im, tmp))):
                    hyp, dt = fn(img)
                    hyp = norm(hyp)
                    s = sums[engine]
                    s[0] += char_edits(ref, hyp)
                    s[1] += len(ref)
                    s[2] += word_edits(ref.split(), hyp.split())
                    s[3] += len(ref.split())
                    s[4] += dt
            for engine, (ce, cn, we, wn, secs) in sums.items():
                rows.append([name, engine, f"{ce / cn:.3f}", f"{we / wn:.3f}", f"{len(pages) / secs:.2f}"])
            app_pps = len(pages) / sums["app"][4]
            tes_pps = len(pages) / sums["tesseract"][4]
            print(f"{name}: app/tesseract speed ratio {app_pps / tes_pps:.2f}", flush=True)
    print()
    print(table(["pages", "engine", "CER", "WER", "pages/s"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
