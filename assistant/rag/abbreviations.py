"""Engineering abbreviations and symbols a table writes for what a question spells out.

A row labelled `Tjunc` or `VBUS voltage` answers "the chip's die temperature" or "the USB supply
voltage", though they share no word. Each entry is a symbol or abbreviation a table uses (as one
word, lower case) and the spelled-out meanings a technician says instead. The spec-row search reads
a row's word as holding the words of its meanings (`meaning_words`), and a question that says one
meaning in full also looks for the symbol (`symbols_for`).

Only abbreviations whose meanings are all of one kind belong here: "min" (minimum or minute),
"alt" (altitude or the Alt key), "en" (enable or English) and "beta" (a transistor's current gain
or a JFET's transconductance) do not. Where two meanings are both things a table labels ("NC": a
pin not connected or a normally closed contact; "ID": an identifier or an inner diameter), both
are listed, so either question finds the row.
"""

from __future__ import annotations

import re

# symbol -> its spelled-out meanings (each a phrase of plain words)
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    # temperatures
    "tj": ("junction temperature", "die temperature"),
    "tjunc": ("junction temperature", "die temperature"),
    "tjunction": ("junction temperature", "die temperature"),
    "tamb": ("ambient temperature",),
    "temp": ("temperature",),
    # supply rails and signals
    "vbus": ("usb supply voltage", "usb bus voltage", "usb voltage"),
    "vbat": ("battery voltage",),
    "vbatt": ("battery voltage",),
    "vcc": ("supply voltage",),
    "vccp": ("cpu core voltage", "processor core voltage"),
    "vcore": ("cpu core voltage", "core voltage"),
    "vdd": ("supply voltage",),
    "vin": ("input voltage",),
    "vout": ("output voltage",),
    "vref": ("reference voltage",),
    "gnd": ("ground",),
    "txd": ("transmit data", "serial transmit"),
    "rxd": ("receive data", "serial receive"),
    "clk": ("clock",),
    "cs": ("chip select",),
    "sda": ("serial data",),
    "scl": ("serial clock",),
    "sck": ("serial clock",),
    "sclk": ("serial clock",),
    "mosi": ("master out slave in", "controller out peripheral in"),
    "miso": ("master in slave out", "controller in peripheral out"),
    "nc": ("not connected", "no connection", "normally closed"),  # a pin, or a relay contact
    "ntc": ("thermistor",),
    "rtc": ("real time clock",),
    "lsb": ("least significant bit",),
    "msb": ("most significant bit",),
    "rh": ("relative humidity",),
    "psu": ("power supply",),
    "ac": ("mains",),  # "the mains voltage coming in": a row's "AC input"
    "rst": ("reset",),
    "octal": ("number base",),  # "in what number base is the reach column": "(octal)"
    "hexadecimal": ("number base",),
    "ldn": ("logical device number", "logical device"),  # a Super I/O's numbered functions ("LDN #")
    # names and sizes
    "id": ("identifier", "identification", "inner diameter"),  # a field, or a hose's bore
    "uuid": ("unique identifier", "universally unique identifier"),
    "guid": ("globally unique identifier", "unique identifier"),
    "addr": ("address",),
    "freq": ("frequency",),
    "ref": ("reference",),
    "qty": ("quantity",),
    "pwr": ("power",),
    "btn": ("button",),
    "ch": ("channel",),
    "chan": ("channel",),
    "err": ("error",),
    "dia": ("diameter",),
    "hgt": ("height",),
    "wt": ("weight",),
    "len": ("length",),
    "lat": ("latitude",),
    "lon": ("longitude",),
    "lng": ("longitude",),
    "elev": ("elevation", "altitude", "height"),
    "hdg": ("heading",),
    "spd": ("speed",),
    "sel": ("selection", "selected"),
    "sys": ("system",),
    "sync": ("synchronize", "synchronization", "synchronized"),
    # routing protocols a table names by a letter before the protocol's name
    "ibgp": ("internal bgp", "interior bgp"),
    "ebgp": ("external bgp", "exterior bgp"),
    # symbols of a quantity ("beta" is not one: a JFET's BETA is a transconductance)
    "hfe": ("current gain",),
    # limits named in everyday words ("the highest pressure", "the most current", "the slowest")
    "max": ("maximum", "highest", "most", "largest", "greatest", "fastest"),
    "maximum": ("highest", "most", "largest", "greatest", "fastest"),
    "minimum": ("lowest", "least", "smallest", "fewest", "slowest"),
    # a side named in everyday words
    "bottom": ("underneath", "beneath", "below"),
    # elastomers by the trade names a fitter says ("the viton pump" is the FKM model)
    "fkm": ("viton", "fluoroelastomer"),
    "ffkm": ("kalrez", "perfluoroelastomer"),
    "nbr": ("nitrile", "buna"),
    "ptfe": ("teflon",),
}


_RAIL = re.compile(r"\d{1,2}v\d?")  # a supply rail's name: "5v" of "+5V", "3v3", "12v"


def meaning_words(word: str) -> tuple[str, ...]:
    """The plain words a table's `word` stands for ("tjunc" -> junction, temperature, die), or ().
    A numbered symbol ("Vccp1", "temp5": the first of several) stands for what the symbol does."""
    word = word.lower().strip(".")
    if _RAIL.fullmatch(word):
        return ("supply",)  # a pin or line named by its voltage ("7 (+5V)", "3V3"): a supply
    meanings = ABBREVIATIONS.get(word) or ABBREVIATIONS.get(word.rstrip("0123456789"))
    if not meanings:
        return ()
    return tuple(dict.fromkeys(w for phrase in meanings for w in phrase.split()))


def symbols_for(stems: set[str], stem) -> list[str]:
    """The symbols whose meaning a question says in full: every word of one of its phrases among
    the question's `stems` (compared through `stem`, the search's stemmer); "die temperature" ->
    tj, tjunc, tjunction. A one-word meaning ("temperature" for "temp") is left out: the search
    reads a row's prefix of a question word already."""
    out = []
    for symbol, meanings in ABBREVIATIONS.items():
        if any(len(words := phrase.split()) > 1 and all(stem(w) in stems for w in words) for phrase in meanings):
            out.append(symbol)
    return out
