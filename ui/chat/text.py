"""Answer and passage text as rich text: citation markers as links, query terms highlighted."""

from __future__ import annotations

import html
import re

from assistant.rag import markers
from assistant.rag.model_markdown import bold_spans, steps_on_lines


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """A pattern matching the query terms in running text, plural and verb endings included."""
    parts = []
    for t in sorted({t for t in terms if t}, key=len, reverse=True):
        stem = t[:-1] if len(t) > 4 and t.endswith("s") else t
        # Words: allow endings ("bolt" finds "bolts", "tighten" finds "tightened"); codes exactly.
        tail = r"\w{0,3}" if stem.isalpha() and len(stem) >= 4 else ""
        parts.append(re.escape(stem) + tail)
    if not parts:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def highlight(text: str, terms: list[str], mark: str, mark_text: str) -> str:
    """`text` as HTML with the query terms on a highlight background."""
    pat = term_pattern(terms)
    if pat is None:
        return _para(html.escape(text))
    out, pos = [], 0
    for m in pat.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        out.append(f'<span style="background-color:{mark}; color:{mark_text};">{html.escape(m.group(0))}</span>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return _para("".join(out))


def _para(escaped: str) -> str:
    return escaped.replace("\n", "<br>")


_LEAD = re.compile(r"^[ \t]+", re.MULTILINE)


def answer_html(text: str, n_sources: int, accent: str) -> str:
    """The answer with [n] markers as links (href "cite:n") to the cited passage, its numbered
    steps on lines of their own and its `**bold**` bold (the model writes Markdown)."""

    def link(m: re.Match) -> str:
        links = [
            f'<a href="cite:{n}" style="color:{accent}; text-decoration:none; font-weight:700;">[{n}]</a>'
            if 1 <= n <= n_sources else f"[{n}]"
            for n in markers.numbers(m)
        ]
        return "<sup>" + "".join(links) + "</sup>"

    escaped = bold_spans(html.escape(steps_on_lines(text)))
    # a nested list's lines keep their indent (rich text folds leading spaces away)
    escaped = _LEAD.sub(lambda m: "&nbsp;" * len(m.group().expandtabs(4)), escaped)
    return _para(markers.MARKER.sub(link, escaped))


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + " …"
