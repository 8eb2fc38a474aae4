"""Jobs on the device: the depot's job documents assigned to this device, the current job, and how
it scopes answers and notes.

A job (`job:<id>`, kind "job") is for this device when its `device` is this device's id, or its
`groups` share a group with `device_groups`, or it names neither (a job for every device, as a
manual with no groups is). Withdrawn jobs are not listed and stop being current.

Scoping, decided here: while a job is current, answers search only the asset's manuals = the depot
manuals whose `equipment` holds the job's asset model, plus the local manuals (added by hand, no
depot id) whose title or file name names that model (a technician's own "P-200 service notes").
Other local manuals are not searched while scoped: a P-200 job should not be answered from a
P-300 manual. When no manual names the asset, answers are not scoped and say so; `ask --all-manuals`
searches everything whatever the job.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import AssistantError
from ..notes import state
from . import local

CURRENT_KEY = "current_job"  # sync_state key: the id of the job in hand on this device
# sync_state key: {"asset", "serial"} of the work in hand without a job (a scanned nameplate, fleet/nameplate.py)
WORK_ASSET_KEY = "current_asset"


class JobError(AssistantError):
    """No such job for this device, or it was withdrawn."""


@dataclass
class Job:
    id: str  # the depot id without "job:"
    asset: str | None
    serial: str | None
    site: str | None
    work_order: str | None
    device: str | None
    groups: list[str]
    created: str | None

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Job:
        return cls(id=doc["_id"].split(":", 1)[1], asset=doc.get("asset"), serial=_s(doc.get("serial")),
                   site=doc.get("site"), work_order=_s(doc.get("work_order")), device=doc.get("device"),
                   groups=list(doc.get("groups") or []), created=doc.get("created"))

    @property
    def label(self) -> str:
        """"P-200 s/n 12345" (what the answer says it is for)."""
        return " ".join(x for x in (self.asset, f"s/n {self.serial}" if self.serial else None) if x) or self.id

    def to_json(self) -> dict:
        return {**asdict(self), "label": self.label}


def _s(v) -> str | None:
    return None if v is None else str(v)


def norm_model(text: str) -> str:
    """"P-200", "p200" and "P 200" are one asset model."""
    return re.sub(r"[\W_]+", "", (text or "").lower())


def assigned(doc: dict, device: str, groups: list[str]) -> bool:
    if doc.get("withdrawn") or doc.get("_state") == "withdrawn":
        return False
    to_device, to_groups = doc.get("device"), doc.get("groups") or []
    if not to_device and not to_groups:
        return True
    return to_device == device or bool(set(to_groups) & set(groups))


def list_jobs(db, groups: list[str] | None = None) -> list[Job]:
    """The jobs assigned to this device or its groups, not withdrawn, newest first."""
    me = local.device_id(db)
    jobs = [Job.of(d) for d in local.docs(db, "job") if assigned(d, me, groups or [])]
    return sorted(jobs, key=lambda j: (j.created or "", j.id), reverse=True)


def get(db, job_id: str, groups: list[str] | None = None) -> Job:
    job_id = job_id.removeprefix("job:")
    for j in list_jobs(db, groups):
        if j.id == job_id:
            return j
    raise JobError(f"no job {job_id!r} for this device (`field-assistant jobs` lists them; a withdrawn job "
                   "is not listed)")


def use(db, job_id: str | None, groups: list[str] | None = None) -> Job | None:
    """Make `job_id` the current job (None: no current job)."""
    job = get(db, job_id, groups) if job_id else None
    state.write(db, CURRENT_KEY, job.id if job else None)
    state.write(db, WORK_ASSET_KEY, None)
    return job


def set_work_asset(db, asset: str, serial: str | None = None) -> None:
    """The work in hand is on `asset` (no job for it): answers are scoped as for a job on it."""
    state.write(db, CURRENT_KEY, None)
    state.write(db, WORK_ASSET_KEY, json.dumps({"asset": asset, "serial": serial}))


def current(db, groups: list[str] | None = None) -> Job | None:
    """The current job, or None (none chosen, or it has since been withdrawn or reassigned). A work
    asset set from a nameplate without a job comes back as a Job with id "" and only asset/serial."""
    job_id = state.read(db, CURRENT_KEY)
    if not job_id:
        work = state.read(db, WORK_ASSET_KEY)
        if work:
            w = json.loads(work)
            return Job("", w.get("asset"), w.get("serial"), None, None, None, [], None)
        return None
    if groups is not None:
        try:
            return get(db, job_id, groups)
        except JobError:
            return None
    # Without the device's groups (a note being saved): chosen with them by `use`, so only check
    # that the job is still there and not withdrawn.
    row = db.execute("SELECT doc, state FROM depot_docs WHERE id = ?", (f"job:{job_id}",)).fetchone()
    if row is None or row[1] == "withdrawn" or json.loads(row[0]).get("withdrawn"):
        return None
    return Job.of(json.loads(row[0]))


@dataclass
class Scope:
    """What the current job does to an answer."""

    job: Job
    manual_ids: set[int] = field(default_factory=set)  # empty: no manual for the asset, not scoped
    manuals: list[str] = field(default_factory=list)  # their titles

    @property
    def scoped(self) -> bool:
        return bool(self.manual_ids)

    @property
    def only(self) -> set[int] | None:
        """What `search(only=...)` takes: None when not scoped."""
        return self.manual_ids or None

    @property
    def note(self) -> str:
        if self.scoped:
            return f"for {self.job.label}"
        return f"for {self.job.label} (not scoped: no manual in the library is for {self.job.asset or 'this asset'})"

    def to_json(self) -> dict:
        return {**self.job.to_json(), "scoped": self.scoped, "manuals": self.manuals, "note": self.note}


def asset_manuals(db, asset: str | None) -> dict[int, str]:
    """{manual id: title} of the manuals for an asset model (see the module docstring)."""
    want = norm_model(asset or "")
    if not want:
        return {}
    from ..rag.search import _manuals_named

    out: dict[int, str] = {}
    for r in db.execute("SELECT m.id, m.title, d.doc FROM manuals m JOIN depot_docs d ON d.id = m.depot_id"):
        equipment = json.loads(r["doc"]).get("equipment") or []
        if any(norm_model(e) == want for e in equipment):
            out[r["id"]] = r["title"]
    locals_ = db.execute("SELECT id, title, path FROM manuals WHERE depot_id IS NULL").fetchall()
    for mid in _manuals_named(locals_, asset):
        out[mid] = next(m["title"] for m in locals_ if m["id"] == mid)
    return out


def scope(db, groups: list[str] | None = None) -> Scope | None:
    """The current job's scope, or None when no job is current."""
    job = current(db, groups)
    if job is None:
        return None
    found = asset_manuals(db, job.asset)
    return Scope(job, set(found), sorted(found.values()))


def note_fields(db, groups: list[str] | None = None) -> dict[str, str | None]:
    """work_order, asset, serial of the current job ({} when none): what a new note gets."""
    job = current(db, groups)
    return {"work_order": job.work_order, "asset": job.asset, "serial": job.serial} if job else {}
