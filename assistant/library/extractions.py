"""Which extractions each manual has had (table `manual_extractions`, migration m011).

Ingest records every extractor it ran for a manual (`record`, inside its transaction); the
backfill (`backfill.py`) finds the manuals that lack one (`missing`), stored by an older version of
the app, and runs just that. Raising an extractor's number in `CURRENT` (its output changed enough
to be worth redoing) makes every manual with an older one catch up the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

SPEC_ROWS, PROCEDURES, OCR = "spec_rows", "procedures", "ocr"
# SPEC_ROWS 2: PDF rules drawn under a turning matrix are seen (pdf_tables._path_edges), so pages of
# such PDFs that gave no table before now give rows.
# SPEC_ROWS 3: data rates with an SI prefix glued on ("9.6kBaud", "38.4 kbit/s") are stored as values
# in the base unit (9600 baud), where they were codes before.
# SPEC_ROWS 4: a table described under a term of its own (a definition list's "loopstats" or
# "peci_diode" line above the table of its fields or codes) has the term in its caption.
# SPEC_ROWS 6: two numbers around a slash are two values, not a fraction ("230/400 V" is 230 V and
# 400 V, where it was 0.575 V; "50/60 Hz"; code page "1252/1140"); a range or pair inside a part
# number is none ("SK-200-45B"); a range's ends keep their signs ("-15 to +40 °C"); a number glued
# to a letter is a code where it has a leading zero, a lowercase k or five digits ("19200S").
# SPEC_ROWS 7: a sound level written "50 dBA" is 50 dB (it was a bare 50); dBi, dBc and dBµV are units.
# SPEC_ROWS 8: a number glued to a capital G is a code ("a 10G card": ten gigabit), not grams.
# (Not raised for "in" read as the word before a name or a determiner, "option 119 in Kea": a question
# writes that; a table cell hardly ever does, so stored rows are not worth reading again for it.)
CURRENT = {SPEC_ROWS: 8, PROCEDURES: 1, OCR: 1}


def record(db, manual_id: int, extractors: Iterable[str]) -> None:
    """Mark `extractors` as run at their current version for a manual (inside the caller's transaction)."""
    db.executemany(
        "INSERT OR REPLACE INTO manual_extractions(manual_id, extractor, version) VALUES (?, ?, ?)",
        [(manual_id, name, CURRENT[name]) for name in extractors])


def had(db, manual_id: int) -> dict[str, int]:
    """The extractions a manual has had: extractor -> version."""
    return {r[0]: r[1] for r in db.execute(
        "SELECT extractor, version FROM manual_extractions WHERE manual_id = ?", (manual_id,))}


def missing(db, wanted: Iterable[str] = tuple(CURRENT)) -> dict[int, set[str]]:
    """Manuals lacking one of `wanted` at its current version: manual id -> the extractors to run."""
    wanted = list(wanted)
    out: dict[int, set[str]] = {}
    if not wanted:
        return out
    have: dict[int, dict[str, int]] = {}
    for r in db.execute("SELECT manual_id, extractor, version FROM manual_extractions"):
        have.setdefault(r[0], {})[r[1]] = r[2]
    for (manual_id,) in db.execute("SELECT id FROM manuals ORDER BY title COLLATE NOCASE, id"):
        done = have.get(manual_id, {})
        todo = {name for name in wanted if done.get(name, 0) < CURRENT[name]}
        if todo:
            out[manual_id] = todo
    return out
