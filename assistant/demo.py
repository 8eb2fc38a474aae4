"""The demo library shipped with the app: loaded on first run so a new install has something to ask."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from . import settings as settingsmod

log = logging.getLogger(__name__)


def demo_dir() -> Path | None:
    """resources/demo inside the frozen bundle or the source tree, if present."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    d = base / "resources" / "demo"
    return d if d.is_dir() else None


def needs_demo(db) -> bool:
    """True on a first run: the library is empty and the demo was never loaded (or removed) before."""
    if settingsmod.load().demo_loaded:
        return False
    return db.execute("SELECT count(*) FROM manuals").fetchone()[0] == 0


def mark_loaded() -> None:
    settingsmod.save(demo_loaded=True)
