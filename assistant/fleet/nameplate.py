"""Nameplate codes: QR codes and barcodes read from a photo (zxing-cpp), parsed, and matched to a job.

Payloads accepted (`parse`):
  - key=value pairs separated by ";", "&", "," or new lines, e.g. `model=P-200;serial=12345`.
    Keys (any case): serial | sn | s/n | serial_no | serialnumber -> serial; model | asset | type |
    asset_model -> asset model; job | job_id -> a job id; wo | work_order -> a work order.
  - a URL whose query holds such pairs, e.g. `https://vendor.example/id?model=P-200&sn=12345`.
  - plain text: a job's serial, or a known asset model (from the jobs' assets and the manuals'
    `equipment`) -> that; anything else is taken as a serial (1D barcodes on plates carry the serial).
Matching (`apply`): a serial (or job id / work order) of a job assigned here makes that job current;
an asset model alone makes the one job for that asset current, else sets the asset of the current
work (answers scoped to its manuals, notes get it) without a job.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ..errors import AssistantError
from . import jobs

KEYS = {
    "serial": "serial", "sn": "serial", "s/n": "serial", "serial_no": "serial", "serialnumber": "serial",
    "serial_number": "serial", "model": "asset", "asset": "asset", "type": "asset", "asset_model": "asset",
    "job": "job", "job_id": "job", "wo": "work_order", "work_order": "work_order",
}


class NameplateError(AssistantError):
    """The photo cannot be read as an image."""


@dataclass
class Plate:
    """What a code says: any of serial, asset model, job id, work order; `raw` as read."""

    raw: str
    serial: str | None = None
    asset: str | None = None
    job: str | None = None
    work_order: str | None = None


def _pairs(text: str) -> dict[str, str]:
    out = {}
    for part in re.split(r"[;&,\n]+", text):
        if "=" in part or ":" in part and not part.strip().lower().startswith(("http:", "https:")):
            k, _, v = part.partition("=") if "=" in part else part.partition(":")
            key = KEYS.get(k.strip().lower().replace(" ", "_").replace("-", "_"))
            if key and v.strip():
                out[key] = v.strip()
    return out


def known_assets(db) -> dict[str, str]:
    """{normalised model: model} of the jobs' assets and the depot manuals' equipment."""
    from . import local

    out = {}
    for d in local.docs(db, "job"):
        if d.get("asset"):
            out[jobs.norm_model(d["asset"])] = d["asset"]
    for d in local.docs(db, "manual"):
        for e in d.get("equipment") or []:
            out[jobs.norm_model(e)] = e
    return out


def parse(text: str, db=None, groups: list[str] | None = None) -> Plate:
    raw = text.strip()
    if re.match(r"^https?://", raw, re.I):
        fields = {KEYS[k.lower()]: v for k, v in parse_qsl(urlsplit(raw).query) if k.lower() in KEYS and v}
        return Plate(raw, **fields)
    fields = _pairs(raw)
    if fields:
        return Plate(raw, **fields)
    if db is not None:
        if any(j.serial == raw for j in jobs.list_jobs(db, groups)):
            return Plate(raw, serial=raw)
        model = known_assets(db).get(jobs.norm_model(raw))
        if model:
            return Plate(raw, asset=model)
    return Plate(raw, serial=raw)


def read_codes(photo: str | Path) -> list[str]:
    """The texts of the QR codes and barcodes in a photo (EXIF rotation applied), top-left first.

    Raises:
        NameplateError: not an image file.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(photo) as im:
            img = ImageOps.exif_transpose(im).convert("L")
    except (OSError, UnidentifiedImageError) as e:
        raise NameplateError(f"cannot read {Path(photo).name} as an image: {e}") from e
    return read_image(img)


def read_image(img) -> list[str]:
    """Codes in a PIL image or numpy array (the GUI's camera frame comes this way)."""
    import zxingcpp

    found = zxingcpp.read_barcodes(img)
    if not found and hasattr(img, "size") and max(img.size) > 2400:
        # A phone photo of a small plate: the finder patterns may be too fine at full size.
        img = img.copy()
        img.thumbnail((1600, 1600))
        found = zxingcpp.read_barcodes(img)
    found = sorted(found, key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    out = []
    for b in found:
        if b.valid and b.text and b.text not in out:
            out.append(b.text)
    return out


@dataclass
class ScanResult:
    codes: list[str] = field(default_factory=list)
    plates: list[Plate] = field(default_factory=list)
    job: dict | None = None  # the job made current
    asset: str | None = None  # the asset set for the current work (no job matched)
    message: str = ""

    def to_json(self) -> dict:
        return {"codes": self.codes, "plates": [asdict(p) for p in self.plates], "job": self.job,
                "asset": self.asset, "message": self.message}


def apply(db, plates: list[Plate], groups: list[str] | None = None) -> ScanResult:
    """Match what the codes say to a job (see the module docstring) and make it current."""
    res = ScanResult(plates=plates)
    assigned = jobs.list_jobs(db, groups)
    for p in plates:
        for j in assigned:
            if (p.job and j.id == p.job.removeprefix("job:")) or (p.serial and j.serial == p.serial) \
                    or (p.work_order and j.work_order == p.work_order):
                jobs.use(db, j.id, groups)
                res.job = j.to_json()
                res.message = f"Job {j.id}: {j.label} is now current."
                return res
    assets = [p.asset for p in plates if p.asset]
    if assets:
        asset = assets[0]
        same = [j for j in assigned if jobs.norm_model(j.asset or "") == jobs.norm_model(asset)]
        if len(same) == 1 and not any(p.serial for p in plates):
            jobs.use(db, same[0].id, groups)
            res.job = same[0].to_json()
            res.message = f"Job {same[0].id}: {same[0].label} is now current."
            return res
        serial = next((p.serial for p in plates if p.serial), None)
        jobs.set_work_asset(db, asset, serial)
        res.asset = asset
        res.message = (f"No job for {asset}" + (f" s/n {serial}" if serial else "") +
                       f"; the current work is on {asset}: answers use its manuals.")
        return res
    serials = [p.serial for p in plates if p.serial]
    res.message = f"Read {', '.join(serials) or res.codes}; no job here has that serial, and it names no asset model."
    return res


def scan_and_apply(db, photo: str | Path, groups: list[str] | None = None) -> ScanResult:
    """`jobs scan PHOTO`: read, parse, match. No code in the photo is a result with a message."""
    codes = read_codes(photo)
    if not codes:
        return ScanResult(message=f"No QR code or barcode found in {Path(photo).name}: photograph the plate's "
                                  "code straight on, filling a third of the picture, without glare.")
    res = apply(db, [parse(c, db, groups) for c in codes], groups)
    res.codes = codes
    return res


