"""The voice commands of procedure mode, matched on a transcript without any model call.

A command is the whole utterance ("next", "uh, next step please"), never a word inside a sentence:
"the next bolt is loose" is something the technician said, not a command. Whisper's punctuation
and case, filler words around the command and its usual mis-hearings ("necks") are forgiven.
Questions about the procedure ("what torque?", "which tool") are answered from the procedure's own
fields and step text (`answer`), so they act as fast as the other commands.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import Procedure

# The kinds of command; "unknown" is anything else (shown as "not a command"). "over" (start over)
# is one only while the run's choice screen asks "resume or start over?" (`match(..., choosing=True)`).
KINDS = ("next", "back", "repeat", "read", "pause", "resume", "finish", "ack", "over", "question", "unknown")

# Whole phrases, after normalising (lower case, no punctuation, fillers and mis-hearings fixed).
PHRASES: dict[str, tuple[str, ...]] = {
    "next": ("next", "next step", "next one", "go next", "go on", "go ahead", "move on", "forward",
             "done with this one", "done with that one", "done with this step", "step done", "this step is done"),
    "back": ("back", "go back", "previous", "previous step", "last step", "step back", "back one",
             "go back one"),
    "repeat": ("repeat", "repeat that", "repeat step", "repeat the step", "say again", "say that again",
               "again", "once more", "what was that", "come again", "pardon"),
    "read": ("read", "read it", "read aloud", "read it aloud", "read out", "read it out", "read that",
             "read the step", "read step", "read this", "read this step"),
    "pause": ("pause", "wait", "hold on", "hold", "stop", "break", "take a break", "wait a moment",
              "wait a minute", "one moment"),
    "resume": ("resume", "continue", "carry on", "unpause", "keep going", "back to work"),
    "finish": ("done", "finish", "finished", "all done", "i am done", "im done", "we are done",
               "were done", "finish procedure", "finish the procedure", "end procedure", "complete",
               "procedure complete", "job done"),
    "over": ("start over", "start again", "start from the beginning", "start from the start", "begin again",
             "from the beginning", "from the start", "restart", "restart the procedure", "start it over",
             "start the procedure again", "start over again"),
    "ack": ("ok", "okay", "acknowledged", "acknowledge", "understood", "confirmed", "confirm", "got it",
            "i have read the warnings", "ive read the warnings", "warnings read",
            "roger", "yes", "yep", "ready", "start"),
}

# Said around a command without changing it. "okay" is one too ("okay next"), but alone it is "ack".
FILLERS = frozenset("""uh um umm uhm er erm ah ahh hmm mm so well okay ok alright right now please
    then thanks thank you and oh hey yeah just let's lets""".split()) | frozenset(
    # The end of the wake word "okay nabu", when the take after it starts a little early (ui/voice/wake.py's
    # PRE_ROLL_S), as Whisper writes it: "who what torque" on one machine's CPU, "nabu next step".
    "nabu naboo nabo boo who".split())

# Whisper's usual ways of mishearing a short command spoken alone, word -> what was meant.
MISHEARD = {
    "necks": "next", "neck": "next", "nex": "next", "nexts": "next", "nixed": "next", "next's": "next",
    "texts": "next", "nest": "next", "next.": "next",
    "bag": "back", "bak": "back", "backs": "back", "black": "back",
    "repeats": "repeat", "repeated": "repeat", "ripeat": "repeat", "rapid": "repeat",
    "reed": "read", "red": "read",
    "paws": "pause", "pours": "pause", "pauses": "pause", "paused": "pause", "pose": "pause",
    "resumed": "resume", "resumes": "resume", "rezoom": "resume",
    "dun": "done", "don": "done", "finnish": "finish", "finishes": "finish",
    "okey": "okay", "o.k": "ok", "k": "ok",
    "acknowledge.": "acknowledged", "acknowledgement": "acknowledged",
}

# What the speech decoder is primed with while procedure mode listens (instead of the library's
# terms): the commands themselves, so "go back" is not heard as "Go Mac".
VOCABULARY = ["next", "next step", "go back", "previous", "repeat", "say again", "read it", "pause",
              "hold on", "resume", "continue", "done", "finish", "okay", "acknowledged", "what torque",
              "which tool", "what size", "start over"]

# Questions: an opening word, then what it is about.
QUESTION_OPENERS = ("what", "whats", "which", "how much", "how tight", "how many", "tell me", "torque",
                    "tool", "tools", "size", "parts", "part")
TOPICS: dict[str, tuple[str, ...]] = {
    "torque": ("torque", "torques", "tight", "tighten", "tightening", "newton", "nm"),
    "tool": ("tool", "tools", "wrench", "spanner", "screwdriver", "socket", "key", "driver", "need"),
    "size": ("size", "sizes", "big", "diameter", "thread", "bit"),
    "part": ("part", "parts", "spare", "spares", "kit", "seal", "gasket", "replacement"),
}


@dataclass
class Command:
    kind: str  # one of KINDS
    said: str  # the transcript as heard
    topic: str | None = None  # for a question: torque | tool | size | part

    @property
    def is_command(self) -> bool:
        return self.kind != "unknown"


def normalise(text: str) -> list[str]:
    """The words of a transcript: lower case, accents and punctuation gone, mis-hearings fixed."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("\u2019", "")  # what's -> whats, I've -> ive
    words = re.findall(r"[a-z0-9]+", text)
    return [MISHEARD.get(w, w) for w in words]


_PHRASE_KIND = {p: kind for kind, phrases in PHRASES.items() for p in phrases}


def match(transcript: str, choosing: bool = False) -> Command:
    """The command a transcript is, or kind "unknown".

    Args:
        choosing: the screen asks whether to resume an unfinished run or start over: only then is
            "start over" a command (on a step it would throw away the run's place).
    """
    cmd = _match(transcript)
    if cmd.kind == "over" and not choosing:
        return Command("unknown", transcript)
    return cmd


def _match(transcript: str) -> Command:
    words = normalise(transcript)
    if not words:
        return Command("unknown", transcript)
    q = _question(words)
    if q:
        return Command("question", transcript, q)
    core = _strip_fillers(words)
    if not core:  # only fillers: "okay", "ok." are an acknowledgement; "uh" is nothing
        return Command("ack" if any(w in ("ok", "okay", "alright", "right", "yeah") for w in words) else "unknown",
                       transcript)
    phrase = " ".join(core)
    if phrase in _PHRASE_KIND:
        return Command(_PHRASE_KIND[phrase], transcript)
    # The same command said twice ("next, next") or with "step" after it ("repeat step").
    half = len(core) // 2
    if len(core) % 2 == 0 and core[:half] == core[half:] and " ".join(core[:half]) in _PHRASE_KIND:
        return Command(_PHRASE_KIND[" ".join(core[:half])], transcript)
    return Command("unknown", transcript)


def _strip_fillers(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start] in FILLERS:
        start += 1
    while end > start and words[end - 1] in FILLERS:
        end -= 1
    return words[start:end]


def _question(words: list[str]) -> str | None:
    """The topic of a question about the procedure ("what torque", "which tool do I need")."""
    core = _strip_fillers(words)
    if not core:
        return None
    text = " ".join(core)
    if not any(text == o or text.startswith(o + " ") for o in QUESTION_OPENERS):
        return None
    if len(core) > 12:  # a long sentence that starts with "what" is talk, not a quick question
        return None
    for w in core:  # the first word that names a topic: "what size socket" asks for a size
        for topic, keys in TOPICS.items():
            if w in keys:
                return topic
    return None


# -- answers ---------------------------------------------------------------------------------

_TORQUE = re.compile(
    r"\b\d+(?:[.,]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?\s*"
    r"(?:N\s*[·.\-]?\s*m|Nm|kgf\s*[·.\-]?\s*m|ft\s*[·.\-]?\s*lbs?|lbf?\s*[·.\-]?\s*ft|in\s*[·.\-]?\s*lbs?|"
    r"lbf?\s*[·.\-]?\s*in|daNm)\b", re.IGNORECASE)
_SIZE = re.compile(r"\b(?:\d+(?:[.,]\d+)?\s*mm|M\d+(?:x\d+(?:[.,]\d+)?)?|T\d{1,2}|\d+/\d+\s*(?:in|\"|inch))",
                   re.IGNORECASE)
_TOOL_WORDS = re.compile(r"\b(?:torque wrench|wrench|spanner|socket|screwdriver|hex key|allen key|pliers|"
                         r"puller|multimeter|feeler gauge|hammer|mallet|torx|bit)\b", re.IGNORECASE)


def answer(procedure: Procedure, step: int, topic: str) -> str:
    """What this procedure says about `topic` (torque, tool, size, part), the current step first
    (`step` is 1-based; 0 = before step 1). No model: only the procedure's lists and its steps' text."""
    steps = procedure.steps
    order = sorted(steps, key=lambda s: (s.n != step, abs(s.n - step)))  # this step, then the nearest
    found: list[str] = []

    def add(value: str, n: int | None) -> None:
        key = re.sub(r"\s+", "", value.lower())
        if any(re.sub(r"\s+", "", f.lower()).startswith(key) for f in found):
            return
        found.append(f"{value} (step {n})" if n else value)

    if topic == "torque":
        for s in order:
            for m in _TORQUE.finditer(s.text):
                add(m.group(0), s.n)
        for t in procedure.torques:
            add(t, None)
        label = "Torque"
    elif topic == "size":
        for s in order:
            for m in _SIZE.finditer(s.text):
                add(m.group(0), s.n)
        label = "Size"
    elif topic == "tool":
        listed = [t for t in procedure.tools]
        for s in order:
            for t in listed:
                if t.lower() in s.text.lower():
                    add(t, s.n)
            for m in _TOOL_WORDS.finditer(s.text):
                phrase = _tool_phrase(s.text, m)
                add(phrase, s.n)
        for t in listed:
            add(t, None)
        label = "Tools"
    elif topic == "part":
        for s in order:
            for p in procedure.parts:
                if p.lower() in s.text.lower():
                    add(p, s.n)
        for p in procedure.parts:
            add(p, None)
        label = "Parts"
    else:
        return "I can answer about torque, tools, sizes and parts."
    if not found:
        return f"This procedure does not say ({topic})."
    return f"{label}: " + "; ".join(found[:4])


def _tool_phrase(text: str, m: re.Match) -> str:
    """The tool word with the size in front of it, if any ("13 mm socket", "T25 bit")."""
    before = text[max(0, m.start() - 12):m.start()]
    size = _SIZE.search(before)
    return f"{size.group(0)} {m.group(0)}" if size and before.rstrip().endswith(size.group(0)) else m.group(0)
