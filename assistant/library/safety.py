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
