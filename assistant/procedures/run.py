"""A run through a procedure: where the technician is, and its log in the job's note.

Every event is appended to the note's body as it happens, as a line the technician and the depot
can read ("14:05 Step 3/9: Remove the four bolts (said: next)"), through `NoteStore.append`, so it
syncs with the note. The note is also what a run resumes from: `start` reads the note's lines back,
and a run of this procedure that has no "Finished" line goes on at its last step, whatever ended it
(a crash, a reboot, the end of a shift). No table of its own: the note is the one record, on every
device it syncs to.

The run itself never writes: each event hands its line to `sink` (the GUI queues it on the
`notes` writer lane; `store_sink` writes at once), so state changes show on screen immediately.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..notes import NoteStore
from .model import Procedure

Sink = Callable[[str], None]

# The start of a run (or its resumption): the one line that says which procedure the lines under it
# belong to. "2026-12-05 14:05 Procedure started: 8.3 Replacing the seal [procedure 12, 9 steps]"
_HEAD = re.compile(r"^(?P<date>\d{4}-\d\d-\d\d) (?P<hm>\d\d:\d\d) Procedure (?P<how>started|resumed): .*"
                   r"\[procedure (?P<key>[^,\]]+), (?P<n>\d+) steps\]")
_STEP = re.compile(r"^(?P<hm>\d\d:\d\d) Step (?P<k>\d+)/(?P<n>\d+):")
_EVENT = re.compile(r"^(?P<hm>\d\d:\d\d) (?P<what>Warnings acknowledged|No warnings|Paused|Continued|Finished)\b")


def procedure_key(procedure: Procedure) -> str:
    """How the log names a procedure: its id once stored, else its title."""
    if procedure.id is not None:
        return str(procedure.id)
    return "title " + re.sub(r"[,\]\n]", " ", procedure.title).strip()


@dataclass
class RunState:
    key: str
    total: int
    step: int = 0  # 1-based step on screen; 0 = not on a step yet (the warnings)
    acknowledged: bool = False
    paused: bool = False
    started_at: str | None = None  # "2026-12-05 14:05"
    finished_at: str | None = None  # "14:40" (the day is the start line's, or a later resumption's)
    resumed: bool = False  # this run goes on from an earlier, interrupted one


def read_log(body: str, key: str) -> RunState | None:
    """The last run of procedure `key` recorded in a note's body (None if there is none)."""
    state: RunState | None = None
    ours = False  # whether the lines being read belong to our run (another run may interleave)
    day = ""
    for line in (body or "").splitlines():
        line = line.strip()
        if m := _HEAD.match(line):
            ours = m["key"] == key
            if not ours:
                continue
            day = m["date"]
            if m["how"] == "started" or state is None or state.finished_at:
                state = RunState(key, int(m["n"]), started_at=f"{day} {m['hm']}")
            continue
        if not ours or state is None:
            continue
        if m := _STEP.match(line):
            state.step = min(int(m["k"]), state.total)
            state.acknowledged = True
        elif m := _EVENT.match(line):
            what = m["what"]
            if what in ("Warnings acknowledged", "No warnings"):
                state.acknowledged = True
            elif what == "Paused":
                state.paused = True
            elif what == "Continued":
                state.paused = False
            elif what == "Finished":
                state.finished_at = f"{day} {m['hm']}"
    return state


def find_note(store: NoteStore, key: str) -> str | None:
    """The newest live note holding an unfinished run of procedure `key` (kept by `start`)."""
    rows = store.db.execute(
        "SELECT id, body FROM notes WHERE deleted = 0 AND json_extract(source, '$.kind') = 'procedure' "
        "AND json_extract(source, '$.procedure') = ? ORDER BY edited_at DESC, id DESC", (key,)).fetchall()
    for row in rows:
        st = read_log(row["body"], key)
        if st is not None and not st.finished_at:
            return row["id"]
    return None


def store_sink(store: NoteStore, note_id: str) -> Sink:
    """A sink that appends each line to the note right away (the core's and the tests' way)."""
    return lambda line: store.append(note_id, line)


def unfinished(store: NoteStore, procedure: Procedure, note_id: str | None = None) -> RunState | None:
    """The unfinished run of `procedure` that `start` would resume (in note `note_id`, or the one
    `find_note` finds), or None: what the technician is asked about before resuming or starting over.

    Raises:
        NoteNotFoundError: `note_id` names no note.
    """
    key = procedure_key(procedure)
    note_id = note_id if note_id is not None else find_note(store, key)
    if note_id is None:
        return None
    state = read_log(store.get(note_id).body, key)
    return state if _resumable(state, procedure) else None


def _resumable(state: RunState | None, procedure: Procedure) -> bool:
    # A run recorded with another number of steps is of an older extraction: its step numbers lie.
    return state is not None and not state.finished_at and state.total == len(procedure.steps)


def start(store: NoteStore, procedure: Procedure, note_id: str | None = None, work_order: str | None = None,
          wall: Callable[[], float] = time.time, over: bool = False, how: str | None = None) -> Run:
    """Begin a run of `procedure`, or go on with the unfinished one its note records.

    Args:
        note_id: the job's note to log into; None: the note of an unfinished run of this procedure,
            else a new note for this run.
        work_order: given to a new note.
        over: start over even if a run is unfinished: the note says so ("Started over, leaving step
            2/9"), then a new run begins at the warnings, in the same note.
        how: how the technician asked to start over (a button's "pressed ..." or what was said).
    Returns:
        The run, writing to the note through `store` until the caller gives it another sink.
    Raises:
        NoteNotFoundError: `note_id` names no note.
    """
    key = procedure_key(procedure)
    total = len(procedure.steps)
    if note_id is None:
        note_id = find_note(store, key)
    if note_id is None:
        source = {"kind": "procedure", "procedure": key, "title": procedure.title,
                  "manual": procedure.manual_title, "path": procedure.manual_path}
        note = store.add(f"Procedure: {procedure.title}"[:80], "", tags=["procedure"], work_order=work_order,
                         source=source)
        note_id = note.id
        body = ""
    else:
        body = store.get(note_id).body
    state = read_log(body, key)
    now = time.localtime(wall())
    stamp = time.strftime("%Y-%m-%d %H:%M", now)
    if over and _resumable(state, procedure):
        where = f"step {state.step}/{total}" if state.step else "the warnings"
        store.append(note_id, f"{time.strftime('%H:%M', now)} Started over, leaving {where}{_how(how)}")
        state = None
    if _resumable(state, procedure):
        state.resumed = True
        where = f" at step {state.step}/{total}" if state.step else " at the warnings"
        line = f"{stamp} Procedure resumed: {_one_line(procedure.title)} [procedure {key}, {total} steps]{where}"
    else:
        state = RunState(key, total, started_at=stamp)
        line = f"{stamp} Procedure started: {_one_line(procedure.title)} [procedure {key}, {total} steps]"
    store.append(note_id, line)
    return Run(procedure, note_id, state, store_sink(store, note_id), wall)


class Run:
    """The state of one run and the events that change it. Each event returns what it did (a short
    text for the screen, e.g. "Step 4") or None when it changed nothing, and logs a line."""

    def __init__(self, procedure: Procedure, note_id: str, state: RunState, sink: Sink,
                 wall: Callable[[], float] = time.time):
        self.procedure = procedure
        self.note_id = note_id
        self.state = state
        self.sink = sink
        self.wall = wall

    @property
    def total(self) -> int:
        return self.state.total

    @property
    def step(self) -> int:
        return self.state.step

    @property
    def finished(self) -> bool:
        return self.state.finished_at is not None

    def current(self):
        """The Step on screen (None before step 1)."""
        return self.procedure.steps[self.state.step - 1] if self.state.step else None

    # -- events --------------------------------------------------------------------------

    def acknowledge(self, how: str | None = None) -> str | None:
        """The warnings were read (or there are none): step 1 (or the step the run stopped at)."""
        if self.state.acknowledged and self.state.step:
            return None
        self.state.acknowledged = True
        what = "Warnings acknowledged" if self.procedure.warnings else "No warnings"
        self._log(f"{what}{_how(how)}")
        return self._show(max(1, self.state.step), None)

    def next(self, how: str | None = None) -> str | None:
        if not self._moving() or self.state.step >= self.total:
            return None
        return self._show(self.state.step + 1, how)

    def back(self, how: str | None = None) -> str | None:
        if not self._moving() or self.state.step <= 1:
            return None
        return self._show(self.state.step - 1, how)

    def repeat(self, how: str | None = None) -> str | None:
        if not self.state.step or self.finished:
            return None
        self._log(f"Repeated step {self.state.step}/{self.total}{_how(how)}")
        return f"Step {self.state.step}"

    def read(self, how: str | None = None) -> str | None:
        if self.finished:
            return None
        what = f"step {self.state.step}/{self.total}" if self.state.step else "the warnings"
        self._log(f"Read aloud {what}{_how(how)}")
        return f"Reading {what}"

    def pause(self, how: str | None = None) -> str | None:
        if self.state.paused or self.finished:
            return None
        self.state.paused = True
        self._log(f"Paused at step {self.state.step}/{self.total}{_how(how)}")
        return "Paused"

    def resume(self, how: str | None = None) -> str | None:
        if not self.state.paused or self.finished:
            return None
        self.state.paused = False
        self._log(f"Continued at step {self.state.step}/{self.total}{_how(how)}")
        return f"Step {self.state.step}" if self.state.step else "Warnings"

    def finish(self, how: str | None = None) -> str | None:
        if self.finished or not self.state.acknowledged:
            return None
        self.state.paused = False
        self.state.finished_at = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.wall()))
        self._log(f"Finished at step {self.state.step}/{self.total}{_how(how)}")
        return "Finished"

    def heard(self, said: str, reply: str | None = None) -> None:
        """Something was said that is not a command (or a question, with the answer given)."""
        text = _one_line(said, 120)
        if reply:
            self._log(f"Asked: {text} -> {_one_line(reply, 160)}")
        else:
            self._log(f"Heard: {text} (not a command)")

    # -- internals -----------------------------------------------------------------------

    def _moving(self) -> bool:
        return self.state.acknowledged and not self.state.paused and not self.finished

    def _show(self, n: int, how: str | None) -> str:
        self.state.step = n
        step = self.procedure.steps[n - 1]
        self._log(f"Step {n}/{self.total}: {_one_line(step.text, 100)}{_how(how)}")
        return f"Step {n}"

    def _log(self, text: str) -> None:
        self.sink(f"{time.strftime('%H:%M', time.localtime(self.wall()))} {text}")


def _how(how: str | None) -> str:
    """How the technician asked: "said: next" for speech, a button's name for a press."""
    if not how:
        return ""
    return f" ({how})" if how.startswith("pressed ") else f" (said: {_one_line(how, 60)})"


def _one_line(text: str, limit: int = 100) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"

