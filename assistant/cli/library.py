"""Library commands: ingest, library, remove, search."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from .output import Bar, fail, print_json, warn_keyword_only

log = logging.getLogger(__name__)


def cmd_ingest(args, session) -> int:
    from ..library import ingest

    report = _follow(ingest.ingest(session.db, session.embedder, args.paths, ocr=False if args.no_ocr else None),
                     say_failed=not args.json)
    if args.json:
        print_json(report.to_json())
    else:
        for a in report.added:
            pages = f", {a['pages']} pages" if a.get("pages") else ""
            print(f"added   {a['path']} ({a['chunks']} chunks{pages})")
            if a.get("ocr_pages"):
                print(f"        read by OCR: {len(a['ocr_pages'])} page(s)")
            if a.get("warning"):
                print(f"        note: {a['warning']}")
        for s in report.skipped:
            print(f"skipped {s['path']} ({s['reason']})")
        print(f"{len(report.added)} added, {len(report.skipped)} skipped, {len(report.failed)} failed")
    return 1 if report.failed else 0


def cmd_library(args, session) -> int:
    from .. import db
    from ..library import ingest

    if getattr(args, "library_action", None) == "upgrade":
        return cmd_upgrade(args, session)
    from ..library import backfill

    manuals = ingest.library(session.db)
    pending = backfill.needed(session.db)  # manuals stored by an older version, to bring up to date
    if args.json:
        print_json({"manuals": manuals, "tables": db.table_counts(session.db), "upgrade_pending": pending})
        return 0
    if not manuals:
        print("The library is empty. Add manuals with: field-assistant ingest FILE_OR_FOLDER")
        return 0
    for m in manuals:
        pages = f"{m['pages']} pages, " if m["pages"] else ""
        scanned = f", {len(m['scanned_pages'])} scanned pages" if m["scanned_pages"] else ""
        depot = f", depot revision {m['revision']}" if m.get("source") == "depot" else ""
        print(f"{m['title']}  [{m['format']}, {pages}{m['chunks']} chunks{scanned}{depot}]\n    {m['path']}")
    print("Tables: " + ", ".join(f"{t} {n}" for t, n in db.table_counts(session.db).items()))
    if pending:
        print(f"{pending} manual(s) stored by an older version lack tables as rows (or their label vectors), procedures or OCR: "
              "run `field-assistant library upgrade` (the app does it at start)")
    return 0


def cmd_upgrade(args, session) -> int:
    """`library upgrade`: run the extractions manuals stored by an older version lack. Exit 1 when a
    manual could not be upgraded now (its file gone, changed or unreadable); it is kept as it is."""
    from ..library import backfill

    # The embedding model only when there is work (a waiting manual alone needs none).
    embedder = session.embedder if backfill.needed(session.db) else None
    report = _follow(backfill.upgrade(session.db, embedder))
    if args.json:
        print_json(report.to_json())
    else:
        for u in report.upgraded:
            print(f"upgraded {u['path']} ({backfill._summary(u)})")
        for p in report.problems:
            print(f"not upgraded: {p['path']}: {p['error']}", file=sys.stderr)
        if report.waiting:
            print(f"{len(report.waiting)} manual(s) still wait (said before): "
                  + "; ".join(f"{w['title']}: {w['error']}" for w in report.waiting))
        if report.upgraded or report.problems:
            print(f"{len(report.upgraded)} upgraded, {len(report.problems)} could not be")
        else:
            print("Nothing to upgrade now." if report.waiting else "The library is up to date.")
    return 1 if report.problems else 0


def _follow(events, say_failed: bool = False):
    """Show ingest-style progress events (ingest, library upgrade) on a progress bar; returns the
    report of the "finished" event. `say_failed`: print each failure on stderr as it happens."""
    bar = Bar()
    report = None
    for ev in events:
        if ev.kind in ("file", "added", "skipped", "failed"):
            bar.show(ev.done, ev.total, Path(ev.path).name, force=ev.kind != "file")
        elif ev.kind == "ocr":
            bar.show(ev.done, ev.total, f"{ev.message}: {Path(ev.path).name}")
        if ev.kind == "failed" and say_failed:
            bar.end() if bar.tty else None
            print(f"failed: {ev.path}: {ev.message}", file=sys.stderr)
        if ev.report is not None:
            report = ev.report
    bar.end()
    return report


def cmd_remove(args, session) -> int:
    from ..library import ingest

    missing = []
    for p in args.paths:
        path = str(Path(p).expanduser().resolve())
        if not ingest.remove(session.db, path):
            missing.append(p)
    if missing:
        return fail(f"not in the library: {', '.join(missing)}")
    return 0


def cmd_search(args, session) -> int:
    from ..rag.search import search

    res = search(session.db, session.embedder_or_none(), args.query, k=args.k, mode=args.mode)
    warn_keyword_only(session)
    if args.json:
        print_json({"results": [p.to_json(i + 1) for i, p in enumerate(res.passages)],
              "notices": [session.embedder_problem] if session.embedder_problem else []})
        return 0
    if not res.passages:
        print("No matching passages.")
    for i, p in enumerate(res.passages, 1):
        where = f"page {p.page}" if p.page is not None else ""
        print(f"{i}. {p.manual} {where} — {p.section}".rstrip(" —"))
        print("   " + p.text[:400].replace("\n", "\n   "))
    return 0
