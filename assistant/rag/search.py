"""Keyword (FTS5 BM25) and vector (sqlite-vec) search over chunks, fused by reciprocal rank fusion.

Keyword search is what finds exact tokens (part numbers, error codes, config keys, values with
units) that an embedding blurs; vector search finds paraphrases. RRF needs no score calibration
between the two, which is why it is used rather than a weighted sum of raw scores.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field

import numpy as np

from ..embedding import Embedder
from ..library import pages
from ..library.spoken_numbers import spoken_codes

log = logging.getLogger(__name__)

RRF_K = 20
CANDIDATES = 50  # per retriever, before fusion
EXACT_WEIGHT = 2.0
# Keyword evidence counts double: on the E-Manual and Klipper sets (bench/retrieval_quality.py)
# equal weights let the weaker vector ranking pull good BM25 hits down; 2.0 with k=20 was the
# best of a small sweep (k in {20, 60} x weight in {1, 1.5, 2}).
KEYWORD_WEIGHT = 2.0
VECTOR_WEIGHT = 1.0
# The coarse grain: BM25 over whole pages (a PDF page, or a section elsewhere) lifts every
# candidate passage on the best pages (`_page_boost`). Chosen on the tuning halves of the
# Debian, E-Manual and Klipper sets (bench/README.md, "Retrieval on manuals never tuned on").
PAGE_WEIGHT = 2.0
PAGE_CANDIDATES = 20
# A word of the question that names a manual ("avrdude", "ngspice") scopes the search to it when
# most of the passages using the word are in that manual, so "configuration" in a file name
# such as configuration-guide.html does not scope anything.
NAME_SHARE = 0.5
# A search limited to some manuals (`only`) takes its vector candidates among this many times more
# nearest chunks of the whole library, then drops those of other manuals.
ONLY_FACTOR = 8

STOPWORDS = frozenset(
    """a an and are as at be by can do does for from how i if in is it its my of on or should
    that the their then there these this to was what when where which who why will with you your
    me we our us i'm it's don't does not no yes""".split()
)
# A code written with a space ("E 47"). "a" and "i" are words ("a 5 mm gap"): of those only a
# capital inside a sentence ("shows A 41"). "x 2" is a product, "F 1.5" a value.
_SPACED_CODE = re.compile(r"(?<![\w\-./])([b-hj-wyzB-HJ-WYZ]|(?<=\w )[AI]) (\d{1,4})(?!\w|[.,]\d)")
_TOKEN = re.compile(r"\w(?:[\w\-./:+]*\w)?")


@dataclass
class Passage:
    chunk_id: int
    manual: str
    path: str
    page: int | None
    section: str
    text: str
    score: float
    kind: str = "text"
    safety: str | None = None
    manual_id: int = 0
    ord: int = 0
    char_start: int = 0
    char_end: int = 0
    keyword_rank: int | None = None
    vector_rank: int | None = None
    similarity: float | None = None  # cosine similarity to the query, when vector search saw it
    ocr: bool = False  # read by OCR from a page image: the technician should check the picture
    ocr_confidence: float | None = None
    revision: str | None = None  # a depot manual's revision (issue 15); None for a local manual
    depot_id: str | None = None

    def to_json(self, rank: int) -> dict:
        d = asdict(self)
        d["rank"] = rank
        return d


@dataclass
class SearchResult:
    passages: list[Passage]
    best_similarity: float = 0.0  # highest query/chunk cosine seen by vector search
    keyword_hits: int = 0
    specific_hit: bool = False  # a keyword hit on a token with digits (part number, code, value)
    query_tokens: list[str] = field(default_factory=list)
    vector_used: bool = False  # False: no embedder (the model is missing), keyword search only
    keyword_coverage: float = 0.0  # the most of the query's terms one keyword-matched passage holds
    qvec: np.ndarray | None = None  # the query's embedding, for the spec-row search to reuse
    # The query's identifiers that name what a manual is about (`_everywhere`: "PC-2"), not a part
    # or code: the direct answer weighs them as words.
    common: frozenset[str] = frozenset()
    # The manuals the query names (a model number, a word most of whose passages are in one manual).
    scope: frozenset[int] = frozenset()


def query_terms(query: str) -> list[str]:
    """Search terms: words and compound tokens such as 55-0192-B, max_velocity, 230V, E47."""
    terms = []
    for tok in _TOKEN.findall(joined_codes(query).lower()):
        if tok in STOPWORDS or (len(tok) == 1 and not tok.isdigit()):
            continue
        if tok not in terms:
            terms.append(tok)
    return terms


def joined_codes(text: str) -> str:
    """`text` with a code written with a space ("E 47", "F 1": typed so, or as speech-to-text
    writes it) as one token ("E47"): a lone letter is no search term, so "E 47" found every "47".
    A code said in words ("e zero four", "alarm a twenty three") is written as one too."""
    return _SPACED_CODE.sub(r"\1\2", spoken_codes(text))


def fts_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression: each term as a quoted phrase (so '55-0192-B' matches its
    sub-tokens in order and no user text is parsed as FTS syntax), OR-ed for BM25 ranking."""
    phrases = []
    for t in terms:
        parts = [p for p in re.split(r"[^\w]+", t) if p]
        if parts:
            phrase = '"' + " ".join(parts).replace('"', "") + '"'
            other = code_spelling(t)
            phrases.append(f'({phrase} OR "{other}")' if other else phrase)
    return " OR ".join(phrases)


# A fault code or model number: letters, then digits, a hyphen or space between them or not
# ("E12", "E-12", "RTU-45"); the direct answer reads each spelling as one word (`direct._stem`).
CODE = re.compile(r"([a-z]{1,4})([-\s]?)(\d{1,5})", re.IGNORECASE)


def code_spelling(term: str) -> str | None:
    """A fault code or model number written the other way: "e-12" for "e12" and "e 12" for
    "e-12". A technician types "E-12" for the display's "E12" (and the reverse); the index holds
    "E12" as one token and "E-12" as two, so one spelling never finds the other."""
    m = CODE.fullmatch(term)
    if not m:
        return None
    letters, sep, digits = m.groups()
    return f"{letters} {digits}" if not sep else f"{letters}{digits}"


def _only(column: str, only: set[int] | None) -> tuple[str, list[int]]:
    """The SQL condition keeping chunks of the manuals in `only` (None: every manual)."""
    if only is None:
        return "", []
    return f" AND {column} IN (SELECT id FROM chunks WHERE manual_id IN ({','.join('?' * len(only))}))", sorted(only)


def _bm25(db, expr: str, limit: int, only: set[int] | None = None) -> list[tuple[int, float]]:
    """(chunk id, BM25 score, higher is better) for an FTS5 expression; the heading path counts 0.6.
    `only`: the ids of the manuals to search (a job's asset, `assistant.fleet.jobs`), None = all."""
    if not expr or (only is not None and not only):
        return []
    cond, ids = _only("rowid", only)
    rows = db.execute(
        "SELECT rowid, bm25(chunks_fts, 1.0, 0.6) AS s FROM chunks_fts WHERE chunks_fts MATCH ?"
        f"{cond} ORDER BY s LIMIT ?",
        (expr, *ids, limit),
    ).fetchall()
    return [(r[0], -r[1]) for r in rows]


def keyword(db, query: str, limit: int = CANDIDATES, only: set[int] | None = None) -> list[tuple[int, float]]:
    return _bm25(db, fts_query(query_terms(query)), limit, only)


def is_identifier(term: str) -> bool:
    """Part numbers, codes, values and config keys: tokens an embedding blurs but a user means exactly.

    Letters mixed with digits (E47, M12, 230v), digits with separators (55-0192-b, 0.4) or
    config keys (max_velocity). A bare short number ("8") is not: it is in half of any manual.
    """
    if "_" in term:
        return True
    if not any(ch.isdigit() for ch in term):
        return False
    has_alpha = any(ch.isalpha() for ch in term)
    has_sep = any(ch in "-./:+" for ch in term)
    return has_alpha or (has_sep and len(term) >= 3) or len(term) >= 4


def exact(db, terms: list[str], limit: int = CANDIDATES, only: set[int] | None = None) -> list[tuple[int, float]]:
    """Chunks containing every identifier of the query (as a phrase), best BM25 first."""
    return _bm25(db, " AND ".join(fts_query([t]) for t in terms if is_identifier(t)), limit, only)


# An identifier in this share of its manual's passages or more names what the manual is about (the
# demo pump's controller "PC-2": 16 of its 46 passages), not one part or code: exact-match ranking
# on it lifted every passage naming the controller over the one that answers ("How do I set the
# pressure set point on the PC-2?": the settings table, which does not repeat the name, fell to 12th).
EVERYWHERE_SHARE = 0.25


def _everywhere(db, term: str) -> bool:
    """Whether `term` is in EVERYWHERE_SHARE or more of the passages of the manuals that hold it."""
    expr = fts_query([term])
    if not expr:
        return False
    row = db.execute(
        "WITH hit AS (SELECT c.manual_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid"
        " WHERE chunks_fts MATCH ?)"
        " SELECT (SELECT count(*) FROM hit), (SELECT count(*) FROM chunks WHERE manual_id IN (SELECT manual_id FROM hit))",
        (expr,)).fetchone()
    return bool(row[1]) and row[0] >= 3 and row[0] / row[1] >= EVERYWHERE_SHARE


def scoped_manuals(db, idents: list[str]) -> dict[str, set[int]]:
    """Identifiers that appear in a manual's title or file name, with the ids of those manuals."""
    if not idents:
        return {}
    manuals = db.execute("SELECT id, title, path FROM manuals").fetchall()
    out: dict[str, set[int]] = {}
    for t in idents:
        ids = _manuals_named(manuals, t)
        if ids:
            out[t] = ids
    return out


def _manuals_named(manuals, term: str) -> set[int]:
    """Ids of the manuals whose title or file name holds `term` as a whole token (its parts in
    order, any separators between: "HX-400" matches "hx400" and "HX 400")."""
    parts = [p for p in re.split(r"[^\w]+", term) if p]
    pat = re.compile(r"(?<![a-z0-9])" + r"[\W_]*".join(map(re.escape, parts)) + r"(?![a-z0-9])", re.I)
    return {m["id"] for m in manuals if pat.search(m["title"]) or pat.search(m["path"].rsplit("/", 1)[-1])}


def named_manuals(db, terms: list[str]) -> dict[str, set[int]]:
    """Plain words of the question that name a manual (title or file name), with its ids.

    Identifiers (HX-400) are handled by `scoped_manuals`; this is for names without digits. A
    word counts only when the library holds other manuals and at least NAME_SHARE of the
    passages containing it belong to the named ones: a name, not a word of the trade.
    """
    words = [t for t in terms if t.isalpha() and len(t) >= 3 and not is_identifier(t)]
    if not words:
        return {}
    manuals = db.execute("SELECT id, title, path FROM manuals").fetchall()
    if len(manuals) < 2:
        return {}
    out: dict[str, set[int]] = {}
    for t in words:
        ids = _manuals_named(manuals, t)
        if not ids or len(ids) == len(manuals):
            continue
        counts = db.execute(
            "SELECT c.manual_id, count(*) FROM chunks_fts f JOIN chunks c ON c.id = f.rowid"
            " WHERE chunks_fts MATCH ? GROUP BY c.manual_id",
            (fts_query([t]),),
        ).fetchall()
        total = sum(n for _, n in counts)
        if total and sum(n for mid, n in counts if mid in ids) / total >= NAME_SHARE:
            out[t] = ids
    return out


def pages_keyword(db, expr: str, limit: int = PAGE_CANDIDATES, only: set[int] | None = None) -> list[tuple[tuple, float]]:
    """((manual id, page, section), BM25) of the best whole pages for an FTS5 expression."""
    if not expr or (only is not None and not only):
        return []
    cond = f" AND p.manual_id IN ({','.join('?' * len(only))})" if only is not None else ""
    rows = db.execute(
        "SELECT p.manual_id, p.page, p.section, bm25(page_texts_fts) AS s FROM page_texts_fts"
        f" JOIN page_texts p ON p.id = page_texts_fts.rowid WHERE page_texts_fts MATCH ?{cond} ORDER BY s LIMIT ?",
        (expr, *sorted(only or ()), limit),
    ).fetchall()
    return [(page_key(r[0], r[1], r[2]), -r[3]) for r in rows]


def _page_boost(ranked: list[tuple[tuple, float]]) -> dict[tuple, float]:
    """What each of the best pages adds to its passages: up to PAGE_WEIGHT / (RRF_K + 1), in
    proportion to the page's BM25 over the best page's. By score, not rank: the rank of a page
    among pages that all hold the words says little, the gap in their scores says more (on the
    tuning halves rank-based boosts gained MRR 0.815 -> 0.830, score-based 0.832 and Recall@5
    0.925 -> 0.942)."""
    if not ranked:
        return {}
    best = ranked[0][1] or 1.0
    return {k: PAGE_WEIGHT * (score / best) / (RRF_K + 1) for k, score in ranked}


def page_key(manual_id: int, page: int | None, section: str) -> tuple:
    """The page a passage belongs to: its PDF page, else its section (assistant.library.pages)."""
    return (manual_id, *pages.key(page, section))


def vector(db, qvec: np.ndarray, limit: int = CANDIDATES, only: set[int] | None = None) -> list[tuple[int, float]]:
    """Nearest chunks by cosine; returns (chunk id, similarity).

    `only` (manual ids): vec0 has no manual column to filter the KNN on, so the k nearest are taken
    among more candidates (ONLY_FACTOR x) and those of other manuals dropped afterwards.
    """
    if only is not None and not only:
        return []
    k = limit * ONLY_FACTOR if only is not None else limit
    qb = np.asarray(qvec, dtype=np.float32).tobytes()
    rows = db.execute("SELECT rowid, distance FROM chunks_vec WHERE embedding MATCH ? AND k = ?", (qb, k)).fetchall()
    if only is not None and rows:
        ids = [r[0] for r in rows]
        keep = {r[0] for r in db.execute(
            f"SELECT id FROM chunks WHERE id IN ({','.join('?' * len(ids))}) AND manual_id IN ({','.join('?' * len(only))})",
            (*ids, *sorted(only)))}
        rows = [r for r in rows if r[0] in keep][:limit]
    return [(r[0], 1.0 - r[1]) for r in rows]


def _load(db, ids: list[int]) -> dict:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        f"SELECT c.id, c.manual_id, c.ord, c.page, c.section, c.kind, c.text, c.char_start, c.char_end,"
        f" c.safety, c.ocr, c.ocr_confidence, m.title, m.path, m.revision, m.depot_id FROM chunks c JOIN manuals m ON m.id = c.manual_id WHERE c.id IN ({marks})",
        ids,
    ).fetchall()
    return {r["id"]: r for r in rows}


def _passage(r, score: float) -> Passage:
    return Passage(
        chunk_id=r["id"], manual=r["title"], path=r["path"], page=r["page"], section=r["section"],
        text=r["text"], score=round(score, 6), kind=r["kind"], safety=r["safety"], manual_id=r["manual_id"],
        ord=r["ord"], char_start=r["char_start"], char_end=r["char_end"],
        ocr=bool(r["ocr"]), ocr_confidence=None if r["ocr_confidence"] is None else round(r["ocr_confidence"], 3),
        revision=r["revision"], depot_id=r["depot_id"],
    )


def _boosts(db, fused: dict[int, float], in_scope: set[int], page_boost: dict[tuple, float]) -> dict[int, float]:
    """What a named manual and the best pages add to each candidate passage."""
    if not (in_scope or page_boost) or not fused:
        return {}
    out: dict[int, float] = {}
    marks = ",".join("?" * len(fused))
    for cid, mid, page, section in db.execute(
            f"SELECT id, manual_id, page, section FROM chunks WHERE id IN ({marks})", list(fused)):
        b = (1.0 / (RRF_K + 1) if mid in in_scope else 0.0) + page_boost.get(page_key(mid, page, section), 0.0)
        if b:
            out[cid] = b
    return out


def search(db, embedder: Embedder | None, query: str, k: int = 5, mode: str = "hybrid",
           only: set[int] | None = None) -> SearchResult:
    """Rank chunks for `query`.

    Args:
        mode: "hybrid" (RRF of both), "bm25" or "vector". Without an embedder only BM25 runs.
        only: search these manuals (ids) alone: the current job's asset (`assistant.fleet.jobs`).
    Returns:
        SearchResult with the top `k` passages and the signals used to decide abstention.
    """
    terms = query_terms(query)
    kw = keyword(db, query, only=only) if mode in ("hybrid", "bm25") else []
    vec: list[tuple[int, float]] = []
    qvec = None
    if mode in ("hybrid", "vector") and embedder is not None:
        qvec = embedder.embed([query])[0]
        vec = vector(db, qvec, only=only)
    # Identifiers that name a manual (a model number such as HX-400) scope the search to that
    # manual; the others (part numbers, codes) get a third ranking of chunks holding them exactly,
    # weighted up: without it RRF lets a near-duplicate passage with the wrong part number win.
    idents = [t for t in terms if is_identifier(t)]
    scope = scoped_manuals(db, idents) if mode == "hybrid" else {}
    if mode == "hybrid":
        scope.update(named_manuals(db, terms))
    common = frozenset(t for t in idents if t not in scope and _everywhere(db, t)) if mode == "hybrid" else frozenset()
    ex = exact(db, [t for t in idents if t not in scope and t not in common], only=only) if mode == "hybrid" else []
    fused: dict[int, float] = {}
    for ranking, weight in ((kw, KEYWORD_WEIGHT), (vec, VECTOR_WEIGHT), (ex, EXACT_WEIGHT)):
        for rank, (cid, _) in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + weight / (RRF_K + rank + 1)
    page_boost = _page_boost(pages_keyword(db, fts_query(terms), only=only)) if mode == "hybrid" and PAGE_WEIGHT else {}
    in_scope = set().union(*scope.values()) if scope else set()
    boosts = _boosts(db, fused, in_scope, page_boost)
    for cid, b in boosts.items():
        fused[cid] += b
    order = sorted(fused, key=lambda c: -fused[c])[:k]
    rows = _load(db, order)
    kw_rank = {cid: i + 1 for i, (cid, _) in enumerate(kw)}
    vec_rank = {cid: i + 1 for i, (cid, _) in enumerate(vec)}
    sims = dict(vec)
    passages = []
    for cid in order:
        if cid not in rows:
            continue
        p = _passage(rows[cid], fused[cid])
        p.keyword_rank, p.vector_rank = kw_rank.get(cid), vec_rank.get(cid)
        p.similarity = round(sims[cid], 4) if cid in sims else None
        passages.append(p)
    specific = [t for t in terms if is_identifier(t)]
    specific_hit = bool(specific) and any(
        all(part in p.text.lower() for part in re.split(r"[^\w]+", t) if part) for t in specific for p in passages
    )
    coverage = max((sum(t in p.text.lower() for t in terms) / len(terms) for p in passages if p.keyword_rank),
                   default=0.0) if terms else 0.0
    return SearchResult(
        passages=passages,
        best_similarity=max((s for _, s in vec), default=0.0),
        keyword_hits=len(kw),
        specific_hit=specific_hit,
        query_tokens=terms,
        vector_used=embedder is not None and mode in ("hybrid", "vector"),
        keyword_coverage=round(coverage, 3),
        qvec=qvec,
        common=common,
        scope=frozenset(in_scope),
    )


def neighbours(db, passage: Passage, radius: int = 2) -> list[Passage]:
    """Chunks of the same manual within `radius` positions of `passage` (same page or section)."""
    rows = db.execute(
        "SELECT c.id, c.manual_id, c.ord, c.page, c.section, c.kind, c.text, c.char_start, c.char_end,"
        " c.safety, c.ocr, c.ocr_confidence, m.title, m.path, m.revision, m.depot_id FROM chunks c JOIN manuals m ON m.id = c.manual_id"
        " WHERE c.manual_id = ? AND c.ord BETWEEN ? AND ? ORDER BY c.ord",
        (passage.manual_id, passage.ord - radius, passage.ord + radius),
    ).fetchall()
    return [_passage(r, 0.0) for r in rows]


def section_neighbours(db, passages: list[Passage]) -> list[Passage]:
    """The chunks right before and after each of `passages` in its section (same manual, same
    section, `ord` one apart), not among `passages`: where an answer goes on past the chunker's cut
    (`direct.find`'s `around`). One indexed lookup per passage."""
    have = {p.chunk_id for p in passages}
    out: list[Passage] = []
    for p in passages:
        for q in neighbours(db, p, radius=1):
            if q.chunk_id not in have and q.section == p.section and q.ord != p.ord:
                have.add(q.chunk_id)
                out.append(q)
    return out
