"""Opening the library database from several threads at once, as the app's worker lanes do."""

from __future__ import annotations

import threading

from assistant import db


def test_threads_opening_a_new_database_together_all_succeed(tmp_path):
    # One thread migrating held the write lock while another switched to WAL, which SQLite refuses
    # at once ("database is locked") instead of waiting: a first start could fail a worker's job.
    for i in range(40):
        path = tmp_path / f"lib-{i}.sqlite3"
        errors: list[BaseException] = []

        def open_it(p=path, errs=errors):
            try:
                db.connect(p).close()
            except BaseException as e:
                errs.append(e)

        threads = [threading.Thread(target=open_it) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[0]
        conn = db.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
        conn.close()
