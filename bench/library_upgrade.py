"""Library upgrade (assistant/library/backfill.py) beside a full re-index of the same manuals.

    .venv/bin/python bench/library_upgrade.py FILE... [--repeat 2]

The manuals are ingested into a temporary FIELD_ASSISTANT_HOME, then made "old" as a version
before spec rows and procedures left them (their rows, procedures and extraction markers deleted).
Measured in one run, alternately, best of N: the upgrade, which re-parses each file and embeds
only the spec rows, and the peer, re-indexing the same manuals (what a technician had to do before:
parse, chunk, embed every passage again). Prints both and the ratio, and checks that the upgrade
left the passages as they were (same ids) and stored as many rows and procedures as the re-index.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import banner, load_embedder, table, temp_home

from assistant import db as dbmod
from assistant.library import backfill, ingest, reindex


def make_old(db) -> None:
    with dbmod.transaction(db):
        for t in ("spec_tables", "procedures", "manual_extractions"):
            db.execute(f"DELETE FROM {t}")


def counts(db) -> tuple[int, int, int]:
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("chunks", "spec_rows", "procedures"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    banner("library upgrade vs full re-index")
    with temp_home():
        db = dbmod.connect()
        emb = load_embedder()
        report = ingest.run(db, emb, args.files)
        assert not report.failed, report.failed
        full = counts(db)
        ids = [r[0] for r in db.execute("SELECT id FROM chunks ORDER BY id")]
        up_t, re_t = [], []
        for _ in range(args.repeat):
            make_old(db)
            t0 = time.perf_counter()
            up = backfill.run(db, emb, ocr=False)
            up_t.append(time.perf_counter() - t0)
            assert [r[0] for r in db.execute("SELECT id FROM chunks ORDER BY id")] == ids, "passages changed"
            assert counts(db) == full, (counts(db), full)
            assert len(up.upgraded) == len(args.files)
            make_old(db)
            t0 = time.perf_counter()
            for _ev in reindex.reindex(db, emb, args.files):
                pass
            re_t.append(time.perf_counter() - t0)
            assert counts(db) == full
            ids = [r[0] for r in db.execute("SELECT id FROM chunks ORDER BY id")]  # re-index gives new ids
        print(table(["", "seconds (best)", "passages", "spec rows", "procedures"],
                    [["upgrade (backfill)", min(up_t), *full], ["re-index (peer)", min(re_t), *full]]))
        print(f"upgrade / re-index = {min(up_t) / min(re_t):.2f}")
        db.close()


if __name__ == "__main__":
    main()
