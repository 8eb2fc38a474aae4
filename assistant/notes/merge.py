"""Deterministic conflict resolution for notes.

Every device that sees the same concurrent versions computes the same merged note, byte for byte, so
the merge revisions they write have the same id and the conflict closes instead of bouncing between
devices. Nothing here reads the clock or the device: the inputs decide everything.

Rules (issue 5): simple fields take the latest edit by the hybrid logical clock, field by field; tags
keep every addition (a removal sticks only if no branch re-added the tag); the body is merged three
ways against the common ancestor, and a region both sides changed differently keeps both texts with a
visible "conflicting copy" marker; an edit beats a delete. No text is silently dropped.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass

from .revs import winner_key

log = logging.getLogger(__name__)

# Fields decided by "latest edit wins" (their clock entry is the hybrid-logical-clock time of the edit).
SIMPLE_FIELDS = ("title", "work_order", "asset", "serial", "author", "citations", "source")
MARK_BEGIN = "--- conflicting edits: both versions kept ---"
MARK_START = "--- conflicting copy from {who}, edited {when} ---"
MARK_END = "--- end of conflicting copy ---"
_MARK_START_PREFIX = "--- conflicting copy from "


@dataclass(frozen=True)
class Leaf:
    """One concurrent version of a note: its revision id, whether it is a deletion, its content."""

    rev: str
    deleted: bool
    content: dict


@dataclass(frozen=True)
class Resolution:
    """What to write: `merged` as a child of `parent`; a deletion on top of every rev in `losers`."""

    parent: str
    merged: dict
    losers: tuple[str, ...]
    clean: bool  # False when a conflicting-copy marker had to be added


def needs_resolution(leaves: list[Leaf]) -> bool:
    """Two or more live versions: CouchDB keeps them all; the app must merge them."""
    return sum(1 for leaf in leaves if not leaf.deleted) > 1


# Content of the deletion written on a branch whose text went into a merge; such a deletion is final.
MERGED_TOMBSTONE = {"type": "note", "merged": True}


def resolve(leaves: list[Leaf], base: dict | None, absorb: list[Leaf] | tuple = ()) -> Resolution:
    """Merge the live leaves of one note.

    Args:
        leaves: every leaf revision of the note (deletions only count through `absorb`).
        base: the content of the deepest common ancestor of the versions merged, or None when
            unknown (then bodies that differ are all kept, marked as conflicting copies).
        absorb: the last live versions of branches deleted concurrently with an edit. An edit beats
            a delete, and the note comes back with that branch's text too, so none of it is lost.
    Returns:
        The merged content, the winner it is written on top of and the losing leaves to delete.
    """
    branches = sorted((x for x in leaves if not x.deleted), key=lambda x: winner_key(x.rev, False), reverse=True)
    if not branches or (len(branches) < 2 and not absorb):
        raise ValueError("resolve() needs two live versions, or one and a deleted branch to absorb")
    winner = branches[0]
    live = branches + [Leaf(x.rev, False, x.content) for x in absorb]
    merged: dict = dict(winner.content)
    clock: dict = dict(winner.content.get("clock") or {})

    def field_clock(leaf: Leaf, field: str) -> str:
        return str((leaf.content.get("clock") or {}).get(field, ""))

    for field in SIMPLE_FIELDS:
        best = max(live, key=lambda x, f=field: (field_clock(x, f), winner_key(x.rev, False)))
        if field in best.content:
            merged[field] = best.content[field]
        else:
            merged.pop(field, None)
        if field_clock(best, field):
            clock[field] = field_clock(best, field)

    merged["tags"] = merge_tags([x.content.get("tags") or [] for x in live],
                                None if base is None else (base.get("tags") or []))
    clock["tags"] = max(field_clock(x, "tags") for x in live)

    # Fold the bodies newest edit first, so the latest text leads and older concurrent text follows.
    by_body = sorted(live, key=lambda x: (field_clock(x, "body"), winner_key(x.rev, False)), reverse=True)
    body = by_body[0].content.get("body") or ""
    clean = True
    base_body = None if base is None else (base.get("body") or "")
    for other in by_body[1:]:
        who = other.content.get("device_name") or other.content.get("device") or "another device"
        when = other.content.get("edited_at") or "?"
        body, ok = merge_text(base_body, body, other.content.get("body") or "",
                              MARK_START.format(who=who, when=when))
        clean &= ok
    merged["body"] = body
    clock["body"] = max(field_clock(x, "body") for x in live)

    newest = max(live, key=lambda x: (str(max((x.content.get("clock") or {"": ""}).values())),
                                      winner_key(x.rev, False)))
    for field in ("device", "device_name"):
        if field in newest.content:
            merged[field] = newest.content[field]
    merged["edited_at"] = max(str(x.content.get("edited_at") or "") for x in live)
    created = [str(x.content["created_at"]) for x in live if x.content.get("created_at")]
    if created:
        merged["created_at"] = min(created)
    merged["conflict"] = has_conflict_marker(body)
    merged["clock"] = clock
    merged["type"] = "note"
    return Resolution(parent=winner.rev, merged=merged, losers=tuple(x.rev for x in branches[1:]), clean=clean)


def merge_tags(versions: list[list[str]], base: list[str] | None) -> list[str]:
    """Tags of concurrent versions: every added tag is kept; a tag removed on one branch stays removed
    unless another branch added it. Without the ancestor, the plain union."""
    sets = [set(v) for v in versions]
    union = set().union(*sets)
    if base is None:
        return sorted(union)
    b = set(base)
    added = union - b
    removed = set().union(*(b - s for s in sets))
    return sorted((b - removed) | added)


def merge_text(base: str | None, ours: str, theirs: str, marker: str) -> tuple[str, bool]:
    """Three-way merge of lines. Returns (text, clean).

    A region changed on one side only takes that change; text both sides inserted at the same spot is
    kept, ours first; a region both sides changed differently keeps ours, then theirs between
    conflicting-copy markers. Without a base, differing texts are kept whole, theirs marked.
    """
    if ours == theirs:
        return ours, True
    if base is None:
        return _conflict_block(ours.split("\n"), theirs.split("\n"), marker), False
    if base == ours:
        return theirs, True
    if base == theirs:
        return ours, True
    b, o, t = base.split("\n"), ours.split("\n"), theirs.split("\n")
    regions = [(i1, i2, 0, o[j1:j2]) for i1, i2, j1, j2 in _changes(b, o)]
    regions += [(i1, i2, 1, t[j1:j2]) for i1, i2, j1, j2 in _changes(b, t)]
    # Insertions sort before changes that start at the same base line, so they are applied first.
    regions.sort(key=lambda r: (r[0], r[1], r[2]))
    out: list[str] = []
    clean = True
    pos = 0
    i = 0
    while i < len(regions):
        lo, hi = regions[i][0], regions[i][1]
        group = [regions[i]]
        i += 1
        # A region joins the group when it overlaps it, or when both are insertions at the same line.
        while i < len(regions) and (regions[i][0] < hi or (regions[i][0] == regions[i][1] == lo == hi)):
            hi = max(hi, regions[i][1])
            group.append(regions[i])
            i += 1
        out.extend(b[pos:lo])
        pos = hi
        sides = {r[2] for r in group}
        text_o = _apply(b, lo, hi, [r for r in group if r[2] == 0])
        text_t = _apply(b, lo, hi, [r for r in group if r[2] == 1])
        if sides == {0}:
            out.extend(text_o)
        elif sides == {1}:
            out.extend(text_t)
        elif text_o == text_t:
            out.extend(text_o)
        elif lo == hi:  # both inserted at the same place: keep both insertions
            out.extend(text_o)
            out.extend(text_t)
        else:
            clean = False
            out.extend(_conflict_lines(text_o, text_t, marker))
    out.extend(b[pos:])
    return "\n".join(out), clean


def _changes(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]


def _apply(base: list[str], lo: int, hi: int, regions: list) -> list[str]:
    """One side's text for base[lo:hi], with that side's changes inside the span applied."""
    out, pos = [], lo
    for r_lo, r_hi, _side, lines in sorted(regions, key=lambda r: (r[0], r[1])):
        out.extend(base[pos:r_lo])
        out.extend(lines)
        pos = r_hi
    out.extend(base[pos:hi])
    return out


def _conflict_lines(ours: list[str], theirs: list[str], marker: str) -> list[str]:
    return [MARK_BEGIN, *ours, marker, *theirs, MARK_END]


def _conflict_block(ours: list[str], theirs: list[str], marker: str) -> str:
    return "\n".join(_conflict_lines(ours, theirs, marker))


def has_conflict_marker(body: str) -> bool:
    """True while a body still holds a conflicting copy the technician has not cleaned up."""
    return MARK_END in body and _MARK_START_PREFIX in body


@dataclass(frozen=True)
class BodyPart:
    """A piece of a note body: plain text, or a conflict offering two versions (for the GUI)."""

    text: str  # plain text; for a conflict, the version kept first
    conflict: bool = False
    other: str = ""  # the conflicting copy
    source: str = ""  # e.g. "from tablet-7, edited 2025-03-01T10:00:00Z"


def split_conflicts(body: str) -> list[BodyPart]:
    """Cut a body into plain parts and conflicts (marker lines removed). Unbalanced markers stay text."""
    lines = body.split("\n")
    parts: list[BodyPart] = []
    plain: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i] == MARK_BEGIN:
            try:
                mid = next(j for j in range(i + 1, len(lines)) if lines[j].startswith(_MARK_START_PREFIX))
                end = next(j for j in range(mid + 1, len(lines)) if lines[j] == MARK_END)
            except StopIteration:
                plain.append(lines[i])
                i += 1
                continue
            if plain:
                parts.append(BodyPart("\n".join(plain)))
                plain = []
            source = lines[mid][len("--- conflicting copy "):].rstrip(" -")
            parts.append(BodyPart("\n".join(lines[i + 1:mid]), True, "\n".join(lines[mid + 1:end]), source))
            i = end + 1
        else:
            plain.append(lines[i])
            i += 1
    if plain:
        parts.append(BodyPart("\n".join(plain)))
    return parts


def choose(body: str, index: int, keep: str) -> str:
    """The body with conflict number `index` (0-based, among conflicts) settled.

    Args:
        keep: "first" (the version kept first), "other" (the conflicting copy) or "both".
    Raises:
        ValueError: no such conflict, or an unknown `keep`.
    """
    if keep not in ("first", "other", "both"):
        raise ValueError(f"keep must be 'first', 'other' or 'both', not {keep!r}")
    parts = split_conflicts(body)
    conflicts = [i for i, p in enumerate(parts) if p.conflict]
    if not 0 <= index < len(conflicts):
        raise ValueError(f"no conflict number {index} (the note has {len(conflicts)})")
    out = []
    for i, p in enumerate(parts):
        if not p.conflict:
            out.append(p.text)
        elif i != conflicts[index]:
            out.append("\n".join([MARK_BEGIN, p.text, f"--- conflicting copy {p.source} ---", p.other, MARK_END]))
        else:
            out.append({"first": p.text, "other": p.other, "both": p.text + "\n" + p.other}[keep])
    return "\n".join(out)
