"""Word error rate: how far a transcript is from what was said, in words.

The speech self-check (`doctor`) and the tests judge a transcript by it rather than by single
words: a model may mishear one word ("bump" for "pump") on one CPU's kernels and not another's,
while a broken audio path (no samples reaching the decoder, a wrong sample rate) ruins most words.
"""

from __future__ import annotations

import re


def words(text: str) -> list[str]:
    """Lower-case words and numbers, punctuation dropped ("P-77, bolts." -> p 77 bolts)."""
    return re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("-", " ")).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / words in `reference`, by word-level edit distance.

    1.0 for an empty hypothesis; may exceed 1.0 when the hypothesis adds many words.
    """
    ref, hyp = words(reference), words(hypothesis)
    if not ref:
        return 0.0 if not hyp else float(len(hyp))
    return edits(ref, hyp) / len(ref)


def edits(ref: list[str], hyp: list[str]) -> int:
    """Word-level Levenshtein distance between two word lists."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return prev[-1]
