"""A device in its own process, for the kill tests: one sync round that can SIGKILL itself at a step.

    python -m tests.sync.device_proc --db FILE --url URL --name DB [--batch N] [--kill-at STEP [--kill-after K]]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from pathlib import Path

from assistant import db as dbmod
from assistant.notes import NoteStore
from assistant.sync.config import SyncConfig
from assistant.sync.replicator import sync_once


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--kill-at", help="a replicator step, e.g. pull:applied")
    p.add_argument("--kill-after", type=int, default=1, help="die at the K-th time the step completes")
    args = p.parse_args()
    seen = 0

    def probe(step: str) -> None:
        nonlocal seen
        if step == args.kill_at:
            seen += 1
            if seen >= args.kill_after:
                os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no flush: as a crash would

    store = NoteStore(dbmod.connect(Path(args.db)))
    report = sync_once(SyncConfig(args.url, db=args.name), store=store, batch_size=args.batch, probe=probe)
    print(json.dumps(report.to_json()))


if __name__ == "__main__":
    main()
