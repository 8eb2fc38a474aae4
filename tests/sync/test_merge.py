"""Revision ids, the hybrid logical clock and the deterministic merge (no server needed)."""

from __future__ import annotations

import itertools
import re
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.notes import merge
from assistant.notes.revs import HybridClock, Timestamp, parse_rev, rev_id, uuid7, winner_key

pytestmark = pytest.mark.no_models


def test_rev_ids_are_deterministic_and_chain_generations():
    content = {"title": "Seal", "body": "x", "tags": ["a"]}
    r1 = rev_id(None, content)
    assert r1 == rev_id(None, dict(reversed(list(content.items()))))  # key order does not matter
    assert re.fullmatch(r"1-[0-9a-f]{32}", r1)
    r2 = rev_id(r1, content)
    assert parse_rev(r2)[0] == 2 and r2 != rev_id(rev_id(None, {"other": 1}), content)
    assert rev_id(r1, content, deleted=True) != r2
    with pytest.raises(ValueError):
        parse_rev("nonsense")


def test_winner_order_matches_couchdb():
    leaves = [("3-aaa", False), ("3-bbb", False), ("4-aaa", True), ("2-fff", False)]
    best = max(leaves, key=lambda x: winner_key(*x))
    assert best == ("3-bbb", False)  # live beats deleted, then longer branch, then greater hash


def test_uuid7_is_version_7_and_sorts_by_time():
    ids = [uuid7() for _ in range(50)]
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert len(set(ids)) == 50
    assert [i[:13] for i in ids] == sorted(i[:13] for i in ids)


def test_uuid7_sorts_in_creation_order_within_a_millisecond():
    # Thousands per millisecond: the whole id, not only its time part, keeps the order (a note
    # list sorted by edit time then id showed two notes made in one millisecond the wrong way round).
    ids = [uuid7() for _ in range(20_000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids[:100])


def test_hybrid_clock_stays_ahead_of_what_it_saw():
    wall = [1000.0]
    slow = HybridClock("slow", wall=lambda: wall[0] - 86400)  # a day behind
    remote = Timestamp(int(1000.0 * 1000), 5, "fast")
    before = slow.now()
    slow.observe(str(remote))
    after = slow.now()
    assert before < remote < after
    assert Timestamp.parse(str(after)) == after
    assert slow.now() > after  # monotonic even when the wall clock stands still


def _leaf(rev, body="", title="T", tags=(), clock=None, deleted=False, device="d1", edited="2025-01-01T00:00:00Z"):
    c = {"type": "note", "title": title, "body": body, "tags": list(tags), "device": device, "device_name": device,
         "edited_at": edited, "clock": clock or {}}
    return merge.Leaf(rev, deleted, {} if deleted else c)


def test_three_way_merge_takes_both_sides_changes():
    base = "a\nb\nc\nd"
    text, clean = merge.merge_text(base, "A\nb\nc\nd", "a\nb\nc\nD", "MARK")
    assert clean and text == "A\nb\nc\nD"
    text, clean = merge.merge_text(base, base + "\nfrom ours", base + "\nfrom theirs", "MARK")
    assert clean and text.endswith("from ours\nfrom theirs")


def test_overlapping_edits_keep_both_texts_with_a_marker():
    text, clean = merge.merge_text("pump ok", "pump seal leaking", "pump bearing noisy", "--- conflicting copy from tab ---")
    assert not clean
    assert "pump seal leaking" in text and "pump bearing noisy" in text
    assert "--- conflicting copy from tab ---" in text and merge.has_conflict_marker(text)
    text, clean = merge.merge_text(None, "ours", "theirs", merge.MARK_START.format(who="x", when="y"))
    assert not clean and "ours" in text and "theirs" in text


def test_conflicts_can_be_listed_and_settled_one_by_one():
    text, clean = merge.merge_text("a\nvalve ok\nb\nfan ok\nc", "a\nvalve replaced\nb\nfan noisy\nc",
                                   "a\nvalve greased\nb\nfan replaced\nc", merge.MARK_START.format(who="tab-7", when="t"))
    assert not clean
    parts = merge.split_conflicts(text)
    conflicts = [p for p in parts if p.conflict]
    assert [(p.text, p.other) for p in conflicts] == [("valve replaced", "valve greased"), ("fan noisy", "fan replaced")]
    assert conflicts[0].source == "from tab-7, edited t"
    once = merge.choose(text, 0, "other")
    assert merge.has_conflict_marker(once) and "valve greased" in once and "valve replaced" not in once
    done = merge.choose(once, 0, "both")
    assert done == "a\nvalve greased\nb\nfan noisy\nfan replaced\nc" and not merge.has_conflict_marker(done)
    with pytest.raises(ValueError):
        merge.choose(done, 0, "first")


def test_resolution_is_the_same_whatever_order_the_leaves_come_in():
    base = {"body": "line 1\nline 2", "tags": ["pump"]}
    leaves = [
        _leaf("2-aaa", "line 1 fixed\nline 2", title="A", tags=["pump", "a"], clock={"title": "0001", "body": "0001"}),
        _leaf("2-bbb", "line 1\nline 2\nline 3", title="B", tags=["pump", "b"], clock={"title": "0003", "body": "0002"},
              device="d2"),
        _leaf("2-ccc", "line 1\nline 2 changed", title="C", tags=["c"], clock={"title": "0002", "body": "0003"},
              device="d3"),
        _leaf("3-ddd", deleted=True),
    ]
    outs = [merge.resolve(list(p), base) for p in itertools.permutations(leaves)]
    first = outs[0]
    assert all(o == first for o in outs)
    assert first.merged["title"] == "B"  # the latest title edit by the hybrid logical clock
    assert first.merged["body"] == "line 1 fixed\nline 2 changed\nline 3"
    assert first.merged["tags"] == ["a", "b", "c"]  # "pump" removed on one branch, nobody re-added it
    assert first.parent == "2-ccc" and set(first.losers) == {"2-aaa", "2-bbb"}  # the deleted leaf loses nothing
    assert rev_id(first.parent, first.merged) == rev_id(outs[-1].parent, outs[-1].merged)


def test_edit_beats_delete():
    leaves = [_leaf("2-aaa", "kept text"), _leaf("2-bbb", deleted=True)]
    assert not merge.needs_resolution(leaves)  # one live version: the edit simply wins


def test_tags_without_ancestor_are_the_union():
    assert merge.merge_tags([["a"], ["b"], ["a", "c"]], None) == ["a", "b", "c"]


lines = st.lists(st.text(alphabet="abcdefgh ", min_size=1, max_size=6), min_size=0, max_size=8)


@settings(max_examples=300, deadline=None)
@given(base=lines, ours_add=lines, theirs_add=lines, cut=st.integers(0, 8), data=st.data())
def test_merge_never_loses_inserted_text(base, ours_add, theirs_add, cut, data):
    """Whatever two sides insert into a common text survives the merge, in either order."""
    tag = iter(range(10_000))
    ours_add = [f"O{next(tag)}:{x}" for x in ours_add]
    theirs_add = [f"T{next(tag)}:{x}" for x in theirs_add]
    i = min(cut, len(base))
    j = data.draw(st.integers(0, len(base)))
    ours = base[:i] + ours_add + base[i:]
    theirs = base[:j] + theirs_add + base[j:]
    b, o, t = "\n".join(base), "\n".join(ours), "\n".join(theirs)
    text, _ = merge.merge_text(b, o, t, "MARK")
    text2, _ = merge.merge_text(b, o, t, "MARK")
    assert text == text2
    out = text.split("\n")
    for line in ours_add + theirs_add:
        assert line in out
