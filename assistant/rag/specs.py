"""Spec rows for a question: the table row that holds the torque, fuse size or fault code asked for.

Two ways in, scored together:
- a value the question names ("what is set to 68 Nm?", "E-07", "M12") finds the rows holding it,
  compared as values (`quantities.parse_cell`, the unit spellings of `values.canonical_unit`);
- a thing and a quantity ("torque for the pump mounting bolts"): the quantity word (torque, fuse,
  clearance, ...) must match the row's headers, caption, cells or the units of its values, and the
  thing words ("pump mounting bolts") the row's cells (a row's label), with its table's caption,
  heading and manual title as weaker context.
- the question's meaning: its embedding against each row's (stored at ingest in `spec_rows_vec`,
  "caption / section: Header: cell; ..."), so "how far apart should the coupling halves be" finds
  the "Coupling gap" row. The similarity adds to the score above a base, and alone lets a row in
  only from a floor up.
- the row's label cell alone, embedded at ingest as a second vector (m013, `spec_rows_label_vec`):
  "which lubricant goes in the compressors" is near "Compressor oil" though not near the whole
  row ("Reference operating values: Value: Compressor oil; Target: POE, 1.8 l per compressor");
  a row's similarity is the nearer of its two. A library from before m013 has none until the
  library upgrade fills them; the search then works as before.
A row is returned only when its thing words or a value match, or its meaning is close enough, so an
unrelated question gets none. Without the embedding (no model) the words and values still work.

The quantity may be asked without its word: "how heavy" asks a weight, "how far apart" a distance,
"how long" a time, "charge level" a percentage, "which key" a key combination (`KIND_PHRASES`), so
the "Weight (pump, motor, baseplate) | 98 kg" row answers "how heavy is the set". A key the
question names ("the Q key", "pressing J", "Ctrl+Shift+M") is looked up as a whole cell. A value
many rows hold ("3D" of "the 3D viewer") and a lone digit ("set to 1") only rank the rows the words
found (`_value_weight`); a value named in a row's caption or heading counts for it, less than in
a cell. A value inside a row's range ("130 %" in "125-150 % for 10 s") counts, less than one the
row names; a "Units" column tells the kind of a row's values ("A" beside "1.0e-14": a current); a
row word that begins a longer question word is read as its abbreviation ("sel" of selection).

What no word reader sees: a code written with symbols or in quotes ("a # in front", "marked -X-",
"`E-07`") or a lone letter ("constraint w") is looked up as a whole cell (`_asked_cells`); a
number joined to its word ("16-bit") counts as the number; a row word of consonants only is a
contraction of one question word or two ("clk" of clock, "sqrt" of square root); a key pressed
counts most under a column of keys; British spellings meet American ones ("colour", "Color"). The
rows of tables whose headers or caption hold the question's words come in as candidates, so a row
is found when the question names its column ("which colour lead", "on an avr4 core") though its
cells share no word with it; a value held by rows beyond counting ("set to 1") tells apart the
rows the words found.

Everyday words for a kind: "out of the box", "by default", "if it is not set" ask for a default or
factory column (`_AS_SHIPPED`) when no other kind is asked; "how thick" may ask a diameter, and a
longer cell naming the kind beside a value of its unit ("diameter 28 mm at the seal") carries it;
"how tight" a torque, "how much oil" a volume, "how long" a time or a length. A code the tables
write only inside prose ("the PC-2 controller") names a part: a row lacking it is not wrong for
that. A numbered part ("pin 10", "Timer 1") is looked up inside cells ("pin 10/S6,ACK") and as the
number under the column its word names ("5" under "Pin").

Symbols a table writes for what a question spells out ("Tjunc" for the die temperature, "VBUS"
for the USB supply voltage; `abbreviations.py`) hold the words of their meanings, and a meaning said
in full looks for its symbol. "Which ADC channel reads the die temperature" asks the channel: the
quantity word after it names which row, it is not the kind asked. A height in rack units ("2U",
stored as a code, inside "438 x 86 x 610 mm (2U)") is a value of the unit U; "how fast does it talk
to the logger" asks a baud rate. A code naming the manual's product ("the ADM9240's +5V rail") ranks
that manual's rows first; a value counts once per row; a table's second header line (a PDF header
on two lines) names the other rows' columns and is no answer itself.

"Which packet type code carries the ... voltage data" asks the code its which-phrase names: the
other quantity word (voltage) says which row, and a row holding a code as a short cell carries the
kind. One of a question's several words found only inside a sentence of a row ("major-city" for
"In which city is the Colosseum?") lets no row in by words. A data rate with its prefix glued on
("9.6kBaud") is read in its base unit (`values.scaled`): "at 9600 baud" finds it.

Within the tables the top rows come from, the row clearly nearest the question by its stored
vector ranks just below its table's best row (`_nearest_in_table`): "at what charge level does the
output come back on" finds "Output switched off after a mains failure | ... restarts ... at 15 %",
whose table the words found through its neighbours.

A number that is part of a name ("the MCU 8051 IDE", "an 8051") is no value asked: it stays a word
of the thing (`_in_name`). A numbered thing ("transceiver type 3", "field 6") is also the number
keying a row of a table its heading, caption or second header line names ("Available Transceiver
Types"). "Which function key" asks one of F1-F12; an equals sign between a name and its value
("R0 = 1") states a setting, not a symbol to look up; a row naming the kind only through a symbol
of its label ("temp1_fault") and holding no value of it counts less than NAMED.

Key/value tables ("Type | Value": "Model | W25Q64", "Size | 8 + 4 MiB"): a row whose label is a word
of the which-phrase ("which SPI flash chip model") is the attribute asked (`_label_asked`); "how
much <thing>" with no kind named asks its size or capacity; a value of the kind the which-phrase
asks ("what voltage ..., before I clip my 3.3 V programmer on") is context, a row lacking it not
wrong. A table stored without headers takes a first row of column labels as its header, and a table
continuing one from the page before takes that one's (`_headerless_tables`); a header spanning
from a blank corner ("| | Ink Type | |") has a second line; a question word in the cell under the
column the question names ("magenta ... when the inks are CMY") counts (`_in_named_column`); an
"LDN #" column numbers logical devices (`abbreviations.py`).

How a question says a number: in words ("the negative twelve volt rail" is the "-12v" row,
`spoken_numbers.digits`); as an ordinal ("the second external diode": a row numbering its thing 2,
"remote temperature 2", ranks first, `_numbered_as`); as a superlative ("the hottest the chip has
been": its highest temperature, `_limits`); in a table numbering its series from 0 ("sfp0") the
second is 1.

How tables are shaped: a header may abbreviate the kind ("Cap / Slot", `_abbreviates`); a table's
rows share most words, so a question word only one row of the table holds tells it from its siblings
(`_own_words`); a short code the question writes as a plain word ("braille-driver ht") keys the row
whose first cell it is (`_keyed_by`), and a symbol code common in a side column ("#" as a count's
unit) weighs, for a row keyed by it, by the rows it keys (`_key_weights`); a single character as a
row's first cell is a key whatever its column is called ("Command"), and a combination no cell holds
("Alt+SysRq+U") is looked up by its last key. Two rows holding the question's
value equally well are two answers: `direct_row` states neither.

Codes and rates written otherwise than the table writes them: "bit rate", "bandwidth", "throughput"
ask a rate in bit/s or baud, and a rate set in baud is the same value as a table's bit/s ("5 Mbaud":
"5 Mbps"); a code no cell holds whole may begin a longer one ("starts with INT6405-MAC"), a code may
be the first part of an identifier ("TX1": "TX1_FIR"), and a chip's code may be keyed by the number
ending it ("53C875": "875" in the NCR53C8XX table; "ES1371": "ens1371"). A value a row holds with
none of the question's several other words in or around it names what is asked about, not the row
(the device list's "QCA7000" for "the length field of a QCA7000 SPI receive frame"); an identifier
label ("time_source") names the kind asked only as a symbol does; a short code keys its row when
its table holds another of the question's words.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.db import has_table
from assistant.embedding import Embedder
from assistant.library.quantities import Value, query_values, ranges
from assistant.library.spec_store import row_text
from assistant.library.spoken_numbers import digits
from assistant.rag.abbreviations import meaning_words, symbols_for
from assistant.values import canonical_unit, facts

log = logging.getLogger(__name__)

# A quantity word -> (words that name it in a header, caption or label cell; canonical units).
QUANTITY_WORDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {}


def _q(words: str, synonyms: str, units: str) -> None:
    entry = (frozenset(synonyms.split()), frozenset(u for u in units.split("|") if u))
    for w in words.split():
        QUANTITY_WORDS[w] = entry


_q("torque torques tighten tightening", "torque tightening nm", "N·m|lbf·ft|lbf·in")
_q("fuse fuses fusing breaker", "fuse breaker", "A")
_q("clearance clearances gap gaps play", "clearance gap play offset tolerance", "mm|µm|in")
_q("voltage volts volt", "voltage", "V|V AC|V DC|kV|mV")
_q("current amps amperage ampere", "current amps", "A|mA")
_q("pressure pressures", "pressure", "bar|mbar|psi|kPa|MPa|Pa")
_q("temperature temperatures temp", "temperature", "°C|°F|K")
_q("power wattage watts", "power", "W|kW|VA|kVA")
_q("weight mass kilos kilograms pounds", "weight mass", "kg|g|lb")
_q("speed rpm", "speed", "rpm|baud|bit/s|kbit/s|Mbit/s")
_q("baud bitrate", "baud rate speed bitrate", "baud|bit/s|kbit/s|Mbit/s")
_q("consumption", "power consumption current input", "W|kW|VA|A|mA")
_q("frequency", "frequency", "Hz|kHz|MHz")
_q("flow", "flow", "")
_q("charge", "charge", "kg|g")
_q("interval often", "interval schedule every", "")
_q("size sizes thread dimension dimensions diameter length width", "size thread dimension dimensions diameter "
   "length width", "mm|in|cm|m")
# A code asked ("which packet type code ..."): a row holding a code as a short cell carries the kind.
_q("code codes alarm alarms fault faults error errors", "code alarm fault error", "code")
_q("part partnumber", "part number item", "")
_q("setting default factory", "setting default factory", "")
_q("range", "range", "")
_q("runtime", "runtime", "min|h")
_q("capacity", "capacity", "Ah|kW|L")

# The same kinds asked by a phrase rather than named ("how heavy" asks a weight, "how far apart" a
# distance, "charge level" a percentage, "which key" a key combination): (pattern, the synonyms the
# row's label or headers may name it by, its units). KEY stands for a cell that is a key combination.
KEY = "key"
KIND_PHRASES: list[tuple[re.Pattern, frozenset[str], frozenset[str]]] = []


def _k(pattern: str, synonyms: str, units: str) -> None:
    KIND_PHRASES.append((re.compile(pattern, re.IGNORECASE), frozenset(synonyms.split()),
                         frozenset(u for u in units.split("|") if u)))


_k(r"\bhow heavy\b|\bweighs?\b", "weight mass", "kg|g|lb")
_k(r"\bhow (?:far(?: apart)?|wide|deep|thick|thin|narrow|tall|high|big|large|close)\b|\bhow much (?:room|space)\b", "gap clearance distance length width depth "
   "height thickness size dimension dimensions diameter", "mm|µm|cm|m|in")
# "how long" asks a time or a length ("how long is the hose"): a value of either kind carries it
_k(r"\bhow long\b|\bhow much time\b|\bhow many (?:hours|minutes|seconds)\b", "time duration runtime period interval "
   "length", "s|min|h|ms|µs|ns|mm|cm|m|in|ft|km")
_k(r"\bhow (?:hot|cold|warm)\b", "temperature", "°C|°F|K")
_k(r"\bhow (?:fast|quick(?:ly)?)\b", "speed rate", "rpm")
# ... of a link ("how fast does it talk to the logger over Bluetooth"): a baud rate, not an rpm
_k(r"\bhow (?:fast|quick(?:ly)?)\b(?=[^?.]{0,80}?\b(?:talk|communicat|transfer|transmit|send|link|connect)\w*)",
   "baud rate speed bitrate", "baud|bit/s|kbit/s|Mbit/s")
# what a fan or pump moves ("how much air does it move"): a flow
# (the verb, captured in the lookahead, is the phrase's too: no thing word)
_k(r"\bhow much (?:air|water|fluid|liquid)\b(?=[^?.]{0,80}?\b(?P<verb>(?:move|flow|deliver|pump|push|circulate|blow)\w*))",
   "flow airflow", "")
# a link's rate asked by another name ("what bit rate comes out of the pins", "how much network
# bandwidth"): a rate in bit/s or baud, under a "bps" or "Speed" column
_k(r"\bbit ?rates?\b|\bbandwidth\b|\bthroughput\b|\bdata ?rates?\b|\b(?:transfer|line|transmission|signalling|signaling) "
   r"(?:rates?|speeds?)\b", "baud rate speed bitrate bps bandwidth throughput", "baud|bit/s")
_k(r"\bhow powerful\b", "power", "W|kW|VA|kVA")
_k(r"\bhow tight\b", "torque tightening", "N·m|lbf·ft|lbf·in")
_k(r"\bhow much (?:oil|coolant|refrigerant|grease|fluid|water|lubricant|gas)\b", "quantity amount volume capacity charge fill",
   "L|mL|kg|g|oz")
# A height in rack units ("2U", "4 U"): the value readers take "2U" for a code; the search reads it as
# a number of the unit U (`_RACK_UNIT`), inside a longer cell too ("438 x 86 x 610 mm (2U)").
_k(r"\b(?:rack|height) units?(?: tall| high)?\b|\brack (?:space|height)\b|\bU of rack\b", "height rack", "U")
_k(r"\bhow loud\b|\bhow noisy\b", "noise sound level", "dB")
# An enclosure's protection class ("What is the IP rating of the pump motor?": "Efficiency class /
# enclosure | IE3 / IP55"): a code of the form IP55 or IPX4, which the search reads as the unit IP
# (`_IP_CODE`). "IP" alone is an address as often ("Wrong IP settings"): only these phrases ask it.
_k(r"\bIP[ -]?(?:ratings?|class(?:es)?|codes?|protection|degrees?)\b|\bingress protection\b"
   r"|\benclosure (?:ratings?|class(?:es)?|protection|types?)\b", "enclosure ingress", "IP")
_k(r"\b(?:charge level|state of charge|percent(?:age)?)\b", "percent level capacity charge", "%")
_k(r"\b(?:hot ?keys?|shortcuts?|keystrokes?|keys?)\b", "hotkey key shortcut keystroke", KEY)
# "which scan code does it send for the HELP key", "what's the key code of the Menu key": a code is
# asked, and the key says which one; "which shortcut formats code" still asks a key
CODE_ASKED = frozenset({"code", "codes", "keycode", "keycodes", "scancode", "scancodes"})
KEY_WORDS = frozenset({"key", "keys", "hotkey", "hotkeys", "shortcut", "shortcuts", "keystroke", "keystrokes"})
# "what is the scan code ...", "what's the key code ...": the noun after "what is"
_WHAT_IS = re.compile(r"\b(?:what|which)(?:'s|’s|\s+is|\s+are)\s+(?:the\s+|an?\s+)?((?:[\w\-]+\s*){1,4})", re.IGNORECASE)


def kind_phrases_carried(query: str, units: set[str]) -> list[str]:
    """The kind phrases of `query` ("IP rating", "how heavy") whose kind a row or a line carries as
    a value of one of its `units` ("IP55", "8.5 kg"): it says what they ask, whether or not it
    repeats their words."""
    return [m.group(0) for pattern, _syn, unit in KIND_PHRASES if unit & units for m in pattern.finditer(query)]


# "which function key": one of F1-F12 is the answer, not "Left" or "Ctrl+Left" under a "Hotkey" column
FKEY = "function key"
_k(r"\bfunction[- ]keys?\b", "", FKEY)
# A setting as it comes ("out of the box", "by default", "from the factory"): a default or factory
# column ("Factory setting", "Default"), when it is the only kind asked. Beside a quantity ("what
# leakage current ... when its .model line does not give one") the quantity is the kind: a bonus for
# the default column's rows then (0.5) gained nothing on the 120 tuning questions and lost a rank.
_AS_SHIPPED = re.compile(
   r"\bout of the box\b|\bby default\b|\b(?:from|at|in) the factory\b|\bas (?:shipped|delivered)\b"
   r"|\bfactory[- ](?:set|settings?|defaults?)\b|\bdefaults? (?:to|is|value|setting)\b"
   # ... or as it stands when nobody sets it ("when its .model line does not give one", "sets none")
   r"|\b(?:does|do|did)(?: not|n't) (?:give|set|specify|state|name) (?:one|it|any|them|a value)\b"
   r"|\b(?:sets|gives|specifies) none\b|\b(?:if|when|where) (?:it is |they are )?(?:not|never) (?:given|set|specified)\b"
   r"|\bunless (?:given|set|specified)\b|\bwhen (?:omitted|left out)\b|\b(?:nobody|no one) (?:has )?(?:set|changed)\b",
   re.IGNORECASE)
SHIPPED = frozenset("default factory preset".split())  # a column of settings as they come
_HOW_MUCH = re.compile(r"\bhow much\b", re.IGNORECASE)
AMOUNT = frozenset("size capacity amount quantity total".split())  # what "how much <thing>" asks, no kind named

# A key combination ("Q", "Shift+Z", "Ctrl+Shift+M", "F8"): a cell of a hotkey table, and a key a
# question names ("the Q key", "pressing J", "Ctrl+S").
_MOD = r"(?i:ctrl|control|shift|alt|altgr|option|cmd|command|meta|super|fn|sysrq)"
_KEY_NAME = (r"(?i:[a-z0-9]|f\d{1,2}|tab|space|enter|return|esc|escape|del|delete|ins|insert|home|end|pgup|pgdn"
             r"|page ?up|page ?down|up|down|left|right|backspace|caps ?lock|num ?lock|scroll ?lock|print ?screen|prt ?sc"
             r"|pause|break|menu|[`~!@#$%^&*()\-_=+\[\]{};:'\",.<>/?\\|])")
_KEY_CELL = re.compile(rf"(?:{_MOD}\s*\+\s*)*{_KEY_NAME}|{_MOD}")
_KEY_ASKED = re.compile(
    rf"\b(?:the\s+)?((?:{_MOD}\s*\+\s*)*(?:[A-Z0-9]|F\d{{1,2}}|Tab|Space|Enter|Esc|Del|Delete|Insert|Home|End"
    rf"|Backspace))\s+(?:key|hotkey|shortcut)\b"
    rf"|\b(?:press(?:es|ing)?|hit(?:ting)?|hold(?:ing)?)\s+((?:{_MOD}\s*\+\s*)*(?:[A-Z0-9]|F\d{{1,2}}|{_MOD}))(?![\w+])"
    rf"|\b((?:{_MOD}\s*\+\s*)+{_KEY_NAME})(?![\w+])")
# A digit standing alone ("smtpd_tls_loglevel set to 1"): a value the number reader leaves out
# (list numbering), matched only as a whole cell and only as a hint, never as an answer alone.
_KEY_HEADER = frozenset("hotkey key shortcut keystroke accelerator".split())  # stems of a column of keys
_NUMBER_WORD = re.compile(r"(\d+)-[^\W\d_]+")
_DIGIT = re.compile(r"(?<![\w.,+\-])\d(?![\w.,%])")
IN_RANGE = 0.6  # a value of the question inside a row's range ("130 %" in "125-150 %"): less than named
PRODUCT_NAMED = 2.4  # a value of the question naming the row's manual (its product, "ADM9240"): which manual;
# as much as a value held (0.8 let another product's look-alike table, holding every word of the question, win)
NAME_WITHOUT_KIND = 0.5  # a row holding the question's code but no value of the quantity asked (`_score`)
CONTEXT_VALUE = 0.8  # a value of the question in the row's caption, heading or headers (not its cells)
COMMON_HINT = 0.3  # the least a value held by rows beyond counting adds to a row holding it as a cell
COMMON_VALUE = 8  # rows: a value held by more rows than this is context ("3D" in a 3D viewer's table), weighs less

_STOP = frozenset("""a an the of for to on in at by with from and or is are was be been what what's whats which
how much many do does did i we you it its this that these those my our should shall must can could
would will as if so set setting value values please tell me give show find need required use used using
when where there their them than then into about per take takes has have had""".split()) - {"setting"}

_WORD = re.compile(r"[^\W_]+(?:['’][a-z]+)?", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")
GENERIC = frozenset("size sizes dimension dimensions setting default factory range code codes".split())
THRESHOLD = 0.7  # score below which a row is not an answer (tuned on the dev set's tune half)
NAMED = 1.5  # the quantity asked for named by the row's label or its table's headers: the strongest sign
_IDENTIFIER = re.compile(r"[^\W\d_]\w*_\w+")  # "time_source", "temp1_fault": a name joined by "_"
SYMBOL_NAMED = 1.0  # ... named only by a symbol of the label ("temp1_..."), the row holding no value of it
VALUE_CELL = 30  # characters: a longer cell is prose that mentions values, not a value
MIN_COVER = 0.4  # share of the question's (idf-weighted) words a row matched by words alone must hold
# The question's embedding against each row's ("caption / section: Header: cell; ..."), tuned on
# the dev set's tune half: a similarity above SIM_BASE adds VEC_WEIGHT per unit to the score, and a
# row no word or value matched answers only from SIM_FLOOR up (unrelated questions stay below it).
VEC_CANDIDATES = 50
HEADER_CANDIDATES = 100  # rows of the tables whose headers or caption hold the question's words
SIM_BASE = 0.3
VEC_WEIGHT = 4.0
SIM_FLOOR = 0.5
# The label cell's own vector (m013): the nearer of a row's two similarities counts (LABEL_WEIGHT
# scales the label's), and the label alone lets a row in from LABEL_FLOOR up.
ROW_VEC, LABEL_VEC = "spec_rows_vec", "spec_rows_label_vec"
LABEL_WEIGHT = 1.0
LABEL_FLOOR = 0.55


@dataclass
class SpecRow:
    row_id: int
    manual_id: int
    manual_title: str
    manual_path: str
    page: int | None
    section: str
    caption: str
    headers: list[str]
    cells: list[str]
    score: float
    table_id: int = 0
    row_index: int = 0
    bbox: list[float] | None = None  # PDF points, origin bottom left (PDF only)
    char_start: int | None = None
    char_end: int | None = None
    values: list[dict] = field(default_factory=list)  # {"number", "unit", "raw", "col"}
    match: str = "words"  # "value" | "quantity" | "words" | "meaning" (its vector alone): why the row matched
    similarity: float | None = None  # cosine of the question's and the row's embeddings, when compared

    def text(self) -> str:
        """The row with its headers: "Header: cell; Header: cell"."""
        return row_text(self.headers, self.cells)

    def label(self) -> str:
        """The row's first filled cell: what it is about ("Pump mounting bolts ...")."""
        return next((c for c in self.cells if c), "")

    def to_json(self) -> dict:
        return {"row_id": self.row_id, "manual": self.manual_title, "path": self.manual_path, "page": self.page,
                "section": self.section, "caption": self.caption, "headers": self.headers, "cells": self.cells,
                "values": self.values, "score": round(self.score, 4), "match": self.match,
                "similarity": None if self.similarity is None else round(self.similarity, 4),
                "bbox": self.bbox, "text": self.text(), "table_id": self.table_id, "row_index": self.row_index,
                "char_start": self.char_start, "char_end": self.char_end}


@lru_cache(maxsize=65536)  # a library's rows share most words: scoring stems the same ones again
def _stem(word: str) -> str:
    w = _spelling(word.lower().replace("’", "'"))
    for suffix in ("'s", "ies", "es", "s"):
        if len(w) > 4 and w.endswith(suffix) and not w.endswith("ss"):
            if suffix == "es" and not _ES_PLURAL.search(w):
                continue  # "types", "cables": the plural of "type", "cable", not "typ"
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


_ES_PLURAL = re.compile(r"(?:[sxz]|ch|sh)es$")  # "boxes", "switches", "buses": "-es" is the plural's


# British and American spellings of one word: a question's "colour" names a table's "Color" column,
# "centre" a "Center" row ("grey"/"gray" aside, the endings -our/-or and a consonant's -re/-er).
_OUR = re.compile(r"(?<=[a-z]{3})our(?=s?$)")
_RE = re.compile(r"(?<=[a-z][bcdfgklmnpstv])re(?=s?$)")


def _spelling(w: str) -> str:
    if w in ("grey", "greys"):
        return "gray" + w[4:]
    return _RE.sub("er", _OUR.sub("or", w)) if len(w) >= 5 else w


def _variants(words: list[str]) -> list[str]:
    """The other spelling of each word that has one ("colour" -> "color"), for the full-text search,
    whose stemmer keeps them apart."""
    return [v for w in words if (v := _spelling(w)) != w]


def _words(text: str) -> list[str]:
    return [m.group(0).lower() for m in _WORD.finditer(text or "")]


_PREFIX = re.compile(r"^(?:re|pre|over|under)(?=[a-z]{5,})")


@lru_cache(maxsize=16384)  # each candidate row's cells, caption and section, asked again per question
def _stems(text: str) -> frozenset[str]:
    """The stems of a text's words, a prefixed word also without its prefix ("recharge" holds
    "charge", "overload" "load"), so a question's plain word finds the row's compound one."""
    own, meant = set(), set()
    for w in _words(text):
        own.add(_stem(w))
        if _PREFIX.match(w):
            own.add(_stem(_PREFIX.sub("", w)))
        meant.update(_stem(m) for m in meaning_words(w))  # "Tjunc" holds junction, temperature, die
    # "Junction temperature" holds tj, tjunc: from the text's own words only, since a symbol's
    # meanings would chain to other symbols ("MISO" -> "master in slave out" -> "MOSI").
    return frozenset(own | meant | set(symbols_for(own, _stem)))


def _value_tokens(values: list[Value]) -> set[str]:
    """The words of the question that are its values ("e", "07" of "E-07"; "68", "nm" of "68 Nm")."""
    out: set[str] = set()
    for v in values:
        out |= {w for w in _words(v.raw)}
    return out


def _fts_query(words: list[str]) -> str:
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


def search(db, query: str, k: int = 10, *, qvec: np.ndarray | None = None,
           embedder: Embedder | None = None) -> list[SpecRow]:
    """Spec rows answering `query`, best first; [] when none matches well enough.

    Args:
        qvec: the question's embedding (ask has it from the passage search); else `embedder`
            computes it; with neither, rows are matched by words and values only.
    """
    if qvec is None and embedder is not None:
        qvec = embedder.embed([query])[0]
    # A quantity said in words is read as the table prints it ("the negative twelve volt rail":
    # "-12 volt", the "Vee (-12v)" row), its number words no longer thing words.
    query = _limits(digits(query))
    values = query_values(query)
    # A number that is part of a name ("the MCU 8051 IDE", "my 8051 code") is no quantity asked: a
    # row holding 8051 (a register's "8051h") is not the answer for it; it stays a word of the thing.
    named_numbers = {v.raw for v in values if _in_name(query, v)}
    values = [v for v in values if v.raw not in named_numbers]
    value_words = _value_tokens(values)
    keys = _asked_keys(query)
    # A combination no cell holds ("Alt+SysRq+U") is listed by its last key under its prefix's
    # heading (the SysRq keys' table: "u"), as a function-key table lists "F2" for "Fn+F2".
    keys = [k if "+" not in k or _value_rows(db, Value(None, KEY, k, "key:" + _key_norm(k)))
            else re.split(r"\s*\+\s*", k)[-1] for k in keys]
    values += [Value(None, KEY, k, "key:" + _key_norm(k)) for k in keys]
    value_words |= {w for k in keys for w in _words(k)}
    seen = {v.key for v in values}
    values += [Value(float(m.group(0)), "", m.group(0), "q:" + m.group(0)) for m in _DIGIT.finditer(query)
               if "q:" + m.group(0) not in seen]
    # A number joined to its word ("16-bit", "3-phase") is read as a code; a table writes "16 bits":
    # the number counts too.
    seen = {v.key for v in values}
    values += [Value(float(n), "", n, "q:" + n) for v in list(values) if v.unit == "code"
               and (m := _NUMBER_WORD.fullmatch(v.raw)) and "q:" + (n := m.group(1)) not in seen]
    # A code written with symbols or quoted ("a # in front", "marked -X-", "the 'modem' driver"): no
    # word or number reader sees it, so it is looked up as a whole cell; one no cell holds is dropped
    # (it would count against every row as a value they lack).
    cell_rows: dict[str, list[tuple[int, int]]] = {}

    def as_cell(raw: str, found: list[tuple[int, int]]) -> None:
        """`raw` asked as a whole cell, held by the cells `found`."""
        cell_rows[_cell_key(raw)] = found
        values.append(Value(None, CELL, raw, _cell_key(raw)))

    for token in _asked_cells(query, {v.raw.casefold() for v in values}):
        if found := _cell_rows(db, token):
            as_cell(token, found)
            value_words |= set(_words(token))
    # A code no cell holds whole, written as the start of a longer one ("the firmware string starts
    # with INT6405-MAC": "INT6405-MAC-4-3-4304-01-..."; "a CN160": "CN160-Series"): the cells that
    # begin with it, then a separator, hold it. A code some cells hold whole, or a short one, is
    # looked up so only as the first part of an identifier ("the N310's TX1": "TX1_FIR").
    held_whole: dict[str, bool] = {}  # a code's key -> whether some cell holds it whole (looked up once)

    def held(v: Value) -> bool:
        if v.key not in held_whole:
            held_whole[v.key] = bool(_value_rows(db, v))
        return held_whole[v.key]

    for v in list(values):
        if v.unit != "code" or len(v.raw) < 3:
            continue
        whole = len(v.raw) < CODE_PREFIX_LEN or held(v)
        if found := _prefix_rows(db, v.raw, "_" if whole else ""):
            as_cell(v.raw, found)
    # ... or written as the end of a longer one ("the S8iR-LP": the "AOC-USAS-S8iR-LP" card): the
    # cells that end with it after a separator, when one code ends so.
    for v in list(values):
        if v.unit == "code" and len(v.raw) >= CODE_SUFFIX_LEN and _cell_key(v.raw) not in cell_rows \
                and not held(v) and (found := _suffix_rows(db, v.raw)):
            as_cell(v.raw, found)
    # A chip's code no cell holds, written by a table with another prefix or none ("a 53C875": the
    # ncr53c8xx table's "875" row; "an ES1371": "ens1371"): the number ending it keys the rows whose
    # first cell is that number after letters or none.
    for v in list(values):
        if v.unit == "code" and (m := _CODE_NUMBER.search(v.raw)) and _cell_key(v.raw) not in cell_rows \
                and not held(v) and (found := _number_keyed_rows(db, v.raw, m.group(1))):
            as_cell(v.raw, found)
    # A number written with a leading zero ("system event code 07"): a code as the table prints it;
    # the cells that are exactly it are few where the number (7) is in rows beyond counting.
    for m in _ZERO_PADDED.finditer(query):
        if _cell_key(m.group(0)) not in cell_rows and (found := _cell_rows(db, m.group(0))):
            as_cell(m.group(0), found)
    # A numbered part ("pin 10", "bit 7", "terminal 31"): a table may write its number joined to
    # other names ("pin 10/S6,ACK"), which the value reader takes for one code, so the word and the
    # number are looked up together inside cells; one no cell holds is dropped. The word stays a thing word.
    quantities = {v.number for v in values if v.unit not in ("", "code", KEY, CELL)}
    spelled = symbols_for({_stem(w) for w in _words(query)}, _stem)
    for m in _NUMBERED.finditer(query):
        word, num = m.group(1), m.group(2)
        if word.lower() in _STOP or float(num) in quantities or num in named_numbers:
            continue
        if found := _numbered_rows(db, word, num, spelled):
            as_cell(m.group(0), found)
    value_words |= {v.raw for v in values if v.unit == ""}
    # The kind asked by a phrase ("how heavy"). With a quantity word beside it either may be what is
    # asked ("how high is the pressure"; "how long do the batteries take to charge": a time), so the
    # row may name or carry either, and the quantity word counts as a thing word too.
    synonyms: set[str] = set()
    units: set[str] = set()
    phrase_words: set[str] = set()
    # a code asked, the key naming which one (a key table's "Page Up" row is no answer)
    asks_code = _asks_code(query)
    for pattern, syn, unit in KIND_PHRASES:
        for m in pattern.finditer(query):
            if unit == {KEY} and asks_code:
                continue
            synonyms |= syn
            units |= unit
            phrase_words |= set(_words(m.group(0) + " " + (m.groupdict().get("verb") or "")))
    shipped = [m.group(0) for m in _AS_SHIPPED.finditer(query)]
    for phrase in shipped:
        phrase_words |= set(_words(phrase))
    # "the second external diode", "the fire button of the second joystick": which of a numbered
    # series, as the table numbers it ("remote temperature 2", "Fire2"); the ordinal is no thing word
    ordinals = {ORDINALS[m.group(1).lower()] for m in _ORDINAL.finditer(query)} if ORDINAL_HINT else set()
    if ordinals:
        phrase_words |= {w for w, n in ORDINALS.items() if n in ordinals}
    # "the P-200's PC-2": a value's word with a possessive is the value's, not a thing word
    words = [w for w in _words(query) if w not in _STOP and w not in phrase_words
             and _POSSESSIVE.sub("", w) not in value_words]
    quantity = [w for w in words if w in QUANTITY_WORDS and w not in value_words]
    thing = [w for w in words if w not in QUANTITY_WORDS and w not in value_words]
    asked = _asked_noun(query)
    named_kind: list[str] = []
    if asked and (named_kind := [w for w in quantity if w in asked]):
        # "which packet type code carries the ... voltage data": the kind asked is the one the
        # which-phrase names (a code); the other quantity words say which row, as thing words
        thing += [w for w in quantity if w not in named_kind]
        quantity = named_kind
    if any(w not in GENERIC for w in quantity):
        quantity = [w for w in quantity if w not in GENERIC]  # "fuse size": the fuse is what is asked
    if quantity and not phrase_words and asked and not any(w in QUANTITY_WORDS for w in asked):
        # "which ADC channel reads the die temperature": the channel is asked, the temperature says
        # which one; a row need hold no temperature value to answer
        thing += quantity
        quantity = []
    for w in quantity:
        synonyms |= QUANTITY_WORDS[w][0]
        units |= QUANTITY_WORDS[w][1]
    if shipped and not synonyms:
        synonyms |= SHIPPED
        if len(asked) == 1:
            # "what distance does FRR give by default": the which-phrase's noun names the column of
            # the values as shipped ("Protocol | Distance"), which need not say "default"
            # (one word: "which storage control unit", "what IP address" name a thing, not a column)
            synonyms |= {w for w in asked if w not in GENERIC}
    if not quantity and not phrase_words and _HOW_MUCH.search(query):
        # "how much BIOS flash does it have": an amount of the thing, which a key/value table labels
        # "Size" or "Capacity" ("Size | 8 + 4 MiB"), no quantity word naming its kind
        synonyms |= AMOUNT
        phrase_words |= {"how", "much"}
    if phrase_words:  # the quantity word may be the thing too ("how long do the batteries take to charge")
        thing += [w for w in quantity if w not in GENERIC]
        quantity = quantity or ["(phrase)"]

    candidates: dict[int, float] = {}  # row id -> bm25 (lower is better in SQLite)
    search_words = thing + [w for w in quantity if w in QUANTITY_WORDS] + sorted(synonyms)
    search_words += _variants(search_words)
    # A meaning said in full ("die temperature", "USB supply voltage") looks for its symbol too
    # ("Tjunc", "VBUS"), which shares no word with the question.
    search_words += symbols_for({_stem(w) for w in _words(query)}, _stem)
    if search_words:
        try:
            for r in db.execute(
                "SELECT rowid, bm25(spec_rows_fts, 1.0, 0.4, 0.4, 0.2) AS rank FROM spec_rows_fts"
                " WHERE spec_rows_fts MATCH ? ORDER BY rank LIMIT 300", (_fts_query(search_words),)):
                candidates[r["rowid"]] = r["rank"]
        except Exception:  # an FTS syntax corner case must not cost the value lookup
            candidates = {}
    # The question may name a table's columns rather than its row ("which colour ... from port D":
    # "Port" and "Color" columns; "on an avr4 core": an "Avr4" column, a code) while the words of
    # its cells are common all over the library: the rows of the tables whose headers or caption
    # name those words come in too, ranked among themselves.
    named = thing + [w for v in values if v.unit in ("code", CELL) for w in _words(v.raw)]
    if named:
        try:
            for r in db.execute("SELECT rowid, bm25(spec_rows_fts, 0.0, 1.0, 0.5, 0.0) AS rank FROM spec_rows_fts"
                                " WHERE spec_rows_fts MATCH ? ORDER BY rank LIMIT ?",
                                (f"{{headers caption}}: ({_fts_query(named + _variants(named))})", HEADER_CANDIDATES)):
                candidates.setdefault(r["rowid"], 0.0)
        except Exception:  # noqa: BLE001 - an FTS syntax corner case: the other ways in still work
            pass
    if "U" in units:  # rack units are stored as codes ("2U"): the rows holding one come in
        for r in db.execute("SELECT DISTINCT row_id FROM spec_values WHERE unit = 'code' AND (raw GLOB '[0-9]U'"
                            f" OR raw GLOB '[0-9][0-9]U' OR raw GLOB '[0-9] U') LIMIT {VALUE_ROWS}"):
            candidates.setdefault(r[0], 0.0)
    value_rows: dict[int, list[tuple[int, int]]] = {}  # row id -> [(column, query value index)]
    counts: list[int] = []  # rows holding each value of the question
    key_counts: list[int] = []  # ... as their key (first cell)
    for i, v in enumerate(values):
        found = cell_rows[v.key] if v.unit == CELL else _value_rows(db, v)
        counts.append(len({row_id for row_id, _col in found}))
        key_counts.append(len({row_id for row_id, col in found if col == 0}) if len(found) < VALUE_ROWS else 0)
        if len(found) >= VALUE_ROWS and v.unit != CELL:
            # A value in rows beyond counting ("1"): not a way in, but the rows the words found
            # that hold it are told apart by it ("smtpd_tls_loglevel set to 1").
            found = _value_rows(db, v, list(candidates))
        else:
            for row_id, _col in found:
                candidates.setdefault(row_id, 0.0)
        for row_id, col in found:
            value_rows.setdefault(row_id, []).append((col, i))
    near_rows: dict[int, list[tuple[int, int]]] = {}  # row id -> [(column, value index)]: inside a range
    for i, v in enumerate(values):
        for row_id, col in _range_rows(db, v):
            if (col, i) not in value_rows.get(row_id, []):
                near_rows.setdefault(row_id, []).append((col, i))
                candidates.setdefault(row_id, 0.0)
    sims = _nearest(db, qvec) if qvec is not None else {}
    # The row's label cell alone ("Compressor oil" for "which lubricant"): its nearest rows come in
    # too, and a row's similarity is the nearer of its two.
    label_sims = _nearest(db, qvec, LABEL_VEC) if qvec is not None and sims and LABEL_WEIGHT \
        and has_table(db, LABEL_VEC) else {}  # a library from before m013 has none: no warning each time
    if sims:  # the rows the words or values found get their similarity too, nearest or not
        sims.update(_similarities(db, qvec, [r for r in set(candidates) | set(label_sims) if r not in sims]))
    if label_sims:
        label_sims.update(_similarities(db, qvec, [r for r in sims if r not in label_sims], LABEL_VEC))
    for row_id in sims:
        candidates.setdefault(row_id, 0.0)
    if not candidates:
        return []
    rows = _load(db, list(candidates))
    syn = {_stem(s) for s in synonyms}
    out = []
    weights = [_value_weight(v, n) for v, n in zip(values, counts, strict=True)]
    # A code the tables write only inside prose ("wired to PC-2 terminals", "replace the PC-2
    # controller") names a part, not a value a row is looked up by: a row holding it still matches,
    # but one without it (the controller's "Modbus RTU address" setting) is not the wrong row for
    # lacking it (as for a code no row holds, `_score`).
    for i, v in enumerate(values):
        if v.unit == "code" and 0 < counts[i] < VALUE_ROWS and _prose_only(
                db, v, [(r, c) for r, found in value_rows.items() for c, j in found if j == i]):
            counts[i] = 0
    # A value many rows hold names where to look ("3D" of "the 3D viewer"), as a thing word does.
    thing_stems = _weights(db, thing + [w for i, (v, wt) in enumerate(zip(values, weights, strict=True))
                                        if wt < 0.5 and v.number is None for w in _words(v.raw)])
    label_asked = {_stem(w) for w in asked if w not in GENERIC}
    label_head = _stem(asked[-1]) if label_asked and asked[-1] not in GENERIC else ""
    # "what voltage is the SPI flash, before I clip my 3.3 V programmer on": the kind the which-phrase
    # asks is unknown to the asker; a value of that kind in the question may be its context, and a
    # row lacking it is not wrong for that (a row holding it still gains)
    asked_units = {u for w in named_kind if w in quantity for u in QUANTITY_WORDS[w][1]}
    surface = {w for w in _words(query) if len(w) <= KEY_WORD_LEN and w.isalpha()}  # short codes as words
    table_words: dict[int, frozenset[str]] = {}  # table id -> the stems of its cells, read once per question
    # A table that numbers its series from 0 ("sfp0", "eth0", "port 0") calls the second one 1
    zero_based = {r.table_id for r in rows if ordinals and _numbered_as(r, {"0"})}
    from_zero = {str(int(n) - 1) for n in ordinals}
    # a side the question names ("discharge", "outlet", "transmit"): the rows naming only its other side
    opposed = [(side, OPPOSITES[side]) for side in {_stem(w) for w in _words(query)} if side in OPPOSITES]
    for row in rows:
        score, match = _score(row, thing_stems, syn, units, bool(quantity), value_rows.get(row.row_id, []), values,
                              _key_weights(weights, values, key_counts, value_rows.get(row.row_id, [])),
                              near_rows.get(row.row_id, []), counts, asked_units)
        if label_asked and _label_asked(row, label_asked, label_head) \
                and _holds_thing(row, {s: w for s, w in thing_stems.items() if s not in _stems(row.cells[0])}):
            # "which SPI flash chip model": the key/value row labelled with the which-phrase's word
            # ("Model | W25Q64") is the attribute asked, beside its siblings ("Socketed flash | no")
            score += LABEL_ASKED
            match = match if match in ("value", "quantity") else "quantity"
        if keyed := _keyed_by(row, thing_stems, surface, lambda t=row.table_id: _table_stems(db, t, table_words)):
            score += KEY_WORD * keyed
            match = match or "words"
        score += min(0.2, -candidates[row.row_id] * 0.01)  # bm25: a tie-breaker among equals
        if ordinals and match is not None and _numbered_as(row, from_zero if row.table_id in zero_based else ordinals):
            score += ORDINAL_HINT
        if opposed and any(other & (said := _stems(" ".join(row.cells))) and side not in said
                           for side, other in opposed):
            # "the discharge pressure": the row of the "suction pressure" names the other side of what
            # is asked, however well it is labelled with the kind asked
            score -= CONTRADICTS
        sim = sims.get(row.row_id, 0.0)
        label_sim = label_sims.get(row.row_id, 0.0)
        score += VEC_WEIGHT * max(0.0, max(sim, LABEL_WEIGHT * label_sim) - SIM_BASE)
        if match is None and (sim >= SIM_FLOOR or label_sim >= LABEL_FLOOR):
            match = "meaning"  # the row says what was asked in other words
        if match is None or score < THRESHOLD:
            continue
        row.score, row.match = score, match
        row.similarity = sims.get(row.row_id) if qvec is not None else None
        out.append(row)
    out.sort(key=lambda r: (-r.score, r.manual_id, r.table_id, r.row_index))
    # the which-phrase's words ("which attribute ...") name what every sibling is, not which one
    _own_words(db, out, {s: w for s, w in thing_stems.items() if s not in {_stem(a) for a in asked}})
    out.sort(key=lambda r: (-r.score, r.manual_id, r.table_id, r.row_index))
    if sims and out:
        out = _nearest_in_table(db, qvec, out, sims, {r.row_id: r for r in rows})
    return out[:k]


# The two sides of a flow or a link: a question naming one ("the discharge pressure", "the outlet
# thread", "the transmit pin") is not answered by a row naming only the other ("Maximum suction
# pressure"), which may be labelled with the kind asked as well as the right one. Stems, each side
# listing its others.
_SIDES = (("suction", "discharge"), ("inlet", "outlet"), ("input", "output"), ("supply", "return"),
          ("upstream", "downstream"), ("transmit", "receive"), ("charge", "discharge"), ("primary", "secondary"),
          ("intake", "exhaust"), ("upper", "lower"), ("heating", "cooling"))
OPPOSITES: dict[str, frozenset[str]] = {}
for _a, _b in _SIDES:
    OPPOSITES[_stem(_a)] = OPPOSITES.get(_stem(_a), frozenset()) | {_stem(_b)}
    OPPOSITES[_stem(_b)] = OPPOSITES.get(_stem(_b), frozenset()) | {_stem(_a)}
del _a, _b
CONTRADICTS = 0.5  # less than a thing word held: a row holding the other side and more of the question still answers


# Rows of one table share its caption, heading and most words; what tells the asked row from its
# siblings is a word of the question that only it holds ("the main battery voltage": the one row
# saying "Main" among a channel table's battery voltages; "the USB supply voltage": "VBUS voltage").
# In the tables of the top rows, a thing word in the cells of exactly one of the table's rows adds
# OWN_WORD per unit of its share of the question's weight to that row: a tie-breaker among
# siblings, less than a cell word counts (1.5).
OWN_WORD = 0.3
OWN_TABLES = 10  # the tables of this many top rows
OWN_ROWS = 300  # a larger table's rows are not all read
OWN_SIBLINGS = 3


def _own_words(db, rows: list[SpecRow], thing: dict[str, float]) -> None:
    """Raise each of the top tables' rows by the weight of the question's words that no other row
    of its table holds. `rows` sorted best first."""
    total = sum(thing.values())
    if not total:
        return
    placed = {r.row_id: r for r in rows}
    for table in dict.fromkeys(r.table_id for r in rows[:OWN_TABLES]):
        cells = db.execute("SELECT id, cells FROM spec_rows WHERE table_id = ? LIMIT ?", (table, OWN_ROWS + 1)).fetchall()
        if not OWN_SIBLINGS <= len(cells) <= OWN_ROWS:
            continue  # in a table of two rows every word one holds is its own: no sign
        held = {row_id: thing.keys() & _stems(" ".join(json.loads(text))) for row_id, text in cells}
        holders: dict[str, int] = {}
        for words in held.values():
            for w in words:
                holders[w] = holders.get(w, 0) + 1
        for row_id, words in held.items():
            if row_id in placed:
                placed[row_id].score += OWN_WORD * sum(thing[w] for w in words if holders[w] == 1) / total


# A short code the question names as a plain word ("braille-driver ht", "an x in the tally column",
# "tracking is off"): no value reader sees it (letters only, no symbol), and as a thing word it is one
# of many. The row keyed by it, the word being its whole first cell, is about it: it gains KEY_WORD per
# unit of the word's weight against the question's rarest word, and answers as a words match, when
# the row, its table or its manual holds another of the question's words ("In which year did the
# Berlin Wall fall?" names no word of ntpd's filegen `year` row beside "year"). The word as the
# question writes it, not its stem ("the last eight polls" keys no `poll` row).
KEY_WORD = 1.0
KEY_WORD_LEN = 4


def _keyed_by(row: SpecRow, thing: dict[str, float], surface: set[str], table=None) -> float:
    """How much the row is keyed by a short word of the question (`surface`: its words of letters
    only, at most KEY_WORD_LEN long, as written), 0.0 when not. `table()`: the stems of the cells of
    the row's whole table (a list of codes says what they are in its other rows: "friq | Freecom IQ
    cable" beside "ktti | KT Technology PHd adapter" for "which adapter is the friq module for")."""
    key = row.cells[0].strip().lower() if row.cells else ""
    if key not in surface or not any(c.strip() for c in row.cells[1:]):
        return 0.0
    stem = _stem(key)
    others = {s: w for s, w in thing.items() if s != stem}
    if stem not in thing or not others:
        return 0.0
    if not _holds_thing(row, others) and not (table and _cover(others, table() - {stem}) > 0):
        return 0.0
    return min(1.0, thing[stem] / max(thing.values()))


def _table_stems(db, table_id: int, cache: dict[int, frozenset[str]]) -> frozenset[str]:
    """The stems of a table's cells (its first OWN_ROWS rows), kept in `cache`."""
    if table_id not in cache:
        cache[table_id] = frozenset().union(*(_stems(" ".join(json.loads(c))) for (c,) in db.execute(
            "SELECT cells FROM spec_rows WHERE table_id = ? LIMIT ?", (table_id, OWN_ROWS))))
    return cache[table_id]


# A superlative says a limit of a kind ("the hottest the chip has been": its highest temperature;
# "the oldest compiler version": the minimum one); tables write the limit ("temp1_highest | Highest
# observed temperature", "Min. version"). The question's words are read so (its embedding is not).
SUPERLATIVES = {
    "hottest": "highest temperature", "warmest": "highest temperature", "coldest": "lowest temperature",
    "coolest": "lowest temperature", "heaviest": "maximum weight", "lightest": "minimum weight",
    "loudest": "maximum noise", "quietest": "minimum noise", "longest": "maximum", "shortest": "minimum",
    "oldest": "minimum", "earliest": "minimum", "newest": "maximum", "biggest": "maximum",
}
_SUPERLATIVE = re.compile(rf"\b({'|'.join(SUPERLATIVES)})\b", re.IGNORECASE)


def _limits(query: str) -> str:
    return _SUPERLATIVE.sub(lambda m: SUPERLATIVES[m.group(1).lower()], query)


ORDINALS = {w: str(i) for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)}
# after a number, "second" is a unit of time ("the 30 second delay", "ten second": "10 second"), no ordinal
_ORDINAL = re.compile(rf"(?<!\d[\s-])\b({'|'.join(ORDINALS)})\s+(?=[^\W\d_])", re.IGNORECASE)
ORDINAL_HINT = 0.3  # a row numbered as the question's ordinal says: ranks it among those the question found


def _numbered_as(row: SpecRow, numbers: set[str]) -> bool:
    """Whether a cell of the row numbers its thing with one of `numbers`: "remote temperature 2",
    "Fire2" (the number ending a word or after it; not inside "12v" or "2.5", nor an identifier
    going on after it, "temp2_max", whose number counts a series of its own)."""
    return any(re.search(rf"(?<=[^\W\d])\s?{n}(?![\w.,]\w|\w)", cell) for cell in row.cells for n in numbers)


# Within the tables the search found (the top rows'), the row whose meaning is clearly the nearest
# the question's ("at what charge level does the output come back on" for "Output switched off after
# a mains failure | Battery exhausted; output restarts ... at 15 %"): words and values found its table
# through its neighbours, but not the row, which says it in other words. It ranks FOCUS_GAP below its
# table's best row (not above: the words that found the table are the stronger sign).
FOCUS_TABLES = 3  # the tables of this many top rows
FOCUS_ROWS = 300  # a larger table's rows are not all compared
FOCUS_GAP = 0.3
FOCUS_MARGIN = 0.03  # the nearest row's lead over the table's next nearest (its whole-row vector)


def _nearest_in_table(db, qvec: np.ndarray, out: list[SpecRow], sims: dict[int, float],
                      loaded: dict[int, SpecRow]) -> list[SpecRow]:
    """`out` (sorted) with each top table's nearest row by meaning raised to FOCUS_GAP below that
    table's best row, when its similarity leads the table's next row's by FOCUS_MARGIN."""
    placed = {r.row_id: r for r in out}
    for table in dict.fromkeys(r.table_id for r in out[:FOCUS_TABLES]):
        ids = [r[0] for r in db.execute("SELECT id FROM spec_rows WHERE table_id = ? LIMIT ?", (table, FOCUS_ROWS + 1))]
        if not 2 <= len(ids) <= FOCUS_ROWS:
            continue
        near = {i: sims[i] for i in ids if i in sims}
        near.update(_similarities(db, qvec, [i for i in ids if i not in near]))
        ranked = sorted(near, key=lambda i: -near[i])
        if len(ranked) < 2 or near[ranked[0]] - near[ranked[1]] < FOCUS_MARGIN:
            continue
        best = max(r.score for r in out if r.table_id == table)
        if best - FOCUS_GAP < THRESHOLD:
            continue  # a table found this weakly says too little about which of its rows is meant
        row = placed.get(ranked[0]) or loaded.get(ranked[0]) or next(iter(_load(db, [ranked[0]])), None)
        if row is None or row.row_id in placed and row.score >= best - FOCUS_GAP:
            continue
        if row.row_id not in placed:
            row.match, row.similarity = "meaning", near[ranked[0]]
            placed[row.row_id] = row
            out.append(row)
        row.score = best - FOCUS_GAP
    out.sort(key=lambda r: (-r.score, r.manual_id, r.table_id, r.row_index))
    return out


# "Which ADC channel ...", "what pin ...": the words naming what is asked, up to the first small word.
_WHICH = re.compile(r"\b(?:which|what)\s+((?:[\w\-]+\s*){1,4})", re.IGNORECASE)


_MEASURE_OF = {"amount", "kind", "type", "sort", "level", "degree"}


_PLAIN_LABEL = re.compile(r"[^\W\d_]+(?:[ /\-]+[^\W\d_]+)*")
LABEL_ASKED = 1.0  # a key/value row whose label is a word of the which-phrase: that attribute is asked


def _holds_thing(row: SpecRow, thing: dict[str, float]) -> bool:
    """Whether the row, its table or its manual holds some of the question's thing words beside
    the limit words ("smallest", "highest"), or the question names no thing: the kind asked alone
    ("In which year did the Berlin Wall fall?": a `year` row; "the smallest prime": a `_min` row) is
    no answer."""
    core = {s: w for s, w in thing.items() if s not in LIMIT_STEMS}
    if not core:
        return True
    near = _stems(" ".join(row.cells + row.headers + [row.caption, row.section, row.manual_title]))
    return _cover(core, near) > 0


def _label_asked(row: SpecRow, asked: set[str], head: str = "") -> bool:
    """Whether `row` is a two-column key/value row ("Model | W25Q64", "Rated voltage | 230 V") whose
    label's words are all words of the question's which-phrase (`asked`, stems), or whose label ends
    in the which-phrase's last word (`head`, a stem; "" for none)."""
    if len(row.cells) != 2 or not row.cells[1].strip() or not _PLAIN_LABEL.fullmatch(row.cells[0].strip()):
        return False  # a label of plain words: "%suffix%" is a keyword, not the attribute "suffix"
    words = [_stem(w) for w in _words(row.cells[0])]
    label = set(words)
    # ... or whose last word, the noun the label names, is the which-phrase's last (`head`), a word
    # before it saying which one ("Internal batteries | 8 x 12 V 9 Ah VRLA" for "what battery does
    # the UPS use"; not "Socketed flash" for "which SPI flash chip model")
    return bool(words) and len(label) <= 3 and (label <= asked or bool(head) and words[-1] == head)


def _asks_code(query: str) -> bool:
    """Whether the which-phrase (or the noun after "what is") asks a code: "which scan code",
    "what's the key code"; not "which shortcut formats code", whose code follows a key word."""
    asked = _asked_noun(query)
    if not asked and (m := _WHAT_IS.search(query)):
        for w in _words(m.group(1)):
            if w in _STOP:
                break
            asked.append(w)
    at = next((n for n, w in enumerate(asked) if w in CODE_ASKED), None)
    return at is not None and not KEY_WORDS & set(asked[:max(0, at - 1)])


def _asked_noun(query: str) -> list[str]:
    """The words after "which"/"what" that name what is asked ("ADC channel" of "which ADC channel
    reads ..."), [] when the question has no such phrase ("what is the fuse size")."""
    m = _WHICH.search(query)
    out: list[str] = []
    words = _words(m.group(1)) if m else []
    if words[1:2] == ["of"] and words[0] in _MEASURE_OF:
        return []  # "what amount of torque" asks the torque, as "what torque" does
    for w in words:
        if w in _STOP and w not in ("setting", "value", "values"):
            break
        out.append(w)
    return out


# A bare number inside a name: followed by a capitalized word that is no unit ("8051 IDE", "Windows
# 10 Pro"), or after an article or a possessive, with no unit, as a noun ("an 8051", "my 8051 code").
_NAME_AFTER = re.compile(r"\s+[A-Z][\w\-]*")
_NAME_BEFORE = re.compile(r"(?i:\b(?:an?|my|your|our|their|his|her)\s+)$")


def _in_name(query: str, v: Value) -> bool:
    """Whether the question writes the unitless number `v` as part of a name, not as a quantity."""
    if v.unit or v.number is None:
        return False
    for m in re.finditer(rf"(?<![\w.,\-]){re.escape(v.raw)}(?![\w.,\-]?\w)", query):
        if _NAME_AFTER.match(query, m.end()) or _NAME_BEFORE.search(query, 0, m.start()):
            return True
    return False


def _key_norm(key: str) -> str:
    return re.sub(r"\s+", "", key).lower()


def _asked_keys(query: str) -> list[str]:
    """The keys a question names: "the Q key", "pressing J", "Ctrl+Shift+M"."""
    return list(dict.fromkeys(next(g for g in m.groups() if g) for m in _KEY_ASKED.finditer(query)))


# A code the question writes with symbols ("#", "-X-", "%O", "$GPZDG") or in quotes ("'modem'",
# "`E-07`"): a token with a character no word holds, or a short quoted string.
CELL = "cell"
_QUOTED = re.compile(r"""(?:(?<=[\s(])|^)([`'"‘“])(\S(?:[^`'"‘’“”\n]{0,28}\S)?)[`'"’”](?=[\s.,;:!?)]|$)""")
# A letter standing alone ("the operand constraint w", "port B"; not the articles "a" and "I"): a
# code, matched as a whole cell and, like a lone digit, only as a hint (`_value_weight`).
_LETTER = re.compile(r"(?<![\w'’.\-+])(?![aAI]\b)[^\W\d_](?![\w'’\-+]|\.\w)")
_SYMBOL = re.compile(r"[#%*$@~^<>=|\\+_\-]")
# "config bits R0 = 1 and R1 = 0": an equals sign between a name and its value states a setting; it is
# not the "=" a table of operators lists (asked, it is quoted: "what does '=' mean")
_EQUATION = re.compile(r"(?<=\w)\s+(?:==?|:=)\s+(?=[\w\-+.])")
_PLAIN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)  # "avr-libc", "ntpd's": words, not codes


def _asked_cells(query: str, seen: set[str]) -> list[str]:
    """The symbol codes and quoted strings of a question, each to be matched as a whole cell;
    values the number, code and key readers found already (`seen`: their text, casefolded) left out."""
    out = [m.group(2) for m in _QUOTED.finditer(query)] + [m.group(0) for m in _LETTER.finditer(query)]
    for token in _EQUATION.sub(" ", query).split():
        token = token.strip("?.,;:!()[]{}'\"`‘’“”")
        if token and _SYMBOL.search(token) and not _PLAIN.fullmatch(token) and not set(token) <= set("-–—/&|"):
            out.append(token)
    # "E-07", "68Nm", "Ctrl+S": the value and key readers have them already, "%" of "130 %" too
    return [t for t in dict.fromkeys(out) if t.casefold() not in seen
            and not any(v.raw.casefold() == t.casefold() for v in query_values(t))
            and not any(t.casefold() in raw for raw in seen)]


VALUE_ROWS = 500  # rows a value of the question is looked up in at most


def _cell_key(raw: str) -> str:
    """The key of a value asked as a whole cell (`CELL`): case aside."""
    return "cell:" + raw.casefold()


def _cell_rows(db, token: str) -> list[tuple[int, int]]:
    """(row id, column) of the cells that are exactly `token` (case aside): the rows' stored JSON
    is searched for the cell as JSON writes it, then each hit checked cell by cell."""
    want = token.casefold()
    out = [(row_id, col) for row_id, col, cell in _cells_holding(db, json.dumps(token).lower()) if cell.casefold() == want]
    return out[:VALUE_ROWS]


CODE_PREFIX_LEN = 4  # a shorter code ("B2", "X3") begins too many others
_CODE_GOES_ON = re.compile(r"[-_/.:]\w")


def _cells_holding(db, needle: str):
    """(row id, column, cell stripped) of every cell of the rows whose stored JSON holds `needle`
    (lower case, as JSON writes it): the candidates a caller checks cell by cell."""
    for row_id, cells in db.execute("SELECT id, cells FROM spec_rows WHERE instr(lower(cells), ?) > 0 LIMIT 2000",
                                    (needle,)):
        for col, cell in enumerate(json.loads(cells)):
            yield row_id, col, cell.strip()


def _prefix_rows(db, code: str, joined: str = "") -> list[tuple[int, int]]:
    """(row id, column) of the cells that begin with the code `code` (case aside) and go on after
    a separator ("INT6405-MAC" of "INT6405-MAC-4-3-4304"; not "INT6405" of "INT64050"); only those
    characters when `joined` is given ("_": "TX1_FIR", not "TX1-A"). None at all when it begins two
    codes in two rows ("SK-200": the seal kits SK-200-45B and SK-200-45V): the question does not say
    which, and the one that won by a tie-breaker was stated as the answer."""
    want = code.casefold()
    out, begun = [], set()
    for row_id, col, cell in _cells_holding(db, '"' + json.dumps(code)[1:-1].lower()):
        if cell.casefold().startswith(want) and _CODE_GOES_ON.match(cell, len(code)) \
                and (not joined or cell[len(code)] in joined):
            out.append((row_id, col))
            begun.add(cell.casefold())
    return out[:VALUE_ROWS] if len(begun) == 1 or len({row_id for row_id, _col in out}) == 1 else []


CODE_SUFFIX_LEN = 5  # a shorter tail ("LP", "45B") ends too many codes


def _suffix_rows(db, code: str) -> list[tuple[int, int]]:
    """(row id, column) of the cells that end with the code `code` (case aside) after a separator
    and a part before it ("S8iR-LP" of "AOC-USAS-S8iR-LP"); none when it ends two different codes."""
    want = code.casefold()
    out, ended = [], set()
    for row_id, col, cell in _cells_holding(db, json.dumps(code)[1:].lower()):
        cut = len(cell) - len(code)
        if cut >= 2 and cell.casefold().endswith(want) and cell[cut - 1] in "-_/.:" and cell[cut - 2].isalnum():
            out.append((row_id, col))
            ended.add(cell.casefold())
    return out[:VALUE_ROWS] if len(ended) == 1 else []


_CODE_NUMBER = re.compile(r"(?<=[^\W\d_])(\d{3,})$")  # "53C875": 875; "ES1371": 1371 (after a letter)


def _number_keyed_rows(db, code: str, number: str) -> list[tuple[int, int]]:
    """(row id, 0) of the rows whose first cell is the number ending the chip code `code`, after
    letters beginning as the code does ("ens1371" for ES1371), or alone in a table of a manual naming
    the code's family ("875" where the title says "NCR53C8XX" for 53C875); not any row numbered 500
    for an STK500."""
    lead = code[: len(code) - len(number)].casefold()
    key = re.compile(rf"(?:{re.escape(lead[0])}[^\W\d_]{{0,5}})?{number}", re.IGNORECASE)
    families = {lead + number[:-n] + "x" * n for n in (1, 2)}
    out = []
    for row_id, cells, title, caption, section in db.execute(
            "SELECT r.id, r.cells, m.title, t.caption, t.section FROM spec_rows r JOIN spec_tables t ON t.id = r.table_id"
            " JOIN manuals m ON m.id = r.manual_id WHERE r.cells LIKE ? LIMIT 2000", (f'["%{number}"%',)):
        first = (json.loads(cells) or [""])[0].strip()
        if not key.fullmatch(first):
            continue
        around = f"{title} {caption} {section}".casefold()
        if not first[0].isdigit() or any(f in around for f in families):
            out.append((row_id, 0))
    return out[:VALUE_ROWS]


_ZERO_PADDED = re.compile(r"(?<![\w.,\-])0\d{1,3}(?![\w.,]?\d|[\w\-])")
_NUMBERED = re.compile(r"(?<![\w\-.])([^\W\d_]{2,})(?:\s+#?\s?|#\s?)(\d{1,4})(?![\w.,]?\d|[\w\-])")


def _numbered_rows(db, word: str, num: str, symbols: list[str] = ()) -> list[tuple[int, int]]:
    """(row id, column) of the cells that name the numbered part `word num` ("Pin 10", "pin #10",
    "pin 10/S6,ACK"; a longer number or word not counted: "pin 100", "spin 10") or that are the
    number under a column the word names ("5" under "Pin"), or that are the number as the row's key
    in a table named for the word ("3" first in the rows under "Available Transceiver Types" for
    "transceiver type 3"; "6" under a second header line "field" for "field 6"). `symbols`: those
    whose meaning the question says in full (`symbols_for`: "ldn" for "logical device")."""
    pattern = re.compile(rf"(?<![\w]){re.escape(word)}\s?#?\s?{num}(?![\d]|[.,]\d)", re.IGNORECASE)
    out = []
    # a column headed by a symbol the question spells out ("LDN #" for "logical device 8") names it too
    heads_with = [word.lower(), *(s for s in symbols if word.lower() in meaning_words(s))]
    for row_id, cells, headers in db.execute(
            "SELECT r.id, r.cells, t.headers FROM spec_rows r JOIN spec_tables t ON t.id = r.table_id"
            " WHERE instr(lower(r.cells), ?) > 0 OR "
            + " OR ".join("instr(lower(t.headers), ?) > 0" for _h in heads_with) + " LIMIT 3000",
            (word.lower(), *heads_with)):
        heads = json.loads(headers)
        out += [(row_id, col) for col, cell in enumerate(json.loads(cells)) if pattern.search(cell)
                or (cell.strip() == num and col < len(heads) and _stem(word) in _stems(heads[col]))]
    stem = _stem(word)
    named: dict[int, bool] = {}  # table id -> whether its caption, heading or second header line names the word
    for row_id, table_id, caption, section in db.execute(
            "SELECT r.id, r.table_id, t.caption, t.section FROM spec_rows r JOIN spec_tables t ON t.id = r.table_id"
            " WHERE r.cells LIKE ? LIMIT 3000", (f'["{num}",%',)):
        if (row_id, 0) in out:
            continue
        if table_id not in named:
            first = _first_row(db, table_id)
            first_key = (first[1] or [""])[0] if first else ""
            named[table_id] = stem in _stems(caption or "") | _stems((section or "").split(" > ")[-1]) | _stems(first_key)
        if named[table_id]:
            out.append((row_id, 0))
    return out[:VALUE_ROWS]


def _value_rows(db, v: Value, among: list[int] | None = None) -> list[tuple[int, int]]:
    """(row id, column) of the cells holding the question's value `v` (at most VALUE_ROWS), or of
    those among the rows `among`."""
    if among is not None:
        out: list[tuple[int, int]] = []
        for start in range(0, len(among), 500):
            ids = among[start:start + 500]
            out += _value_rows_where(db, v, f" AND row_id IN ({','.join('?' * len(ids))})", ids)
        return out
    return _value_rows_where(db, v, "", [])


SAME_RATE = ("baud", "bit/s")  # one value in either unit (two-level serial signalling: a baud is a bit per second)


def _value_rows_where(db, v: Value, where: str, ids: list[int]) -> list[tuple[int, int]]:
    if v.unit == KEY:  # a key: a cell that is exactly it, among the rows holding its words
        words = _words(v.raw)
        sql = ("SELECT r.id, CAST(j.key AS INTEGER) FROM spec_rows r, json_each(r.cells) j WHERE r.id IN"
               " (SELECT rowid FROM spec_rows_fts WHERE spec_rows_fts MATCH ?)"
               f" AND lower(replace(j.value, ' ', '')) = ?{where.replace('row_id', 'r.id')} LIMIT {VALUE_ROWS}")
        args: tuple = (" AND ".join(f'"{w}"' for w in words), _key_norm(v.raw), *ids)
        if not words:
            return []
    elif v.number is not None and v.unit in SAME_RATE:
        # a serial line's rate in baud is its bit rate: a table heads "5 Mbps" what is set as 5 Mbaud
        keys = [v.key.rsplit(" ", 1)[0] + " " + u for u in SAME_RATE]
        sql, args = f"SELECT row_id, col FROM spec_values WHERE key IN (?, ?){where} LIMIT {VALUE_ROWS}", (*keys, *ids)
    elif v.number is None or v.unit:
        sql, args = f"SELECT row_id, col FROM spec_values WHERE key = ?{where} LIMIT {VALUE_ROWS}", (v.key, *ids)
    else:  # a bare number in the question: that number in any unit
        sql, args = (f"SELECT row_id, col FROM spec_values WHERE number = ? AND unit != 'code'{where} LIMIT {VALUE_ROWS}",
                     (v.number, *ids))
    try:
        return [(r[0], r[1]) for r in db.execute(sql, args)]
    except Exception:  # noqa: BLE001 - an FTS syntax corner case: no rows by this value
        return []


def _prose_only(db, v: Value, found: list[tuple[int, int]]) -> bool:
    """Whether every cell holding the code `v` is longer prose around it, none a cell of its own."""
    cells = dict(db.execute(f"SELECT id, cells FROM spec_rows WHERE id IN ({','.join('?' * len(found))})",
                            [r for r, _c in found]).fetchall()) if found else {}
    for row_id, col in found:
        row = json.loads(cells.get(row_id) or "[]")
        if col < len(row) and len(row[col]) <= len(v.raw) + 6:
            return False
    return bool(found)


def _column_units(row: SpecRow) -> set[str]:
    """The units a "Unit(s)" column gives the row's values."""
    out = set()
    for col, head in enumerate(row.headers):
        if col < len(row.cells) and row.cells[col] and _stem(head.strip(" :.")) in ("unit", "units"):
            u = canonical_unit(row.cells[col].strip())
            if u:
                out.add(u)
    return out


def _range_rows(db, v: Value) -> list[tuple[int, int]]:
    """(row id, column) of the cells whose range holds the question's value without naming it
    ("125-150 %" for "130 %"): both ends are stored with the range as their `raw`."""
    if v.number is None or not v.unit or v.unit in (KEY, "code"):
        return []
    out = []
    # Not by number: a range's end another range of the cell shares is stored once, with that one's raw.
    for r in db.execute("SELECT DISTINCT row_id, col, raw FROM spec_values WHERE unit = ? AND (raw LIKE '%-%'"
                        " OR raw LIKE '%–%' OR raw LIKE '% to %' OR raw LIKE '%..%') LIMIT 3000", (v.unit,)):
        if any(low < v.number < high for low, high in ranges(r[2])):
            out.append((r[0], r[1]))
    return out


# A code written with symbols may be common in a side column ("#" as the unit of a count, in rows
# beyond counting) and rare as a row's key (the "#" tally code): for a row holding it as its first
# cell, the code weighs by the rows holding it there.
def _key_weights(weights: list[float], values: list[Value], key_counts: list[int],
                 hits: list[tuple[int, int]]) -> list[float]:
    """`weights` for one row: a cell-matched code it holds as its key weighed by `key_counts` (the
    rows holding it as theirs) when that is more."""
    out = list(weights)
    for col, i in hits:
        if col == 0 and key_counts[i] and values[i].unit == CELL:
            out[i] = max(out[i], _value_weight(values[i], key_counts[i]))
    return out


def _value_weight(v: Value, rows: int) -> float:
    """How much a row holding the question's value `v` counts: fully for a value few rows hold
    (a fault code, a torque), less for one many hold ("3D" all over a 3D viewer's hotkeys) and
    little for a lone digit. Below 0.5 a value is a hint: it ranks rows the words found but does
    not make a row an answer."""
    w = min(1.0, COMMON_VALUE / rows) if rows else 1.0
    if len(v.raw) == 1 and (v.unit == "" and v.number is not None or v.unit == CELL and v.raw.isalpha()):
        w = min(w, 0.4)
    return w


def _nearest(db, qvec: np.ndarray, table: str = ROW_VEC) -> dict[int, float]:
    """Row id -> cosine similarity of the rows nearest the question in `table` (the rows' vectors or
    their labels'); {} for a library without that table (the words and values still find the rows;
    the label vectors come with m013 and the library upgrade fills them)."""
    try:
        found = db.execute(f"SELECT rowid, distance FROM {table} WHERE embedding MATCH ? AND k = ?",
                           (np.asarray(qvec, dtype=np.float32).tobytes(), VEC_CANDIDATES)).fetchall()
    except Exception:  # noqa: BLE001 - no vector table (a database from before it): words only
        log.warning("spec row vectors unavailable (%s)", table, exc_info=True)
        return {}
    return {r[0]: 1.0 - r[1] for r in found}


def _similarities(db, qvec: np.ndarray, row_ids: list[int], table: str = ROW_VEC) -> dict[int, float]:
    """Row id -> cosine similarity for the given rows (those with a vector in `table`)."""
    out: dict[int, float] = {}
    q = np.asarray(qvec, dtype=np.float32).tobytes()
    for start in range(0, len(row_ids), 500):
        ids = row_ids[start:start + 500]
        for r in db.execute(f"SELECT rowid, vec_distance_cosine(embedding, ?) FROM {table}"
                            f" WHERE rowid IN ({','.join('?' * len(ids))})", [q, *ids]):
            out[r[0]] = 1.0 - r[1]
    return out


def _weights(db, words: list[str]) -> dict[str, float]:
    """Each thing word's stem with its weight: rarer in the spec rows weighs more (idf), so "MISO"
    counts more than "card"; a word no row holds ("planet") weighs most: a question whose words the
    tables lack is not about them."""
    total = db.execute("SELECT count(*) FROM spec_rows").fetchone()[0] or 1
    out: dict[str, float] = {}
    for w in dict.fromkeys(words):
        try:
            df = db.execute("SELECT count(*) FROM spec_rows_fts WHERE spec_rows_fts MATCH ?", (f'"{w}"',)).fetchone()[0]
        except Exception:
            df = 0
        out[_stem(w)] = math.log(1 + total / max(df, 1))
    return out


# A row word that begins a longer question word ("sel" of selection, "temp" of temperature, "sync"
# of synchronize): tables abbreviate. Counts for part of the word's weight (0.7: on the 80 spec
# questions 1.0 let "capital" match a "CAP" row for an unrelated question; 0.5 found none more).
ABBREV = 0.7
# Words of a limit ("min", "smallest", "highest"): of the kind asked, not of the thing it is asked of.
LIMIT_STEMS = frozenset(_stem(w) for k in ("max", "maximum", "minimum") for w in (k, *meaning_words(k))) | {"min"}


def _cover(weights: dict[str, float], stems: set[str]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    got = 0.0
    missed = []
    for s, w in weights.items():
        if s in stems:
            got += w
        elif ABBREV and len(s) >= 6 and any(len(t) >= 3 and len(s) >= len(t) + 3 and s.startswith(t) for t in stems):
            got += ABBREV * w  # an abbreviation in the row ("sel" for selection, "temp" for temperature)
        else:
            missed.append(s)
    skeletons = [t for t in stems if _SKELETON.fullmatch(t)]
    if skeletons and missed:
        got += ABBREV * sum(weights[s] for s in _skeleton_words(tuple(weights), frozenset(missed), tuple(skeletons)))
    return got / total


# A row word of consonants only ("sqrt", "clk", "msg", "txd") is a contraction: its letters in order
# from one question word ("clock") or two in a row ("square root"), beginning with the same letter.
_SKELETON = re.compile(r"[b-df-hj-np-tv-xz]{3,6}")


@lru_cache(maxsize=16384)  # the same question words against the few contractions of each candidate row
def _skeleton_words(order: tuple[str, ...], missed: frozenset[str], skeletons: tuple[str, ...]) -> set[str]:
    """The question's words (stems, in their order) a consonant-only row word contracts."""
    out: set[str] = set()
    for i, s in enumerate(order):
        if s not in missed:
            continue
        spans = [(s,)] + ([(s, order[i + 1])] if i + 1 < len(order) and order[i + 1] in missed else [])
        for span in spans:
            whole = "".join(span)
            if len(whole) >= 5 and any(t[0] == whole[0] and len(whole) >= len(t) + 2 and _in_order(t, whole, span)
                                       for t in skeletons):
                out |= set(span)
    return out


def _in_order(t: str, whole: str, span: tuple[str, ...]) -> bool:
    """Whether `t`'s letters are in `whole` in order as a contraction takes them: two or more of
    each of two words, the second's from its initial on ("sq" + "rt"); of a single word, down to its
    last consonant ("clk", "msg")."""
    if len(span) == 2:
        head, tail = span
        return any(t[k] == tail[0] and _subsequence(t[:k], head) and _subsequence(t[k:], tail)
                   for k in range(2, len(t) - 1))  # two letters of each at least: "spd" is not "sport played"
    return t[-1] == whole.rstrip("aeiouy")[-1:] and _subsequence(t, whole)


def _subsequence(t: str, word: str) -> bool:
    it = iter(word)
    return bool(t) and t[0] == word[0] and all(ch in it for ch in t)


# A value the row holds, and none of the question's several other words in it or around it (its
# caption, heading, headers, manual): the value names what the question is about ("a QCA7000 SPI
# receive frame"), a device list's "QCA7000 | 0x05 | 0x22" row is not the field asked. Its value
# counts ALONE_VALUE of its weight (flat from 3 to 5 words and at 0.6; 0.3 states more wrong rows).
ALONE_WORDS = 4
ALONE_VALUE = 0.6


def _score(row: SpecRow, thing: dict[str, float], syn: set[str], units: set[str], asks_quantity: bool,
           hits: list[tuple[int, int]], values: list[Value], weights: list[float],
           near: list[tuple[int, int]] = (), counts: list[int] = (),
           asked_units: set[str] = frozenset()) -> tuple[float, str | None]:
    """(score, why it matched) of one row; why is None when the row does not answer at all.
    `weights`: how much each of the question's `values` counts (`_value_weight`); `counts`: how many
    rows hold each; `asked_units`: the units of the kind the which-phrase asks (a value of them the
    row lacks costs nothing)."""
    cells = _stems(" ".join(row.cells))
    label = _stems(row.label())
    headers = _stems(" ".join(row.headers + [row.caption]))
    context = _stems(" ".join([row.caption, row.section, row.manual_title] + row.headers))
    cover_cells = _cover(thing, cells)
    cover_label = _cover(thing, label)
    cover_context = _cover(thing, context - cells)
    # The quantity asked for: named by the table's headers or caption (a "Torque" column), carried by
    # a value's unit (N·m), or only mentioned in a cell's prose (weakest).
    q_score = 0.0
    if asks_quantity and KEY in units:
        # A key asked for: a row with a key combination in a cell, best under a "Hotkey" header;
        # a hotkey table's row without one (an action with no default key) does not answer.
        # A lone letter or "-" is a key under a header naming keys (NAMED), or as its row's first cell (0.7);
        # "Ctrl+S" or "F8" anywhere.
        for col, cell in enumerate(row.cells):
            if not cell or not _KEY_CELL.fullmatch(cell.strip()):
                continue
            if FKEY in units:
                if re.fullmatch(r"F\d{1,2}", cell.strip()):
                    q_score = NAMED  # the function key asked, under any header (or none)
                    break
                continue
            if syn & _stems(row.headers[col] if col < len(row.headers) else ""):
                q_score = NAMED
                break
            # a single character keying its row is a key too, whatever its column is called
            # ("Command | Function": the magic SysRq keys)
            if "+" in cell or re.fullmatch(r"F\d{1,2}", cell.strip()) or col == 0 and len(cell.strip()) == 1:
                q_score = 0.7
    elif asks_quantity:
        # a "Torque" column, a row labelled "Recommended fuse", or a header abbreviating the kind ("Cap / Slot")
        if syn & (headers | label) or _abbreviates(syn, _stems(" ".join(row.headers))):
            q_score = NAMED
            if units and not syn & headers and not any(v["unit"] in units for v in row.values) \
                    and (not syn & {_stem(w) for w in _words(row.label())} or _IDENTIFIER.fullmatch(row.label().strip())):
                # named only through a symbol of its label ("temp1_fault": a temperature's fault
                # flag), holding no value of the kind asked: less than the sibling that holds one
                # ("temp1_input | ... (0..150 C)" for "what temperature span"); an identifier
                # naming the kind is such a symbol ("time_source | Specify the time (PPS) source"
                # is no time asked by "how long")
                q_score = SYMBOL_NAMED
        elif units and any(v["unit"] in units and len(row.cells[v["col"]]) <= VALUE_CELL for v in row.values
                           if v["col"] < len(row.cells)):
            q_score = 0.7  # a cell that is a value of that unit ("16 A"), not a sentence mentioning one
        elif units and _column_units(row) & units:
            q_score = 0.7  # a "Units" column says the row's values are of the kind asked ("A" beside "1.0e-14")
        elif units and any(v["unit"] in units and syn & _stems(row.cells[v["col"]]) for v in row.values
                           if v["col"] < len(row.cells)):
            q_score = 0.7  # a longer cell that names the kind beside its value ("..., diameter 28 mm at the seal")
        elif units and any(v["unit"] in units for v in row.values):
            q_score = 0.3
        elif syn & cells:
            q_score = 0.4
    # A value of the question found in this row: strongest as the row's key (a code in the first
    # column) or as a cell of its own ("68 Nm" in the torque column, not inside a sentence).
    v_score = 0.0
    per_value: dict[int, float] = {}  # a value counts once per row, in its best cell ("5 | 5 | CLK": not twice)
    # A code that names the product ("P-200" in "Aqualine P-200 ... Manual") says which manual, not
    # which row: "how do I prime the P-200?" is not about the model-code table's "P-200" row.
    product = _product(row.manual_title)
    # ... a part of the title's code ("MC13783" of "mc13783-adc") may head one of its tables
    # ("MC13783:" beside "MC13892:"): there it says which table, as a chip named around a row does
    whole = _codes(row.manual_title)
    hits = [(c, i) for c, i in hits if values[i].key not in product]
    for col, i in set(hits):
        cell = row.cells[col] if col < len(row.cells) else ""
        if weights[i] >= 0.5:
            # The row's key: its label column; for a key pressed ("pressing J"), a column of keys
            # ("Default Hotkey"), not the "J" that labels a device letter or a constraint.
            key = _KEY_HEADER & _stems(row.headers[col] if col < len(row.headers) else "") if values[i].unit == KEY \
                else col == 0
            got = weights[i] * (1.0 + (0.6 if key else 0.0) + (1.0 if len(cell) <= len(values[i].raw) + 6 else 0.0))
            per_value[i] = max(per_value.get(i, 0.0), got)
        elif len(cell) <= len(values[i].raw) + 2:
            # a common value ranks only the rows holding it as a cell of its own, a little at least
            per_value[i] = max(per_value.get(i, 0.0), max(weights[i], COMMON_HINT))
    v_score += sum(per_value.values())
    if per_value and len(thing) >= ALONE_WORDS and not cover_cells and not cover_context:
        v_score *= ALONE_VALUE  # the value alone: what the question is about, not which row
    near = [(c, i) for c, i in near if values[i].key not in product and weights[i] >= 0.5]
    v_score += IN_RANGE * sum(weights[i] for _c, i in set(near))
    hits = hits + near
    held = {i for _c, i in hits}
    # A common value ("+5V") with the product the manual is about ("the ADM9240's +5V rail"): in that
    # manual a cell that is the value says which row, as a rare value does anywhere.
    of_named = any(v.key in product for v in values)
    hits = [(c, i) for c, i in hits if weights[i] >= 0.5  # a common value or a lone digit only ranks
            or of_named and values[i].unit not in ("", CELL) and values[i].key not in product
            and c < len(row.cells) and len(row.cells[c]) <= len(values[i].raw) + 2]
    words = len(_words(" ".join(row.cells)))
    long_penalty = 0.5 * min(1.0, max(0, words - 20) / 40)  # prose rows mention everything
    score = 1.5 * cover_cells + 1.0 * cover_label + 1.0 * cover_context + q_score + v_score - long_penalty
    score += COLUMN_CELL * _in_named_column(row, thing)
    if asks_quantity and q_score < 0.7 and not hits:
        score -= 1.0  # the row holds no value of the kind asked for (at most mentions one in prose)
    elif asks_quantity and units and q_score < 0.7 and not cover_cells and all(values[i].unit == "code" for _c, i in hits):
        # It holds the code the question names ("how long did a memory access take on a PDP-15":
        # a card reader's "PDP-15" row), no other word of it and nothing of the kind asked: which
        # thing, not the answer
        score -= NAME_WITHOUT_KIND
    if values:
        # The question's value named around the row (a chip in the table's heading, "STM32F103 step
        # rate benchmark") says the row is about it, less than holding it in a cell does.
        around = set(_fact_keys(" ".join(row.headers + [row.caption, row.section])))
        score += CONTEXT_VALUE * sum(weights[i] for i, v in enumerate(values)
                                     if v.key in around and v.key not in whole and i not in held)
        # The product the manual is about ("the ADM9240's +5V rail"): the rows of its manual rank
        # above another chip's table holding the same "+5V" (the same for every row of the manual).
        score += PRODUCT_NAMED * max((weights[i] for i, v in enumerate(values) if v.key in product), default=0.0)
    if not hits and values:
        # The question names a value ("13 A", "M12") this row does not hold, in its cells or around
        # them (a chip named in a column header, "I2C" in the caption). A code no row holds anywhere
        # ("STK500", the board a demo runs on) tells no row from another: it costs none; nor does a
        # lone letter, which a row may hold inside a longer code ("port D": "D1").
        around |= product
        score -= max((min(1.0, 2 * weights[i]) for i, v in enumerate(values)
                      if v.key not in around and i not in held and not (v.unit == "code" and i < len(counts) and not counts[i])
                      and not (v.unit == CELL and len(v.raw) == 1) and v.unit not in asked_units),
                     default=0.0)
    # A row answers when the question's value is in it; or it is labelled with the quantity asked
    # for and the thing is named in it or around it (caption, heading, headers, manual); or its
    # cells hold the thing and, with what is around them, most of the question's weight (one
    # shared common word, "known" or "years", is not an answer to an unrelated question).
    cover_all = cover_cells + cover_context
    # A column the question names ("which colour patch cable", "which port"): the row's filled cell
    # under it is what is asked, though the row's own cells share no word with the question (the
    # thing is described: "the serial transmit line" for "TxD"). With enough of the question's other
    # words around the row (its manual, caption, heading), a row that matched no other way answers
    # as a weak match.
    # A kind asked of a named product and nothing else ("how many rack units tall is the UPS-3000",
    # "how much air does the RTU-45 move"): the product's row naming the kind or holding a value of
    # its unit answers.
    of_product = not thing and any(v.key in product for v in values) \
        and (q_score >= NAMED or q_score >= 0.7 and any(v["unit"] in units for v in row.values))
    # One question word of several found only in a sentence of the row, none of the others around it
    # ("In which city is the Colosseum?": "We find major-city AM broadcast stations ..."): the row
    # mentions it, it is not about it; a label or header naming the word is (`_one_word_in_prose`).
    if not hits and not (q_score >= NAMED and cover_all > 0) and not of_product \
            and not (cover_cells > 0 and cover_all >= MIN_COVER and not _one_word_in_prose(row, thing, cells, headers | context)
                     and _holds_thing(row, thing)):
        column = _named_column(row, thing) if not asks_quantity else 0.0
        if column and cover_all - column >= COLUMN_COVER:
            return score + COLUMN_NAMED, "words"
        return score, None
    return score, "value" if hits else ("quantity" if q_score >= NAMED or of_product or (q_score >= 0.7 and cover_label >= 0.5)
                                               else "words")


# A column header abbreviates the kind it holds ("Cap / Slot" a capacity, "Freq." a frequency, "Volt" a
# voltage): a header word of 3-4 letters that begins a longer word naming the kind asked. Headers only:
# a caption's or heading's short words are prose ("Inter-Company" is no interval).
HEADER_ABBREV = (3, 4)


def _abbreviates(synonyms: set[str], header_stems: frozenset[str]) -> bool:
    """Whether a header word abbreviates one of the kind's `synonyms` (stems): "cap" of capacity."""
    low, high = HEADER_ABBREV
    return any(low <= len(t) <= high and t not in _STOP and len(w) >= len(t) + 3 and w.startswith(t)
               for t in header_stems for w in synonyms)  # "per" of "Bytes per Sample" is no "period"


def _one_word_in_prose(row: SpecRow, thing: dict[str, float], cells: frozenset[str], named: frozenset[str]) -> bool:
    """Whether the row holds just one of the question's several thing words, and only inside a
    longer cell (prose: a short label cell naming it is about it): not in its headers, and no other
    thing word around it (`named`: its headers, caption, heading and manual title)."""
    held = thing.keys() & cells
    if len(thing) < 2 or len(held) != 1 or thing.keys() & named:
        return False
    word = next(iter(held))
    return all(len(c) > VALUE_CELL for c in row.cells if word in _stems(c))


COLUMN_CELL = 0.5  # a thing word in the cell under the column the question names ("magenta ... when the inks are CMY")


def _in_named_column(row: SpecRow, thing: dict[str, float]) -> bool:
    """Whether another of the question's words is the row's short cell under a column the question
    names: "magenta" under "CMY" for "at what angle does magenta sit when the inks are CMY" (the
    row with "Magenta" under "RGB" holds the word too, in the wrong column)."""
    for col, head in enumerate(row.headers):
        named = thing.keys() & _stems(head) if head and len(head.split()) <= 3 else set()
        cell = row.cells[col] if col < len(row.cells) else ""
        if named and cell and len(cell) <= VALUE_CELL and (thing.keys() - named) & _stems(cell):
            return True
    return False


COLUMN_NAMED = 0.2  # a thing word naming one of the row's column headers: enough to answer, less than a word of its cells
COLUMN_COVER = 0.1  # share of the question's other words the row must hold around it then


def _named_column(row: SpecRow, thing: dict[str, float]) -> float:
    """The share of the question's (idf-weighted) words that name the row's columns (headers of at
    most three words: "Color", "Port"), 0.0 when none does or the named columns' cells are empty."""
    total = sum(thing.values())
    named: set[str] = set()
    filled = False
    for col, head in enumerate(row.headers):
        if head and len(head.split()) <= 3 and (words := thing.keys() & _stems(head)):
            named |= words
            filled = filled or bool(col < len(row.cells) and row.cells[col])
    return sum(thing[s] for s in named) / total if total and filled else 0.0


@lru_cache(maxsize=4096)  # a manual's title and a table's headers, read again for each of its rows
def _fact_keys(text: str) -> frozenset[str]:
    return frozenset(f.key for f in facts(text))


@lru_cache(maxsize=1024)
def _codes(text: str) -> frozenset[str]:
    return frozenset(f.key for f in facts(text) if f.kind == "code")


@lru_cache(maxsize=4096)
def _product(title: str) -> frozenset[str]:
    """The codes a manual's title names its product by: each whole, and the parts of one joined by
    a hyphen ("Kernel driver twl4030-madc": the TWL4030 chip and its "madc" block), which a question
    names alone ("the TWL4030's ADC channel")."""
    return _codes(title) | _codes(title.replace("-", " "))


_RACK_UNIT = re.compile(r"\d{1,2}(?:\.\d)?\s?U")  # rack units: "2U", "1.5U"
_IP_CODE = re.compile(r"IP[0-6X][0-9X]K?", re.IGNORECASE)  # an enclosure's protection class: "IP55", "IPX4", "IP6X"


def _load(db, row_ids: list[int]) -> list[SpecRow]:
    rows: list[SpecRow] = []
    for start in range(0, len(row_ids), 500):
        ids = row_ids[start:start + 500]
        marks = ",".join("?" * len(ids))
        found = db.execute(
            "SELECT r.id, r.manual_id, r.table_id, r.row_index, r.cells, r.page, r.bbox, r.char_start, r.char_end,"
            " t.section, t.caption, t.headers, m.title, m.path FROM spec_rows r"
            " JOIN spec_tables t ON t.id = r.table_id JOIN manuals m ON m.id = r.manual_id"
            f" WHERE r.id IN ({marks})", ids).fetchall()
        vals: dict[int, list[dict]] = {}
        for v in db.execute(f"SELECT row_id, col, number, unit, raw FROM spec_values WHERE row_id IN ({marks})", ids):
            vals.setdefault(v["row_id"], []).append(
                {"number": v["number"], "unit": v["unit"], "raw": v["raw"], "col": v["col"]})
        for vs in vals.values():
            for v in vs:
                if v["unit"] == "code" and _RACK_UNIT.fullmatch(v["raw"]):
                    v["number"], v["unit"] = float(v["raw"].rstrip("uU ")), "U"
                elif v["unit"] == "code" and _IP_CODE.fullmatch(v["raw"]):
                    v["unit"] = "IP"
        for r in found:
            rows.append(SpecRow(
                row_id=r["id"], manual_id=r["manual_id"], manual_title=r["title"], manual_path=r["path"],
                page=r["page"], section=r["section"], caption=r["caption"], headers=json.loads(r["headers"]),
                cells=json.loads(r["cells"]), score=0.0, table_id=r["table_id"], row_index=r["row_index"],
                bbox=json.loads(r["bbox"]) if r["bbox"] else None, char_start=r["char_start"],
                char_end=r["char_end"], values=vals.get(r["id"], [])))
    return _second_header_lines(db, _headerless_tables(db, rows))


# Words that name a column ("Language Code | Language Name", "IOBASE offset | Register"): a first row of
# a table stored without headers that holds one is its header row, not an answer.
_COLUMN_WORDS = frozenset("""code codes name names description meaning value values type function register offset
parameter setting default range unit units size item part pin signal number address field bit bits option options
key command id label""".split())


def _label_row(cells: list[str]) -> bool:
    """Whether a row's cells read as column labels: every cell filled and short, no digit, one of
    them ending in a word that names a column ("Language Code", "Register")."""
    return len(cells) >= 2 and all(c.strip() and len(c) <= VALUE_CELL and not any(ch.isdigit() for ch in c)
                                   for c in cells) \
        and any((w := _words(c)) and w[-1] in _COLUMN_WORDS for c in cells)


def _headerless_tables(db, rows: list[SpecRow]) -> list[SpecRow]:
    """A table stored with empty headers (a PDF table whose header row the extractor took for data)
    takes its first row as headers when that row reads as column labels (that row is then no answer);
    a table continuing one on the page before (same section, width, the next table of the manual)
    takes that table's headers and caption: "hu | Hungarian" on page 37 sits under page 36's "Language
    Code | Language Name"."""
    tables = {r.table_id for r in rows if r.headers and not any(h.strip() for h in r.headers)}
    if not tables:
        return rows
    # table id -> (its header row's id or None, headers, the caption of the table it continues or None)
    found: dict[int, tuple[int | None, list[str], str | None]] = {}
    for table_id in tables:
        t = db.execute("SELECT manual_id, ord, page, section, headers FROM spec_tables WHERE id = ?", (table_id,)).fetchone()
        own = _first_row(db, table_id)
        if own and _label_row(own[1]) and len(own[1]) == len(json.loads(t["headers"])):
            found[table_id] = own[0], own[1], None
            continue
        prev = db.execute("SELECT id, page, section, caption, headers FROM spec_tables WHERE manual_id = ? AND ord = ?",
                          (t["manual_id"], t["ord"] - 1)).fetchone()
        if prev is None or prev["section"] != t["section"] or t["page"] is None or prev["page"] != t["page"] - 1 \
                or json.loads(prev["headers"]) != json.loads(t["headers"]):
            continue
        first = _first_row(db, prev["id"])
        if first and _label_row(first[1]):
            found[table_id] = None, first[1], prev["caption"]  # one table: its caption too
    out = []
    for row in rows:
        if row.table_id in found:
            header_row, headers, caption = found[row.table_id]
            if row.row_id == header_row:
                continue
            row.headers = list(headers)
            row.caption = row.caption if caption is None else caption
        out.append(row)
    return out


def _first_row(db, table_id: int) -> tuple[int, list[str]] | None:
    r = db.execute("SELECT id, cells FROM spec_rows WHERE table_id = ? ORDER BY row_index LIMIT 1", (table_id,)).fetchone()
    return (r[0], json.loads(r[1])) if r else None


def _spanning(headers: list[str]) -> bool:
    """Whether a header row has a blank cell after a filled one (a header spanning the columns after it)."""
    filled = [bool(h.strip()) for h in headers]
    return True in filled and False in filled[filled.index(True):]


def _second_header_lines(db, rows: list[SpecRow]) -> list[SpecRow]:
    """A table whose header has two lines ("Present In" spanning "USR 2 ... USR 6", then "Field",
    "Size (Bytes)") is stored with its second line as the first row: that row is no answer, and
    it names the other rows' columns ("16" is a size in bytes). Told by a header with empty cells
    beside filled ones over a first row of short labels, every cell filled, no number among them."""
    # A blank top-left corner ("| | KX-2 Basic | KX-2 Pro |") is a one-line header: a spanning
    # header's blanks come after the filled cell they span from ("| | Ink Type | |" over "Angle | RGB
    # | CMY": the corner's own label is on the second line).
    tables = {r.table_id for r in rows if r.headers and _spanning(r.headers)}
    if not tables:
        return rows
    second: dict[int, tuple[int, list[str]]] = {}  # table id -> (its first row's id, the merged headers)
    marks = ",".join("?" * len(tables))
    for r in db.execute(
            "SELECT r.id, r.table_id, r.cells, t.headers FROM spec_rows r JOIN spec_tables t ON t.id = r.table_id"
            f" WHERE r.table_id IN ({marks}) AND r.row_index = (SELECT min(row_index) FROM spec_rows s"
            " WHERE s.table_id = r.table_id) AND NOT EXISTS (SELECT 1 FROM spec_values v WHERE v.row_id = r.id"
            " AND v.number IS NOT NULL)", list(tables)):
        cells, headers = json.loads(r["cells"]), json.loads(r["headers"])
        if cells and all(c.strip() and len(c) <= VALUE_CELL for c in cells) and len(cells) == len(headers):
            second[r["table_id"]] = (r["id"], [f"{h} {c}".strip() if h.strip() else c for h, c in zip(headers, cells, strict=True)])
    out = []
    for row in rows:
        if row.table_id in second:
            header_row, merged = second[row.table_id]
            if row.row_id == header_row:
                continue
            row.headers = merged
        out.append(row)
    return out


LOOSE = ("words", "meaning")  # matches too loose to state as the answer
VALUE_TIE = 0.1  # two rows matched by value this close: neither is stated


def direct_row(rows: list[SpecRow]) -> SpecRow | None:
    """The row to show as the direct answer: the best one when it matched by value or by the
    quantity asked for and clearly leads the next (two rows as good are two answers, not one). A row
    matched by words or by meaning alone is listed, not stated as the answer."""
    if not rows or rows[0].match in LOOSE:
        return None
    best = rows[0]
    if len(rows) > 1 and rows[1].score >= best.score - 0.25 and rows[1].match not in LOOSE:
        # a row holding the question's value is stated though a row of another kind is close; two
        # rows holding it as well as each other ("-15 dBm max" on two connectors) are two answers
        if best.match != "value" or rows[1].match == "value" and rows[1].score >= best.score - VALUE_TIE:
            return None
    return best
