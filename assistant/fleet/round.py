"""One depot round: pull the verified documents, then bring manuals (and models) up to date.

Runs after the notes round in `field-assistant sync` and in the app's SyncService; the two are
independent: a failing depot does not stop notes sync, and the other way round. Both are reported.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import db as dbmod
from ..depot import format as fmt
from ..errors import AssistantError, Cancelled
from ..notes import state
from ..sync.couch import CouchClient, RetryLater, ServerUnreachable
from . import manuals, pull
from .local import device_id
from .progress import Progress, emit
from .settings import DepotNotConfigured, target

log = logging.getLogger(__name__)

LAST_SEEN_KEY = "depot_last_seen"  # sync_state: when a round last reached the depot (UTC, ISO 8601)


@dataclass
class DepotReport:
    pulled: pull.PullReport = field(default_factory=pull.PullReport)
    manuals: manuals.ApplyReport = field(default_factory=manuals.ApplyReport)
    models: dict = field(default_factory=dict)
    error: str | None = None
    unreachable: bool = False  # the depot could not be reached (the error says how)
    checked_at: str | None = None  # when this round read the depot's documents (None: it did not)
    last_seen: str | None = None  # when a round last did (this one, or an earlier one)

    def to_json(self) -> dict:
        return {"pulled": self.pulled.to_json(), "manuals": self.manuals.to_json(), "models": self.models,
                "error": self.error, "unreachable": self.unreachable, "checked_at": self.checked_at,
                "last_seen": self.last_seen, "problems": self.problems}

    @property
    def problems(self) -> list[str]:
        out = [r["error"] for r in self.pulled.refused] + [f"{r['id']}: {r['error']}" for r in self.manuals.failed]
        if self.models.get("rolled_back"):
            out.append(f"model {self.models['rolled_back']}: {self.models.get('reason')}")
        if self.error:
            out.append(self.error)
        return out


def configured(settings) -> bool:
    return bool(settings.depot_key and (settings.depot_url or settings.sync_url))


def run(db, settings, embedder: Callable[[], object], cancel: threading.Event | None = None,
        bench_tokens: int | None = None, page: int = pull.PAGE, budget_s: float | None = None,
        progress: Progress | None = None) -> DepotReport:
    """One round. Never raises for the depot's own failures: they are in `report.error`.

    Args:
        embedder: gives the embedder when a manual is to be ingested (loaded only then).
        bench_tokens: how long the on-device benchmark of a new model runs (short in tests).
        budget_s: the first-token budget a new model must meet (default: model_bench.LATENCY_BUDGET_S).
        progress: called (on this thread) with a `DepotProgress` as the round moves on.
    """
    report = DepotReport()
    try:
        tgt = target(settings)
    except DepotNotConfigured as e:
        report.error = str(e)
        return report
    except AssistantError as e:  # the stored key does not parse
        report.error = f"depot key: {e}"
        return report
    cancel = cancel or threading.Event()
    device = device_id(db)
    try:
        with CouchClient(tgt.config, cancel=cancel) as client:
            emit(progress, "checking")
            report.pulled = pull.DepotPuller(db, client, tgt, device, page=page, cancel=cancel).run()
            report.checked_at = fmt.now()
            with dbmod.transaction(db):
                state.write(db, LAST_SEEN_KEY, report.checked_at)
            report.manuals = manuals.apply(db, _Lazy(embedder), client, cancel, progress=progress)
            from . import models as fleet_models

            report.models = fleet_models.apply(db, settings, tgt, device, cancel=cancel, bench_tokens=bench_tokens,
                                                   budget_s=budget_s, progress=progress)
    except Cancelled:
        report.error = "cancelled"
    except AssistantError as e:
        report.error = f"depot: {e}"
        report.unreachable = isinstance(e, ServerUnreachable | RetryLater)
    except Exception as e:  # keep notes sync and the app running; the log has the trace
        log.exception("depot round failed")
        report.error = f"depot: {type(e).__name__}: {e}"
    report.last_seen = state.read(db, LAST_SEEN_KEY)
    return report


class _Lazy:
    """The embedder loaded on first use: a round with nothing to ingest never loads it."""

    def __init__(self, make: Callable[[], object]):
        self._make, self._obj = make, None

    def embed(self, texts):
        if self._obj is None:
            self._obj = self._make()
        return self._obj.embed(texts)
