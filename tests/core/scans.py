"""Scanned-page fixtures for OCR tests: a text PDF made with reportlab, its pages rendered to
pictures with pypdfium2 (optionally turned, blurred or noisy), saved as an image-only PDF or as
image files. The text PDF stays beside the scan so a test can compare against its text layer."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Each page's text: a heading and short service instructions of our own, phrases that appear once.
PAGES = [
    ("Drain pump service",
     ["Close the inlet valve before you open the filter housing.",
      "Remove the four bolts that hold the cover plate.",
      "Check the impeller for wear and replace the seal kit if it leaks.",
      "Torque the cover bolts to twelve newton metres in a cross pattern."]),
    ("Controller wiring",
     ["Connect the brown wire to terminal L1 and the blue wire to terminal N.",
      "The green and yellow wire goes to the earth stud on the frame.",
      "Fit the ferrite ring on the sensor cable close to the controller.",
      "Restore power and wait for the status lamp to blink twice."]),
    ("Fault codes",
     ["Code E4 means the float switch has stayed open for ten minutes.",
      "Code E7 means the motor drew too much current at start.",
      "Clean the float chamber and test the switch with a meter.",
      "Replace the start capacitor when code E7 returns after a reset."]),
    ("Storage and transport",
     ["Drain all water from the casing before the unit is stored.",
      "Keep the pump upright and away from frost during transport.",
      "Cover the open ports with the plastic caps supplied.",
      "Record the hours meter reading on the service label."]),
]


def build_text_pdf(path: Path, pages: list[tuple[str, list[str]]] = PAGES) -> Path:
    """One A4 page per entry: a 20 pt heading and 14 pt lines, plain Helvetica."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    _w, h = A4
    for heading, lines in pages:
        c.setFont("Helvetica-Bold", 20)
        c.drawString(72, h - 90, heading)
        c.setFont("Helvetica", 14)
        y = h - 140
        for line in lines:
            c.drawString(72, y, line)
            y -= 26
        c.showPage()
    c.save()
    return path


def render_pages(pdf_path: Path, dpi: int = 150) -> list[np.ndarray]:
    """Every page of a PDF as an RGB array."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [pdf[i].render(scale=dpi / 72, rev_byteorder=True).to_numpy()[:, :, :3].copy()
                for i in range(len(pdf))]
    finally:
        pdf.close()


def noisy(img: np.ndarray, sigma: float = 25.0, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(img.astype(np.float32) + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def turned(img: np.ndarray, quarter_turns: int = 1) -> np.ndarray:
    """The page turned counter-clockwise by 90 degrees per quarter turn (a sideways scan)."""
    return np.ascontiguousarray(np.rot90(img, quarter_turns))


def save_image_pdf(path: Path, images: list[np.ndarray], dpi: int = 150) -> Path:
    """An image-only PDF (no text layer): one page per picture."""
    from PIL import Image

    pics = [Image.fromarray(a) for a in images]
    pics[0].save(path, save_all=True, append_images=pics[1:], resolution=dpi)
    return path


def save_png(path: Path, image: np.ndarray) -> Path:
    from PIL import Image

    Image.fromarray(image).save(path)
    return path
