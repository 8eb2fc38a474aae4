"""`field-assistant depot ...`: the depot admin's commands (init, publish-manual, publish-model,
withdraw, rollout, jobs add, status, gc). Run on the admin's machine, which holds the signing key."""

from __future__ import annotations

import argparse
from pathlib import Path

from .output import fail, print_json

SERVER_HELP = "the depot's CouchDB server, e.g. https://admin:PASSWORD@couch.depot.example:6984 " \
              "(default: the one saved by `depot init`)"


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("depot", help="the depot admin: publish signed manuals, models, rollouts and jobs",
                       description="Publish to the depot's CouchDB server, signed with the depot key.")
    ds = s.add_subparsers(dest="depot_action", metavar="ACTION", required=True)

    def action(name: str, help: str) -> argparse.ArgumentParser:
        a = ds.add_parser(name, help=help)
        a.add_argument("--server", metavar="URL", help=SERVER_HELP)
        a.add_argument("--json", action="store_true")
        return a

    a = action("init", "create the depot's databases and its signing key; print the public key")
    a.add_argument("--new-key", action="store_true", help="replace an existing signing key (devices must get the new public key)")
    a = action("publish-manual", "publish one revision of a manual (its file goes with it)")
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--revision", required=True, help="e.g. C or 2024-03")
    a.add_argument("--name", help="stable across revisions (default: from the file name)")
    a.add_argument("--title")
    a.add_argument("--equipment", action="append", default=[], metavar="MODEL", help="asset model it covers (repeat)")
    a.add_argument("--group", action="append", default=[], metavar="G", help="only devices in this group (repeat; none = all)")
    a = action("publish-model", "publish a GGUF chat model (uploaded once, content-addressed)")
    a.add_argument("file", type=Path, metavar="FILE.gguf")
    a.add_argument("--version", required=True)
    a.add_argument("--name", help="default: from the file name")
    a.add_argument("--role", default="chat", choices=["chat"])
    a.add_argument("--min-ram-gb", type=float)
    a.add_argument("--part-mb", type=float, metavar="MB",
                   help="upload a model larger than this as parts of this size (default 64; a re-run resumes at the first missing part)")
    a.add_argument("--group", action="append", default=[], metavar="G")
    a = action("withdraw", "withdraw a manual revision, model version, rollout or job (devices drop it)")
    a.add_argument("id", metavar="ID", help="e.g. manual:p200-om:B")
    a = action("rollout", "run a model on devices in some groups and/or a percentage of devices")
    a.add_argument("model", metavar="MODEL", help="model:NAME:VERSION")
    a.add_argument("--groups", nargs="+", default=[], metavar="G")
    a.add_argument("--percent", type=int, metavar="P", help="0-100")
    a = action("status", "devices (versions, last seen, health) and what is published")
    a = action("gc", "delete model blobs no published model, rollout or rollback needs")
    a.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
    a.add_argument("--min-age-hours", type=float, default=1.0, metavar="H",
                   help="keep blobs written less than H hours ago (a publish may be under way; default 1)")
    j = ds.add_parser("jobs", help="jobs for devices: `depot jobs add`")
    js = j.add_subparsers(dest="jobs_action", metavar="ACTION", required=True)
    a = js.add_parser("add", help="assign a job (asset model, serial, site, work order) to a device or group")
    a.add_argument("--server", metavar="URL", help=SERVER_HELP)
    a.add_argument("--json", action="store_true")
    a.add_argument("--asset", required=True, metavar="MODEL")
    a.add_argument("--serial", required=True)
    a.add_argument("--site")
    a.add_argument("--work-order")
    a.add_argument("--id", help="job id (default: a new random one)")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--device", metavar="D", help="a device id (as `depot status` lists it)")
    who.add_argument("--group", action="append", metavar="G")
    s.set_defaults(func=cmd_depot)


def cmd_depot(args, session) -> int:
    from ..depot import keys, publish
    from ..depot.server import Depot
    from ..sync.config import SyncConfigError

    try:
        config = keys.server_config(args.server)
    except SyncConfigError as e:
        return fail(str(e), 2)
    act = args.depot_action
    if act == "rollout" and args.percent is not None and not 0 <= args.percent <= 100:
        return fail(f"depot rollout: --percent must be 0 to 100, not {args.percent}", 2)
    if act == "rollout" and not args.groups and args.percent is None:
        return fail("depot rollout: give --groups G... and/or --percent P", 2)
    with Depot(config) as depot:
        if act == "init":
            made = depot.create_databases()
            key = None if args.new_key else keys.load_key(config.url)
            created_key = key is None
            if key is None:
                key = keys.new_key(config.url)
            secret_where = keys.save_server(config)
            out = {"public_key": key.public_key, "server": config.safe_url, "databases": made,
                   "key_created": created_key, "private_key_in": key.where, "credentials_in": secret_where}
            if args.json:
                print_json(out)
            else:
                dbs = ", ".join(f"{db} ({'created' if new else 'exists'})" for db, new in made.items())
                print(f"depot {config.safe_url}: {dbs}")
                print(f"signing key {'created' if created_key else 'kept'}; private key in {key.where}")
                print(f"credentials kept in {secret_where}")
                print("public key (give it to devices: sync-setup --depot-key):")
                print(key.public_key)
            return 0
        if act == "status":
            result = publish.status(depot, keys.load_key(config.url))
            if args.json:
                print_json(result)
            else:
                _print_status(result)
            return 0
        if act == "gc":
            from ..depot import gc

            result = gc.collect(depot, dry_run=args.dry_run, min_age_s=max(0.0, args.min_age_hours) * 3600)
            if args.json:
                print_json(result)
            else:
                verb = "would delete" if result["dry_run"] else "deleted"
                for d in result["deleted"]:
                    print(f"{verb} {d['id']} ({d['filename'] or '?'}, {d['size'] or '?'} bytes)")
                for k in result["kept"]:
                    print(f"kept {k['id']}: {'; '.join(k['why'])}")
                print(f"{len(result['deleted'])} blobs {verb}, {result['freed_bytes']} bytes"
                      + (f"; compaction {result['compaction']}" if result["compaction"] else ""))
            return 0
        key = keys.require_key(config.url)
        if act == "publish-manual":
            result = publish.publish_manual(depot, key, args.file, args.revision, name=args.name, title=args.title,
                                            equipment=args.equipment, groups=args.group)
        elif act == "publish-model":
            if args.part_mb is not None and not args.part_mb * 2**20 >= 1024:
                return fail("depot publish-model: --part-mb must be at least 1 KB (0.001)", 2)
            result = publish.publish_model(depot, key, args.file, args.version, name=args.name, role=args.role,
                                           min_ram_gb=args.min_ram_gb, groups=args.group,
                                           part_size=int(args.part_mb * 2**20) if args.part_mb else None)
        elif act == "withdraw":
            result = publish.withdraw(depot, key, args.id)
        elif act == "rollout":
            result = publish.rollout(depot, key, args.model, groups=args.groups, percent=args.percent)
        elif act == "jobs":
            result = publish.add_job(depot, key, args.asset, args.serial, site=args.site, work_order=args.work_order,
                                     device=args.device, groups=args.group or [], job_id=args.id)
        else:  # pragma: no cover - argparse allows only the actions above
            return fail(f"depot: unknown action {act}", 2)
    if args.json:
        print_json(result)
    else:
        print(f"{result['id']}: {result['action']}")
    return 0


def _print_status(s: dict) -> None:
    from ..depot.publish import HEALTH_SUMMARY

    print(f"depot {s['server']}")
    print(f"{len(s['devices'])} devices")
    for d in s["devices"]:
        facts = "; ".join(f"{k} {d[k]}" for k in HEALTH_SUMMARY if d.get(k) not in (None, "", [], {}))
        print(f"  {d['device']}: {facts or '(no health figures)'}")
        for f in d.get("rolled_back") or []:  # why this device is not on a model it was offered
            if isinstance(f, dict):
                print(f"    rolled back {f.get('model')}: {f.get('reason')}")
    print(f"{len(s['published'])} published")
    for p in s["published"]:
        flags = [f for f, on in (("withdrawn", p.get("withdrawn")), ("NOT VERIFIED", p.get("verified") is False),
                                 ("file missing", p.get("file") is False)) if on]
        extra = f"  [{', '.join(flags)}]" if flags else ""
        groups = f"  groups {','.join(p['groups'])}" if p.get("groups") else ""
        print(f"  {p['id']}{groups}{extra}")
