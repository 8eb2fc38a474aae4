"""Prompt-lookup decoding and prompt-processing threads, measured against plain llama-cpp-python
on the same model, the same RAG prompt and the same run.

    .venv/bin/python bench/decode_speed.py [--model GGUF] [--reps 3] [--tokens 160] [DEVDATA]

The prompt is the app's own (assistant.rag.prompt.build, the model's chat template) over passages
of Klipper's FAQ.md from the devdata (a documentation answer copies from its passages, which is
what prompt lookup bets on). Configurations, run interleaved `--reps` times each, greedy
(temperature 0, so every configuration must write the same text; the bench checks it):

- plain: n_threads = n_threads_batch = the app's default (assistant.llm.default_threads)
- batch-all: the same, with n_threads_batch = every core (prompt processing is one big batch)
- lookup-N: plain + LlamaPromptLookupDecoding(num_pred_tokens=N), N in 4, 10 (with logits_all,
  which llama-cpp-python needs for it: see the comment in the code)
- app: the app's ChatModel.stream with its own prompt lookup off (plain greedy create_completion)
- app-lookup: the app's ChatModel.stream with assistant/lookup_decode.py as the app runs it (drafts
  of DRAFT_TOKENS growing to DRAFT_MAX while accepted whole)
- app-lookup-N: the same with every draft N tokens long
- app-lookup-F-M[-reset|-half]: drafts of F tokens growing to M, reset or halved after a rejection

The prompt carries the direct answer's line first, as `ask` gives it (direct.find over the same
passages). `--configs` picks configurations (default: all).

Printed per configuration: first token (ms, median), decode tokens/s (median), and each against
plain as a ratio. Seconds depend on what else the machine runs; the ratios are the result.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from _common import DEFAULT_DEVDATA, banner, median, table

from assistant import llm, lookup_decode, models
from assistant.rag import direct as directmod
from assistant.rag import prompt as promptmod
from assistant.rag.search import Passage


def passages(devdata: Path, n: int = 4) -> list[Passage]:
    faq = (devdata / "klipper" / "docs" / "FAQ.md").read_text(encoding="utf-8")
    sections = [s.strip() for s in re.split(r"\n(?=## )", faq) if s.startswith("## ")]
    wanted = [s for s in sections if "serial" in s.lower() or "usb" in s.lower()][:n]
    return [Passage(i, "Klipper FAQ", "FAQ.md", None, s.splitlines()[0].lstrip("# "), s[:1400], 1.0)
            for i, s in enumerate(wanted)]


def run_once(llama, tokens: list[int], max_tokens: int) -> tuple[float, float, str]:
    t0 = time.perf_counter()
    first = last = None
    n = 0
    pieces = []
    for part in llama.create_completion(tokens, max_tokens=max_tokens, temperature=0.0, stream=True):
        now = time.perf_counter()
        first = first or now
        last = now
        n += 1
        pieces.append(part["choices"][0]["text"])
    decode = (n - 1) / (last - first) if n > 1 and last > first else 0.0
    return (first - t0) * 1000, decode, "".join(pieces)


def run_app(chat, tokens: list[int], max_tokens: int, draft: tuple | None) -> tuple[float, float, str]:
    """One answer through ChatModel.stream from an empty cache (as `run_once` after reset); `draft`:
    (first, most[, shrink]) draft tokens, () for the app's own setting, None for no lookup."""
    chat._llm.reset()
    old = lookup_decode.DRAFT_TOKENS, lookup_decode.DRAFT_MAX, lookup_decode.SHRINK
    if draft:
        lookup_decode.DRAFT_TOKENS, lookup_decode.DRAFT_MAX = draft[:2]
        lookup_decode.SHRINK = draft[2] if len(draft) > 2 else old[2]
    try:
        t0 = time.perf_counter()
        parts = list(chat.stream(tokens, max_tokens, 0.0, repeat_penalty=1.0, lookup=draft is not None))
    finally:
        lookup_decode.DRAFT_TOKENS, lookup_decode.DRAFT_MAX, lookup_decode.SHRINK = old
    first, last = parts[0].t, parts[-1].t
    decode = (len(parts) - 1) / (last - first) if len(parts) > 1 and last > first else 0.0
    return (first - t0) * 1000, decode, "".join(p.text for p in parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--model", type=Path, help="chat GGUF (default: the app's default chat model)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=160)
    ap.add_argument("--configs", help="comma-separated: plain,batch-all,lookup-4,lookup-10,app,app-lookup,"
                                      "app-lookup-4,app-lookup-8,app-lookup-16 (default: all); also "
                                      "app-lookup-F-M[-reset|-half]: drafts of F growing to M, shrinking so")
    args = ap.parse_args()
    from llama_cpp import Llama
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    path = args.model or Path(models.default("chat").path)
    threads = llm.default_threads()
    cores = len(os.sched_getaffinity(0))
    banner(f"decode speed: {path.name}, {threads} decode thread(s), {cores} cores")
    chat = llm.ChatModel(path)
    question = "Where is my serial port, and why does it change after a restart?"
    found = passages(args.devdata.resolve())
    from _common import load_embedder

    direct = directmod.find(question, found, load_embedder())
    built = promptmod.build(question, found, chat.render, chat.count,
                            budget=min(1000, chat.n_ctx - args.tokens - 64),  # room for draft tokens
                            system=promptmod.system_for(chat.family),
                            quote=(direct.text, direct.chunk_id) if direct else None)
    tokens = chat.tokenize(built.text)
    n_ctx = chat.n_ctx
    print(f"   prompt: {len(tokens)} tokens, {len(built.passages)} passages, the direct answer's line first: "
          f"{direct.text[:60] + '...' if direct else 'none'}")
    configs = {
        "plain": dict(n_threads=threads, n_threads_batch=threads),
        "batch-all": dict(n_threads=threads, n_threads_batch=cores),
        # logits_all=True: llama-cpp-python 0.3.36 sizes its score buffer from the argument, not from
        # the draft model's need, and a prompt longer than n_batch overflows it otherwise. It costs
        # n_ctx x vocab floats of RAM and logits for every prompt token: part of what is measured.
        "lookup-4": dict(n_threads=threads, n_threads_batch=threads, logits_all=True,
                         draft_model=LlamaPromptLookupDecoding(num_pred_tokens=4)),
        "lookup-10": dict(n_threads=threads, n_threads_batch=threads, logits_all=True,
                          draft_model=LlamaPromptLookupDecoding(num_pred_tokens=10)),
    }
    app = {"app": None, "app-lookup": (), "app-lookup-4": (4, 4), "app-lookup-8": (8, 8),
           "app-lookup-16": (16, 16)}
    wanted = args.configs.split(",") if args.configs else [*configs, *app]
    for name in wanted:  # app-lookup-F-M[-shrink]: another draft policy beside the app's own
        m = re.fullmatch(r"app-lookup-(\d+)-(\d+)(?:-(reset|half))?", name)
        if m:
            app[name] = (int(m[1]), int(m[2])) + ((m[3],) if m[3] else ())
    if "plain" not in wanted:
        wanted.insert(0, "plain")  # the ratios' base
    loaded = {name: Llama(model_path=str(path), n_ctx=n_ctx, n_batch=512, verbose=False, **kw)
              for name, kw in configs.items() if name in wanted}
    got: dict[str, list[tuple[float, float, str]]] = {name: [] for name in wanted}
    for _ in range(args.reps):
        for name in wanted:
            if name in app:
                got[name].append(run_app(chat, tokens, args.tokens, app[name]))
            else:
                loaded[name].reset()
                got[name].append(run_once(loaded[name], tokens, args.tokens))
    base_ttft = median([g[0] for g in got["plain"]])
    base_dec = median([g[1] for g in got["plain"]])
    rows = []
    for name, runs in got.items():
        ttft, dec = median([r[0] for r in runs]), median([r[1] for r in runs])
        same = all(r[2] == got["plain"][0][2] for r in runs)
        rows.append([name, f"{ttft:.0f}", f"{ttft / base_ttft:.2f}", f"{dec:.1f}", f"{dec / base_dec:.2f}",
                     "yes" if same else "NO"])
    print(table(["config", "first token ms", "vs plain", "decode tok/s", "vs plain", "same text"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
