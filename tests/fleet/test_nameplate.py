"""Nameplate codes read from photos the tests make with zxing-cpp itself: a clean QR code, a rotated
and blurred photo-like one, a Code 128 barcode, an image with no code, a file that is no image."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from assistant.cli import main
from assistant.fleet import jobs, local, nameplate
from tests.fleet.depot_docs import Depot


def code_image(text: str, fmt=zxingcpp.BarcodeFormat.QRCode, scale: int = 6) -> Image.Image:
    return Image.fromarray(np.asarray(zxingcpp.create_barcode(text, fmt).to_image(scale=scale))).convert("L")


def photo_like(code: Image.Image, angle: float = 23, blur: float = 2.5) -> Image.Image:
    """The code on a plate on a noisy background: rotated, blurred, uneven light, JPEG'd by the caller."""
    rnd = random.Random(7)
    w, h = code.width * 3, code.height * 3
    bg = Image.effect_noise((w, h), 40).point(lambda v: 90 + v // 3)
    plate = Image.new("L", (code.width + 60, code.height + 60), 225)
    plate.paste(code, (30, 30))
    ImageDraw.Draw(plate).text((8, 4), "MODEL P-200  S/N 12345", fill=40)
    plate = plate.rotate(angle, expand=True, fillcolor=90)
    bg.paste(plate, (rnd.randint(10, w - plate.width - 10), rnd.randint(10, h - plate.height - 10)))
    grad = Image.linear_gradient("L").resize((w, h)).point(lambda v: v // 5)
    return Image.blend(bg, grad, 0.2).filter(ImageFilter.GaussianBlur(blur))


@pytest.fixture
def with_jobs(session):
    depot = Depot()
    me = local.device_id(session.db)
    for doc in (depot.job("j1", "P-200", "12345", device=me), depot.job("j2", "P-300", "999", device=me),
                depot.job("j3", "P-300", "1000", device=me)):
        local.store_verified(session.db, doc, depot.public)
    return session


def test_parse_formats(with_jobs):
    db = with_jobs.db
    assert nameplate.parse("model=P-200;serial=12345").serial == "12345"
    p = nameplate.parse("https://vendor.example/id?model=P-200&sn=12345&x=1")
    assert (p.asset, p.serial) == ("P-200", "12345")
    p = nameplate.parse("Model: P-300\nS/N: 999")
    assert (p.asset, p.serial) == ("P-300", "999")
    assert nameplate.parse("p300", db).asset == "P-300"  # a known asset model, written another way
    assert nameplate.parse("12345", db).serial == "12345"
    assert nameplate.parse("WO=WO-1").work_order == "WO-1"


def test_rotated_blurred_photo_of_a_qr_code_matches_the_job(with_jobs, tmp_path, capsys):
    path = tmp_path / "plate.jpg"
    photo_like(code_image("model=P-200;serial=12345")).save(path, quality=70)
    assert main(["jobs", "scan", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["codes"] == ["model=P-200;serial=12345"]
    assert out["job"]["id"] == "j1"
    assert jobs.current(with_jobs.db).id == "j1"


def test_barcode_with_a_serial(with_jobs, tmp_path):
    path = tmp_path / "bar.png"
    img = code_image("999", zxingcpp.BarcodeFormat.Code128, scale=3).rotate(90, expand=True)
    img.save(path)
    res = nameplate.scan_and_apply(with_jobs.db, path)
    assert res.codes == ["999"] and res.job["id"] == "j2"


def test_asset_model_alone_sets_the_work_asset(with_jobs, tmp_path):
    path = tmp_path / "model.png"
    code_image("model=P-300").save(path)
    res = nameplate.scan_and_apply(with_jobs.db, path)
    assert res.job is None and res.asset == "P-300"  # two P-300 jobs: which one is not guessed
    cur = jobs.current(with_jobs.db)
    assert (cur.id, cur.asset) == ("", "P-300")
    assert jobs.note_fields(with_jobs.db)["asset"] == "P-300"
    code_image("model=P-200").save(path)
    assert nameplate.scan_and_apply(with_jobs.db, path).job["id"] == "j1"  # one job for the P-200


def test_no_code_and_not_an_image(with_jobs, tmp_path, capsys):
    blank = tmp_path / "wall.jpg"
    photo_like(Image.new("L", (120, 120), 200)).save(blank)
    assert main(["jobs", "scan", str(blank)]) == 1
    assert "No QR code or barcode found in wall.jpg" in capsys.readouterr().out
    junk = tmp_path / "notes.jpg"
    junk.write_text("not a picture")
    assert main(["jobs", "scan", str(junk)]) == 1
    assert "cannot read notes.jpg as an image" in capsys.readouterr().err
    assert jobs.current(with_jobs.db) is None
