"""Notes and sync commands: notes add/list/show/edit/delete, sync, sync-setup."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from ..errors import AssistantError
from .output import fail, print_json

log = logging.getLogger(__name__)


def _note_store(session):
    from ..notes import NoteStore

    return NoteStore(session.db)


def _print_note(n, revisions=()) -> None:
    flags = " [CONFLICT: review the conflicting copy]" if n.conflict else ""
    print(f"{n.title}{flags}\n  id {n.id}  rev {n.rev}")
    meta = [f"{k}: {v}" for k, v in (("work order", n.work_order), ("asset", n.asset), ("serial", n.serial))
            if v]
    if n.tags:
        meta.append("tags: " + ", ".join(n.tags))
    meta.append(f"edited {n.edited_at} by {n.author or '?'} on {n.device or '?'}")
    print("  " + "; ".join(meta))
    if n.body:
        print("\n" + n.body)
    from ..fleet.revisions import describe

    for c, rev in zip(n.citations, list(revisions) or [None] * len(n.citations), strict=False):
        where = f", page {c['page']}" if c.get("page") is not None else ""
        print(f"  [{c.get('n')}] {c.get('manual')}{where}" + (f" ({describe(rev)})" if rev else ""))
        if rev and rev["changed"]:
            print(f"      cited: {rev['cited_path']}" + (f"\n      now:   {rev['current_path']}" if rev["current_path"] else ""))


def cmd_notes(args, session) -> int:
    store = _note_store(session)
    action = args.notes_action
    if action == "add":
        body = args.body or ""
        source = None
        if args.body_file:
            body = Path(args.body_file).read_text(encoding="utf-8")
        if args.dictate:
            from ..notes import dictate

            body, source = dictate(args.dictate, session.settings)
        if args.from_answer:
            raw = sys.stdin.read() if args.from_answer == "-" else Path(args.from_answer).read_text(encoding="utf-8")
            try:
                answer = json.loads(raw)
            except ValueError:
                return fail(f"{args.from_answer}: not the JSON printed by `field-assistant ask --json`")
            question = args.question or answer.get("question") or args.title or ""
            if not question:
                return fail("--from-answer needs --question (the question that was asked)")
            note = store.add_from_answer(question, answer, title=args.title, tags=args.tag or (),
                                         work_order=args.work_order)
        else:
            title = args.title or (body.strip().splitlines()[0][:80] if body.strip() else "")
            note = store.add(title, body, tags=args.tag or (), work_order=args.work_order, asset=args.asset,
                             serial=args.serial, source=source)
        if args.json:
            print_json({"id": note.id, "rev": note.rev})
        else:
            print(f"added {note.id}")
        return 0
    if action == "list":
        found = store.list(args.search, tag=args.tag, work_order=args.work_order, conflicts_only=args.conflicts,
                           include_deleted=args.deleted, limit=args.limit)
        if args.json:
            print_json({"notes": [n.to_json() for n in found]})
            return 0
        if not found:
            print("No notes." if not args.search else "No matching notes.")
        for n in found:
            flag = " !" if n.conflict else ("  (deleted)" if n.deleted else "")
            wo = f" [{n.work_order}]" if n.work_order else ""
            print(f"{n.id[:13]}  {(n.edited_at or '')[:16]}  {n.title}{wo}{flag}")
        pending = store.pending_count()
        if pending and not args.json:
            print(f"({pending} not yet synced)")
        return 0
    if action == "show":
        from ..fleet.revisions import citation_status

        n = store.get(args.id, include_deleted=True)
        revisions = [citation_status(session.db, c) for c in n.citations]
        if args.json:
            print_json({**n.to_json(), "citation_revisions": revisions})
        else:
            _print_note(n, revisions)
        return 0
    if action == "edit":
        changes = {"title": args.title, "body": args.body, "work_order": args.work_order, "asset": args.asset,
                   "serial": args.serial}
        if args.body_file:
            changes["body"] = Path(args.body_file).read_text(encoding="utf-8")
        if args.tag is not None:
            changes["tags"] = args.tag
        n = store.edit(args.id, **{k: v for k, v in changes.items() if v is not None})
        if args.json:
            print_json(n.to_json())
        else:
            print(f"saved {n.id} ({n.rev})")
        return 0
    if action == "delete":
        n = store.delete(args.id)
        if args.json:
            print_json({"id": n.id, "rev": n.rev, "deleted": True})
        else:
            print(f"deleted {n.id}")
        return 0
    return fail("usage: field-assistant notes add|list|show|edit|delete", 2)


def cmd_sync(args, session) -> int:
    """The notes and depot rounds, then the health document (each whatever became of the others)."""
    code = _sync_notes(args, session)
    from ..fleet import counters, health

    if code:
        counters.record(session.db, "sync_error")
    problem = health.push_quietly(session.db, session.settings)
    if problem:
        counters.record(session.db, "sync_error")
        print(f"field-assistant: health document not sent: {problem}", file=sys.stderr)
    return code


def _sync_notes(args, session) -> int:
    """Notes, then the depot (when configured): independent, both reported, either may fail alone."""
    from ..fleet import round as depot_round
    from ..sync import SyncError, from_settings, sync_once
    from ..sync.config import SyncConfigError
    from .sync_progress import ProgressLines  # downloads on stderr: stdout keeps the report

    store = _note_store(session)
    if args.retry_parked:
        store.retry_parked()
    depot = None
    try:
        config = from_settings(session.settings, url=args.server, db=args.db)
        report = sync_once(config, store=store, batch_size=args.batch_size)
    except (SyncError, SyncConfigError) as e:
        # Nothing is lost: every change stays in the outbox for the next round. No notes server set
        # (a device that takes only manuals and models from a depot): the depot round still runs.
        if depot_round.configured(session.settings):
            depot = depot_round.run(session.db, session.settings, lambda: session.embedder, progress=ProgressLines())
        if args.json:
            print_json({"pushed": 0, "pulled": 0, "conflicts_resolved": 0, "parked": len(store.parked()),
                  "pending": store.pending_count(), "error": str(e),
                  **({"depot": depot.to_json()} if depot else {})})
        elif depot:
            _print_depot(depot)
        return fail(f"{e} ({store.pending_count()} notes wait to be synced)")
    if depot_round.configured(session.settings):
        depot = depot_round.run(session.db, session.settings, lambda: session.embedder, progress=ProgressLines())
    pull_failed = (f"pulling from the server failed ({report.pull_error}); pushed {report.pushed}, "
                   f"the rest is pulled next time") if report.pull_error else None
    depot_failed = f"depot: {'; '.join(depot.problems)}" if depot and depot.problems else None
    if args.json:
        print_json({**report.to_json(), **({"depot": depot.to_json()} if depot else {})})
        if pull_failed or depot_failed:
            return fail(pull_failed or depot_failed)
        return 0
    print(f"pushed {report.pushed}, pulled {report.pulled}, merged {report.conflicts_resolved}, "
          f"parked {report.parked}, waiting {report.pending}")
    for p in report.parked_docs:
        what = "rejected by the server" if p["direction"] == "push" else "could not be stored here"
        print(f"  {what}: {p['title'] or p['id']} ({p['error']}: {p['reason']})")
    conflicts = store.conflict_count()
    if conflicts:
        print(f"{conflicts} notes hold a conflicting copy to review: field-assistant notes list --conflicts")
    if depot:
        _print_depot(depot)
    if pull_failed or depot_failed:
        return fail(pull_failed or depot_failed)
    return 0


def _print_depot(depot) -> None:
    m = depot.manuals
    print(f"depot: {depot.pulled.received} documents received, {len(m.activated)} manuals updated, "
          f"{len(m.withdrawn)} withdrawn, {len(m.waiting)} downloads to resume")
    for a in m.activated:
        print(f"  manual {a['name']} now revision {a['revision']}")
    if depot.models.get("active"):
        print(f"  model {depot.models['active']}")


def cmd_sync_setup(args, session) -> int:
    """Keep the server, database and user in settings and the password or token in the OS keyring."""
    import getpass

    from .. import settings as settingsmod
    from ..sync.config import SyncConfigError, split_credentials, store_password

    try:
        url, url_user, url_password = split_credentials(args.server)
        depot = _depot_changes(args)  # a depot key that does not parse is refused before anything is saved
    except (SyncConfigError, AssistantError) as e:
        return fail(str(e), 2)
    user = args.user or url_user
    if args.password_stdin:
        secret = sys.stdin.readline().rstrip("\n")
    elif url_password:
        secret = url_password
    elif sys.stdin.isatty():
        secret = getpass.getpass(f"password or token for {user or 'the token'} at {url}: ")
    else:
        return fail("no password given: use --password-stdin (or run in a terminal to be asked)", 2)
    changes = {"sync_url": url, "sync_user": user or None, **depot}
    if args.db:
        changes["sync_db"] = args.db
    where = "the OS keyring"
    if not secret:
        where = "nowhere (no password: the server must allow anonymous access)"
    elif store_password(url, user, secret):
        changes["sync_password"] = None  # never also in settings.json
    else:
        changes["sync_password"] = secret
        where = f"{settingsmod.paths.settings_path()} (no OS keyring here; readable by this user only)"
    settingsmod.save(**changes)
    print(f"sync server {url}, database {changes.get('sync_db') or session.settings.sync_db}, "
          f"user {user or '(token)'}; credentials kept in {where}")
    if depot:
        print(f"depot {depot.get('depot_url') or url}, key {depot['depot_key'][:20]}..., groups "
              f"{', '.join(depot.get('device_groups') or session.settings.device_groups) or '(none)'}")
    return 0


def _depot_changes(args) -> dict:
    """The depot settings `sync-setup` was given (issue 15). Raises when the key or URL is unusable."""
    from ..depot import format as fmt
    from ..sync.config import split_credentials

    changes: dict = {}
    if getattr(args, "depot_key", None):
        fmt.decode_public_key(args.depot_key)
        changes["depot_key"] = args.depot_key.strip()
    if getattr(args, "depot_url", None):
        changes["depot_url"] = split_credentials(args.depot_url)[0]
    if getattr(args, "groups", None) is not None:
        changes["device_groups"] = [g for g in args.groups if g]
    if changes and "depot_key" not in changes:
        from .. import settings as settingsmod

        if not settingsmod.load().depot_key:
            raise AssistantError("--depot-url and --groups need the depot's public key: --depot-key ed25519:...")
    return changes


# ---------------------------------------------------------------- parser
