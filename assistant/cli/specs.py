"""The `specs` command: table rows (torques, fuse sizes, fault codes) matching a query."""

from __future__ import annotations

from .output import fail, print_json, warn_keyword_only


def add_parser(sub) -> None:
    s = sub.add_parser("specs", help="table rows (torques, fuse sizes, fault codes) matching a query")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=10)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_specs)


def cmd_specs(args, session) -> int:
    from ..rag import specs
    from ..rag.search import joined_codes
    from ..rag.spec_answer import readable

    if args.k < 1:
        return fail("-k must be at least 1", 2)
    # The embedder (when installed) matches rows by meaning too; without it, words and values only.
    # "E 12" is the code E12, as ask reads it (answer.retrieve).
    rows = specs.search(session.db, joined_codes(args.query), k=args.k, embedder=session.embedder_or_none())
    warn_keyword_only(session)
    if args.json:
        print_json({"query": args.query, "rows": [r.to_json() for r in rows]})
        return 0
    if not rows:
        print("No matching table rows.")
    for i, r in enumerate(rows, 1):
        where = f", page {r.page}" if r.page is not None else ""
        print(f"{i}. {r.manual_title}{where} — {r.caption or r.section}".rstrip(" —"))
        print(f"   {readable(r.text())}")  # "... 5 minutes. Action: ...", not ".; Action"
    return 0
