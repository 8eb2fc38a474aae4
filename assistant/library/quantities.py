"""Values in a table cell as (number, canonical unit, raw) records, so a row can be found by value.

The unit spellings and the quantity/code reading are `assistant.values`' (one normalisation for
the answer check and for spec rows). What a cell adds to a sentence: ranges ("10-12 Nm", "10 to
12 Nm": both ends, with the unit written once), tolerances ("±0.05 mm") and a unit given only in
the column header ("Torque (Nm)" over a cell "68").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.values import _UNIT_WORDS, canonical_unit, facts, scaled

from .spoken_numbers import digits


@dataclass(frozen=True)
class Value:
    """A quantity (`number` set, `unit` canonical or "") or a code (`number` None, `unit` "code",
    `raw` compared as `key`)."""

    number: float | None
    unit: str
    raw: str
    key: str  # as `values.Fact.key`: "q:68 N·m", "q:0.5", "code:e07"


_UNIT_RE = "|".join(_UNIT_WORDS)
_NUM = r"\d+(?:\.\d+)?"
# A range's ends may be signed ("-10-20 °C", "-15 to +40 °C"); a range inside a part number is none ("SK-200-45B"
# is no 200-45 bytes, as "P-200/45V" is no pair of voltages).
_RANGE = re.compile(rf"(?<![\w.-])(-?{_NUM})\s*(?:-|–|to|\.\.)\s*([-+]?{_NUM})\s?({_UNIT_RE})(?![\w])", re.IGNORECASE)
# A fraction as tables write sizes and times ("1/2 in", "1 1/2 in", "1-1/4\"", "5/16\"", "1/2in",
# "1/60 s", "3/4 turn"): a unit fraction, or a proper one in lowest terms over 2, 3, 4, 8, 16, 32 or 64.
# Two numbers around a slash otherwise are two values: "230/400 V" (the phases' voltages), "50/60 Hz",
# "16/32 A", an "Intel 2200/2915" card, "24/7", none of them a fraction.
_FRACTION = re.compile(r"(?<![\w./])(?:(\d+)(?:\s+|-))?(\d+)/(\d+)(?![\d./])(\")?(?=\s?[A-Za-z\"]|(?<=\"))")
_SIZE_DENOMINATORS = (2, 3, 4, 8, 16, 32, 64)
# "230/400 V", "50/60 Hz": both numbers take the unit written once after them.
_SLASH_PAIR = re.compile(rf"(?<![\w./-])({_NUM})/({_NUM})\s?({_UNIT_RE})(?![\w])", re.IGNORECASE)
# "Torque (Nm)", "Gap [mm]", "Current, A", "Voltage / V": a unit the header gives its column.
_HEADER_UNIT = re.compile(rf"(?:\(|\[|,\s*|/\s*|\bin\s+)({_UNIT_RE})\s*(?:\)|\]|$)", re.IGNORECASE)


def _key(number: float, unit: str) -> str:
    return "q:" + format(number, ".10g") + (f" {unit}" if unit else "")


def _decimal(m: re.Match) -> str:
    whole, num, den = m.group(1), int(m.group(2)), int(m.group(3))
    if num >= den or not (num == 1 or den in _SIZE_DENOMINATORS and math.gcd(num, den) == 1):
        return m.group(0)  # "3/2", "16/32 A", "2200/2915": not a size or time a table writes as a fraction
    inch = " in" if m.group(4) else ""  # 5/16" is five sixteenths of an inch
    return format((int(whole) if whole else 0) + num / den, ".6g") + inch


def ranges(text: str) -> list[tuple[float, float]]:
    """The (low, high) numbers of each range with a unit in `text` ("105-125 %", "2 to 4 mm")."""
    return [(float(m.group(1)), float(m.group(2))) for m in _RANGE.finditer(text)]


def header_unit(header: str) -> str:
    """The canonical unit a column header names for its cells, or ""."""
    m = _HEADER_UNIT.search(header or "")
    return canonical_unit(m.group(1)) if m else ""


def parse_cell(cell: str, column_unit: str = "") -> list[Value]:
    """The values in one cell; a bare number takes the column's unit when the header gives one."""
    text = (cell or "").replace("±", " ").replace("+/-", " ")
    text = _FRACTION.sub(_decimal, text)  # "1/2 in" -> "0.5 in"
    out: dict[str, Value] = {}
    paired = list(_RANGE.finditer(text)) + list(_SLASH_PAIR.finditer(text))
    for m in paired:
        for num in (m.group(1), m.group(2)):
            n, unit = scaled(float(num), canonical_unit(m.group(3)))
            out.setdefault(_key(n, unit), Value(n, unit, m.group(0), _key(n, unit)))
    # The rest of the cell, the ranges and pairs blanked: their bare first ends are read already.
    rest = list(text)
    for m in paired:
        rest[m.start():m.end()] = " " * (m.end() - m.start())
    for f in facts("".join(rest)):
        if f.kind == "code":
            out.setdefault(f.key, Value(None, "code", f.text, f.key))
            continue
        number, _, unit = f.key[2:].partition(" ")
        if not unit and column_unit:
            unit = column_unit
        n = float(number)
        key = _key(n, unit)
        out.setdefault(key, Value(n, unit, f.text, key))
    # A single-digit bare number (a fuse of "5" A under "Fuse (A)") is skipped by facts(): a cell
    # holding just that number is still the value.
    bare = text.strip()
    if not out and re.fullmatch(r"\d(?:\.\d+)?", bare):
        n = float(bare)
        out[_key(n, column_unit)] = Value(n, column_unit, bare, _key(n, column_unit))
    return list(out.values())


def query_values(text: str) -> list[Value]:
    """Values a question names ("what is set to 68 Nm?", "E-07", "every five hours", "the negative
    twelve volt rail": -12 V), as `parse_cell` reads a cell."""
    return parse_cell(digits(text))
