"""Prompt-lookup draft schedules replayed over the model's own greedy answers (issue 11, section 5).

    .venv/bin/python bench/lookup_schedule.py --record QUESTIONS.json --out TRACES.json [--model GGUF] [--limit 8]
    .venv/bin/python bench/lookup_schedule.py --replay TRACES.json [--cost 0.2,0.3,0.4]

Greedy decoding writes the same tokens whatever the drafts are, so how many model calls a
schedule needs is fixed by the answer: a drafted token is accepted exactly when it is the token the
answer has at that place. `--record` runs the app's own `ask` (the prompt cap of this device from
FIELD_ASSISTANT_MAX_PROMPT_TOKENS, the model's family prompt) over the answerable questions of an
answer_quality.py question file (`questions-tune-all.json` of its `--home`: the tuning half) and
keeps each prompt's tokens and the answer's tokens. `--replay` prices every schedule (first draft
length, longest, reset or halve after a rejection) with a verify batch costing 1 + c x (drafted
tokens) one-token steps, and prints the best ones beside the app's own: a choice to confirm with
decode_speed.py, which times real runs (this script times nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from _common import banner, load_embedder, table

from assistant import db as dbmod
from assistant import llm, lookup_decode, models
from assistant.lookup_decode import find_draft, next_size


def record(questions: Path, out: Path, model: Path, limit: int) -> None:
    from assistant.rag.answer import ask
    from assistant.settings import Settings

    traces = []
    real = lookup_decode.greedy

    def recording(ll, prompt, max_tokens, *args, **kwargs):
        written = []
        for t in real(ll, prompt, max_tokens, *args, **kwargs):
            written.append(t)
            yield t
        traces.append({"prompt": list(prompt), "out": written})

    lookup_decode.greedy = recording
    embedder, chat, settings = load_embedder(), llm.load(model), Settings()
    per_set: dict[str, int] = {}
    conns: dict[str, object] = {}
    for q in json.loads(questions.read_text()):
        per_set[q["set"]] = per_set.get(q["set"], 0) + 1
        if not q["answerable"] or per_set[q["set"]] > limit:
            continue
        if q["db"] not in conns:
            conns[q["db"]] = dbmod.connect(Path(q["db"]))
        list(ask(conns[q["db"]], embedder, lambda: chat, q["q"], settings))
        print(f"   {q['set']}: {len(traces)} answers", file=sys.stderr, flush=True)
    out.write_text(json.dumps(traces))


def replay(trace: dict, first: int, most: int, shrink: str, c: float) -> tuple[float, int]:
    """(cost in one-token steps, tokens) of decoding `trace`'s answer with this schedule."""
    seq, out = list(trace["prompt"]) + trace["out"][:1], trace["out"]
    i, size, cost = 1, first, 0.0
    while i <= len(out):
        draft = find_draft(seq, size)
        accepted = 0
        while accepted < len(draft) and i + accepted < len(out) and out[i + accepted] == draft[accepted]:
            accepted += 1
        cost += 1 + c * len(draft)
        size = next_size(size, len(draft), accepted, first, most, shrink)
        seq.extend(out[i:i + accepted + 1])
        i += accepted + 1
    return cost, len(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--record", type=Path, help="an answer_quality.py questions file (its tuning half)")
    ap.add_argument("--out", type=Path, default=Path("lookup-traces.json"))
    ap.add_argument("--model", type=Path, help="chat GGUF (default: the app's default chat model)")
    ap.add_argument("--limit", type=int, default=8, help="answerable questions per set")
    ap.add_argument("--replay", type=Path, help="traces written by --record")
    ap.add_argument("--cost", default="0.2,0.3,0.4", help="a drafted token's share of a one-token step")
    args = ap.parse_args()
    if args.record:
        os.environ.setdefault("FIELD_ASSISTANT_MAX_PROMPT_TOKENS", "536")
        record(args.record, args.out, args.model or Path(models.default("chat").path), args.limit)
        return 0
    if not args.replay:
        ap.error("--record or --replay")
    traces = json.loads(args.replay.read_text())
    banner(f"lookup schedules replayed over {len(traces)} answers")
    schedules = [(f, m, s) for f in (1, 2, 3, 4, 6) for m in (4, 8, 12, 16, 24, 32) if m >= f
                 for s in ("reset", "half")]
    app = (lookup_decode.DRAFT_TOKENS, lookup_decode.DRAFT_MAX, lookup_decode.SHRINK)
    for c in (float(x) for x in args.cost.split(",")):
        speed = {}
        for sched in schedules + [app, (4, 16, "reset")]:
            cost = tokens = 0
            for t in traces:
                a, n = replay(t, *sched, c)
                cost, tokens = cost + a, tokens + n
            speed[sched] = tokens / cost  # tokens per one-token step: the speed-up over no lookup
        best = sorted(speed, key=speed.get, reverse=True)[:5]
        rows = [[f"{f} -> {m}, {s}" + (" (the app's)" if (f, m, s) == app else ""), f"{speed[(f, m, s)]:.3f}"]
                for f, m, s in dict.fromkeys(best + [app, (4, 16, "reset")])]
        print(f"\n   a drafted token costs {c} of a one-token step")
        print(table(["schedule", "speed-up over no lookup"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
