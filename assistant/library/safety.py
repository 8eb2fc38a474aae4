"""Safety text in a manual: the signal words DANGER, WARNING and CAUTION.

The chunker marks each chunk with the most severe word it carries (stored with the chunk), and
answers quote the paragraphs that hold one, so both sides must agree on what counts.
"""

from __future__ import annotations

import re

# Capitals anywhere ("DANGER - HIGH VOLTAGE"); Title case only as a label at a line start
# ("Warning: ..."), since "Warning lights flash when ..." in prose is not safety text.
SAFETY_RE = re.compile(r"\b(DANGER|WARNING|CAUTION)\b|^\s*(Danger|Warning|Caution)\s*[:!]", re.M)


def safety_level(text: str) -> str | None:
    """The most severe signal word in `text` ("DANGER" > "WARNING" > "CAUTION"), or None."""
    found = {(m.group(1) or m.group(2)).upper() for m in SAFETY_RE.finditer(text)}
    for level in ("DANGER", "WARNING", "CAUTION"):
        if level in found:
            return level
    return None


# A manual's legend of its signal words ("DANGER - an immediate hazard that will cause death ...",
# "WARNING indicates a hazardous situation which ..."): it defines the words and warns of nothing.
# "WARNING: Electrical hazard. CAUTION: Burn hazard." warns: a definition has its article or verb.
_DEFINES = re.compile(r"\b(DANGER|WARNING|CAUTION)\b\s*(?:[-\u2013\u2014:=]\s*|\s+)(?:(?:indicates|means|denotes|marks"
                      r"|is used (?:for|to indicate))\s+(?:an?\s+)?|an?\s+)(?:\w+\s+){0,2}?hazard")


def is_legend(paragraph: str) -> bool:
    """Whether `paragraph` defines two or more signal words rather than warning of a hazard."""
    return len({m.group(1) for m in _DEFINES.finditer(paragraph)}) >= 2
