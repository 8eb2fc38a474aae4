"""Find the procedures in a parsed manual: numbered or bulleted steps under a heading.

The parsers give every format the same shape (`Block`s with their section path and offsets;
list items one per line of a "list" block, an ordered item keeping its number: "3. Remove the
cover"), so one pass serves PDF, HTML, Markdown, DOCX and plain text:

- items are read off the blocks; consecutive numbered items (1, 2, 3 ...) or bulleted items make
  a run of candidate steps;
- between two steps, a DANGER / WARNING / CAUTION / NOTICE paragraph belongs to the next step
  (`Step.warning`), and any other paragraph (a note, a nested bullet, a PDF step's tail carried
  over a page break) is part of the step before it;
- a run is a procedure only when it reads like one: its steps start with imperative verbs, or it
  is numbered under a procedure-like heading or lead-in ("8.3 Replacing the seal", "Removal",
  "To replace the fan motor:"). A bulleted list of features is not;
- the safety text of the procedure's section and of the sections above it becomes
  `Procedure.warnings`; tools, part numbers and torques are read from the steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..library.document import Block, ParsedManual
from ..library.safety import safety_level
from .model import Procedure, Step

try:  # values.py may move from assistant/rag/ to assistant/ (another part of the work)
    from ..values import canonical_unit, facts
except ImportError:  # pragma: no cover - whichever exists in this tree
    from ..rag.values import canonical_unit, facts

MIN_STEPS = 2
MAX_STEP_CHARS = 1500  # a "step" longer than this is prose, not a step
MAX_WARNINGS = 8

# "3. ", "3) ", "(3) ", "Step 3: ", "Step 3 - "
_NUMBER = re.compile(r"^\s*(?:step\s+(\d{1,3})\s*[:.)\-\u2013]?|\(?(\d{1,3})[.)])\s+", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2023\u25e6\u25aa\u25cf\u2013\u00b7\u2043\u2219\u25a0\u25a1\u27a2\u2192]"
                     r"|\(?[a-z]\))\s+")
_SUBSTEP = re.compile(r"^\s*\(?[a-z]\)\s+")
# Safety text beyond the three signal words safety.py knows: NOTICE labels and lockout/tagout.
_EXTRA_SAFETY = re.compile(r"\bNOTICE\b|^\s*Notice\s*[:!]|\block[- ]?out\b|\btag[- ]?out\b|\bLOTO\b",
                           re.IGNORECASE | re.MULTILINE)
_SAFETY_START = re.compile(r"^\W*(?:DANGER|WARNING|CAUTION|NOTICE|IMPORTANT)\b|^\W*(?:Danger|Warning|Caution|Notice)\s*[:!]")

# Headings that name a procedure: "Replacing the seal", "Removal", "How to flash the firmware".
_PROC_HEADING = re.compile(
    r"\b(?:procedure|procedures|removal|installation|installing|replacement|disassembly|reassembly|"
    r"assembly|setup|set-up|set up|how to|steps|instructions|calibration|maintenance|cleaning|"
    r"adjustment|commissioning|start-up|startup|shutdown|shut-down|servicing|troubleshooting|"
    r"flashing|upgrade|upgrading|mounting|wiring|configuration|replace|remove|install)\b",
    re.IGNORECASE)
_ING_START = re.compile(r"^(?:[\d.]+\s+|[A-Z]\.\s+)?([A-Za-z]+ing)\b")
_LEAD_IN_TO = re.compile(r"^(?:how\s+)?to\s+[a-z]+", re.IGNORECASE)

# Common first words of instructions. A step also counts as imperative when its first word is
# followed by a determiner ("Slide the ...", "Turn both ..."), which few non-verbs are.
_VERBS = set("""
add adjust align allow apply arrange assemble attach avoid bend bolt brush calibrate carry center centre
change charge check choose clamp clean clear click close compress confirm connect continue copy cover
crimp cut deburr deflate depress detach determine disassemble disconnect discharge disengage dispose
do download drain draw drill drive dry edit empty enable disable engage ensure enter examine extend
fasten feed fill find fit fix flash flip flush fold follow force gently grease grip hand heat hold
hook identify inflate insert inspect install isolate jump keep label leave level lift lightly load
locate lock loosen lower lubricate make mark measure mount move note observe obtain open operate
pack peel perform pick pinch place plug position pour power prepare press prime print pry pull pump
purge push put raise read reassemble reattach recharge reconnect record refill refit reinstall
reinsert release remove rename repeat replace reset restart restore retighten retract return reverse
rinse rotate route run save scrape screw seal secure select send separate set shake shut slide slip
snap solder spin spray squeeze stand start stop store strip supply swap switch take tap tape test thread
tighten tilt tip torque touch transfer trim turn twist type undo unfasten unhook unlock unplug
unscrew unclip unwind update upgrade use verify vent wait wash wipe wire withdraw wrap write zero
navigate log sign go browse scroll enter choose hit toggle drag ssh edit compile configure build
cd flash home probe level heat let allow try double-check re-install re-insert""".split())
_DETERMINERS = {"the", "a", "an", "all", "both", "each", "any", "your", "its", "this", "that", "these",
                "those", "it", "them", "one", "two", "four", "off", "out", "up", "down", "in", "on", "away"}
_ADVERBS = {"carefully", "gently", "firmly", "slowly", "now", "then", "next", "finally", "first", "from",
            "again", "once", "if", "when", "after", "before", "using", "with", "while", "optionally",
            "lastly", "immediately", "manually", "visually", "securely", "fully", "completely"}

_TOOL_NOUNS = (r"screwdriver|torque wrench|wrench|spanner|hex key|allen key|allen wrench|socket wrench|"
               r"socket set|ratchet|pliers|multimeter|voltmeter|tweezers|spudger|pry tool|opening pick|"
               r"opening tool|suction cup|heat gun|hair dryer|soldering iron|hammer|mallet|puller|feeler gauge|"
               r"calipers?|knife|scissors|wire strippers?|crimper|crimping tool|flashlight|grease gun|drill|"
               r"driver bit|iopener|jimmy|clamp meter|nut driver|breaker bar|jack stand|floor jack|lug wrench")
# A tool's name may carry a size or a kind before it ("13 mm wrench", "Phillips #2 screwdriver",
# "T20 Torx driver"); a socket only with its size ("17 mm socket": a "230 V socket" is an outlet).
_TOOL_MODIFIER = (r"(?:phillips|torx|allen|pozidriv|hex|T\d+|PH\d|PZ\d|#\d+|\d+(?:[./]\d+)?\s?(?:mm|in|\")|"
                  r"flat(?:-head)?|flathead|cross-head|needle-nose|long-nose|adjustable|plastic|small|large|"
                  r"insulated|digital|torque|combination|open-end|box-end|socket|magnetic|precision)")
_TOOL = re.compile(
    rf"(?<![\w-])((?:{_TOOL_MODIFIER}\s+){{0,3}}(?:{_TOOL_NOUNS})"
    rf"|\d+(?:[./]\d+)?\s?(?:mm|in|\")\s+(?:deep\s+)?socket)(?![\w-])", re.IGNORECASE)
_TOOL_SKIP = {"the", "a", "an", "your", "this", "that", "use", "using", "with", "and", "or", "of", "to"}
_PART = re.compile(r"\b(?:P/N|part\s*(?:no\.?|number|#)|kit|order\s*(?:no\.?|number))\s*[:#]?\s*"
                   r"([A-Z0-9][A-Z0-9\-./]{2,}[A-Z0-9])", re.IGNORECASE)
# "Tools: a, b and c." / "Required parts: ..." anywhere in a paragraph, up to its sentence's end.
_LIST_LABEL = re.compile(r"(?:(?<=^)|(?<=[.:!?]\s)|(?<=\n))\s*(tools?(?:\s+(?:needed|required))?|required tools|"
                         r"parts?(?:\s+(?:needed|required))?|required parts|spare parts|materials?|you will need)"
                         r"\s*:\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"\.(?:\s+(?=[A-Z])|\s*$)|\n")


def _labelled(text: str) -> list[tuple[str, list[str]]]:
    """("tools" | "parts", items) for each labelled list in `text`. Items split at commas and
    semicolons outside brackets; a bare number joins the next item ("13, 17 and 19 mm spanners")."""
    out = []
    for m in _LIST_LABEL.finditer(text):
        end = _SENTENCE_END.search(text, m.end())
        body = text[m.end():end.start() if end else len(text)]
        items, depth, cur = [], 0, ""
        for ch in body:
            depth += (ch in "([") - (ch in ")]")
            if ch in ",;" and depth <= 0:
                items.append(cur)
                cur = ""
            else:
                cur += ch
        items.append(cur)
        # "a, b and c": the last "and" separates items too, unless it joins sizes ("17 and 19 mm").
        last = re.match(r"(.+?)\s+and\s+(.+)$", items[-1].strip())
        if last and "(" not in items[-1] and not re.fullmatch(r"\d+(?:[.,]\d+)?", last.group(1)):
            items[-1:] = [last.group(1), last.group(2)]
        merged: list[str] = []
        for item in (re.sub(r"^(?:an?|the)\s+", "", i.strip(" .")) for i in items):
            if merged and re.fullmatch(r"\d+(?:[.,]\d+)?(?:,\s*\d+(?:[.,]\d+)?)*", merged[-1]):
                merged[-1] = f"{merged[-1]}, {item}"
            elif item:
                merged.append(item)
        kind = "tools" if m.group(1).lower().startswith(("tool", "required tools")) else "parts"
        out.append((kind, [i for i in merged if 2 <= len(i) <= 120]))
    return out

_TORQUE_UNITS = {"N·m", "lbf·ft", "lbf·in"}


@dataclass
class _Item:
    """A piece of the manual in reading order: a list item (one line of a list block) or a block."""

    text: str  # without its number or bullet
    page: int | None
    section: tuple[str, ...]
    start: int
    end: int
    kind: str  # "number" | "bullet" | "text" | "heading" | "table"
    number: int | None = None
    block: int = 0  # index of the block it came from


@dataclass
class _Run:
    items: list[_Item] = field(default_factory=list)  # the steps' first items
    steps: list[Step] = field(default_factory=list)
    numbered: bool = True
    first: int = 0  # index in the item list of the first step
    last: int = 0  # index of the last item that belongs to the run
    inner: set[int] = field(default_factory=set)  # item indexes inside the run (steps, notes, warnings)


def is_safety(text: str) -> bool:
    return safety_level(text) is not None or _EXTRA_SAFETY.search(text) is not None


def _items(blocks: list[Block]) -> list[_Item]:
    out: list[_Item] = []
    for bi, b in enumerate(blocks):
        if b.kind in ("heading", "table"):
            out.append(_Item(b.text, b.page, b.section, b.start, b.end, b.kind, block=bi))
            continue
        lines = b.text.split("\n") if b.kind == "list" else [b.text]
        pos = 0
        for line in lines:
            start = b.start + pos
            pos += len(line) + 1
            if not line.strip():
                continue
            m = _NUMBER.match(line)
            if m:
                number = int(m.group(1) or m.group(2))
                out.append(_Item(line[m.end():].strip(), b.page, b.section, start, start + len(line),
                                 "number", number, bi))
                continue
            m = _BULLET.match(line)
            if m and not _SUBSTEP.match(line):
                out.append(_Item(line[m.end():].strip(), b.page, b.section, start, start + len(line), "bullet", block=bi))
            elif b.kind == "list" and not m:
                # HTML / Markdown / DOCX bullets carry no marker in the text: a list line is an item.
                out.append(_Item(line.strip(), b.page, b.section, start, start + len(line), "bullet", block=bi))
            else:
                out.append(_Item(line.strip(), b.page, b.section, start, start + len(line), "text", block=bi))
    return out


def _first_words(text: str) -> list[str]:
    """The first words, lower-cased; an identifier ("load_cell", "SET_VELOCITY") or a word in
    capitals ("CENTER: ...", a parameter or command name) comes back as "" so it is no verb."""
    words = re.findall(r"[A-Za-z][\w'-]*", text[:80])[:4]
    return ["" if "_" in w or (len(w) > 1 and w.isupper()) else w.lower() for w in words]


def is_imperative(text: str) -> bool:
    """Does `text` start like an instruction ("Remove the cover", "Carefully lift ...")?"""
    words = _first_words(text)
    if not words:
        return False
    first = words[0]
    if first in _VERBS:
        return True
    if first in _ADVERBS:
        return True  # "Carefully lift", "If the fan is dirty, clean it", "Using a 10 mm socket, ..."
    if len(words) > 1 and words[1] in _DETERMINERS and not first.endswith(("s", "ed", "ing", "ly")) \
            and text[:1].isupper():
        return True
    return False


def is_procedure_heading(title: str) -> bool:
    if not title:
        return False
    m = _ING_START.match(title.strip())
    if m and m.group(1).lower() not in {"warning", "building", "ceiling", "housing", "bearing", "string", "thing"}:
        return True  # "Replacing the seal", "Cleaning"
    return _PROC_HEADING.search(title) is not None or (is_imperative(title) and len(title) <= 80)


def _build_runs(items: list[_Item], page_based: bool) -> list[_Run]:
    runs: list[_Run] = []
    i = 0
    while i < len(items):
        it = items[i]
        if it.kind not in ("number", "bullet") or is_safety(it.text) and it.kind == "bullet":
            i += 1
            continue
        run = _Run(numbered=it.kind == "number", first=i)
        pending_warning: list[str] = []
        j = i
        while j < len(items):
            cur = items[j]
            if cur.kind in ("heading", "table"):
                break
            if cur.section != it.section and not (page_based and _continues(run, cur)):
                break
            is_step = (cur.kind == "number" and run.numbered
                       and (not run.items or cur.number == run.items[-1].number + 1)) \
                or (cur.kind == "bullet" and not run.numbered and not is_safety(cur.text))
            if is_step:
                run.items.append(cur)
                if _SAFETY_START.match(cur.text) and is_safety(cur.text):
                    pending_warning.append(cur.text)  # a numbered "step" that is itself a DANGER notice
                run.steps.append(Step(len(run.steps) + 1, cur.text, cur.page, cur.start, cur.end,
                                      "\n".join(pending_warning) or None))
                pending_warning = []
                run.last = j
                run.inner.add(j)
                j += 1
                continue
            if not run.items:
                break
            if cur.kind == "number" and run.numbered:
                break  # numbering restarts or jumps: another list
            if is_safety(cur.text) and _SAFETY_START.match(cur.text):
                pending_warning.append(cur.text)
                j += 1
                continue
            # A note, nested bullet or sub-step, or a PDF step's tail on the next page: part of
            # the step before it, if the steps go on after it (or it is that tail).
            nxt = _next_step_index(items, j, run)
            tail = page_based and cur.page != run.items[-1].page and j == run.last + 1 and not pending_warning
            if (nxt is None and not tail) or (not run.numbered and cur.kind == "text"):
                break
            if len(run.steps[-1].text) + len(cur.text) > MAX_STEP_CHARS:
                break
            # A tail carried over a page break goes on the same line; a note is a line of its own.
            sep = " " if tail else "\n"
            run.steps[-1].text = (run.steps[-1].text + sep + cur.text).strip()
            run.inner.add(j)
            run.last = j
            j += 1
        if len(run.steps) >= MIN_STEPS:
            for k in range(run.first, run.last + 1):
                run.inner.add(k)
            runs.append(run)
            i = max(run.last + 1, i + 1)
        else:
            i += 1
    return runs


def _continues(run: _Run, cur: _Item) -> bool:
    """A PDF page opening in another section only because the outline says so: keep going."""
    return bool(run.items) and cur.page is not None and cur.page != run.items[-1].page \
        and cur.section[:-1] == run.items[-1].section[:-1]


def _next_step_index(items: list[_Item], j: int, run: _Run) -> int | None:
    """Where the run goes on after the note at `j` (within a few items), or None."""
    for k in range(j + 1, min(len(items), j + 6)):
        cur = items[k]
        if cur.kind in ("heading", "table"):
            return None
        if run.numbered and cur.kind == "number":
            return k if cur.number == run.items[-1].number + 1 else None
        if not run.numbered and cur.kind == "bullet":
            return k
    return None


def _lead_in(items: list[_Item], run: _Run) -> _Item | None:
    """The line that introduces the steps ("To replace the fan motor:"), just before them."""
    k = run.first - 1
    while k >= 0 and items[k].kind == "text" and is_safety(items[k].text):
        k -= 1  # a warning between the lead-in and step 1
    if k < 0:
        return None
    cand = items[k]
    if cand.kind != "text" or cand.section != run.items[0].section:
        return None
    text = cand.text.strip()
    if len(text) <= 200 and text.endswith(":"):
        return cand
    if len(text) <= 120 and _LEAD_IN_TO.match(text) and not text.endswith("."):
        return cand
    return None


def _accept(run: _Run, heading: str, lead: _Item | None) -> bool:
    imperative = sum(is_imperative(s.text) for s in run.steps) / len(run.steps)
    proc_context = is_procedure_heading(heading) or (lead is not None and (
        _LEAD_IN_TO.match(lead.text) is not None or is_procedure_heading(lead.text)
        or re.search(r"\b(?:steps?|follow|procedure|as follows)\b", lead.text, re.IGNORECASE) is not None))
    if run.numbered:
        return imperative >= 0.5 or (proc_context and imperative >= 0.25)
    return (proc_context and imperative >= 0.6) or (imperative >= 0.8 and len(run.steps) >= 3)


def _title(heading: str, lead: _Item | None) -> str:
    if lead is not None:
        text = lead.text.strip().rstrip(":").strip()
        if _LEAD_IN_TO.match(text) and len(text) <= 120:
            return text
        if not heading and len(text) <= 120:
            return text
    return heading


def _section_warnings(items: list[_Item], safety: list[int], run: _Run) -> list[str]:
    """Safety text of the procedure's own section and the sections above it (not sibling
    sections, not the step list's own warnings), in reading order. `safety`: the indexes of the
    items that are safety text."""
    section = run.items[0].section
    ancestors = {section[:n] for n in range(len(section) + 1)}
    out: list[str] = []
    for k in safety:
        it = items[k]
        if k in run.inner:
            continue
        if section == () and not (run.first - 6 <= k < run.first):
            continue  # no headings at all: only the warnings just above the steps
        if it.section not in ancestors:
            continue
        if it.section == section and k > run.last + 3:
            continue  # far below the steps: another part of the section
        if it.text not in out:
            out.append(it.text)
    return out[:MAX_WARNINGS]


def _tools(texts: list[str]) -> list[str]:
    found: dict[str, str] = {}
    for text in texts:
        for kind, names in _labelled(text):
            if kind == "tools":
                for name in names:
                    found.setdefault(name.lower(), name)
        for m in _TOOL.finditer(text):
            words = m.group(1).split()
            # "Use a Phillips screwdriver", "Carefully insert the spudger": not part of the name.
            while len(words) > 1 and words[0].lower() in _TOOL_SKIP | _VERBS | _ADVERBS \
                    and not re.fullmatch(_TOOL_MODIFIER, words[0], re.IGNORECASE):
                words = words[1:]
            name = " ".join(words)
            if name:
                found.setdefault(name.lower(), name)
    # "screwdriver" is said by "Phillips #2 screwdriver", "spanner" by "13 and 19 mm spanners":
    # keep the longer name only.
    names = list(found.values())
    return [n for n in names
            if not any(o != n and re.search(rf"(?<!\w){re.escape(n)}", o, re.IGNORECASE) for o in names)]


def _parts(texts: list[str]) -> list[str]:
    found: dict[str, str] = {}
    for text in texts:
        for kind, names in _labelled(text):
            if kind == "parts":
                for name in names:
                    found.setdefault(name.upper(), name)
        for m in _PART.finditer(text):
            found.setdefault(m.group(1).upper(), m.group(1))
    # A part number already named by a listed part ("seal kit SK-200-45B (...)") is not repeated.
    names = list(found.values())
    return [n for n in names if not any(o != n and n.upper() in o.upper() for o in names)]


_TORQUE_RANGE = re.compile(r"\b\d+(?:\.\d+)?\s?[-\u2013]\s?\d+(?:\.\d+)?\s?"
                           r"(?:N[·\s.-]?m|Nm|lbf?[·-]?ft|ft[·-]?lbs?|in[·-]?lbs?)\b")


def _torques(texts: list[str]) -> list[str]:
    """Torque values as written, in order: "25 N·m", "18 ft-lbs", a range "10-12 Nm" whole."""
    out: list[str] = []
    for text in texts:
        ranges = [m.group(0) for m in _TORQUE_RANGE.finditer(text)]
        for f in facts(text):
            if f.kind == "quantity" and " " in f.key and canonical_unit(f.key.split(" ", 1)[1]) in _TORQUE_UNITS:
                if f.text not in out and not any(r.endswith(f.text) for r in ranges):
                    out.append(f.text)
        out += [r for r in ranges if r not in out]  # the values module reads each end on its own
    return out


def extract(doc: ParsedManual) -> list[Procedure]:
    """The procedures of a parsed manual, in reading order."""
    items = _items(doc.blocks)
    safety = [k for k, it in enumerate(items) if it.kind not in ("heading", "table") and is_safety(it.text)]
    tables_by_section: dict[tuple[str, ...], list[str]] = {}
    for it in items:
        if it.kind == "table":
            tables_by_section.setdefault(it.section, []).append(it.text)
    page_based = doc.format == "pdf"
    procedures: list[Procedure] = []
    for run in _build_runs(items, page_based):
        section = run.items[0].section
        heading = section[-1] if section else ""
        lead = _lead_in(items, run)
        if not _accept(run, heading, lead):
            continue
        title = _title(heading, lead) or run.steps[0].text[:80]
        texts = [s.text for s in run.steps]
        # "Tools: ..." / "Parts required: ..." lines of the section just above the steps count too,
        # and the torque tables of the section ("what torque?" is asked of the procedure).
        context = [it.text for it in items[max(0, run.first - 6):run.first] if it.section == section]
        tables = tables_by_section.get(section, [])
        procedures.append(Procedure(
            title=title,
            steps=run.steps,
            section=" > ".join(section),
            page=run.steps[0].page,
            warnings=_section_warnings(items, safety, run),
            tools=_tools(texts + context),
            parts=_parts(texts + context),
            torques=_torques(texts + tables),
            format=doc.format,
        ))
    return procedures
