"""The checkable facts in a text: quantities with their units, part numbers and codes, and whether
an answer's facts appear in the passages the model was given.

A small model copies values from its passages and sometimes invents them; a technician torquing a
bolt needs to know which. Values are compared as values, not as text: "68 Nm", "68 N·m" and
"68 N m" are the same torque, "0.50 V" is "0.5 V", while "68" inside "680" or "68 Nm" against
"68 lbf·ft" are not matches. Codes and part numbers ("P-200", "E05", "6ES7 214-1AG40") are compared
whole, ignoring case and the separators people write differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Unit spellings -> one canonical spelling. Keys are compared after lower-casing and removing spaces,
# middle dots, hyphens and periods between the unit's parts ("N·m", "N m", "N-m", "N.m" -> "nm").
_UNIT_ALIASES = {
    "nm": "N·m", "newtonmeter": "N·m", "newtonmeters": "N·m", "newtonmetre": "N·m", "newtonmetres": "N·m",
    "lbft": "lbf·ft", "lbfft": "lbf·ft", "ftlb": "lbf·ft", "ftlbs": "lbf·ft", "ftlbf": "lbf·ft",
    "lbfin": "lbf·in", "inlb": "lbf·in", "inlbs": "lbf·in", "lbin": "lbf·in",
    "v": "V", "volt": "V", "volts": "V", "vac": "V AC", "vdc": "V DC", "mv": "mV", "kv": "kV",
    "a": "A", "amp": "A", "amps": "A", "ampere": "A", "amperes": "A", "ma": "mA", "ua": "µA", "µa": "µA",
    "w": "W", "watt": "W", "watts": "W", "kw": "kW", "mw": "mW", "va": "VA", "kva": "kVA",
    "wh": "Wh", "kwh": "kWh", "ah": "Ah", "mah": "mAh",
    "hz": "Hz", "khz": "kHz", "mhz": "MHz", "ghz": "GHz",
    "ω": "Ω", "ohm": "Ω", "ohms": "Ω", "kω": "kΩ", "kohm": "kΩ", "kohms": "kΩ", "mω": "MΩ", "mohm": "MΩ",
    "f": "F", "farad": "F", "farads": "F", "henry": "H", "henries": "H", "uf": "µF", "µf": "µF", "nf": "nF", "pf": "pF", "h": "h", "mh": "mH", "uh": "µH", "µh": "µH",
    "mm": "mm", "cm": "cm", "m": "m", "km": "km", "in": "in", "inch": "in", "inches": "in", "ft": "ft",
    "um": "µm", "µm": "µm",
    "g": "g", "kg": "kg", "lb": "lb", "lbs": "lb", "oz": "oz",
    "l": "L", "ml": "mL", "litre": "L", "litres": "L", "liter": "L", "liters": "L",
    "bar": "bar", "mbar": "mbar", "psi": "psi", "kpa": "kPa", "mpa": "MPa", "pa": "Pa",
    "°c": "°C", "degc": "°C", "c": "°C", "°f": "°F", "degf": "°F", "k": "K",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s", "ms": "ms", "us": "µs", "µs": "µs",
    "msec": "ms", "usec": "µs", "µsec": "µs", "ns": "ns", "nsec": "ns",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min", "hr": "h", "hrs": "h",
    "hour": "h", "hours": "h", "rpm": "rpm", "%": "%", "db": "dB", "dbm": "dBm",
    # A sound level A-weighted ("50 dBA", as "68 dB(A)" is read) is one in dB: what "how loud" asks.
    # Levels against another reference keep their own unit: an antenna's gain (dBi), a carrier's
    # ratio (dBc), a field strength (dBµV) are no sound level.
    "dba": "dB", "dbi": "dBi", "dbc": "dBc", "dbuv": "dBµV", "dbµv": "dBµV",
    "b": "B", "kb": "kB", "mb": "MB", "gb": "GB", "kib": "KiB", "mib": "MiB", "gib": "GiB",
    "bps": "bit/s", "kbps": "kbit/s", "mbps": "Mbit/s", "baud": "baud",
    # data rates as tables print them, the prefix glued on ("9.6kBaud", "38.4 kbit/s"); `scaled` reads
    # them in the base unit, so "9600 baud" is "9.6kBaud"
    "kbaud": "kbaud", "mbaud": "Mbaud", "bit/s": "bit/s", "bits/s": "bit/s", "kbit/s": "kbit/s",
    "kbits/s": "kbit/s", "mbit/s": "Mbit/s", "mbits/s": "Mbit/s",
}
# A data rate with an SI prefix -> (base unit, factor): one value however the prefix is written
# ("9600 baud", "9.6kBaud", "9.6 kBd"). Other prefixed units (kHz, mA, kW) keep their own unit:
# their tables and questions name the same prefix.
_PREFIXED = {"kbaud": ("baud", 1e3), "Mbaud": ("baud", 1e6), "kbit/s": ("bit/s", 1e3), "Mbit/s": ("bit/s", 1e6)}
# Longest first so "kwh" wins over "kw" and "mah" over "ma".
_UNIT_WORDS = sorted({re.escape(k.strip()) for k in _UNIT_ALIASES} | {"n·m", "n m", "n-m", "n\\.m", "lbf·ft",
                      "lbf-ft", "lb-ft", "newton[ -]met(?:er|re)s?", "ft-lb", "ft-lbs", "ft·lb", "in-lb", "in-lbs", "lbf·in", "°\\s?c", "°\\s?f"},
                     key=len, reverse=True)
_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_QUANTITY = re.compile(rf"(?<![\w.,])({_NUMBER})\s?({'|'.join(_UNIT_WORDS)})?(?![\w])", re.IGNORECASE)
# A code or part number: letters and digits together, maybe joined by - / . _ (not a plain number).
_CODE = re.compile(r"(?<![\w\-])(?=[\w\-./]*[A-Za-z])(?=[\w\-./]*\d)[A-Za-z0-9][\w\-./]*[A-Za-z0-9](?![\w])")
# A number glued to one letter that is a code, not a quantity: a leading zero ("00A", "000F": hex and
# register values), a lowercase k ("33k", "10k": thousands, a resistor; a kelvin is a capital K),
# a capital G ("a 10G card", "2.5G", "5G": a link rate or a generation; grams are a small g),
# or five digits and more before a letter models end in ("CanoScan 19200S", "SCSI Card 39320A",
# "ltoa(12345L)"; "2000A", "1000L", "1500W", "3000K" are quantities). The answer check reads such a
# token both ways (`_readings`).
_GLUED_CODE = re.compile(r"0\d+[A-Za-z]|\d+k|\d+(?:\.\d+)?G|\d{5,}[ABCFGHLMS]")
# Versions and addresses ("2.3.1", "192.168.1.10") are codes, not numbers.
_DOTTED = re.compile(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w])")
# "in" after a number is the word, not inches, when a name or a determiner follows it ("option 119 in
# Kea", "distance 20 in FRR", "pin 5 in the connector"); "a 19 in rack", "4 in.", a thread's "1/2 in
# NPT" and a pressure's "29.92 in Hg" or "2 in WC" (what an inch is measured in) stay inches.
_IN_AS_WORD = re.compile(r"\s+(?:(?:the|a|an|this|that|these|those|each|every|my|your|our|its|their)\b|"
                         r"(?!(?:Hg|H2O|NPTF?|NPS|BSP[PT]?|UN[CFS]|OD|ID|W\.?C|WG)\b)[A-Z])")
_UNIT_ANYWHERE = re.compile(rf"(?<![\w])({'|'.join(_UNIT_WORDS)})(?![\w])", re.IGNORECASE)
_LIST_NUMBER = re.compile(r"\d{1,3}[.)](?:\s|$)")
_AT_ITEM_START = re.compile(r"(?:^|\n|[.:!?\]]\s+)\s*$")
_CITATION_MARK = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")


@dataclass(frozen=True)
class Fact:
    """One checkable value: `kind` "quantity" (number + canonical unit, or a bare number) or "code";
    `key` compares equal for the same value however it was written; `text` as written."""

    kind: str
    key: str
    text: str


def canonical_unit(unit: str) -> str:
    u = unit.lower().replace(" ", "").replace("·", "").replace("-", "").replace(".", "")
    return _UNIT_ALIASES.get(u, unit)


def scaled(number: float, unit: str) -> tuple[float, str]:
    """(number, unit) in the base unit when `unit` (canonical) is a prefixed data rate, else as given."""
    base, factor = _PREFIXED.get(unit, (unit, 1.0))
    return (float(format(number * factor, ".10g")), base) if factor != 1.0 else (number, unit)


def _number_key(num: str, unit: str = "") -> str:
    n, unit = scaled(float(num.replace(",", "")), unit)
    return format(n, ".10g") + (" " + unit if unit else "")


def facts(text: str) -> list[Fact]:
    """The quantities and codes in `text`, in order, without repeats."""
    text = _CITATION_MARK.sub(" ", text)
    out: dict[str, tuple[int, Fact]] = {}
    spans: list[tuple[int, int]] = []
    for m in _DOTTED.finditer(text):
        key = "code:" + m.group(0)
        out.setdefault(key, (m.start(), Fact("code", key, m.group(0))))
        spans.append(m.span())
    for m in _CODE.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        tok = m.group(0).rstrip("./-")
        if _QUANTITY.fullmatch(tok) and not _GLUED_CODE.fullmatch(tok):
            continue  # "45Nm", "12V": a quantity written without a space
        if re.fullmatch(r"[vV]\d+(?:\.\d+)+", tok):
            key = "code:" + tok[1:]  # "v2.3.1" is version 2.3.1
        else:
            key = "code:" + re.sub(r"[\s\-_./]", "", tok).lower()
        out.setdefault(key, (m.start(), Fact("code", key, tok)))
        spans.append(m.span())
    for m in _QUANTITY.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue  # the digits of a code
        num, unit = m.group(1), m.group(2)
        if len(num.lstrip("-+")) == 1 and not unit:
            continue  # "1" alone: list numbering, "step 2"; too common to check
        if not unit and _LIST_NUMBER.match(text, m.start()) and _AT_ITEM_START.search(text[max(0, m.start() - 8):m.start()]):
            continue  # "12. Tap Save": the number of a list item (at a line or sentence start)
        if unit and unit.lower() == "in" and _IN_AS_WORD.match(text, m.end()):
            unit = ""  # "option 119 in Kea", "pin 5 in the connector": the word in, not inches
            if len(num.lstrip("-+")) == 1:
                continue
        key = "q:" + _number_key(num, canonical_unit(unit) if unit else "")
        text_of = m.group(1) if not unit else m.group(0).strip()
        out.setdefault(key, (m.start(), Fact("quantity", key, text_of)))
    return [f for _pos, f in sorted(out.values(), key=lambda x: x[0])]


def unsupported(answer: str, passages_text: list[str]) -> list[str]:
    """The facts of `answer` that none of `passages_text` holds, as written in the answer.

    A quantity with a unit must appear with the same unit (in any spelling), or as the bare number
    in a passage that names that unit elsewhere (a table whose header carries the unit); a bare
    number in the answer is supported by the same number with or without a unit; a code by the
    same code.
    """
    have: set[str] = set()
    for t in passages_text:
        units = {canonical_unit(m.group(1)) for m in _UNIT_ANYWHERE.finditer(t)}
        for f in facts(t):
            for key in _readings(f):
                have.add(key)
                if key.startswith("q:"):
                    number = key.split(" ", 1)[0]
                    have.add(number)
                    if " " not in key:
                        have.update(f"{number} {u}" for u in units)
    return [f.text for f in facts(answer) if not any(k in have for k in _readings(f))]


def _readings(f: Fact) -> list[str]:
    """The keys a fact is checked by: a number glued to a letter that reads as a code ("10k",
    "00A", `_GLUED_CODE`) also as the quantity it spells, since the model and the manual may write
    it either way ("10K", "10 k")."""
    m = _QUANTITY.fullmatch(f.text) if f.kind == "code" and _GLUED_CODE.fullmatch(f.text) else None
    if m is None:
        return [f.key]
    return [f.key, "q:" + _number_key(m.group(1), canonical_unit(m.group(2)) if m.group(2) else "")]
