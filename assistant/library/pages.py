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
