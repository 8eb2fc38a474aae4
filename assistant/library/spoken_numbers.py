"""Numbers a question says in words, written as a table writes them: "the negative twelve volt rail"
is the "-12v" row, "three point three volts" the "3.3V" one, "minus 5 V" the "-5 V" one.

A technician (and a speech transcript) says a quantity; a table prints it in digits with its sign.
Only a number said with a unit after it ("twelve volt", "two point five millimetres"), with a
sign word before it ("minus twelve"), or with a decimal point ("three point three") is rewritten:
"which one", "the last eight polls" or "one of the fans" stay words (a bare "one" in a question is
seldom the value asked, and a lone digit matches rows beyond counting).
"""

from __future__ import annotations

import re

from assistant.values import _UNIT_WORDS

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    " seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_DIGIT_WORDS = {w: str(i) for w, i in _UNITS.items() if i < 10} | {"oh": "0", "nought": "0"}

_SMALL = rf"(?:(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(w for w, i in _UNITS.items() if 0 < i < 10)}))?|{'|'.join(_UNITS)})"
# "twelve", "twenty-four", "three hundred and twenty", "one thousand two hundred"; "a hundred"
_CARDINAL = (rf"(?:(?:{_SMALL}|a)\s+thousand(?:\s+(?:and\s+)?)?)?(?:(?:{_SMALL}|a)\s+hundred(?:\s+(?:and\s+)?)?)?{_SMALL}"
             rf"|(?:{_SMALL}|a)\s+(?:thousand|hundred)")
_POINT = rf"\s+point(?:\s+(?:{'|'.join(_DIGIT_WORDS)}))+"
_SIGN_OF = {"negative": "-", "minus": "-", "positive": "+", "plus": "+"}
_SIGN = rf"(?:{'|'.join(_SIGN_OF)})"
# "in" and "a" are units a table writes ("2 in", "16 A") but words a question says after a number
# ("which one in the list", "one a day"): a number said in words takes neither as its unit
_UNIT = rf"(?:{'|'.join(u for u in _UNIT_WORDS if u not in ('in', 'a'))})"
# a sign before a number written in digits ("minus 12 V", "negative 5v")
_SIGNED_DIGITS = re.compile(rf"\b({_SIGN})\s+(?=\d)", re.IGNORECASE)
_SPOKEN = re.compile(
    rf"\b(?:(?P<sign>{_SIGN})\s+)?(?P<num>{_CARDINAL})(?P<point>{_POINT})?\b"
    rf"(?:(?P<hyphen>-)(?={_UNIT}\b)|(?=(?P<unit>\s+{_UNIT}\b)?))", re.IGNORECASE)
# Words that end a number the grammar does not read whole: "point five" (half), "... thousand nine
# hundred" (a number over 999,999 or "one million two hundred"). What follows them is the number's
# tail, not a number of its own: left as words.
_TAIL_OF = re.compile(r"\b(?:point|hundred|thousand|million|billion)[\s-]*$", re.IGNORECASE)
# "plus or minus 5 V", "plus-minus five volts": a tolerance, whose "minus" is no sign
_PLUS_OR = re.compile(r"\bplus\s*(?:or\s+|/|-)\s*$", re.IGNORECASE)


def _cardinal(text: str) -> int:
    total = part = 0
    for w in re.split(r"[\s-]+", text.lower()):
        if w in ("and", ""):
            continue
        if w == "a":
            part = 1
        elif w in _UNITS:
            part += _UNITS[w]
        elif w in _TENS:
            part += _TENS[w]
        elif w == "hundred":
            part = (part or 1) * 100
        elif w == "thousand":
            total += (part or 1) * 1000
            part = 0
    return total + part


def _before(pattern: re.Pattern, m: re.Match) -> bool:
    """Whether `pattern` ends right before `m` (looked for in the few characters before it only: a
    long question would be searched again from its start at every number)."""
    return pattern.search(m.string, max(0, m.start() - 30), m.start()) is not None


def _rewrite(m: re.Match) -> str:
    sign, point, unit = m.group("sign"), m.group("point"), m.group("unit") or m.group("hyphen")
    if _before(_TAIL_OF, m):
        return m.group(0)
    kept = ""
    if sign and _before(_PLUS_OR, m):
        sign, kept = None, m.group(0)[:m.start("num") - m.start()]  # "plus or minus" stays words
    if not (sign or point or unit):
        return m.group(0)  # a number said alone ("which one", "the last eight polls"): left as words
    if m.group("num").lower().startswith("a ") and not unit:
        return m.group(0)  # "a hundred" only as a quantity ("a hundred volts")
    number = str(_cardinal(m.group("num")))
    if point:
        number += "." + "".join(_DIGIT_WORDS[w.lower()] for w in point.split()[1:])
    prefix = _SIGN_OF[sign.lower()] if sign else ""
    return kept + prefix + number + (" " if m.group("hyphen") else "")  # "twelve-volt": "12 volt", a quantity


# "once a second", "every second", "once per hour": a rate said without a number, as a table writes
# it with one ("Beeper | Every 1 s"). "The UPS keeps beeping once a second" found the "Every 2 s" row.
# "every second" only where no word follows that it counts ("every second week" is every other one).
_ONCE_A = re.compile(r"\b(?:once\s+(?:a|an|per|every)\s+(second|minute|hour|day|week|month|year)\b|"
                     r"every\s+(second|minute|hour|day|week|month|year)\b"
                     r"(?=\s*(?:$|[,.;:!?)]|(?:and|or|but|while|when|until|with|then|after|so|even)\b)))",
                     re.IGNORECASE)


def digits(text: str) -> str:
    """`text` with its spoken quantities in digits: "the negative twelve volt rail" -> "the -12 volt
    rail", "three point three volts" -> "3.3 volts", "minus 5 V" -> "-5 V", "twenty-four volt" ->
    "24 volt", "beeps once a second" -> "beeps every 1 second"; other number words left as they are."""
    text = _ONCE_A.sub(lambda m: f"every 1 {m.group(1) or m.group(2)}", text)
    text = _SPOKEN.sub(_rewrite, text)
    return _SIGNED_DIGITS.sub(lambda m: m.group(0) if _before(_PLUS_OR, m)
                              else _SIGN_OF[m.group(1).lower()], text)


# A fault code said aloud, as speech-to-text writes it: "e zero four" (E04), "a twenty three" (A23),
# "f twelve" (F12). A lone letter, then number words; "a" and "i" only after a word that introduces a
# code ("alarm a twelve", "the ups says a twelve"), else they are the article and the pronoun.
_NUMBER_WORD = rf"(?:{'|'.join([*_UNITS, *_TENS, 'oh'])})"
_CODE_CUE = r"(?:alarm|alarms|code|codes|fault|faults|error|errors|warning|shows|showing|says|saying|reads|displays)"
# The letter as a word of its own ("what's one bar" is no code S1), not "x" ("x two", a count: as
# search._SPACED_CODE leaves it), and no unit after the number ("reads a twelve volt drop").
_SPOKEN_CODE = re.compile(
    rf"(?:(?<![\w'’])(?P<letter>[b-hj-wyz])|\b(?P<cue>{_CODE_CUE}\s+)(?P<article>[ai]))\s+"
    rf"(?P<num>{_NUMBER_WORD}(?:[\s-]{_NUMBER_WORD})*)\b(?!\s+{_UNIT}\b)", re.IGNORECASE)


def _code(m: re.Match) -> str:
    words = re.split(r"[\s-]+", m.group("num").lower())
    if all(w in _DIGIT_WORDS for w in words):
        number = "".join(_DIGIT_WORDS[w] for w in words)  # "zero four": 04, as the display shows it
    elif len(words) == 1 or (len(words) == 2 and words[0] in _TENS and 0 < _UNITS.get(words[1], 0) < 10):
        number = str(_cardinal(" ".join(words)))  # "twelve", "twenty three"
    else:
        return m.group(0)  # "twenty twenty", "nineteen ninety": not one code
    return (m.group("cue") or "") + (m.group("letter") or m.group("article")).upper() + number


def spoken_codes(text: str) -> str:
    """`text` with fault codes said in words written as codes: "what e zero four means" -> "what
    E04 means", "alarm a twenty three" -> "alarm A23"; "a twelve volt battery" stays."""
    return _SPOKEN_CODE.sub(_code, text)
