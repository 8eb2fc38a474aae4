"""Query expansion from the library's own words: pseudo-relevance feedback, RM3-style.

A technician's word is not always the manual's ("copper pours" where KiCad says "zones"). The
first pass (keyword, vector and page rankings fused) usually has a passage about the right thing
among its best few, even when not first: vector search finds paraphrases. The words those best
passages share, weighted by the passage's share of the first pass's score and by how rare the
word is in the library, are the manual's own words for the question; a second BM25 ranking of
the question plus those words then joins the fusion with a small weight (`search.PRF_WEIGHT`, off
for now: it did not win on every tuning set).

No model runs here: the feedback passages are already ranked, and the words' document counts
come from FTS5's own vocabulary (an `fts5vocab` table in the connection's temp schema, so no
migration and nothing stored).
"""

from __future__ import annotations

import math
import re
from collections import Counter

# The best of the settings tried on the tuning halves (bench/README.md, "Query expansion"); 2 or 4
# passages, 3 words, feedback from the best whole pages instead, or the expanded ranking replacing
# the keyword one gained nothing or lost questions.
FEEDBACK_PASSAGES = 3  # the first pass's best passages read for words
EXPANSION_TERMS = 6
MIN_PASSAGES = 2  # a word must be in at least this many feedback passages: shared, not incidental
MIN_LENGTH = 3
# A word in more than this share of all passages says nothing about any question ("the", "value").
MAX_DF_SHARE = 0.05

# Expand only when the question looks worded apart from the manual: "missing", some plain word of
# it is in no passage (it never fired on the independent set's tuning half); "coverage", the
# feedback passages hold less than COVERAGE of its plain words (kept the gain there, and dropped
# the Klipper loss of "always").
GATE = "coverage"  # "always" | "missing" | "coverage"
COVERAGE = 0.67

_WORD = re.compile(r"[^\W\d_]+")
_VOCAB = "temp.fa_chunks_vocab"


def _words(text: str) -> list[str]:
    """Lower-case alphabetic words as FTS5's unicode61 tokenizer cuts them (digits and
    underscores split tokens there too; identifiers stay the exact ranking's business)."""
    return [w for w in _WORD.findall(text.lower()) if len(w) >= MIN_LENGTH]


def _document_counts(db, words: list[str]) -> dict[str, int]:
    """How many passages hold each word, from FTS5's vocabulary of the chunk index."""
    if not words:
        return {}
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCAB} USING fts5vocab(main, chunks_fts, row)")
    marks = ",".join("?" * len(words))
    return {t: n for t, n in db.execute(f"SELECT term, doc FROM {_VOCAB} WHERE term IN ({marks})", words)}


def needed(db, feedback_texts: list[str], query_terms: list[str]) -> bool:
    """Whether the question looks worded apart from the library (see GATE)."""
    words = [t for t in query_terms if _WORD.fullmatch(t) and len(t) >= MIN_LENGTH]
    if GATE == "always" or not words:
        return GATE == "always"
    if GATE == "missing":
        df = _document_counts(db, words)
        return any(not df.get(w) for w in words)
    fb = set(_WORD.findall(" ".join(feedback_texts).lower()))
    return sum(w in fb for w in words) / len(words) < COVERAGE


def expansion_terms(db, feedback: list[tuple[str, float]], query_terms: list[str],
                    stopwords: frozenset[str] = frozenset(), n_terms: int | None = None) -> list[str]:
    """The library's words for a question, from its first pass's best passages.

    Args:
        feedback: (passage text, first-pass score) of the best passages, best first.
        query_terms: the question's own terms (never returned).
    Returns:
        Up to `n_terms` (default EXPANSION_TERMS) words, best first: each word's weight is the sum over feedback passages of
        its frequency in the passage times the passage's share of the feedback score (RM1), times
        its inverse document frequency in the whole library (the manual has no stop list).
    """
    total_score = sum(max(s, 0.0) for _, s in feedback) or 1.0
    weight: Counter[str] = Counter()
    seen_in: Counter[str] = Counter()
    own = set(query_terms)
    for text, score in feedback:
        words = [w for w in _words(text) if w not in stopwords and w not in own]
        if not words:
            continue
        share = max(score, 0.0) / total_score
        counts = Counter(words)
        for w, c in counts.items():
            weight[w] += share * c / len(words)
            seen_in[w] += 1
    candidates = [w for w in weight if seen_in[w] >= MIN_PASSAGES]
    if not candidates:
        return []
    n_passages = db.execute("SELECT count(*) FROM chunks").fetchone()[0] or 1
    df = _document_counts(db, candidates)
    scored = []
    for w in candidates:
        d = df.get(w, 0)
        if not d or d > MAX_DF_SHARE * n_passages and n_passages >= 1 / MAX_DF_SHARE:
            continue
        scored.append((weight[w] * math.log(1 + n_passages / d), w))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [w for _, w in scored[:n_terms or EXPANSION_TERMS]]
