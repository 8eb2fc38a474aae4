"""The GUI's side of the core: every core call the views make, run as a job on the right lane.

Views never call the core directly (a core call can take seconds): they call a method here, or
`Services.submit` for a job of their own (the one entry point for background work; its docstring
has the threading rule), and get the `Job` back to follow its signals, cancel it, or ignore a stale
one. Model and library state are kept here and broadcast as signals, so the status bar, the Ask
page and the Library page agree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from assistant import models
from assistant import settings as settingsmod
from assistant.errors import ModelCorruptError, ModelMissingError
from assistant.rag import prompt_cache
from assistant.session import Session

from .workers import THROTTLE_S, Job, JobContext, Workers

log = logging.getLogger(__name__)

class Services(QObject):
    """Shared state of the app (models, library, settings) and the jobs that change it."""

    model_state_changed = Signal(str, str)  # state (idle|loading|ready|missing|error), message
    library_changed = Signal(list)  # manuals as dicts (assistant.library.ingest.library + "missing")
    settings_changed = Signal(object)  # Settings
    ingest_started = Signal(object)  # Job
    embedder_state_changed = Signal(str, str)

    def __init__(self, workers: Workers | None = None, auto_demo: bool = False):
        super().__init__()
        self.auto_demo = auto_demo  # first run: load the demo manuals into an empty library
        self.workers = workers or Workers()
        # The session gives settings, the embedder (thread-safe) and the chat loader, with the GUI's
        # thread budget. Its own .db connection is never used: each worker thread has its own (ctx.db).
        self.session = Session(_with_thread_budget(settingsmod.load()), embedder_threads=model_threads())
        self.settings = self.session.settings
        self.manuals: list[dict] = []
        self.library_loaded = False
        self.demo_loading = False  # first run: the window is not "ready" until the demo is in
        self.model_state = "idle"
        self.model_message = ""
        self.model_name: str | None = None
        self.embedder_state = "idle"

    # -- background work -----------------------------------------------------------------

    def submit(self, op: Callable[[JobContext], object], *, lane: str = "pool", name: str = "",
               throttle: float = THROTTLE_S, **callbacks) -> Job:
        """Run `op(ctx)` in the background: the one way the GUI does (house rule 2).

        The threading rule: `op` runs on a worker thread. It must not touch a widget or any other
        object of the GUI thread, and reads what it needs from variables captured before the call
        (a copy of the settings, the text of a field). It uses `ctx.db` (its thread's own SQLite
        connection), checks `ctx.cancel` in long loops (or passes it to the core, which raises
        `Cancelled`) and sends progress with `ctx.report()`. The callbacks (`on_progress`,
        `on_result`, `on_error`, `on_cancelled`, `on_finished`) run on the GUI thread; an exception
        in `op` goes to `on_error` (an unexpected one is also logged with its trace). Pass
        `owner=widget` when the callbacks touch a window that may close before the job ends: they
        are skipped once it is gone.

        Lanes: `llm` and `stt` (one model at a time), `db-writer` (library writes: ingest, remove),
        `notes` (note writes), `sync` (the sync rounds), `pool` (reads, rendering, files). A job that
        writes the database runs on one of the single-thread writer lanes, never on `pool`: each
        lane's writes run one after the other, in order (SQLite orders the few writes of different
        lanes: `BEGIN IMMEDIATE` with a busy timeout). Notes have their own writer lane so a save
        never waits behind a manual being parsed and embedded, which can take minutes.

        `shutdown()` (closing the window) cancels every running and queued job.

        Must be called from the GUI thread.
        """
        return self.workers.submit(op, lane=lane, name=name, throttle=throttle, **_cb(callbacks))

    # -- start-up ------------------------------------------------------------------------

    def start(self) -> None:
        """Load the models in the background and list the library (after the window is shown)."""
        self.refresh_library()
        self.load_embedder()
        self.load_chat_model()

    def load_embedder(self) -> Job:
        def run(ctx: JobContext):
            emb = self.session.embedder
            emb.embed(["warm up"])  # the first run of an ONNX session is the slow one
            return emb.name

        self.embedder_state = "loading"
        return self.submit(
            run, lane="pool", name="load-embedder",
            on_result=lambda name: self._set_embedder("ready", name),
            on_error=lambda e: self._set_embedder("missing", str(e)),
        )

    def _set_embedder(self, state: str, message: str) -> None:
        self.embedder_state = state
        self.embedder_state_changed.emit(state, message)

    def load_chat_model(self) -> Job:
        """Load the default chat model on the `llm` lane (the only thread that may use it)."""

        def run(ctx: JobContext):
            info = models.default("chat", self.settings)
            ctx.report(info, flush=True)
            chat = self.session.chat()
            # The first question then starts as fast as the later ones (the prompt's fixed opening is
            # already read): bench/prefix_cache.py, "started".
            prompt_cache.warm(chat)
            return {"name": chat.name, "quantization": chat.quantization, "size_bytes": info.size_bytes}

        self._set_model("loading", self.tr("Loading the chat model…"))
        return self.submit(
            run, lane="llm", name="load-chat-model",
            on_progress=lambda items: self._set_model("loading", self.tr("Loading {0}…").format(
                pretty_model_name(items[-1].name))),
            on_result=self._model_loaded, on_error=self._model_failed,
        )

    def _model_loaded(self, info: dict) -> None:
        self.model_name = info["name"]
        q = f" · {info['quantization']}" if info.get("quantization") else ""
        self._set_model("ready", f"{pretty_model_name(info['name'])}{q}")

    def _model_failed(self, e: BaseException) -> None:
        self.model_name = None
        if isinstance(e, ModelMissingError):
            self._set_model("missing", str(e))
        else:
            self._set_model("error", str(e) if isinstance(e, ModelCorruptError) else f"{type(e).__name__}: {e}")

    def _set_model(self, state: str, message: str) -> None:
        self.model_state, self.model_message = state, message
        self.model_state_changed.emit(state, message)

    # -- library -------------------------------------------------------------------------

    def refresh_library(self) -> Job:
        check_demo = self.auto_demo and not self.library_loaded

        def run(ctx: JobContext):
            from assistant import demo
            from assistant.library import ingest

            manuals = ingest.library(ctx.db)
            for m in manuals:
                m["missing"] = not Path(m["path"]).exists()
            return manuals, check_demo and demo.needs_demo(ctx.db)

        return self.submit(run, lane="pool", name="library", on_result=self._library_listed)

    def _library_listed(self, result) -> None:
        manuals, load_demo = result
        self.manuals = manuals
        self.library_loaded = True
        self.library_changed.emit(manuals)
        if load_demo and self.demo_files():
            log.info("first run: loading the demo manuals")
            self.demo_loading = True
            job = self.ingest([str(p) for p in self.demo_files()])
            job.succeeded.connect(lambda _: _mark_demo_loaded())
            # finished (success, failure or cancel) runs after the refresh the ingest queued,
            # whose result then re-checks readiness with the demo in the library.
            job.finished.connect(self._demo_done)

    def _demo_done(self, *_) -> None:
        self.demo_loading = False

    def ingest(self, paths: list[str], reindex: bool = False, **callbacks) -> Job:
        """Add (or re-index) manuals on the db-writer lane; progress items are IngestEvents."""

        def run(ctx: JobContext):
            from assistant.library import ingest as ingestmod
            from assistant.library import reindex as reindexmod

            gen = reindexmod.reindex if reindex else ingestmod.ingest
            report = None
            for ev in gen(ctx.db, self.session.embedder, paths, ctx.cancel):
                ctx.report(ev, flush=ev.kind in ("start", "failed", "added", "finished"))
                if ev.report is not None:
                    report = ev.report
            return report

        job = self.submit(run, lane="db-writer", name="reindex" if reindex else "ingest", **callbacks)
        job.finished.connect(self.refresh_library)
        self.ingest_started.emit(job)
        return job

    def upgrade_library(self, **callbacks) -> Job:
        """Run the extractions that manuals stored by an older version lack (assistant.library.backfill)
        on the db-writer lane, one manual at a time; announced like an ingest, so the Library page
        shows its progress. The result is an UpgradeReport."""
        ocr = self.settings.ocr

        def run(ctx: JobContext):
            from assistant.library import backfill

            report = None
            for ev in backfill.upgrade(ctx.db, self.session.embedder, ctx.cancel, ocr=ocr):
                ctx.report(ev, flush=ev.kind in ("start", "failed", "added", "finished"))
                if ev.report is not None:
                    report = ev.report
            return report

        job = self.submit(run, lane="db-writer", name="upgrade", **callbacks)
        job.finished.connect(self.refresh_library)
        self.ingest_started.emit(job)
        return job

    def upgrade_if_needed(self) -> Job:
        """At start: look (pool lane) whether a manual lacks an extraction, and upgrade if so. Not
        without the embedding model (the rows' vectors need it): the next start tries again."""
        ocr = self.settings.ocr

        def look(ctx: JobContext):
            from assistant.library import backfill

            return backfill.needed(ctx.db, ocr)

        def looked(n: int) -> None:
            if n and self.embedder_state != "missing":
                log.info("library upgrade: %d manual(s) stored by an older version to bring up to date", n)
                self.upgrade_library()

        return self.submit(look, lane="pool", name="upgrade-check", on_result=looked)

    def remove(self, paths: list[str], **callbacks) -> Job:
        def run(ctx: JobContext):
            from assistant.library import ingest

            return [p for p in paths if ingest.remove(ctx.db, p)]

        job = self.submit(run, lane="db-writer", name="remove", **callbacks)
        job.finished.connect(self.refresh_library)
        return job

    def demo_available(self) -> bool:
        return bool(self.demo_files())

    @staticmethod
    def demo_files() -> list[Path]:
        """The demo manuals shipped with the app (not their README)."""
        from assistant import demo
        from assistant.library.parse import SUPPORTED

        d = demo.demo_dir()
        if d is None:
            return []
        return sorted(p for p in d.iterdir()
                      if p.is_file() and p.suffix.lower() in SUPPORTED and p.stem.lower() != "readme")

    # -- answers -------------------------------------------------------------------------

    def ask(self, question: str, **callbacks) -> Job:
        """Answer on the `llm` lane; progress items are the "retrieved" and "token" AnswerEvents
        (tokens batched), the result is the final Answer (the "done" event's, delivered once)."""
        settings = self.settings.model_copy()

        def run(ctx: JobContext):
            from assistant.rag.answer import ask

            for ev in ask(ctx.db, self.session.embedder_or_none(), self.session.chat, question, settings,
                          ctx.cancel):
                if ev.kind == "done":
                    return ev.answer
                ctx.report(ev, flush=ev.kind == "retrieved")
            return None

        # Tokens reach the GUI thread every 100 ms at most: smooth to read, cheap to render.
        return self.submit(run, lane="llm", name="ask", throttle=0.1, **callbacks)

    # -- fleet (issue 15) ----------------------------------------------------------------

    def answer_feedback(self, thumb: int, question: str, citations: list[dict], **callbacks) -> Job:
        """A thumb up (+1) or down (-1) on an answer, kept on the device (sent only with share_feedback)."""

        def run(ctx: JobContext):
            from assistant.fleet import counters

            counters.add_feedback(ctx.db, thumb, question, citations)

        return self.submit(run, lane="notes", name="feedback", **callbacks)

    def scan_nameplate(self, image, **callbacks) -> Job:
        """Read a nameplate code from a photo file (path) or a camera frame (PIL image) and match it to
        a job; the result is a `ScanResult` (its message says what happened, also when no code was found)."""
        groups = list(self.settings.device_groups)

        def run(ctx: JobContext):
            from assistant.fleet import nameplate

            if isinstance(image, (str, Path)):
                return nameplate.scan_and_apply(ctx.db, image, groups)
            codes = nameplate.read_image(image)
            if not codes:
                return nameplate.ScanResult(message="No QR code or barcode in the camera picture: hold the plate's "
                                                    "code straight on, filling a third of the picture.")
            res = nameplate.apply(ctx.db, [nameplate.parse(c, ctx.db, groups) for c in codes], groups)
            res.codes = codes
            return res

        return self.submit(run, lane="notes", name="scan-nameplate", **callbacks)

    # -- viewer --------------------------------------------------------------------------

    def render_page(self, path: str, page: int, scale: float, dpr: float, passage: str | None,
                    boxes: tuple = (), **callbacks) -> Job:
        """Render a PDF page (pool lane); the result is (QImage, PageImage without pixels)."""

        def run(ctx: JobContext):
            from assistant import viewer
            from assistant.library import ocr_pages

            ctx.check()
            reading = ocr_pages.page(ctx.db, path, page) if passage else None  # word boxes of an OCR page
            img = viewer.render_pdf_page(path, page, scale * dpr, passage, ocr=reading, boxes=boxes)
            qimg = QImage(img.data, img.width, img.height, img.stride, QImage.Format.Format_RGB32).copy()
            qimg.setDevicePixelRatio(dpr)
            img.data = b""
            return qimg, img

        return self.submit(run, lane="pool", name="render-page", **callbacks)

    def load_document(self, path: str, char_start: int | None, char_end: int | None, **callbacks) -> Job:
        def run(ctx: JobContext):
            from assistant import viewer

            return viewer.document(path, char_start, char_end)

        return self.submit(run, lane="pool", name="load-document", **callbacks)

    def page_sizes(self, path: str, **callbacks) -> Job:
        def run(ctx: JobContext):
            from assistant import viewer

            return viewer.pdf_page_sizes(path)

        return self.submit(run, lane="pool", name="page-sizes", **callbacks)

    # -- models and settings ---------------------------------------------------------------

    def list_models(self, **callbacks) -> Job:
        """The chat models as `model_bench.Measured`: each with this device's measurement, if any."""
        from assistant import model_bench

        return self.submit(lambda ctx: model_bench.measured([m for m in models.installed(self.settings) if m.role == "chat"]),
                           lane="pool", name="list-models", **callbacks)

    def add_model(self, path: str, make_default: bool = False, **callbacks) -> Job:
        return self.submit(lambda ctx: models.add(Path(path), make_default=make_default),
                           lane="pool", name="add-model", **callbacks)

    def save_settings(self, **changes) -> settingsmod.Settings:
        """Persist changes to settings.json; reloads the chat model when the default changed."""
        model_changed = "chat_model" in changes and changes["chat_model"] != self.settings.chat_model
        if model_changed:
            models.set_default(changes.pop("chat_model"))  # validates and saves it
        new = settingsmod.save(**changes) if changes else settingsmod.load()
        self.settings = self.session.settings = _with_thread_budget(new)
        self.settings_changed.emit(new)
        if model_changed:
            self.load_chat_model()
        return new

    def shutdown(self, timeout: float = 1.0) -> bool:
        clean = self.workers.shutdown(timeout)
        return clean


def model_threads() -> int:
    """CPU threads for llama.cpp and ONNX Runtime in the GUI: every core but one.

    Their worker threads spin-wait on each other at every step; when they take all the cores,
    each wake-up of the GUI thread preempts one of them and the others spin until it is back.
    On a 2-core tablet that turned 40 tokens/s into 1-3 tokens/s; leaving one core to the GUI
    keeps decoding fast and the window responsive.
    """
    import os

    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(n - 1, 8))


def _with_thread_budget(settings: settingsmod.Settings) -> settingsmod.Settings:
    if settings.n_threads is None:  # an explicit setting (FIELD_ASSISTANT_N_THREADS) wins
        settings = settings.model_copy(update={"n_threads": model_threads()})
    return settings


def pretty_model_name(filename: str) -> str:
    """SmolLM2-135M-Instruct.Q4_1.gguf -> SmolLM2-135M-Instruct"""
    name = filename[:-5] if filename.lower().endswith(".gguf") else filename
    head, _, tail = name.rpartition(".")
    return head if head and tail.upper().startswith(("Q", "F", "BF", "IQ")) else name


def _cb(callbacks: dict) -> dict[str, Callable]:
    """The job's callbacks; with `owner` (a widget), each is skipped once the owner is gone: a
    dialog closed while its job ran must not be touched when the result comes back."""
    allowed = {"on_progress", "on_result", "on_error", "on_cancelled", "on_finished"}
    owner = callbacks.pop("owner", None)
    unknown = set(callbacks) - allowed
    if unknown:
        raise TypeError(f"unknown callbacks: {', '.join(sorted(unknown))}")
    found = {k: v for k, v in callbacks.items() if v is not None}
    if owner is None:
        return found
    return {k: _while_alive(owner, fn) for k, fn in found.items()}


def _while_alive(owner: QObject, fn: Callable) -> Callable:
    def call(*args):
        if shiboken6.isValid(owner):
            return fn(*args)
        log.debug("dropped a job's callback: its window is gone")
        return None

    return call


def _mark_demo_loaded() -> None:
    from assistant import demo

    try:
        demo.mark_loaded()
    except OSError as e:  # a read-only data folder: the demo may be offered again next time
        log.warning("cannot record that the demo was loaded: %s", e)
