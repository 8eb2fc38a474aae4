"""Watch-folder commands: `watch add|remove|list|scan|run`."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .output import Bar, fail, print_json

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("watch", help="folders whose manuals the library follows (added, changed, deleted)")
    ws = s.add_subparsers(dest="watch_action", metavar="ACTION", required=True)
    a = ws.add_parser("add", help="watch a folder (its manuals are indexed by the app and by `watch scan`)")
    a.add_argument("folder", metavar="DIR")
    a = ws.add_parser("remove", help="stop watching a folder (its manuals stay in the library)")
    a.add_argument("folder", metavar="DIR")
    a = ws.add_parser("list", help="the watched folders")
    a.add_argument("--json", action="store_true")
    a = ws.add_parser("scan", help="bring the library in line with the watched folders once, then exit")
    a.add_argument("--json", action="store_true")
    a = ws.add_parser("run", help="keep the library in line with the watched folders until Ctrl-C")
    a.add_argument("--interval", type=float, metavar="S", help="seconds between scans (default: settings)")
    s.set_defaults(func=cmd_watch)


def cmd_watch(args, session) -> int:
    from ..library import watch

    action = args.watch_action
    if action == "add":
        watch.add_folder(args.folder)
        print(f"watching {watch.normalise(args.folder)}; run `field-assistant watch scan` to index it now")
        return 0
    if action == "remove":
        watch.remove_folder(args.folder)
        print(f"no longer watching {args.folder} (its manuals stay in the library)")
        return 0
    folders = watch.folders(session.settings)
    if action == "list":
        rows = [{"folder": f, "exists": Path(f).is_dir()} for f in folders]
        if args.json:
            print_json({"folders": rows})
        elif not rows:
            print("No watched folders. Add one with: field-assistant watch add DIR")
        for r in rows if not args.json else []:
            print(r["folder"] + ("" if r["exists"] else "  (not found)"))
        return 0
    if not folders:
        return fail("no watched folders; add one with: field-assistant watch add DIR")
    watcher = watch.Watcher(session.settings.watch_settle_s)
    if action == "scan":
        report = _scan(watcher, session, folders, show=not args.json)
        if args.json:
            print_json(report.to_json())
        else:
            _print(report, quiet=False)
        return 1 if report.failed or report.unavailable else 0
    interval = args.interval if args.interval is not None else session.settings.watch_interval_s
    print(f"watching {len(folders)} folder(s) every {interval:g} s; Ctrl-C to stop", file=sys.stderr)
    unavailable: set[str] = set()
    while True:
        report = _scan(watcher, session, folders, show=True)
        _print(report, quiet=True)
        now = {u["folder"]: u["error"] for u in report.unavailable}
        for folder in now.keys() - unavailable:  # said once, when it happens, not every round
            print(f"field-assistant: unavailable: {folder}: {now[folder]}", file=sys.stderr)
        for folder in unavailable - now.keys():
            print(f"available again: {folder}", file=sys.stderr)
        unavailable = set(now)
        sys.stdout.flush()
        time.sleep(interval)


def _scan(watcher, session, folders, show: bool):
    bar = Bar() if show else None
    report = None
    for ev in watcher.scan(session.db, session.embedder, folders):
        if bar is not None and ev.kind in ("file", "added", "skipped", "failed"):
            bar.show(ev.done, ev.total, Path(ev.path).name, force=ev.kind != "file")
        if ev.report is not None:
            report = ev.report
    if bar is not None and report is not None and (report.added or report.replaced or report.skipped
                                                    or report.failed):
        bar.end()
    return report


def _print(report, quiet: bool) -> None:
    """One line per change; `quiet` (watch run) leaves out what did not change since the last scan."""
    for a in report.added:
        print(f"added    {a['path']} ({a['chunks']} chunks)")
    for a in report.replaced:
        print(f"replaced {a['path']} ({a['chunks']} chunks)")
    for r in report.removed:
        print(f"removed  {r['path']}")
    for s in report.skipped:
        if s["reason"] != "unchanged":
            print(f"skipped  {s['path']} ({s['reason']})")
    for f in report.failed:
        print(f"field-assistant: failed: {f['path']}: {f['error']}", file=sys.stderr)
    if quiet:
        return
    for p in report.pending:
        print(f"pending  {p['path']} (still changing; indexed once it settles)")
    for u in report.unavailable:
        print(f"field-assistant: unavailable: {u['folder']}: {u['error']}", file=sys.stderr)
    print(f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.removed)} removed, "
          f"{len(report.pending)} pending, {len(report.failed)} failed")
