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


def test_a_library_from_before_stemming_is_indexed_again_with_stems_and_stays_in_step(tmp_path):
    # m014: the passage index stems its words (FTS5 Porter). A library made before it is rebuilt from
    # its stored text on opening: "replace" then finds "replacement", and the triggers keep the new
    # index in step with later inserts and deletes.
    from assistant.library import pages
    from assistant.rag.search import keyword
    from tests.core.old_library import library_at

    path = tmp_path / "library.sqlite3"
    old = library_at(path, db.MIGRATIONS.index(db.m014_stemmed_fts))
    old.execute("INSERT INTO manuals(id, path, title, format, content_hash, size_bytes)"
                " VALUES (1, '/m/pump.md', 'Pump', 'md', 'h', 1)")
    texts = ["Seal replacement: fit seal kit SK-200-45B.", "High vibration: re-align the coupling."]
    for i, text in enumerate(texts, start=1):
        old.execute("INSERT INTO chunks(id, manual_id, ord, page, section, kind, text, char_start, char_end)"
                    " VALUES (?, 1, ?, NULL, 'Maintenance', 'text', ?, 0, 1)", (i, i, text))
    pages.store(old, 1, ((None, f"Maintenance {i}", t) for i, t in enumerate(texts)))
    assert keyword(old, "replace") == [] and keyword(old, "vibrates") == []  # unstemmed: no match
    old.close()

    conn = db.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
        assert [cid for cid, _ in keyword(conn, "replace")] == [1]
        assert [cid for cid, _ in keyword(conn, "pump vibrates")] == [2]
        conn.execute("INSERT INTO chunks(id, manual_id, ord, page, section, kind, text, char_start, char_end)"
                     " VALUES (3, 1, 3, NULL, 'Maintenance', 'text', 'Replacing the bearings.', 0, 1)")
        conn.execute("DELETE FROM chunks WHERE id = 1")
        assert [cid for cid, _ in keyword(conn, "replace")] == [3]
        for table in ("chunks_fts", "page_texts_fts"):  # the index matches its content table
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    finally:
        conn.close()
