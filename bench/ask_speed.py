"""Answer speed: the app's ask() beside raw llama-cpp-python on the same GGUF and the same prompt.

    .venv/bin/python bench/ask_speed.py [DEVDATA] [--repeats 3] [--model FILE.gguf] [--other-order] [--tokens N]

(DEVDATA is accepted for symmetry with the other benchmarks but not needed: the questions are
about the demo library, resources/demo/, ingested into a temporary FIELD_ASSISTANT_HOME.)

Two model instances live in one process, built alike: the app's (assistant.llm.load(path,
n_ctx, n_threads) with the app's settings) and a raw `llama_cpp.Llama` on the same file with the
same n_ctx, n_threads (and n_threads_batch) and n_batch. For each question the prompt is built
once with the app's own prompt builder (assistant.rag.prompt.build on the passages the app's
search returns), so the raw side gets the identical prompt text; both sample with the app's
parameters (temperature and repeat penalty as `prompt.decoding_for`, top_k 40, top_p 0.95, the app's stop strings,
max_answer_tokens). Before every run both instances are reset(), so llama.cpp's prompt-prefix
reuse helps neither side and each evaluates the whole prompt. Runs alternate app / raw (and
which goes first alternates too), over several questions and repeats; medians are reported.

Measured:
  - raw TTFT: create_completion(stream=True) call -> first streamed token (prompt processing
    plus the first decode);
  - app TTFT: ask()'s own timings["ttft_ms"] (from the start of ask: retrieval, relevance
    check, safety look-up, prompt build, then the same llama.cpp work), and TTFT minus
    retrieve_ms;
  - decode tokens/s on both sides as the app computes it: (tokens - 1) / (last - first token
    time), one token per streamed part.
Targets printed: app decode / raw decode >= 0.9; app TTFT <= (raw TTFT + retrieve_ms) * 1.1;
and the direct answer (`timings["direct_ms"]`, from the start of ask to the "retrieved" event)
<= 300 ms.

--other-order adds a third side to the rotation: the app with answer.HEAD_START flipped (on: the
model starts reading the prompt on a thread while the direct answer is found; off: the direct
answer first, then the model), so both orders are compared against the same raw runs. --tokens N caps the answer (both sides) to shorten a run
when only the first token matters. Also printed: `direct.find` alone, with the search's question
vector (`qvec=`, as ask passes it) and without (the question embedded again), medians of 5 calls
per question.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import PROJECT_ROOT, banner, load_embedder, loadavg, median, table, temp_home

from assistant import db as dbmod
from assistant import llm, models
from assistant.library import ingest
from assistant.rag import answer as answermod
from assistant.rag import direct as directmod
from assistant.rag import prompt as promptmod
from assistant.rag import spec_answer
from assistant.rag.answer import ask
from assistant.rag.search import search
from assistant.settings import Settings

QUESTIONS = [
    "What torque for the pump mounting bolts?",
    "UPS shuts down too early",
    "What does alarm code E47 mean on the RTU-45?",
    "How do I replace the mechanical seal on the P-200?",
    "How long does the UPS-3000 run on battery at full load?",
]


def run_app(db, embedder, chat, question: str, settings: Settings, head_start: bool = answermod.HEAD_START) -> dict:
    chat._llm.reset()
    answer = None
    default, answermod.HEAD_START = answermod.HEAD_START, head_start
    try:
        for ev in ask(db, embedder, lambda: chat, question, settings):
            if ev.kind == "done":
                answer = ev.answer
    finally:
        answermod.HEAD_START = default
    t = answer.timings
    return {"ttft_ms": t["ttft_ms"], "retrieve_ms": t["retrieve_ms"], "decode": t["decode_tokens_per_s"],
            "direct_ms": t.get("direct_ms"),
            "tokens": t["completion_tokens"], "prompt_tokens": t["prompt_tokens"], "abstained": answer.abstained}


def run_raw(raw, prompt_text: str, settings: Settings, family: str | None = None) -> dict:
    raw.reset()
    t0 = time.perf_counter()
    first = last = None
    n = 0
    temperature, penalty = promptmod.decoding_for(family, settings)  # as the app decodes
    gen = raw.create_completion(
        prompt_text, max_tokens=settings.max_answer_tokens, temperature=temperature,
        top_k=40, top_p=0.95, repeat_penalty=penalty, stream=True, stop=promptmod.STOP,
    )
    for _part in gen:
        now = time.perf_counter()
        n += 1
        if first is None:
            first = now
        last = now
    decode = (n - 1) / (last - first) if n > 1 and last > first else None
    return {"ttft_ms": (first - t0) * 1000 if first else None, "decode": decode, "tokens": n}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=None, help="unused (see the docstring)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--model", type=Path, help="GGUF file (default: the app's default chat model)")
    ap.add_argument("--threads", type=int, help="n_threads for both sides (default: the app's setting,"
                                                " i.e. assistant.llm.default_threads())")
    ap.add_argument("--other-order", action="store_true", help="also run the app with answer.HEAD_START flipped")
    ap.add_argument("--tokens", type=int, help="max_answer_tokens for both sides (default: the app's setting)")
    args = ap.parse_args()
    banner("ask speed: app ask() vs raw llama-cpp-python")

    from llama_cpp import Llama

    with temp_home():
        settings = Settings() if args.threads is None else Settings(n_threads=args.threads)
        if args.tokens:
            settings.max_answer_tokens = args.tokens
        embedder = load_embedder()
        db = dbmod.connect()
        rep = ingest.run(db, embedder, [PROJECT_ROOT / "resources" / "demo"])
        if rep.failed or not rep.added:
            raise SystemExit(f"demo ingest failed: {rep.failed}")
        path = args.model or Path(models.default("chat").path)
        chat = llm.load(path, settings.n_ctx, settings.n_threads)
        raw = Llama(model_path=str(path), n_ctx=chat.n_ctx, n_threads=chat.threads,
                    n_threads_batch=chat.threads, n_batch=512, verbose=False)
        print(f"   model {path.name}, n_ctx {chat.n_ctx}, n_threads {chat.threads}, temperature"
              f" {settings.temperature}, max_answer_tokens {settings.max_answer_tokens}")

        prompts = {}
        for q in QUESTIONS:
            # As answer._ask builds it: the model family's system text, a spec row's lead, and the
            # direct answer's line first (quote_lead).
            res = search(db, embedder, q, k=settings.top_k)
            spec = spec_answer.lookup(db, q, qvec=res.qvec)
            passages = spec_answer.with_row_passage(spec, res.passages)
            d = spec_answer.direct(spec, passages) or directmod.find(q, passages, embedder, qvec=res.qvec)
            built = answermod.prompt_for(q, passages, chat, settings, spec_answer.prompt_block(spec, passages), d)
            prompts[q] = built
            raw_tokens = len(raw.tokenize(built.text.encode("utf-8"), add_bos=False, special=True))
            print(f"   {q[:50]!r}: {len(built.passages)} passages, prompt {built.tokens} tokens"
                  f" (raw tokenizer {raw_tokens}), best_similarity {res.best_similarity:.2f}")

        find_ms: dict[str, list[float]] = {"qvec": [], "embed": []}
        for q in QUESTIONS:
            res = search(db, embedder, q, k=settings.top_k)
            for _ in range(5):
                for how in find_ms:
                    t = time.perf_counter()
                    directmod.find(q, res.passages, embedder, qvec=res.qvec if how == "qvec" else None)
                    find_ms[how].append((time.perf_counter() - t) * 1000)
        print(f"   direct.find: {median(find_ms['qvec']):.0f} ms with the search's qvec,"
              f" {median(find_ms['embed']):.0f} ms embedding the question again (medians)")

        # Warm-up: one run each (first-call costs: graph allocation, page faults).
        run_app(db, embedder, chat, QUESTIONS[0], settings)
        run_raw(raw, prompts[QUESTIONS[0]].text, settings, chat.family)
        print(f"   measuring   [{loadavg()}]")

        app_runs: dict[str, list[dict]] = {q: [] for q in QUESTIONS}
        raw_runs: dict[str, list[dict]] = {q: [] for q in QUESTIONS}
        other_runs: dict[str, list[dict]] = {q: [] for q in QUESTIONS}
        runs = {"app": app_runs, "raw": raw_runs, "other": other_runs}
        turn = 0
        for _ in range(args.repeats):
            for q in QUESTIONS:
                sides = [("app", lambda q=q: run_app(db, embedder, chat, q, settings)),
                         ("raw", lambda q=q: run_raw(raw, prompts[q].text, settings, chat.family))]
                if args.other_order:
                    sides.append(("other", lambda q=q: run_app(db, embedder, chat, q, settings,
                                                               head_start=not answermod.HEAD_START)))
                k = turn % len(sides)  # rotate which side goes first
                sides = sides[k:] + sides[:k]
                turn += 1
                for side, fn in sides:
                    r = fn()
                    runs[side][q].append(r)
                    print(f"   {side:6} {q[:30]!r}: TTFT {r['ttft_ms']:.0f} ms"
                          + (f", direct at {r['direct_ms']:.0f} ms" if r.get("direct_ms") else ""), flush=True)
        print(f"   done        [{loadavg()}]")
        db.close()

    rows = []
    all_app, all_raw = [], []
    for q in QUESTIONS:
        a, r = app_runs[q], raw_runs[q]
        all_app += a
        all_raw += r
        if any(x["abstained"] for x in a):
            print(f"   note: the app abstained on {q!r} in {sum(x['abstained'] for x in a)} run(s)")
        rows.append(_row(q[:40], a, r))
        if {x["prompt_tokens"] for x in a} != {prompts[q].tokens}:
            print(f"   note: the app's prompt for {q!r} was {sorted({x['prompt_tokens'] for x in a})} tokens,"
                  f" raw's {prompts[q].tokens}")
    rows.append(_row("ALL (medians over every run)", all_app, all_raw))
    print()
    print(table(["question", "retrieve ms", "app TTFT ms", "app TTFT - retr.", "raw TTFT ms",
                 "app tok/s", "raw tok/s", "decode ratio", "tokens app/raw"], rows))
    am = {k: median([x[k] for x in all_app if x[k] is not None]) for k in ("ttft_ms", "retrieve_ms", "decode")}
    rm = {k: median([x[k] for x in all_raw if x[k] is not None]) for k in ("ttft_ms", "decode")}
    ratio = am["decode"] / rm["decode"]
    budget = (rm["ttft_ms"] + am["retrieve_ms"]) * 1.1
    print()
    print(f"app decode / raw decode = {ratio:.3f}  (target >= 0.9: {'OK' if ratio >= 0.9 else 'MISSED'})")
    print(f"app TTFT {am['ttft_ms']:.0f} ms vs (raw TTFT {rm['ttft_ms']:.0f} + retrieve {am['retrieve_ms']:.0f})"
          f" * 1.1 = {budget:.0f} ms  (target: {'OK' if am['ttft_ms'] <= budget else 'MISSED'});"
          f" app overhead besides retrieval: {am['ttft_ms'] - am['retrieve_ms'] - rm['ttft_ms']:.0f} ms")
    order = {True: "head start", False: "serial"}
    sides = [(order[answermod.HEAD_START], all_app)]
    if args.other_order:
        sides.append((order[not answermod.HEAD_START], [x for q in QUESTIONS for x in other_runs[q]]))
    for name, xs in sides:
        ttft = median([x["ttft_ms"] for x in xs if x["ttft_ms"] is not None])
        retr = median([x["retrieve_ms"] for x in xs])
        dms = median([x["direct_ms"] for x in xs if x["direct_ms"] is not None])
        print(f"  {name:10}: TTFT {ttft:.0f} ms = {ttft / (rm['ttft_ms'] + retr):.3f} x (raw TTFT + retrieve);"
              f" direct answer out at {dms:.0f} ms (target <= 300: {'OK' if dms <= 300 else 'MISSED'})")
    return 0


def _row(label: str, a: list[dict], r: list[dict]) -> list:
    def med(runs, key):
        vals = [x[key] for x in runs if x[key] is not None]
        return median(vals) if vals else float("nan")

    app_minus = median([x["ttft_ms"] - x["retrieve_ms"] for x in a if x["ttft_ms"] is not None])
    return [label, f"{med(a, 'retrieve_ms'):.0f}", f"{med(a, 'ttft_ms'):.0f}", f"{app_minus:.0f}",
            f"{med(r, 'ttft_ms'):.0f}", f"{med(a, 'decode'):.1f}", f"{med(r, 'decode'):.1f}",
            f"{med(a, 'decode') / med(r, 'decode'):.3f}", f"{med(a, 'tokens'):.0f}/{med(r, 'tokens'):.0f}"]


if __name__ == "__main__":
    sys.exit(main())
