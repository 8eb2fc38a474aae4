"""Revision ids, the CouchDB winner order, UUIDv7 note ids and the hybrid logical clock.

Revision ids are deterministic: `generation-md5(parent rev, deleted flag, canonical content)`. Two
devices (or one device retrying an upload) that produce the same change from the same parent get the
same revision id, so the server stores it once.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any


def canonical_json(obj: Any) -> str:
    """The one JSON spelling of `obj` that every device produces (sorted keys, no spaces)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def rev_id(parent: str | None, content: dict, deleted: bool = False) -> str:
    """The revision id of `content` written on top of `parent` (None for the first revision)."""
    gen = parse_rev(parent)[0] + 1 if parent else 1
    digest = hashlib.md5(
        canonical_json([parent, bool(deleted), content]).encode("utf-8"), usedforsecurity=False
    ).hexdigest()
    return f"{gen}-{digest}"


def parse_rev(rev: str) -> tuple[int, str]:
    """`"3-abc"` -> `(3, "abc")`.

    Raises:
        ValueError: `rev` is not `<generation>-<hash>`.
    """
    gen, _, h = rev.partition("-")
    if not h or not gen.isdigit():
        raise ValueError(f"invalid revision id {rev!r}, expected '<generation>-<hash>'")
    return int(gen), h


def winner_key(rev: str, deleted: bool) -> tuple[bool, int, str]:
    """Sort key of CouchDB's deterministic winner: live before deleted, then longest branch, then
    the greater hash. Every replica (ours and the server) picks the same winner from the same leaves."""
    gen, h = parse_rev(rev)
    return (not deleted, gen, h)


def revisions_path(revisions: dict) -> list[str]:
    """CouchDB `_revisions` (`{"start": 3, "ids": ["c", "b", "a"]}`) -> `["3-c", "2-b", "1-a"]`."""
    start = int(revisions["start"])
    return [f"{start - i}-{h}" for i, h in enumerate(revisions["ids"])]


_uuid_lock = threading.Lock()
_uuid_last = [0, 0]  # milliseconds and counter of the last id made in this process


def uuid7() -> str:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, a 12-bit counter, 62 random bits.

    Ids made by this process sort in the order they were made, even within one millisecond
    (RFC 9562 method 1: rand_a is a counter started at a random value each millisecond, with
    headroom); a clock stepping back keeps counting on from the last id instead of going back.
    """
    with _uuid_lock:
        ms = time.time_ns() // 1_000_000
        last_ms, last_counter = _uuid_last
        if ms <= last_ms:
            ms, counter = last_ms, last_counter + 1
            if counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
                ms, counter = ms + 1, int.from_bytes(os.urandom(2), "big") & 0x7FF
        else:
            counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
        _uuid_last[:] = [ms, counter]
    rand = int.from_bytes(os.urandom(8), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= counter << 64  # rand_a: the counter
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # 62 random bits (rand_b)
    return str(uuid.UUID(int=value))


@dataclass(frozen=True, order=True)
class Timestamp:
    """One hybrid-logical-clock reading: wall milliseconds, a counter, the device that made it.

    The string form sorts the same way as the tuple, so it can be stored and compared as text.
    """

    ms: int
    counter: int
    device: str

    def __str__(self) -> str:
        return f"{self.ms:013d}.{self.counter:05d}.{self.device}"

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        ms, counter, device = text.split(".", 2)
        return cls(int(ms), int(counter), device)


class HybridClock:
    """A hybrid logical clock (Kulkarni et al.): close to wall time, yet never behind anything this
    device has seen. A device whose clock is a day slow still stamps its edits after the edits it
    merged, so "latest edit wins" follows causality rather than the skewed wall clock."""

    def __init__(self, device: str, wall=time.time, last: str | None = None):
        self.device = device
        self._wall = wall
        self._lock = threading.Lock()
        self._ms, self._counter = 0, 0
        if last:
            self.observe(last)

    def now(self) -> Timestamp:
        """A new timestamp, greater than every one this clock issued or observed."""
        with self._lock:
            wall = int(self._wall() * 1000)
            if wall > self._ms:
                self._ms, self._counter = wall, 0
            else:
                self._counter += 1
            return Timestamp(self._ms, self._counter, self.device)

    def observe(self, text: str | None) -> None:
        """Move the clock past a timestamp received from another device (ignores malformed input)."""
        if not text:
            return
        try:
            ts = Timestamp.parse(text)
        except ValueError:
            return
        with self._lock:
            if (ts.ms, ts.counter) > (self._ms, self._counter):
                self._ms, self._counter = ts.ms, ts.counter

    def state(self) -> str:
        with self._lock:
            return str(Timestamp(self._ms, self._counter, self.device))
