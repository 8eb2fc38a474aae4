"""The chat model's Markdown, made readable where the answer is shown or read aloud.

The 0.5B writes numbered steps run together on one line ("... gasket [1]. 2. **Locate the seal
kit**: ...") and marks words bold with `**`. The answer card shows rich text and Read aloud
speaks plain text: the card needs each step on a line of its own and the bold as bold, speech
needs neither asterisks nor backticks read out. The model's text itself (`ask --json`) is kept
as it was written.
"""

from __future__ import annotations

import re

# A numbered item's mark ("2. ", "3) ") where a list item can start: at a line's start, indented
# or not (`lead`: a nested list's item), or after the end of a sentence, a citation mark or a colon
# (`on`). "Set P02 to 2. Then ..." has no such start.
_ITEM = re.compile(r"(?:(?<=\n)|^)(?P<lead>[ \t]*)(?P<n>\d{1,2})[.)][ \t]+(?=\S)"
                   r"|(?<=[.!?:\]])[ \t]+(?P<on>\d{1,2})[.)][ \t]+(?=\S)")
_INDENT = re.compile(r"[ \t]*")
_BOLD = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*")
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
# What speech must not say beyond `**bold**`: a bullet's mark ("* Check the seal") and emphasis by one
# or three asterisks ("*Note*", "***Warning***"); not a product's "P06*P05" or "2 * 3".
_BULLET = re.compile(r"^[ \t]*[*+-][ \t]+", re.MULTILINE)
_EMPHASIS = re.compile(r"(?<![\w*])\*{1,3}(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*{1,3}(?![\w*])")


def steps_on_lines(text: str) -> str:
    """`text` with numbered items that run on after a sentence each put on a line of their own.

    An item counts only in sequence: "1." starts a list, and "N." continues it when "N-1." came
    just before, so a lone "2." after a sentence ("... see section 4. 2 pumps ...") stays where
    it is. Each indent keeps its own sequence, and a run-on item goes on a line indented as the line
    it ran on: a nested list's "   1. Loosen the cap. 2. Turn it." is its steps 1 and 2, not the
    outer list's step 2."""
    out, pos = [], 0
    last: dict[str, int] = {}  # indent -> the number of the last item at it
    indent, read = _INDENT.match(text).group(), 0  # the indent of the line being read; read up to
    for m in _ITEM.finditer(text):
        if (nl := text.rfind("\n", read, m.start())) >= 0:
            indent = _INDENT.match(text, nl + 1).group()
        read = m.start()
        if m.group("n") is not None:  # an item on a line of its own: it is where its list is
            last[indent] = int(m.group("n"))
            continue
        n = int(m.group("on"))
        if n != 1 and n != last.get(indent, 0) + 1:
            continue
        last[indent] = n
        out.append(text[pos:m.start()])
        out.append("\n" + indent)
        pos = m.start("on")
    out.append(text[pos:])
    return "".join(out)


def bold_spans(escaped: str, open_tag: str = "<b>", close_tag: str = "</b>") -> str:
    """HTML-escaped text with its `**bold**` and `code` spans as tags (an unclosed `**` while
    the answer streams in stays as it is)."""
    escaped = _BOLD.sub(lambda m: f"{open_tag}{m.group(1)}{close_tag}", escaped)
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped)


def unmarked(text: str) -> str:
    """`text` without Markdown's marks: what is read aloud ("Identify the part number", not
    "asterisk asterisk Identify"; "Check the seal", not "asterisk Check the seal")."""
    text = _BULLET.sub("", _HEADING.sub("", text))
    text = _EMPHASIS.sub(lambda m: m.group(1), text)
    text = re.sub(r"\*{2,}", "", text)  # one left unclosed (an answer cut at its token limit)
    return _CODE.sub(lambda m: m.group(1), text)


# A citation mark as the answer writes it ("[2]", "[1, 3]", "[1; 3]", "[1-3]"), with the space before it.
_SPOKEN_MARK = re.compile(r"\s*\[\d+(?:\s*[,;-]\s*\d+)*\]")


def spoken(text: str) -> str:
    """The answer as Read aloud says it: no citation marks (`markers.MARKER`'s forms and ranges)
    and no Markdown marks, and each line a sentence of its own: a step or heading without a full
    stop ("1. Close the suction valve" / "2. Open the vent plug") would run on into the next."""
    lines = [ln.strip() for ln in unmarked(_SPOKEN_MARK.sub("", text)).splitlines()]
    return " ".join(ln if ln[-1] in ".!?:;," else ln + "." for ln in lines if ln)
