"""`field-assistant procedures [QUERY]` and `procedures show ID`: the step lists found in the manuals."""

from __future__ import annotations

import argparse

from .output import fail, print_json


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("procedures", help="step-by-step procedures found in the manuals; `procedures show ID`",
                       description="List procedures (all, or those matching QUERY), or `procedures show ID`.")
    # One positional list rather than a subcommand, so `procedures QUERY` needs no `search` word;
    # `show ID` is recognised by its first word.
    s.add_argument("words", nargs="*", metavar="QUERY", help="words to search for, or: show ID")
    s.add_argument("-k", type=int, help="at most this many procedures (default: 10 for a search, all for the list)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_procedures)


def cmd_procedures(args, session) -> int:
    from ..procedures import store

    words = args.words
    if words and words[0] == "show":
        if len(words) != 2 or not words[1].isdigit():
            return fail("procedures show: give one procedure ID (a number from `field-assistant procedures`)", 2)
        p = store.get(session.db, int(words[1]))  # ProcedureNotFound: one line, exit 1
        if args.json:
            print_json(store.to_json(p))
        else:
            _print_full(p)
        return 0
    if args.k is not None and args.k < 1:
        return fail("procedures: -k must be at least 1", 2)
    found = store.search(session.db, " ".join(words), args.k or 10) if words \
        else store.all_procedures(session.db, args.k)
    if args.json:
        print_json({"procedures": [store.to_json(p) for p in found]})
        return 0
    if not found:
        print("No matching procedures." if words else "No procedures found in the library.")
    for p in found:
        where = f", page {p.page}" if p.page is not None else ""
        print(f"[{p.id}] {p.title}  ({len(p.steps)} steps; {p.manual_title}{where})")
    return 0


def _print_full(p) -> None:
    where = f", page {p.page}" if p.page is not None else ""
    print(f"{p.title}\n{p.manual_title}{where}" + (f" — {p.section}" if p.section else ""))
    for w in p.warnings:
        print(f"!! {w}")
    for label, values in (("Tools", p.tools), ("Parts", p.parts), ("Torques", p.torques)):
        if values:
            print(f"{label}: {', '.join(values)}")
    for s in p.steps:
        if s.warning:
            print(f"   !! {s.warning}")
        print(f"{s.n:>3}. {s.text}")
