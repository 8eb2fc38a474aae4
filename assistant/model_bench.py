"""Chat models measured on this device: prompt processing and decode speed on a prompt the size of
this library's answers, time to the first token, memory; kept so the choice of model is made on
what this device does, not on what a datasheet says.

`field-assistant models bench [NAME]` measures; the results live in `models/bench.json` in the
user's data folder, keyed by file name and size (a replaced file is measured again). `recommend`
picks the best model whose first token comes within the latency budget: "best" by the answer
quality measured in bench/answer_quality.py where it is known (`QUALITY_ORDER`), by size otherwise.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import filecache, llm, paths, procinfo
from .errors import AssistantError

# The first token must come within this on the device's typical prompt (issue 11).
LATENCY_BUDGET_S = 8.0
DECODE_TOKENS = 48
# The quickest of this many runs as the app answers: on a 2-core device one run slowed by another
# process (an index job, an update) put the 0.5B at 7.9 s where the run before took 6.7 s, and the
# budget decides which model the device gets (timeit's and llama-bench's habit: repeat, read the best).
WARM_RUNS = 2
# Better answers first, as bench/answer_quality.py measured them on the held-out half (2026-12-02,
# 36 answerable questions: fact recall 0.51 / 0.43 / 0.30, F1 0.47 / 0.43 / 0.23, grounded 1.00 /
# 1.00 / 0.82). Models not listed come after these, larger files first.
QUALITY_ORDER = ("Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf", "Qwen2.5-Coder-1.5B-Instruct-Q4_K_M.gguf",
                 "SmolLM2-135M-Instruct.Q4_1.gguf")
# Used when the library is empty: a passage of the demo's length, so a fresh device can measure.
_FILLER = ("Remove the four mounting bolts and tighten the new ones to 31 Nm in a cross pattern. "
           "Check the seal for damage and replace it with kit 55-0192-B if the lip is worn. ") * 12


@dataclass
class BenchResult:
    name: str
    size_bytes: int
    prompt_tokens: int
    prefill_tokens_per_s: float
    decode_tokens_per_s: float
    first_token_s: float
    rss_mb: float  # resident memory of this process after the run (the model mapped and used)
    threads: int
    measured_at: str
    # `first_token_s` is the wait in the app: the prompt's fixed opening (`prompt_cache.opening`,
    # this many tokens) is read while the model loads, so a question reads only the rest. A one-shot
    # `field-assistant ask` starts with an empty cache and waits `cold_first_token_s`. Results kept
    # before these were measured have 0 here, and their first token is the cold one.
    opening_tokens: int = 0
    cold_first_token_s: float = 0.0

    @property
    def within_budget(self) -> bool:
        return self.first_token_s <= LATENCY_BUDGET_S

    def to_json(self) -> dict:
        return asdict(self) | {"within_budget": self.within_budget}


def _results_file() -> Path:
    return paths.models_dir() / "bench.json"


def _parse_results(f: Path) -> dict[str, BenchResult]:
    kept = json.loads(f.read_text())
    results = {k: BenchResult(**v) for k, v in kept.items()}
    # Kept before the opening was measured (no "opening_tokens"), the whole prompt was timed as the
    # first token, and a model the app answers with in time read as over the budget (the 0.5B at
    # 8.1 s on a device where the app's first token came in 4.7 s). Such a result counts as not
    # measured, so the set-up measures it again. An old figure within the budget stands: the app's
    # first token is shorter still.
    old = {k for k, v in kept.items() if "opening_tokens" not in v}
    return {k: r for k, r in results.items() if k not in old or r.within_budget}


def load_results() -> dict[str, BenchResult]:
    """Stored results by model file name (an unreadable file counts as none measured). Read once
    per version of the file: every question asks for its model's prompt cap."""
    try:
        return dict(filecache.read(_results_file(), "bench", _parse_results))
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _save(result: BenchResult) -> None:
    results = load_results()
    results[result.name] = result
    f = _results_file()
    f.parent.mkdir(parents=True, exist_ok=True)
    tmp = f.with_name(f.name + ".tmp")
    tmp.write_text(json.dumps({k: asdict(v) for k, v in results.items()}, indent=1))
    tmp.replace(f)
    filecache.forget(f)  # a second result within the file system's mtime tick must not read as unchanged


def result_for(name: str, size_bytes: int, results: dict[str, BenchResult] | None = None) -> BenchResult | None:
    """The stored result for this file (None if not measured, or measured when it had another size)."""
    r = (load_results() if results is None else results).get(name)
    return r if r is not None and r.size_bytes == size_bytes else None


def typical_prompt(db, chat: llm.ChatModel, top_k: int, question: str = "How do I replace it, and to what torque?",
                   budget: int | None = None):
    """The prompt an answer from this library gets: `top_k` passages of the largest manual, of
    the manual's median length, in the model's template, fitted to its context as the app fits
    them. Median, not longest: the longest passages (whole tables) made a 1,900-token prompt on
    the demo library, twice what a question there gets, and every model looked too slow."""
    from .rag import prompt as promptmod
    from .rag.search import Passage

    rows = []
    if db is not None:
        big = db.execute("SELECT manual_id FROM chunks GROUP BY manual_id ORDER BY count(*) DESC LIMIT 1").fetchone()
        if big is not None:
            lengths = sorted(r[0] for r in db.execute("SELECT length(text) FROM chunks WHERE manual_id = ?", (big[0],)))
            median = lengths[len(lengths) // 2]
            rows = db.execute(
                "SELECT c.id, c.text, c.section, m.title, m.path FROM chunks c JOIN manuals m ON m.id = c.manual_id"
                " WHERE m.id = ? ORDER BY abs(length(c.text) - ?), c.id LIMIT ?", (big[0], median, top_k)).fetchall()
    passages = [Passage(r["id"], r["title"], r["path"], None, r["section"] or "", r["text"], 1.0) for r in rows]
    if not passages:
        passages = [Passage(i, "demo", "demo", None, "", _FILLER, 1.0) for i in range(top_k)]
    # An answer's prompt quotes the direct answer's line (`answer.prompt_for`), and with a quote the
    # system text carries its example: without one the prompt's cached opening was not its prefix.
    first = _SENTENCE.match(passages[0].text.strip())
    quote = ((first.group(0) if first else "")[:300] or "See the passage.", passages[0].chunk_id)
    room = chat.n_ctx - DECODE_TOKENS - 8
    built = promptmod.build(question, passages, chat.render, chat.count, budget=min(room, budget or room),
                            system=promptmod.system_for(chat.family), quote=quote)
    return built


_SENTENCE = re.compile(r".+?(?:[.!?](?=\s)|$)", re.DOTALL)


def first_token(chat: llm.ChatModel, tokens: list[int], max_tokens: int) -> tuple[float, float | None, int]:
    """Seconds to the first token, the decode speed over the rest (None with one token), tokens."""
    t0 = time.perf_counter()
    first = last = None
    n = 0
    for tok in chat.stream(tokens, max_tokens=max_tokens, temperature=0.0):
        first = first or tok.t
        last = tok.t
        n += 1
    if first is None:
        raise AssistantError(f"{chat.name} produced no token on the test prompt")
    return first - t0, ((n - 1) / (last - first) if n > 1 and last > first else None), n


def measure(path: Path, db, top_k: int = 4) -> BenchResult:
    """Load the model (as the app does) and time an answer-sized prompt: from an empty cache (the
    whole prompt read: the prefill speed), then the prompt the app gives this model here (sized to
    what it reads within the budget at that speed, `prompt_cap`) as the app answers, with the
    prompt's fixed opening read at model load (`prompt_cache.warm`, the GUI's loading job): the
    first token the budget is about, and the decode speed. From an empty cache, that prompt is a
    one-shot `ask`'s wait. Stored for later."""
    from .rag import prompt_cache

    chat = llm.load(path)
    tokens = chat.tokenize(typical_prompt(db, chat, top_k).text)
    chat._llm.reset()  # no prompt-prefix reuse from an earlier run in this process
    cold, _, _ = first_token(chat, tokens, 1)
    prefill = len(tokens) / cold
    if len(tokens) > (cap := _cap(prefill)):
        # The app would not give this prompt to this model here: it gives it what it reads in time.
        tokens = chat.tokenize(typical_prompt(db, chat, top_k, budget=cap).text)
        chat._llm.reset()
        cold, _, _ = first_token(chat, tokens, 1)
    runs = []
    for _ in range(WARM_RUNS):
        opening = prompt_cache.warm(chat)
        runs.append(first_token(chat, tokens, DECODE_TOKENS))
    ttft, decode, _ = min(runs, key=lambda r: r[0])
    result = BenchResult(
        name=path.name, size_bytes=path.stat().st_size, prompt_tokens=len(tokens),
        prefill_tokens_per_s=round(prefill, 1),
        decode_tokens_per_s=round(decode or 0.0, 1),
        first_token_s=round(ttft, 2), rss_mb=round(procinfo.rss_mb() or 0.0, 1), threads=chat.threads,
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
        opening_tokens=opening, cold_first_token_s=round(cold, 2),
    )
    _save(result)
    return result


def _quality_rank(name: str, size: int) -> tuple[int, int]:
    """Sort key, best first: the measured order, then larger files."""
    if name in QUALITY_ORDER:
        return (QUALITY_ORDER.index(name), 0)
    return (len(QUALITY_ORDER), -size)


MIN_PROMPT_CAP = 400  # tokens: below this even two passages do not fit


def prompt_cap(path: Path) -> int | None:
    """The longest prompt this model reads within the latency budget on this device, from its
    measured prefill speed (None: not measured, no cap). The 0.5B here: 67 tok/s x 8 s = 536
    tokens; on the tuning half of the Debian set a 600-token cap took its median first token
    from 9.7 s to 6.6 s for fact recall 0.39 -> 0.36 (14 questions: within run-to-run noise,
    a 750-token cap gave 0.43)."""
    p = Path(path)
    try:
        r = result_for(p.name, p.stat().st_size)
    except OSError:
        return None
    if r is None or r.prefill_tokens_per_s <= 0:
        return None
    return _cap(r.prefill_tokens_per_s)


def _cap(prefill_tokens_per_s: float) -> int:
    return max(MIN_PROMPT_CAP, int(prefill_tokens_per_s * LATENCY_BUDGET_S))


@dataclass
class Measured:
    """A chat model as Settings lists it: the file, what this device measured, recommended or not."""

    info: object  # models.ModelInfo
    result: BenchResult | None
    recommended: bool


def measured(chat_models) -> list[Measured]:
    """The chat models with their kept results and the recommendation (bench.json read once)."""
    results = load_results()
    best = recommend(chat_models, results)
    return [Measured(m, result_for(m.name, m.size_bytes, results), m.name == best) for m in chat_models]


def recommend(chat_models, results: dict[str, BenchResult] | None = None) -> str | None:
    """The best measured chat model within the latency budget (None when none is measured)."""
    results = load_results() if results is None else results
    fit = [m for m in chat_models if not m.problem and (r := result_for(m.name, m.size_bytes, results)) is not None
           and r.within_budget]
    if not fit:
        return None
    return min(fit, key=lambda m: _quality_rank(m.name, m.size_bytes)).name
