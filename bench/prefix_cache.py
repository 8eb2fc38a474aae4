"""First token with the fixed prompt prefix already in the KV cache vs from an empty cache.

    .venv/bin/python bench/prefix_cache.py [--model GGUF] [--rounds N]

Every answer's prompt opens with the same tokens: the chat template and the system text (about
a fifth of a 600-token prompt). llama-cpp-python keeps the previous prompt's KV cache and
evaluates only what differs from it, so the app keeps one model instance per file
(`assistant.llm.load`) and never resets it between questions. This measures what that saves:
the same questions, each asked right after a *different* question (warm: only the shared prefix
can be reused), after `reset()` (cold), and after `reset()` then `prompt_cache.warm` (started: what
the GUI does while it loads the model, so a session's first question is this one), interleaved, on
the demo library with the app's ask(). The peer is the cold run: ratio = TTFT / cold TTFT.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _common import PROJECT_ROOT, banner, load_embedder, table, temp_home

from assistant import db as dbmod
from assistant import llm, models
from assistant.library import ingest
from assistant.rag import prompt_cache
from assistant.rag.answer import ask
from assistant.settings import Settings

QUESTIONS = [
    "What torque for the pump mounting bolts?",
    "The UPS shuts down too early, what should I check?",
    "How do I reset alarm E47?",
    "Which seal kit fits the HX-400 compressor?",
    "How often should the inlet filter be replaced?",
    "What does the amber status lamp mean?",
]


def ttft(db, embedder, chat, question: str, settings: Settings) -> tuple[float, int]:
    answer = list(ask(db, embedder, lambda: chat, question, settings))[-1].answer
    return answer.timings["ttft_ms"] / 1000.0, int(answer.timings.get("prompt_tokens", 0) or 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--model", type=Path, help="chat GGUF (default: the default chat model)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    path = args.model or Path(models.default("chat").path)
    banner(f"prompt-prefix reuse: {path.name}")
    with temp_home():
        db = dbmod.connect()
        embedder = load_embedder()
        ingest.run(db, embedder, [PROJECT_ROOT / "resources" / "demo"])
        settings = Settings()
        settings.max_answer_tokens = 8  # the first token is what is measured
        chat = llm.load(path)
        warm: list[float] = []
        cold: list[float] = []
        started: list[float] = []
        warm_s: list[float] = []
        opening = 0
        for _ in range(args.rounds):
            for i, q in enumerate(QUESTIONS):
                other = QUESTIONS[(i + 1) % len(QUESTIONS)]
                ttft(db, embedder, chat, other, settings)  # leaves a different question's prompt cached
                warm.append(ttft(db, embedder, chat, q, settings)[0])
                chat._llm.reset()  # nothing cached: the whole prompt is evaluated
                cold.append(ttft(db, embedder, chat, q, settings)[0])
                t0 = time.perf_counter()
                opening = prompt_cache.warm(chat)  # resets the cache, then reads the fixed opening
                warm_s.append(time.perf_counter() - t0)
                started.append(ttft(db, embedder, chat, q, settings)[0])
    rows = [["cold (reset before)", len(cold), statistics.median(cold), 1.0],
            ["warm (another question before)", len(warm), statistics.median(warm),
             statistics.median(warm) / statistics.median(cold)],
            ["started (opening read at model load)", len(started), statistics.median(started),
             statistics.median(started) / statistics.median(cold)]]
    print(table(["run", "questions", "median first token s", "vs cold"], rows))
    print(f"the opening: {opening} tokens, read in {statistics.median(warm_s):.2f} s (median) at model load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
