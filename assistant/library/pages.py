"""Whole pages from a manual's passages: the coarse grain that search fuses with passages.

A PDF's page is its physical page. A format without pages (HTML, Markdown, DOCX, text) has its
sections instead: the text under one heading, which is what a page of a multi-page HTML manual
holds. A passage belongs to the page with its page number, or with its heading path when it has
no page number; `search.page_key` is the same rule on the passage side.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def key(page: int | None, section: str) -> tuple[int | None, str]:
    return (page, "") if page is not None else (None, section)


def store(db, manual_id: int, chunks: Iterable[tuple[int | None, str, str]]) -> None:
    """Insert a manual's pages, built from its passages' (page, section, text) in reading order
    (inside the caller's transaction: sqlite-utils nests its own as a savepoint)."""
    from .. import db as dbmod

    dbmod.utils(db)["page_texts"].insert_all(
        {"manual_id": manual_id, "page": page, "section": section, "text": text}
        for page, section, text in page_texts(chunks))


# A passage's window: this many passages before and after it on its page (`windows`).
WINDOW_RADIUS = 1


def store_windows(db, manual_id: int, chunks: Iterable[tuple[int, int | None, str, str]]) -> None:
    """Insert the window (`windows`) of each of a manual's passages, from their (id, page, section,
    text) in reading order, into chunk_windows (its triggers index it), inside the caller's
    transaction. A library opened before migration m015 has no such table: nothing to do."""
    from .. import db as dbmod

    if not dbmod.has_table(db, "chunk_windows"):
        return
    db.executemany("INSERT INTO chunk_windows(id, manual_id, section, text, context) VALUES (?, ?, ?, ?, ?)",
                   [(cid, manual_id, sec, text, context)
                    for cid, sec, text, context in windows(chunks, WINDOW_RADIUS)])


def page_texts(chunks: Iterable[tuple[int | None, str, str]]) -> Iterator[tuple[int | None, str, str]]:
    """(page, section, text) per page, from (page, section, text) of the passages in reading order.

    A passage may open with the last paragraph of the one before it (overlap); that repeat is
    not added again, so the page's words are counted once.
    """
    current: tuple[int | None, str] | None = None
    section = ""
    parts: list[str] = []
    for page, sec, text in chunks:
        k = key(page, sec)
        if k != current:
            if parts:
                yield current[0], section, "\n\n".join(parts)
            current, section, parts = k, sec, []
        paras = text.split("\n\n")
        if parts and paras[0] == parts[-1]:
            paras = paras[1:]
        parts.extend(paras)
    if parts:
        yield current[0], section, "\n\n".join(parts)


def windows(chunks: Iterable[tuple[int, int | None, str, str]], radius: int = 1,
            short: int | None = None) -> Iterator[tuple[int, str, str, str]]:
    """(chunk id, section, text, context) per passage, from (id, page, section, text) of one
    manual's passages in reading order: `context` is the text of up to `radius` passages before
    and after it on the same page (a PDF page, or a section elsewhere). The middle grain of
    search: a short passage (a two-sentence warning inside a long section) shares few words with
    a question its neighbours' words would match. `short`: only passages of fewer words get a
    context. A paragraph repeated at a cut (the chunker's overlap) is counted once."""
    groups: list[list[tuple[int, str, str]]] = []
    current: tuple[int | None, str] | None = None
    for cid, page, sec, text in chunks:
        k = key(page, sec)
        if k != current or not groups:
            groups.append([])
            current = k
        groups[-1].append((cid, sec, text))
    for group in groups:
        for i, (cid, sec, text) in enumerate(group):
            if short is not None and len(text.split()) >= short:
                yield cid, sec, text, ""
                continue
            own = text.split("\n\n")
            before: list[str] = []
            for _, _, t in group[max(0, i - radius):i]:
                paras = t.split("\n\n")
                if before and paras[0] == before[-1]:
                    paras = paras[1:]
                before.extend(paras)
            if before and before[-1] == own[0]:
                before.pop()
            after: list[str] = []
            last = own[-1]
            for _, _, t in group[i + 1:i + 1 + radius]:
                paras = t.split("\n\n")
                if paras[0] == last:
                    paras = paras[1:]
                after.extend(paras)
                last = paras[-1] if paras else last
            yield cid, sec, text, "\n\n".join(before + after)
