"""The sentences of a line of manual text, as the direct answer and the navigation lines read them."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# A full stop that ends an abbreviation, not a sentence: "(e.g. 1000 MΩ or greater)", "see Fig. 3".
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:e\.g|i\.e|approx|cf|vs|fig|figs|ref|incl|resp|pp)\.$", re.IGNORECASE)
# A limit's or a number's abbreviation before its value: "(max. 40 °C)", "min. 2 mm", "typ. 3 A",
# "No. 4". Only before a digit: "Run the pump for 10 min. Check ..." ends a sentence. (A cell of
# the demo UPS guide was cut at "max." and its direct answer ended there.)
_BEFORE_VALUE = re.compile(r"(?:^|[\s(])(?:max|min|typ|nom|no|nr|ca)\.$", re.IGNORECASE)


def abbreviation_stop(before: str, after: str) -> bool:
    """Whether the full stop ending `before` is an abbreviation's, not a sentence end, with `after`
    the text that follows it: "e.g.", and "max." before a value ("(max. 19 A)")."""
    return bool(_ABBREVIATION.search(before) or (_BEFORE_VALUE.search(before) and after.lstrip()[:1].isdigit()))


def of_line(line: str) -> list[str]:
    """The sentences of a line, not cut after an abbreviation's full stop."""
    out: list[str] = []
    for x in _SENTENCE_END.split(line):
        x = x.strip()
        if out and abbreviation_stop(out[-1], x):
            out[-1] = f"{out[-1]} {x}"
        elif x:
            out.append(x)
    return out
