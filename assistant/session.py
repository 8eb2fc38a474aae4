"""One place that opens the database and loads models lazily, shared by the CLI and the GUI."""

from __future__ import annotations

import logging
import os
import threading

from . import db as dbmod
from . import llm, models
from . import settings as settingsmod
from .embedding import OnnxEmbedder
from .errors import ModelCorruptError, ModelMissingError

log = logging.getLogger(__name__)

# Nothing may reach a model hub: the libraries we use honour these even if a code path tries.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Session:
    """Lazily opened resources: the database, the embedder, the chat model.

    Args:
        settings: the settings to use (default: loaded from settings.json and the environment).
        embedder_threads: CPU threads for the embedder (default: its own choice); the GUI leaves a
            core to its own thread.
    """

    def __init__(self, settings: settingsmod.Settings | None = None, embedder_threads: int | None = None):
        self.settings = settings or settingsmod.load()
        self.embedder_threads = embedder_threads
        self._db = None
        self._embedder = None
        self._lock = threading.Lock()
        self.embedder_problem: str | None = None  # why vector search is off, when it is

    @property
    def db(self):
        if self._db is None:
            self._db = dbmod.connect()
        return self._db

    @property
    def embedder(self) -> OnnxEmbedder:
        with self._lock:
            if self._embedder is None:
                info = models.default("embedding", self.settings)
                self._embedder = OnnxEmbedder(info.path, threads=self.embedder_threads)
            return self._embedder

    def embedder_or_none(self) -> OnnxEmbedder | None:
        """The embedder, or None when it is missing or damaged: keyword search still works then, and
        `embedder_problem` says why (for the one line the CLI prints and the GUI shows)."""
        try:
            return self.embedder
        except (ModelMissingError, ModelCorruptError) as e:
            if self.embedder_problem is None:
                log.warning("vector search unavailable: %s", e)
            self.embedder_problem = (f"the embedding model is unavailable ({e}); searching by keywords only, "
                                     f"which misses answers worded differently from the question")
            return None

    def chat(self, name: str | None = None) -> llm.ChatModel:
        if name:
            info = next((m for m in models.installed(self.settings) if m.role == "chat" and m.name == name), None)
            if info is None:
                raise models.ModelMissingError(f"no chat model named {name} in {models.role_dir('chat')}")
        else:
            info = models.default("chat", self.settings)
        return llm.load(info.path, self.settings.n_ctx, self.settings.n_threads)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
