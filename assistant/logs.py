"""Logging: one rotating file under the data folder; the console only gets what the edge prints."""

from __future__ import annotations

import logging
import logging.handlers
import os

from . import paths

_configured = False


def setup(level: str | None = None) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger()
    root.setLevel(level or os.environ.get("FIELD_ASSISTANT_LOG_LEVEL", "INFO"))
    try:
        handler = logging.handlers.RotatingFileHandler(
            paths.logs_dir() / "field-assistant.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:  # a read-only data folder must not stop the app
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    root.addHandler(handler)
