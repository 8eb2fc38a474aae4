"""The library's vocabulary as the decoder's prompt: the terms Whisper should spell as the manuals do."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

# The decoder's context for earlier text is 223 tokens. A plain list of ~150 tokens biased best in our
# measurements (bench/stt_bias.py); 60-100 helped less, 200 leaked codes into tiny.en's transcripts,
# and a "Glossary:" label made ordinary speech come out worse ("lowercase" for "lower case").
PROMPT_MAX_TOKENS = 150
SAME_SHAPE_MAX = 2  # A11, A12, A13…: two examples teach the shape of a series
KIND_MIX = ("code", "word", "acronym", "code", "word")  # turns the kinds take in a prompt


def _shape(term: str) -> str:
    """A11 and E07 -> "A00"; SK-200-45B -> "AA-000-00A": codes of one shape form a series."""
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "0", term))


def _interleave(terms: Iterable) -> Iterator[tuple[str, str | None]]:
    """(text, kind) with the kinds mixed as KIND_MIX says; plain strings first, in their order."""
    queues: dict[str | None, list[str]] = {}
    for t in terms:
        text, kind = (t, None) if isinstance(t, str) else (t.text, t.kind)
        queues.setdefault(kind, []).append(text)
    yield from ((text, None) for text in queues.pop(None, []))
    iters = {k: iter(v) for k, v in queues.items()}
    while iters:
        for kind in KIND_MIX + tuple(k for k in iters if k not in KIND_MIX):
            if kind in iters:
                text = next(iters[kind], None)
                if text is None:
                    del iters[kind]
                else:
                    yield text, kind


def build_prompt(terms: Iterable, count_tokens, max_tokens: int | None = None) -> str | None:
    """A short list of the library's terms for the decoder's prompt, within `max_tokens`.

    Codes, words and acronyms take turns (the most frequent of each first), so part numbers do not
    crowd out names like "upsmon". A word is used only when Whisper's tokenizer splits it (a
    one-token word such as "pump" is something Whisper spells right anyway), and of a series of
    codes of one shape (A11, A12, ...) a couple of examples are enough.

    Args:
        terms: best first; `Term`s from `assistant.library.terms`, or plain strings (used first).
        count_tokens: the speech model's token counter.
    """
    max_tokens = max_tokens or PROMPT_MAX_TOKENS
    chosen: list[str] = []
    shapes: Counter[str] = Counter()
    used = 0
    for text, kind in _interleave(terms):
        n = count_tokens(" " + text)
        if kind == "word" and n < 2:
            continue
        if kind == "code":
            if shapes[_shape(text)] >= SAME_SHAPE_MAX:
                continue
            shapes[_shape(text)] += 1
        if used + n + 1 > max_tokens:  # + 1: the comma
            if used + 3 > max_tokens:
                break
            continue
        chosen.append(text)
        used += n + 1
    return ", ".join(chosen) + "." if chosen else None

