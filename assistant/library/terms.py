"""The library's own vocabulary: part numbers, error codes, acronyms and rare words of the manuals.

The speech recogniser is biased toward these terms (`assistant.speech`), so "upsmon", "NUT", "A34" or
"BP-3000-12" come out as the manuals write them. One regex pass over the passages, cached per
library state (in memory and in the cache folder), so a CLI run or a key press pays for it once
after each change to the library, not on every transcription.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import paths

log = logging.getLogger(__name__)

CACHE_VERSION = 3
MAX_TERMS = 1500  # kept in the cache; a prompt uses a few dozen

_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_\-.]*[A-Za-z0-9])?")
# A number with a unit ("9Ah", "50Hz", "2U", "3kVA") is a value, not a term worth biasing toward.
_MEASURE = re.compile(
    r"^\d+(?:[.,]\d+)?(?:k?va|k?w|kwh|m?v|m?a|ah|k?hz|mm|cm|m|km|kg|g|nm|s|ms|h|min|bar|psi|rpm|db|dba|u|"
    r"c|f|k|l|x|pa|kpa|mpa|mbar|st|nd|rd|th)$",
    re.IGNORECASE,
)
# Signal words and generic words in capitals say nothing about the equipment.
_GENERIC_CAPS = frozenset(
    "WARNING CAUTION DANGER NOTE NOTICE IMPORTANT TIP OK ON OFF YES NO AND OR THE FOR WITH NOT".split()
)
_WEIGHT = {"code": 3.0, "acronym": 2.0, "word": 1.0}

_memo: dict[str, list[Term]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Term:
    text: str  # the most frequent spelling in the manuals
    kind: str  # "code" (letters and digits) | "acronym" | "word"
    passages: int  # how many passages contain it
    score: float


def _kind(form: str) -> str | None:
    if not any(c.isalpha() for c in form):
        return None
    if any(c.isdigit() for c in form):
        if len(form) < 3 or _MEASURE.match(form) or re.fullmatch(r"[\d.,\-]+[A-Za-z]?", form):
            return None
        return "code"
    if form.isupper():
        return "acronym" if 2 <= len(form) <= 8 and form not in _GENERIC_CAPS else None
    return "word" if len(form) >= 4 else None


def whisper_rarity(model_dir: str | Path | None = None) -> tuple[Callable[[list[str]], list[int]], str] | None:
    """How unusual words are for Whisper, from its tokenizer.

    0 for a word held whole (common English it spells right unaided), also for compounds of such
    words ("self-test", "O-ring"); else the extra pieces of its most split part ("upsmon" 1,
    "usbhid-ups" 2), at most 3.

    Returns:
        (rarity, tag) for the default speech model (or `model_dir`); None without a speech model.
    """
    try:
        from tokenizers import Tokenizer

        if model_dir is None:
            from .. import models

            model_dir = models.default("speech").path
        tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    except Exception as e:  # no speech model: nobody needs the vocabulary then
        log.info("no speech tokenizer to judge rare words: %s", e)
        return None

    def rarity(words: list[str]) -> list[int]:
        parts = [[x for x in re.split(r"[-_.]", w.lower()) if x] for w in words]
        flat = sorted({x for ps in parts for x in ps})
        encoded = tok.encode_batch([" " + x for x in flat], add_special_tokens=False)
        pieces = {x: len(e.ids) for x, e in zip(flat, encoded, strict=True)}
        return [min(3, max((pieces[x] - 1 for x in ps), default=0)) for ps in parts]

    return rarity, Path(model_dir).name


def extract(db, rarity: Callable[[list[str]], list[int]] | None = None) -> list[Term]:
    """Rank the library's terms (no caching; see `domain_terms`).

    Codes (letters with digits) and acronyms count wherever they appear, but an all-capitals word
    only where some manual writes it in capitals more often than not (so "NUT" in a UPS guide
    counts even if a pump manual talks about an impeller nut). Words of four letters or more
    count when `rarity` says Whisper does not hold them whole ("upsmon", "impeller"). Score: the
    log of the number of passages, times a weight per kind (and a word's rarity), doubled for
    words of a manual's title.
    """
    passages: Counter[str] = Counter()
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    caps: Counter[tuple[int, str]] = Counter()  # (manual, lower case) -> written in capitals
    other: Counter[tuple[int, str]] = Counter()  # (manual, lower case) -> written otherwise
    # A title counts as a passage of its manual: product names are often only there and in headings.
    for manual_id, text in db.execute("SELECT id, title FROM manuals UNION ALL SELECT manual_id, text FROM chunks"):
        seen: set[str] = set()
        for m in _TOKEN.finditer(text):
            form = m.group(0).strip("._-")
            # Parts of paths, URLs and addresses ("/etc/nut/ups.conf", "ups@host") are not spoken.
            if not form or text[m.start() - 1: m.start()] in ("/", "@") or text[m.end(): m.end() + 1] in ("/", "@"):
                continue
            key = form.lower()
            spellings[key][form] += 1
            if form.isalpha():
                (caps if form.isupper() else other)[manual_id, key] += 1
            seen.add(key)
        passages.update(seen)
    in_title: set[str] = set()
    for (title,) in db.execute("SELECT title FROM manuals"):
        in_title.update(m.group(0).strip("._-").lower() for m in _TOKEN.finditer(title))
    acronyms = {key for (mid, key), n in caps.items() if n >= 2 and n > other[mid, key]}

    found: list[tuple[str, str, str]] = []
    for key in passages:
        form = spellings[key].most_common(1)[0][0]
        kind = _kind(form)
        if kind and (kind != "acronym" or key in acronyms):
            found.append((key, form, kind))
    words = [form for _, form, kind in found if kind == "word"]
    rare = dict(zip(words, rarity(words), strict=True)) if rarity is not None and words else {}
    out = []
    for key, form, kind in found:
        weight = _WEIGHT[kind]
        if kind == "word" and rarity is not None:
            if not rare[form]:
                continue
            weight *= 1 + 0.5 * (rare[form] - 1)
        n = passages[key]
        score = weight * math.log2(1 + n) * (2.0 if key in in_title else 1.0)
        out.append(Term(form, kind, n, round(score, 3)))
    out.sort(key=lambda t: (-t.score, t.text.lower()))
    return out[:MAX_TERMS]


def library_state(db) -> str:
    """A key that changes whenever a manual is added, replaced or removed."""
    h = hashlib.sha1(f"v{CACHE_VERSION}".encode())
    for row in db.execute("SELECT id, content_hash FROM manuals ORDER BY id"):
        h.update(f"{row[0]}:{row[1]};".encode())
    return h.hexdigest()[:16]


def domain_terms(db, model_dir: str | Path | None = None) -> list[Term]:
    """The library's terms, best first, cached per library state and speech tokenizer.

    Never raises: an unreadable library gives [] (transcription then runs unbiased).
    """
    try:
        judge = whisper_rarity(model_dir)
        key = f"{library_state(db)}-{judge[1] if judge else 'none'}"
    except Exception as e:  # a damaged or missing database must not stop a transcription
        log.warning("no domain vocabulary: %s", e)
        return []
    with _lock:
        if key in _memo:
            return _memo[key]
        cache = paths.cache_dir() / "library-terms.json"
        terms = None
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("key") == key:
                terms = [Term(**t) for t in data["terms"]]
        except (OSError, ValueError, TypeError, KeyError):
            pass
        if terms is None:
            try:
                terms = extract(db, judge[0] if judge else None)
            except Exception as e:  # a bad row must not stop a transcription either
                log.warning("no domain vocabulary: %s", e)
                return []
            try:
                tmp = cache.with_suffix(".tmp")
                tmp.write_text(json.dumps({"key": key, "terms": [asdict(t) for t in terms]}), encoding="utf-8")
                tmp.replace(cache)
            except OSError as e:
                log.warning("cannot cache the domain vocabulary in %s: %s", cache, e)
            log.info("domain vocabulary: %d terms from the library", len(terms))
        _memo.clear()
        _memo[key] = terms
        return terms
