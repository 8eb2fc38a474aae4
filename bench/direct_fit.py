"""Weights for the direct answer's score fitted to the tuning halves, checked set by set.

    .venv/bin/python bench/direct_fit.py [DEVDATA] --home DIR [--cache FILE] [--rebuild]
        [--sets S10,TV,Klipper,Debian] [--lambdas 0.01,0.1,1,10] [--objective loglik,expected]
        [--features "existing features,all features,all and relative features"] [--keyword-only]
        [--show-weights]

`direct.pick` scores each candidate unit by hand-set weights (`direct.hand_score`: cover,
similarity, rank, run length, a value when one is wanted, a short line, an instruction for a
why/what-is question) and shows the best above a floor. This asks whether weights fitted to the
tuning data carry to new manuals better. DIR holds the libraries `direct_answer.py --home DIR` built.

For each tuning-half question the app's retrieval runs once (bench/direct_answer.py's `questions`
and `run`: `answer.retrieve`, the spec row, the chunks beside), then `direct.candidates` as
`answer.direct_answer` calls it. Every candidate is labelled right or wrong by the bench's own rule
(`direct_answer.is_right`) applied to the text `pick` would show for it (`direct.shown`: the value
after it, the steps before it, the remedy, the navigation line). Each candidate's features
(`FEATURES`: the ones `pick` weighs; a few general ones: the piece's kind, the first unit of its
passage, the heading's share of the question, a remedy after it, a value, an instruction, its
length; and, computed at load, two relative to the question's other units: the most cover, the
highest similarity) and label are cached (`--cache`, default DIR/direct_fit.pkl), so a refit takes
seconds; it is built again when `direct`, `answer`, `navigation` or the two bench scripts change,
or with `--rebuild` (after a change to the library).

The fit is a conditional logit over each question's candidates (`loglik`): maximise, over the
questions, log P(a right candidate) under a softmax of w . x, minus lambda |w|^2 (w on features
scaled by their standard deviation over the training candidates), numpy only (gradient ascent
with backtracking). `expected` then goes on from there to maximise sum P(right) - lambda |w|^2,
the expected number of right answers under the softmax, which is closer to what is counted: a
question whose right lines are far down weighs at most one. The floor is then chosen as the hand
floor was (`direct_answer.py --grid`): the most right answers on the training questions, ties to the
highest floor. Picking keeps the app's structure (`direct.choose`: a line beside wins only with as
much cover and more similarity; the floor).

Figures: right answers of the answerable questions (and shown, and right with no floor) for the
hand weights (chosen by reading all four sets' misses, so advantaged here); for the hand weights'
own form with `direct_answer.py --grid`'s point chosen on three sets and scored on the fourth; and,
leave-one-set-out (fit on three sets, score the fourth, summed over the four folds) and in-sample
(fit and score on all four), for the fitted weights at each lambda, objective and feature set.
`--keyword-only` adds the same without the embedding model (similarity 0, as `candidates` leaves it).
Only the tuning halves are read: the report half is not for choosing.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import math
import pickle
import sys
from pathlib import Path

import numpy as np
from _common import DEFAULT_DEVDATA, banner, half_of, load_embedder, table, temp_home
from direct_answer import is_right, questions, run

from assistant.rag import direct
from assistant.settings import Settings

# name, and whether `pick` already weighs it (the hand weights' features)
FEATURES: list[tuple[str, bool]] = [
    ("cover", True), ("similarity", True), ("rank", True), ("run", True), ("value_wanted", True),
    ("short", True), ("explain_instruction", True), ("beside", True),
    ("row", False), ("item", False), ("excerpt", False), ("first", False), ("heading_cover", False),
    ("remedy", False), ("has_value", False), ("instruction", False), ("log_terms", False),
    # relative to the question's other candidates (`relative`), not in the cache
    ("most_cover", False), ("most_similar", False),
]
EXISTING = [i for i, (_, old) in enumerate(FEATURES) if old]
ALL = list(range(len(FEATURES) - 2))
RELATIVE = list(range(len(FEATURES)))
SIMILARITY = [1, len(FEATURES) - 1]  # what is 0 (or the same for all) without the embedding model
ROOT = Path(__file__).resolve().parents[1]
SETS = ("E-Manual S10", "E-Manual TV", "Klipper FAQ", "Debian")


def features(question: str, c: direct.Candidate) -> list[float]:
    """The candidate's features, in `FEATURES` order."""
    wants_value = bool(direct._WANTS_VALUE.search(question))
    explain = direct._wants_explanation(question)
    instruction = direct._is_instruction(c.text)
    kind = c.ps[c.start].kind if c.ps else "sentence"
    q_terms = direct._terms(question)
    heading = direct._terms(c.passage.section.split(" > ")[-1])
    return [
        c.cover, c.similarity, float(c.rank), float(c.length - 1), float(wants_value and c.has_value),
        float(c.n_terms < direct.SHORT_TERMS and not c.has_value), float(explain and instruction), float(c.beside),
        float(kind == "row"), float(kind == "item"), float(kind == "excerpt"), float(c.start == 0),
        len(q_terms & heading) / max(1, len(q_terms)), float(c.remedy is not None), float(c.has_value),
        float(instruction), math.log1p(c.n_terms) / 3,
    ]


def relative(q: dict) -> None:
    """Adds the relative features to a cached question: the unit holds the most of the question
    (the highest cover of the retrieved units), reads the closest to it (the highest similarity);
    and what `chosen` hands `direct.choose`."""
    x = q["X"][:, :len(FEATURES) - 2]
    ret = ~q["beside"]
    top_cover = q["cover"][ret].max() if ret.any() else 1.0
    top_sim = q["sim"][ret].max() if ret.any() else 1.0
    both = list(zip(q["beside"].tolist(), q["cover"].tolist(), q["sim"].tolist(), strict=True))
    q["gate"] = [_Gate(i, b, c, v) for i, (b, c, v) in enumerate(both)]
    q["gate_kw"] = [_Gate(i, b, c, 0.0) for i, (b, c, _) in enumerate(both)]
    q["X"] = np.column_stack([x, q["cover"] >= top_cover - 1e-9, q["sim"] >= top_sim - 1e-9]).astype(np.float64)


def build(rows: list[dict]) -> list[dict]:
    """Per question: its candidates' features, labels and what `direct.choose` reads (beside,
    cover, similarity), the hand weights' scores (with and without the embedding model), or, when
    `find` does not run (a spec row answers, or retrieval found nothing relevant), that fixed outcome."""
    out = []
    for r in rows:
        if not r["answerable"]:
            continue
        q = {"set": r["set"], "qid": r["qid"], "q": r["q"], "fixed": None}
        cands = direct.candidates(r["q"], r["passages"], EMBEDDER, r["qvec"], r["around"]) \
            if r["relevant_q"] and r["spec"] is None else []
        if not cands:
            q["fixed"] = bool(r["spec"] is not None and is_right(r["spec"].text, r["keys"], r["facts"], r["literal"]))
            q["fixed_shown"] = r["spec"] is not None
            out.append(q)
            continue
        wants_value = bool(direct._WANTS_VALUE.search(r["q"]))
        explain = direct._wants_explanation(r["q"])
        q["X"] = np.array([features(r["q"], c) for c in cands], dtype=np.float64)
        q["y"] = np.array([is_right(direct.shown(r["q"], c), r["keys"], r["facts"], r["literal"]) for c in cands])
        q["beside"] = np.array([c.beside for c in cands])
        q["cover"] = np.array([c.cover for c in cands])
        q["sim"] = np.array([c.similarity for c in cands])
        q["hand"] = np.array([direct.hand_score(c, wants_value, explain, True) for c in cands])
        # Keyword-only, `candidates` leaves every similarity at 0: the same here.
        q["hand_kw"] = np.array([direct.hand_score(dataclasses.replace(c, similarity=0.0), wants_value, explain, False)
                                 for c in cands])
        q["text"] = [c.text for c in cands]
        out.append(q)
    return out


EMBEDDER = None


@dataclasses.dataclass
class _Gate:
    """What `direct.choose` reads of a candidate, and its index."""

    i: int
    beside: bool
    cover: float
    similarity: float


def chosen(q: dict, s: np.ndarray, floor: float, keyword_only: bool = False) -> int | None:
    """The index of the candidate `direct.choose` (the app's own code) picks by scores `s`."""
    gate = q["gate_kw" if keyword_only else "gate"]
    best = direct.choose(list(zip(s.tolist(), gate, strict=True)), floor)
    return None if best is None else best[1].i


def right(qs: list[dict], score, floor: float, keyword_only: bool = False) -> tuple[int, int]:
    """(right, shown) over the questions, with `score(q)` giving each question's candidate scores."""
    r = n = 0
    for q in qs:
        if q["fixed"] is not None:
            r += q["fixed"]
            n += q["fixed_shown"]
            continue
        i = chosen(q, score(q), floor, keyword_only)
        if i is not None:
            n += 1
            r += bool(q["y"][i])
    return r, n


def _logsumexp(s: np.ndarray) -> float:
    m = s.max()
    return float(m + np.log(np.exp(s - m).sum()))


def _ascend(objective, w: np.ndarray) -> np.ndarray:
    """Gradient ascent with backtracking (Armijo) from w, to where a step gains under 1e-9."""
    f, g = objective(w)
    step = 1.0
    for _ in range(3000):
        while True:
            w2 = w + step * g
            f2, g2 = objective(w2)
            if f2 >= f + 1e-4 * step * (g @ g) or step < 1e-12:
                break
            step /= 2
        done = f2 - f < 1e-9
        w, f, g = w2, f2, g2
        step *= 2
        if done:
            break
    return w


def fit(qs: list[dict], cols: list[int], lam: float, keyword_only: bool = False,
        expected: bool = False) -> np.ndarray:
    """Conditional-logit weights (in the features' own units) over the questions' candidates, for
    the feature columns `cols`: maximise sum log P(right) - lam |w|^2, w on standardised features.
    `expected`: then, from there, maximise sum P(right) - lam |w|^2 (the expected number of right
    answers under the softmax: a question whose right lines are far down weighs at most one)."""
    data = [q for q in qs if q["fixed"] is None and q["y"].any() and not q["y"].all()]
    X = [q["X"][:, cols].copy() for q in data]
    if keyword_only:
        for x in X:
            x[:, [k for k, c in enumerate(cols) if c in SIMILARITY]] = 0.0
    sd = np.concatenate(X).std(axis=0)
    sd[sd == 0] = 1.0
    X = [x / sd for x in X]
    Y = [q["y"] for q in data]

    def loglik(w: np.ndarray) -> tuple[float, np.ndarray]:
        f, g = -lam * w @ w, -2 * lam * w
        for x, y in zip(X, Y, strict=True):
            s = x @ w
            la, lr = _logsumexp(s), _logsumexp(s[y])
            f += lr - la
            g += np.exp(s[y] - lr) @ x[y] - np.exp(s - la) @ x
        return f, g

    def accuracy(w: np.ndarray) -> tuple[float, np.ndarray]:
        f, g = -lam * w @ w, -2 * lam * w
        for x, y in zip(X, Y, strict=True):
            s = x @ w
            la, lr = _logsumexp(s), _logsumexp(s[y])
            pr = math.exp(lr - la)
            f += pr
            g += pr * (np.exp(s[y] - lr) @ x[y] - np.exp(s - la) @ x)
        return f, g

    w = _ascend(loglik, np.zeros(len(cols)))
    if expected:
        w = _ascend(accuracy, w)
    return w / sd


def floor_for(qs: list[dict], score, keyword_only: bool = False) -> float:
    """The floor as the hand floor was chosen (`direct_answer.py --grid`): the most right answers on
    `qs`, ties to the highest floor (fewer wrong lines shown)."""
    tops = sorted({float(score(q)[i]) for q in qs if q["fixed"] is None
                   for i in [chosen(q, score(q), -np.inf, keyword_only)] if i is not None})
    best = (-1, -np.inf)
    for fl in [-np.inf, *tops]:
        r, _ = right(qs, score, fl, keyword_only)
        if (r, fl) > best:
            best = (r, fl)
    return best[1]


def scorer(w: np.ndarray, cols: list[int], keyword_only: bool = False):
    def score(q: dict) -> np.ndarray:
        x = q["X"][:, cols]
        if keyword_only:
            x = x.copy()
            x[:, [k for k, c in enumerate(cols) if c in SIMILARITY]] = 0.0
        return x @ w
    return score


def loso(qs: list[dict], cols: list[int], lam: float, keyword_only: bool = False,
         expected: bool = False) -> dict[str, tuple[int, int, int]]:
    """Leave one set out: fit on the other sets, floor on them too; right, shown, and right with no
    floor, on the set left out."""
    out = {}
    for held in SETS:
        train = [q for q in qs if q["set"] != held]
        test = [q for q in qs if q["set"] == held]
        w = fit(train, cols, lam, keyword_only, expected)
        sc = scorer(w, cols, keyword_only)
        out[held] = (*right(test, sc, floor_for(train, sc, keyword_only), keyword_only),
                     right(test, sc, -np.inf, keyword_only)[0])
    return out


def hand_vector(wt: float, ws: float, wv: float) -> np.ndarray:
    """`direct.hand_score` (embedded) as weights on `FEATURES`, with W_TERMS, W_SIMILARITY and
    W_VALUE set to wt, ws, wv and the module's other weights."""
    w = np.zeros(len(FEATURES))
    w[:7] = [wt, ws, -direct.W_RANK, -direct.W_RUN, wv, -direct.W_SHORT, -direct.W_EXPLAIN]
    return w


# `direct_answer.py --grid`'s grid, with the module's own values added
GRID = list(itertools.product((direct.W_TERMS, 0.55, 0.7), (direct.W_SIMILARITY, 0.45, 0.6),
                              sorted({direct.W_VALUE, 0.0, 0.12}), sorted({direct.MIN_SCORE, 0.2, 0.3, 0.4})))


def grid_pick(qs: list[dict]) -> tuple[float, float, float, float]:
    """The grid point `direct_answer.py --grid` would rank first on `qs`: most right, then the
    highest share right of those shown."""
    def key(g):
        r, n = right(qs, lambda q: q["X"] @ hand_vector(*g[:3]), g[3])
        return (r, r / max(1, n), *g)
    return max(GRID, key=key)


def main() -> int:
    global EMBEDDER
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--home", type=Path, required=True, help="the libraries bench/direct_answer.py --home built")
    ap.add_argument("--cache", type=Path, help="the candidates' features (default HOME/direct_fit.pkl)")
    ap.add_argument("--rebuild", action="store_true", help="retrieve and label again")
    ap.add_argument("--sets", default="S10,TV,Klipper,Debian")
    ap.add_argument("--lambdas", default="0.01,0.1,1,10")
    ap.add_argument("--objective", default="loglik,expected",
                    help="loglik (conditional logit), expected (then sum P(right)), or both")
    ap.add_argument("--features", default="existing features,all features,all and relative features",
                    help="feature sets: all features, existing features, all and relative features")
    ap.add_argument("--keyword-only", action="store_true", help="also without the embedding model")
    ap.add_argument("--show-weights", action="store_true", help="print the weights fitted on all four sets")
    args = ap.parse_args()
    cache = args.cache or args.home / "direct_fit.pkl"
    banner("direct answer: fitted weights, leave one set out (tune half)")
    # The cache holds labels and features computed by today's code: a change to any of these files
    # (or to the sets asked for) makes it stale, and it is built again.
    key = hashlib.sha256(args.sets.encode() + b"".join(
        (ROOT / f).read_bytes() for f in ("assistant/rag/direct.py", "assistant/rag/answer.py",
                                          "assistant/rag/navigation.py", "bench/direct_answer.py",
                                          "bench/direct_fit.py"))).hexdigest()
    held = pickle.loads(cache.read_bytes()) if cache.exists() else None
    stale = not isinstance(held, dict) or held.get("key") != key
    if args.rebuild or stale:
        with temp_home(at=args.home) as home:
            EMBEDDER = load_embedder()
            sets = tuple(x.strip() for x in args.sets.split(",") if x.strip())
            items = [x for x in questions(args.devdata.resolve(), home, EMBEDDER, sets) if half_of(x[2]) == "tune"]
            qs = build(run(items, EMBEDDER, Settings()))
        cache.write_bytes(pickle.dumps({"key": key, "questions": qs}))
    qs = pickle.loads(cache.read_bytes())["questions"]
    for q in qs:
        if q["fixed"] is None:
            relative(q)
    n = len(qs)
    print(f"   {n} answerable questions, {sum(q['fixed'] is None for q in qs)} with candidates, "
          f"{sum(q['fixed'] is None and q['y'].any() for q in qs)} with a right one "
          f"({sum(len(q['y']) for q in qs if q['fixed'] is None)} candidates)")
    groups = {"existing features": EXISTING, "all features": ALL, "all and relative features": RELATIVE}
    chosen_groups = [x.strip() for x in args.features.split(",")]
    lams = [float(x) for x in args.lambdas.split(",")]
    objectives = [x.strip() for x in args.objective.split(",") if x.strip()]
    rows = []

    def per_set(res: dict[str, tuple[int, int, int]]) -> list[object]:
        return [res[s][0] for s in SETS] + [sum(x[k] for x in res.values()) for k in range(3)]

    for kw in ((False, True) if args.keyword_only else (False,)):
        mode = "keyword-only" if kw else "embedded"
        hand = (lambda q: q["hand_kw"]) if kw else (lambda q: q["hand"])
        res = {s: (*right([q for q in qs if q["set"] == s], hand, direct.MIN_SCORE, kw),
                   right([q for q in qs if q["set"] == s], hand, -np.inf, kw)[0]) for s in SETS}
        rows.append([mode, "hand weights (chosen on all four)", "-", "-"] + per_set(res))
        if not kw:
            # The same check on the hand weights' own form: the grid point chosen on three sets.
            res = {}
            for held in SETS:
                g = grid_pick([q for q in qs if q["set"] != held])
                test = [q for q in qs if q["set"] == held]
                sc = scorer(hand_vector(*g[:3]), RELATIVE)
                res[held] = (*right(test, sc, g[3]), right(test, sc, -np.inf)[0])
                print(f"   grid point chosen without {held}: W_TERMS {g[0]}, W_SIMILARITY {g[1]}, "
                      f"W_VALUE {g[2]}, MIN_SCORE {g[3]}")
            rows.append([mode, "hand form, grid point chosen leave one set out", "grid", "-"] + per_set(res))
        for obj in objectives:
            for name, cols in ((g, groups[g]) for g in chosen_groups):
                for lam in lams:
                    rows.append([mode, f"{name}, leave one set out", obj, lam]
                                + per_set(loso(qs, cols, lam, kw, obj == "expected")))
        for obj in objectives:
            for name, cols in ((g, groups[g]) for g in chosen_groups):
                for lam in lams:
                    w = fit(qs, cols, lam, kw, obj == "expected")
                    sc = scorer(w, cols, kw)
                    fl = floor_for(qs, sc, kw)
                    res = {s: (*right([q for q in qs if q["set"] == s], sc, fl, kw),
                               right([q for q in qs if q["set"] == s], sc, -np.inf, kw)[0]) for s in SETS}
                    rows.append([mode, f"{name}, in sample", obj, lam] + per_set(res))
                    if args.show_weights and not kw:
                        print(f"   {name}, {obj}, lambda {lam}: floor {fl:.4f}")
                        print("     " + ", ".join(f"{FEATURES[c][0]} {v:+.3f}" for c, v in zip(cols, w, strict=True)))
    print(table(["mode", "weights", "objective", "lambda", *SETS, "right", "shown", "right with no floor"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
