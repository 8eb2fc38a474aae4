"""Admin commands: models (list, add, default, setup, bench) and doctor."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from ..errors import AssistantError
from .output import fail, print_json

log = logging.getLogger(__name__)


def cmd_models(args, session) -> int:
    from .. import model_setup, models

    action = args.models_action
    if action == "setup":
        for p in model_setup.install_all():
            print(f"installed {p}")
        return 0
    if action == "add":
        info = models.add(Path(args.path), make_default=args.default)
        print(f"added {info.name} ({info.role}, {info.format}, {info.size_bytes / 1e6:.0f} MB)")
        return 0
    if action == "default":
        info = models.set_default(args.name)
        print(f"default chat model: {info.name}")
        return 0
    from .. import model_bench

    infos = models.installed(session.settings)
    chats = [m for m in infos if m.role == "chat"]
    if action == "bench":
        wanted = [m for m in chats if args.name in (None, m.name)]
        if not wanted:
            return fail(f"no chat model named {args.name}; see `field-assistant models`", 1)
        done = []
        for m in wanted:
            if m.problem:
                print(f"{m.name}: skipped ({m.problem})", file=sys.stderr)
                continue
            try:
                r = model_bench.measure(Path(m.path), session.db, session.settings.top_k)
            except AssistantError as e:  # one model that cannot run must not stop the others
                print(f"{m.name}: {e}", file=sys.stderr)
                continue
            done.append(r)
            if not args.json:
                mark = "within" if r.within_budget else "OVER"
                print(f"{r.name}: first token {r.first_token_s:.1f} s on a {r.prompt_tokens}-token prompt "
                      f"whose {r.opening_tokens}-token opening the app reads at start "
                      f"({mark} the {model_bench.LATENCY_BUDGET_S:.0f} s budget; "
                      f"{r.cold_first_token_s:.1f} s for a one-shot `ask`), prefill "
                      f"{r.prefill_tokens_per_s:.0f} tok/s, decode {r.decode_tokens_per_s:.1f} tok/s, "
                      f"{r.rss_mb:.0f} MB resident")
        best = model_bench.recommend(chats)
        if args.json:
            print_json({"results": [r.to_json() for r in done], "recommended": best})
        elif best:
            chosen = session.settings.chat_model
            tail = (f"the default while no other is chosen; now `{chosen}` is, by choice"
                    if chosen and chosen != best else "the default chat model unless another is chosen"
                    " with `field-assistant models default NAME`")
            print(f"recommended: {best} (the best measured model within the budget: {tail})")
        return 0 if done else 1
    results = model_bench.load_results()
    if args.json:
        rows = []
        for m in infos:
            d = m.to_json()
            if m.role == "chat":
                r = model_bench.result_for(m.name, m.size_bytes, results)
                d["bench"] = r.to_json() if r else None
            rows.append(d)
        print_json({"models": rows, "recommended_chat": model_bench.recommend(chats, results)})
        return 0
    if not infos:
        print(f"No models installed in {models.role_dir('chat').parent}. Run: field-assistant models setup")
    for m in infos:
        star = "*" if m.default else " "
        r = model_bench.result_for(m.name, m.size_bytes, results) if m.role == "chat" else None
        measured = f"   first token {r.first_token_s:.1f} s, {r.decode_tokens_per_s:.0f} tok/s" if r else ""
        print(f"{star} {m.role:<9} {m.name:<40} {m.format:<12} {m.size_bytes / 1e6:8.1f} MB{measured}")
        if m.problem:
            print(f"    problem: {m.problem}")
    return 0


def cmd_doctor(args, session) -> int:
    from .. import doctor

    ok = True
    for check in doctor.run(session):
        mark = "ok  " if check.ok else ("warn" if not check.essential else "FAIL")
        print(f"{mark} {check.name}: {check.detail}")
        ok &= check.ok or not check.essential
    return 0 if ok else 1
