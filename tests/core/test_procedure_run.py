"""A run through a procedure, logged to a real note in a real database: the lines the depot sees,
and resuming after a "crash" (a new Run over the same note, on a new connection)."""

from __future__ import annotations

import pytest

from assistant import db as dbmod
from assistant.notes import NoteNotFoundError, NoteStore
from assistant.procedures import run as runmod
from assistant.procedures.model import Procedure, Step

pytestmark = pytest.mark.no_models


def seal(pid: int | None = 7) -> Procedure:
    return Procedure(
        "8.3 Replacing the mechanical seal",
        [Step(1, "Isolate the pump and drain the casing.", 4),
         Step(2, "Remove the four M8 bolts.", 4),
         Step(3, "Fit the new seal and tighten the bolts to 25 N·m.", 5, warning="CAUTION: the seal faces are brittle."),
         Step(4, "Refit the guard.", 5)],
        warnings=["WARNING: lock out the motor before opening the pump."], id=pid)


def clock(start: float = 1_764_939_900.0):
    """A wall clock that moves a minute per reading, so the log's times differ."""
    t = [start]

    def now() -> float:
        t[0] += 60
        return t[0]
    return now


def test_a_run_logs_every_event_to_its_note(home):
    store = NoteStore(dbmod.connect())
    r = runmod.start(store, seal(), work_order="WO-77", wall=clock())
    assert (r.step, r.state.acknowledged, r.state.resumed) == (0, False, False)
    assert r.next("next") is None  # nothing moves before the warnings are acknowledged
    assert r.acknowledge("ok") == "Step 1"
    assert r.next("next") == "Step 2"
    assert r.next("pressed Next") == "Step 3"
    assert r.back("go back") == "Step 2"
    assert r.repeat("say again") == "Step 2"
    assert r.pause("hold on") == "Paused"
    assert r.next("next") is None  # paused: steps stay put
    assert r.resume("continue") == "Step 2"
    r.heard("what torque?", "Torque: 25 N·m (step 3)")
    r.heard("the next bolt is loose")
    assert r.next("necks") == "Step 3" and r.next() == "Step 4"
    assert r.next("next") is None  # the last step
    assert r.finish("done") == "Finished" and r.finished

    note = store.get(r.note_id)
    assert note.title == "Procedure: 8.3 Replacing the mechanical seal" and note.work_order == "WO-77"
    assert note.source["kind"] == "procedure" and note.source["procedure"] == "7"
    lines = note.body.splitlines()
    events = [ln[6:] if ln[2] == ":" else ln[17:] for ln in lines]  # without the time (and date)
    assert events == [
        "Procedure started: 8.3 Replacing the mechanical seal [procedure 7, 4 steps]",
        "Warnings acknowledged (said: ok)",
        "Step 1/4: Isolate the pump and drain the casing.",
        "Step 2/4: Remove the four M8 bolts. (said: next)",
        "Step 3/4: Fit the new seal and tighten the bolts to 25 N·m. (pressed Next)",
        "Step 2/4: Remove the four M8 bolts. (said: go back)",
        "Repeated step 2/4 (said: say again)",
        "Paused at step 2/4 (said: hold on)",
        "Continued at step 2/4 (said: continue)",
        "Asked: what torque? -> Torque: 25 N·m (step 3)",
        "Heard: the next bolt is loose (not a command)",
        "Step 3/4: Fit the new seal and tighten the bolts to 25 N·m. (said: necks)",
        "Step 4/4: Refit the guard.",
        "Finished at step 4/4 (said: done)",
    ]
    assert lines[0][:4].isdigit() and lines[1][:5].count(":") == 1  # "2025-… 14:06", then "14:07 …"
    st = runmod.read_log(note.body, "7")
    assert st.finished_at and st.step == 4 and not st.paused


def test_a_run_interrupted_resumes_at_its_step_in_the_same_note(home):
    conn = dbmod.connect()
    store = NoteStore(conn)
    r = runmod.start(store, seal(), wall=clock())
    r.acknowledge("ok")
    r.next("next")
    r.next("next")
    r.pause("wait")
    note_id = r.note_id
    conn.close()  # the "crash": nothing of the run survives but the note

    store2 = NoteStore(dbmod.connect())
    r2 = runmod.start(store2, seal(), wall=clock(1_764_950_000.0))
    assert r2.note_id == note_id and r2.state.resumed
    assert (r2.step, r2.state.acknowledged, r2.state.paused) == (3, True, True)
    assert r2.current().n == 3
    assert r2.acknowledge() is None  # already acknowledged: the warnings are not asked again
    assert r2.resume("resume") == "Step 3" and r2.next("next") == "Step 4"
    body = store2.get(note_id).body
    assert "Procedure resumed: 8.3 Replacing the mechanical seal [procedure 7, 4 steps] at step 3/4" in body
    r2.finish("finished")

    # Finished: the next start is a new run in a new note.
    r3 = runmod.start(store2, seal(), wall=clock())
    assert r3.note_id != note_id and r3.step == 0 and not r3.state.resumed
    # Another procedure never resumes this one's run.
    r4 = runmod.start(store2, seal(pid=8), wall=clock())
    assert r4.note_id not in (note_id, r3.note_id)


def test_a_run_logs_into_the_jobs_note_given(home):
    store = NoteStore(dbmod.connect())
    job = store.add("WO-5 pump P-200", "Customer reports a leak.\nSeal looks worn.", work_order="WO-5")
    r = runmod.start(store, seal(), note_id=job.id, wall=clock())
    r.acknowledge("pressed I have read the warnings")
    r.next("next")
    # The technician edits the note meanwhile (on the Notes page): the log never overwrites it.
    store.edit(job.id, body=store.get(job.id).body + "\nPhoto taken.")
    r.next("next")
    body = store.get(job.id).body
    assert body.startswith("Customer reports a leak.\nSeal looks worn.\n")
    assert "Photo taken." in body and body.rstrip().endswith("(said: next)")
    assert runmod.read_log(body, "7").step == 3
    # Reopened on the job's note: resumes there, at step 3.
    again = runmod.start(NoteStore(dbmod.connect()), seal(), note_id=job.id, wall=clock())
    assert (again.note_id, again.step) == (job.id, 3)


def test_a_procedure_without_warnings_and_a_missing_note(home):
    store = NoteStore(dbmod.connect())
    p = Procedure("Clean the filter", [Step(1, "Take out the filter.", None), Step(2, "Rinse it.", None)])
    r = runmod.start(store, p, wall=clock())
    assert r.acknowledge() == "Step 1"
    assert "No warnings" in store.get(r.note_id).body
    assert runmod.procedure_key(p) == "title Clean the filter"
    with pytest.raises(NoteNotFoundError):
        runmod.start(store, p, note_id="0000-no-such-note")


def test_a_procedure_whose_steps_changed_starts_over(home):
    """Re-extracted with another number of steps: the old step numbers mean nothing any more."""
    store = NoteStore(dbmod.connect())
    r = runmod.start(store, seal(), wall=clock())
    r.acknowledge("ok")
    r.next("next")
    longer = seal()
    longer.steps.append(Step(5, "Run the pump and check for leaks.", 6))
    r2 = runmod.start(store, longer, wall=clock())
    assert r2.note_id == r.note_id and (r2.step, r2.state.resumed, r2.total) == (0, False, 5)
    assert store.get(r.note_id).body.splitlines()[-1].endswith("[procedure 7, 5 steps]")


def test_start_over_logs_it_and_begins_a_new_run_in_the_same_note(home):
    store = NoteStore(dbmod.connect())
    job = store.add("WO-9 pump", "Leak at the gland.", work_order="WO-9")
    r = runmod.start(store, seal(), note_id=job.id, wall=clock())
    r.acknowledge("ok")
    r.next("next")
    assert runmod.unfinished(store, seal(), note_id=job.id).step == 2  # what the choice screen asks about
    assert runmod.unfinished(store, seal(pid=8), note_id=job.id) is None  # another procedure has none

    r2 = runmod.start(store, seal(), job.id, wall=clock(1_764_950_000.0), over=True, how="start over")
    assert r2.note_id == job.id
    assert (r2.step, r2.state.acknowledged, r2.state.resumed) == (0, False, False)
    lines = store.get(job.id).body.splitlines()
    assert lines[0] == "Leak at the gland."
    assert lines[-2].endswith("Started over, leaving step 2/4 (said: start over)")
    assert lines[-1].endswith("Procedure started: 8.3 Replacing the mechanical seal [procedure 7, 4 steps]")
    assert runmod.read_log(store.get(job.id).body, "7").step == 0  # the note now records the new run
    r2.acknowledge("ok")
    assert runmod.unfinished(store, seal(), note_id=job.id).step == 1
    # Starting over with nothing unfinished is an ordinary start: nothing about starting over.
    r2.finish("done")
    assert runmod.unfinished(store, seal(), note_id=job.id) is None
    r3 = runmod.start(store, seal(), wall=clock(), over=True)
    assert r3.note_id != job.id and "Started over" not in store.get(r3.note_id).body
    # The procedure's own note (no job note given) is found the same way.
    r3.acknowledge("ok")
    assert runmod.unfinished(store, seal()).step == 1 and runmod.unfinished(store, seal(pid=8)) is None
