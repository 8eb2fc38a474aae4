"""Three devices editing and deleting the same notes through network partitions, in orders chosen by
Hypothesis; one of them has a clock a day slow. After the partitions heal, all converge to the same
notes, and no text anyone wrote is lost."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from assistant.notes import NoteNotFoundError
from assistant.sync.config import SyncConfig
from tests.sync.conftest import Device, assert_converged, sync_until_quiet

pytestmark = pytest.mark.no_models

DEVICES = 3
NOTES = 3

op = st.one_of(
    st.tuples(st.just("append"), st.integers(0, DEVICES - 1), st.integers(0, NOTES - 1)),
    st.tuples(st.just("rewrite_head"), st.integers(0, DEVICES - 1), st.integers(0, NOTES - 1)),
    st.tuples(st.just("title"), st.integers(0, DEVICES - 1), st.integers(0, NOTES - 1)),
    st.tuples(st.just("tag"), st.integers(0, DEVICES - 1), st.integers(0, NOTES - 1)),
    st.tuples(st.just("delete"), st.integers(0, DEVICES - 1), st.integers(0, NOTES - 1)),
    st.tuples(st.just("sync"), st.integers(0, DEVICES - 1), st.just(0)),
    st.tuples(st.just("partition"), st.integers(0, DEVICES - 1), st.just(0)),
)


# SYNC_TEST_EXAMPLES=200 explores further (random, not the fixed CI sequence).
# No shrinking: on a 2-core CI machine it can take many minutes; the failing sequence is printed as found.
@settings(max_examples=int(os.environ.get("SYNC_TEST_EXAMPLES", 20)), deadline=None,
          derandomize="SYNC_TEST_EXAMPLES" not in os.environ, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=5, max_size=30))
def test_three_devices_converge_without_losing_text(couch, tmp_path_factory, ops):
    folder = tmp_path_factory.mktemp("conv")
    config = SyncConfig(couch.url, db="c" + uuid.uuid4().hex[:16])
    walls = [time.time, time.time, lambda: time.time() - 86400]  # device 2 is a day slow
    devs = [Device(folder / f"d{i}.sqlite3", wall=walls[i]) for i in range(DEVICES)]
    try:
        ids = [devs[0].store.add(f"note {k}", f"head {k}").id for k in range(NOTES)]
        for d in devs:
            d.sync(config)
        online = [True] * DEVICES
        appended: dict[str, set[str]] = {i: set() for i in ids}
        tags: dict[str, set[str]] = {i: set() for i in ids}
        titles: dict[str, set[str]] = {i: {f"note {k}"} for k, i in enumerate(ids)}
        counter = 0
        for kind, dv, k in ops:
            d, note_id = devs[dv], ids[k]
            counter += 1
            token = f"w{counter}d{dv}"
            try:
                if kind == "append":
                    d.store.edit(note_id, body=d.store.get(note_id).body + f"\n{token}")
                    appended[note_id].add(token)
                elif kind == "rewrite_head":
                    lines = d.store.get(note_id).body.split("\n")
                    if lines[0].startswith("head"):
                        d.store.edit(note_id, body="\n".join([f"head {token}"] + lines[1:]))
                elif kind == "title":
                    d.store.edit(note_id, title=f"title {token}")
                    titles[note_id].add(f"title {token}")
                elif kind == "tag":
                    d.store.edit(note_id, tags=[*d.store.get(note_id).tags, token])
                    tags[note_id].add(token)
                elif kind == "delete":
                    d.store.delete(note_id)
                elif kind == "sync" and online[dv]:
                    d.sync(config)
                elif kind == "partition":
                    online[dv] = not online[dv]
            except NoteNotFoundError:
                pass  # this device already has the note deleted
        sync_until_quiet(config, *devs, rounds=6)
        snap = assert_converged(config, *devs)
        for note_id in ids:
            if note_id not in snap:
                continue  # deleted by a device that had seen every edit to it (else the edit would win)
            _, title, body, note_tags = snap[note_id]
            lines = body.split("\n")
            missing = [t for t in appended[note_id] if t not in lines]
            assert not missing, f"appended text lost: {missing}\n{body}"
            assert all(line.count(t) <= 1 for t in appended[note_id] for line in lines)
            assert title in titles[note_id]
            assert tags[note_id] <= set(note_tags)  # tags are only added here: all must be there
    finally:
        for d in devs:
            d.close()

