"""`field-assistant jobs [--json]`, `jobs use ID|--none`, `jobs current [--json]`, `jobs scan PHOTO`:
the depot's jobs on this device (assistant/fleet/jobs.py) and nameplate codes (fleet/nameplate.py)."""

from __future__ import annotations

import argparse

from .output import fail, print_json


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("jobs", help="jobs assigned to this device; `jobs use ID`, `jobs current`, `jobs scan PHOTO`",
                       description="List the jobs assigned to this device or its groups (not withdrawn).")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_jobs)
    js = s.add_subparsers(dest="jobs_command", metavar="SUBCOMMAND")
    a = js.add_parser("use", help="make a job current: answers are scoped to its asset's manuals, notes get its fields")
    a.add_argument("job_id", nargs="?", metavar="ID")
    a.add_argument("--none", action="store_true", help="no current job")
    a.add_argument("--json", action="store_true")
    a = js.add_parser("current", help="the current job")
    a.add_argument("--json", action="store_true")
    a = js.add_parser("scan", help="read a nameplate's QR code or barcode from a photo; match it to a job")
    a.add_argument("photo", metavar="PHOTO")
    a.add_argument("--json", action="store_true")


def _line(j) -> str:
    parts = [j.work_order and f"WO {j.work_order}", j.site and f"at {j.site}"]
    return f"[{j.id}] {j.label}" + "".join(f"  {p}" for p in parts if p)


def cmd_jobs(args, session) -> int:
    from ..fleet import jobs

    db, groups = session.db, session.settings.device_groups
    sub = getattr(args, "jobs_command", None)
    if sub == "use":
        if bool(args.job_id) == bool(args.none):
            return fail("jobs use: give a job ID or --none", 2)
        job = jobs.use(db, None if args.none else args.job_id, groups)
        return _show(job and jobs.scope(db, groups), args.json)
    if sub == "current":
        return _show(jobs.scope(db, groups), args.json)
    if sub == "scan":
        return cmd_scan(args, session)
    found = jobs.list_jobs(db, groups)
    cur = jobs.current(db, groups)
    if args.json:
        print_json({"jobs": [j.to_json() for j in found], "current": cur.id if cur else None})
        return 0
    if not found:
        print("No jobs for this device.")
    for j in found:
        print(("* " if cur and cur.id == j.id else "  ") + _line(j))
    return 0


def _show(scope, as_json: bool) -> int:
    if as_json:
        print_json({"current": scope.to_json() if scope else None})
        return 0
    if scope is None:
        print("No current job: answers search every manual.")
        return 0
    print(_line(scope.job))
    if scope.scoped:
        print("Answers are scoped to: " + "; ".join(scope.manuals))
    else:
        print(f"Answers are not scoped: no manual in the library is for {scope.job.asset or 'this asset'}.")
    return 0


def cmd_scan(args, session) -> int:
    from ..fleet import nameplate

    result = nameplate.scan_and_apply(session.db, args.photo, session.settings.device_groups)
    if args.json:
        print_json(result.to_json())
    else:
        print(result.message)
    return 0 if result.codes else 1
