"""Where a setting is: the manual's navigation line above an option or a step, shown with it.

Equipment manuals say once, at the top of a section, how to reach a screen ("From Settings, tap
Biometrics and security > Fingerprints.", "Press MENU, then select Setup > Comms", "Settings >
General > Accessibility") and then list what is on it ("Fingerprint always on: Wake and unlock
your device by just touching the Power key."). The line that answers a question is mostly the
option's; a technician also needs where it is. `with_navigation` puts the section's navigation line
(the nearest one above the answering line in its passage, or in the previous chunk of the same
section when the search retrieved that too) before the line, verbatim, on a line of its own (the
viewer locates each line of the direct answer on the page separately, `viewer.locate`).
"""

from __future__ import annotations

import re

from ..viewer import letters_and_digits
from . import sentences
from .search import Passage

# An item of a menu path: a capitalised word (or a number) and up to five more words.
_ITEM = r"[A-Z0-9][\w'’+&/\u2011-]*(?:[ \t]+[\w'’+&/\u2011-]+){0,5}"
# "Tap More options > Delete", "Menu → Setup → Comms", "Settings > Display": a line that opens with
# items joined by arrows. A single ">" or "->" is a path only after a verb or a menu's root, or in a
# chain of two: "If VIN > VOUT, ..." and "P1 > P2 when ..." compare. An arrow inside a sentence ("It's
# configured in OctoPrint under: Settings->GCODE Scripts") is another matter's path, not the section's.
_VERB = r"(?i:(?:tap|touch|select|press|go to|navigate to|open|choose|click)\s+)(?:the\s+)?"
_ROOT = r"(?:Settings|Menu|MENU|Setup|SETUP|Main Menu|Home|HOME)"
_ARROW = r"[ \t]*(?:>|→|»|›|->)[ \t]*\(?"
_ARROWS = re.compile(rf"^(?:{_VERB}{_ITEM}{_ARROW}[A-Z]"  # "Tap More options > Delete"
                     rf"|(?:the\s+)?{_ROOT}{_ARROW}[A-Z]"  # "Settings > Display"
                     rf"|(?:the\s+)?{_ITEM}{_ARROW}{_ITEM}{_ARROW}[A-Z]"  # "Network > Wi-Fi > Advanced"
                     rf"|(?:the\s+)?{_ITEM}[ \t]*(?:→|»|›)[ \t]*\(?[A-Z])")  # no one compares with "→"
# "From Settings, tap ...", "In the Setup menu, select ...": where to start, then what to touch.
# The place is named with a capital ("From a Home screen", "From Settings"): "From time to time, open
# the drain valve" and "From the factory, select models ship ..." are no paths.
_FROM = re.compile(r"^(?:from\s+(?:(?:the|a|an)\s+)?(?-i:[A-Z])[\w'’ -]{0,39}"
                   r"|in\s+(?:the\s+)?[\w'’ -]{1,30}\s(?:menu|screen|app|settings)),"
                   r"\s*(?:then\s+)?(?:tap|touch|select|press|click|choose|go to|open)\b", re.IGNORECASE)
# "Press MENU, then ...", "Go to Settings ...", "Open the Setup menu ...": a menu opened by name.
_OPEN = re.compile(r"^(?i:press|go to|navigate to|open|select|tap|touch)\s+(?:the\s+)?"
                   r"(?:MENU|SETUP|HOME|SETTINGS|(?:Main\s+)?Menu|Settings|Setup|Home)\b")
# A path whose arrows the text lost ("Settings General Accessibility Caption Settings Try Now Set
# Caption to ..."): a menu's root and two or more capitalised items, up to the first lowercase word.
_BARE = re.compile(r"^(?:Settings|Menu|Setup|Home|Main Menu)(?:[ \t]+(?:[A-Z0-9][\w'’+&/\u2011-]*|\([^()\n]{1,30}\))){2,}")
# What follows a bare path on the same line rather than being part of it (the TV manual's link text).
_BARE_END = re.compile(r"\s+Try Now\b.*$")
MAX_ITEMS = 7  # words of a path whose arrows were lost
MAX_LINE = 240  # characters; a longer "line" is run-on text, not a navigation line


def navigation(sentence: str) -> str | None:
    """The navigation text of a sentence: the sentence itself when it says how to reach a screen,
    the path alone when it opens with a path whose arrows were lost; None otherwise."""
    s = sentence.strip()
    if _ARROWS.match(s) or _FROM.match(s) or _OPEN.match(s):
        return s if len(s) <= MAX_LINE else None
    if m := _BARE.match(s):
        path = _BARE_END.sub("", m.group(0)).strip()
        # Lists of paths run together ("Settings Support Self Diagnosis Reset Settings Support ..."):
        # the first one (up to where its first two items come again), at most MAX_ITEMS words.
        words = path.split()
        root = next((k for k in range(2, len(words) - 1) if words[k:k + 2] == words[:2]), len(words))
        path = " ".join(words[:min(root, MAX_ITEMS)])
        # The run of capitals ends at the first lowercase word, which may leave the sentence's first
        # word ("... Caption Settings Set" of "Set Caption to ..."): keep that only when it is all.
        return path if len(path.split()) >= 3 else None
    return None


def _sentences(text: str) -> list[str]:
    return [x for line in text.splitlines() for x in sentences.of_line(line)]


def _where(text: str, unit: str) -> int | None:
    """Where `unit` (a direct answer's text, possibly cleaned of page marks and list numbers)
    begins in `text`, compared on letters and digits only; None when it is not there."""
    hay, index = letters_and_digits(text)
    needle = letters_and_digits(" ".join(unit.split()[:8]))[0]
    at = hay.find(needle) if needle else -1
    return index[at] if at >= 0 else None


def _ends_scope(line: str) -> bool:
    """A heading line ("# ...") or a question on a line of its own (an FAQ's entry)."""
    s = line.strip()
    return s.startswith("#") or s.endswith("?")


def _last_navigation(text: str) -> str | None:
    """The last navigation line of `text`, not above a heading line ("# ...") that follows it."""
    found = None
    for line in text.splitlines():
        if _ends_scope(line):
            found = None  # a new section or FAQ entry begins: a path above it is another screen's
            continue
        for s in _sentences(line):
            found = navigation(s) or found
    return found


def navigation_before(unit: str, passage: Passage, previous: Passage | None = None) -> str | None:
    """The navigation line nearest above `unit` in `passage`, else the last one of `previous`
    (the chunk before `passage` in the same section); None when there is none or `unit` has its own.

    Args:
        unit: the direct answer's text (`direct.pick`).
        passage: the passage it was taken from.
        previous: the passage's previous chunk in its section, when the search retrieved it.
    """
    if any(navigation(s) for s in _sentences(unit)):
        return None
    at = _where(passage.text, unit)
    if at is None:
        return None
    above = passage.text[:at]
    found = _last_navigation(above)
    if found is None and previous is not None and not any(_ends_scope(x) for x in above.splitlines()):
        found = _last_navigation(previous.text)
    return found


def with_navigation(unit: str, passage: Passage, previous: Passage | None = None) -> str:
    """`unit` with its section's navigation line before it on a line of its own (`navigation_before`),
    or `unit` unchanged when there is none."""
    nav = navigation_before(unit, passage, previous)
    return f"{nav}\n{unit}" if nav else unit
