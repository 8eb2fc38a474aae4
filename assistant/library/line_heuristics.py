"""Structure read from lines without markup (plain text, PDF): headings, bullets, wrapped lines.

`heading_hint` says whether a line reads like a heading, `BULLET` finds list items, and
`join_lines` unwraps hard-wrapped lines, undoing end-of-line hyphenation with the help of the
compounds `hyphenated_words` collects from the whole document.
"""

from __future__ import annotations

import re

# "3", "3.2", "3.2.1" (components of at most two digits so "230 Volt Supply" is not a heading),
# then a capitalised word.
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,5})\.?\s+[^\W\d_]")
# Warnings often stand alone in capitals; they are part of the text, not a section.
_ADMONITIONS = {"WARNING", "CAUTION", "NOTE", "NOTES", "DANGER", "IMPORTANT", "NOTICE", "TIP",
                "ATTENTION", "HINT", "INFO"}
_SIGNAL_WORD = re.compile(r"^([A-Z]+)\s*(?:[:!\-\u2013\u2014]|$)")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the",
                "to", "with", "vs", "via", "per"}
BULLET = re.compile(r"^\s*(?:[-*\u2022\u2023\u25e6\u25aa\u25cf\u2013\u00b7\u2043\u2219]|\(?\d{1,3}[.)]|\(?[a-z]\))\s+")


def heading_hint(line: str, allow_title_case: bool = False) -> tuple[str, int] | None:
    """Does this single line read like a heading? Returns (kind, depth) or None.

    kind is "numbered" (depth = number of components in "3.2.1"), "caps" (ALL CAPS line)
    or "title" (Title Case, only when the caller has other evidence such as a bold font).
    """
    text = line.strip()
    if not (2 <= len(text) <= 100) or len(text.split()) > 12:
        return None
    if text[-1] in ".,;:" or not any(ch.isalpha() for ch in text):
        return None
    numbered = _NUMBERED.match(text)
    if numbered:
        rest = text[numbered.end() - 1 :]
        if rest[:1].isupper():
            return "numbered", numbered.group(1).count(".") + 1
        return None
    letters = [ch for ch in text if ch.isalpha()]
    cased = [ch for ch in letters if ch.lower() != ch.upper()]
    if len(letters) >= 4 and cased and all(ch.isupper() for ch in cased):
        signal = _SIGNAL_WORD.match(text)
        if signal and signal.group(1) in _ADMONITIONS:  # "WARNING", "DANGER: HIGH VOLTAGE"
            return None
        return "caps", 1
    if allow_title_case and _is_title_case(text):
        return "title", 1
    return None


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'-]*", text)]
    if not words or not words[0][0].isupper():
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(significant) and sum(w[0].isupper() for w in significant) / len(significant) >= 0.6


_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)[-\u2010\u00ad]$")
_WORD_START = re.compile(r"^([^\W\d_][\w]*)")


def join_lines(lines: list[str], hyphenated: set[str] | None = None) -> str:
    """Unwrap hard-wrapped lines into one paragraph, undoing end-of-line hyphenation.

    "mainte-" + "nance" becomes "maintenance", but "switch-" + "off" stays "switch-off" when
    the hyphenated form occurs elsewhere in the document (`hyphenated`, lower case).
    """
    parts: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not parts:
            parts.append(line)
            continue
        prev = parts[-1]
        # Only the end of the previous line matters; never rescan the whole paragraph.
        tail = _LINE_END_HYPHEN.search(prev[-60:])
        head = _WORD_START.match(line)
        if tail and head and line[0].islower():
            compound = f"{tail.group(1)}-{head.group(1)}".lower()
            keep = not prev.endswith("\u00ad") and hyphenated is not None and compound in hyphenated
            parts[-1] = prev[:-1] + ("-" if keep else "") + line
            continue
        parts.append(line)
    return " ".join(parts)


_HYPHENATED_WORD = re.compile(r"[^\W\d_]+-[^\W\d_]+")


def hyphenated_words(texts) -> set[str]:
    """Lower-case hyphenated compounds ("switch-off") seen inside lines of a document."""
    found: set[str] = set()
    for text in texts:
        if "-" in text:
            found.update(m.lower() for m in _HYPHENATED_WORD.findall(text))
    return found
