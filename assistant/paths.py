"""Every path the app uses. FIELD_ASSISTANT_HOME moves all of them (tests set it to a temp folder)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP = "field-assistant"


def home() -> Path:
    """The root data folder: FIELD_ASSISTANT_HOME, else the platform's user data folder."""
    env = os.environ.get("FIELD_ASSISTANT_HOME")
    root = Path(env).expanduser() if env else Path(platformdirs.user_data_dir(APP, appauthor=False))
    root.mkdir(parents=True, exist_ok=True)
    return root


def _sub(name: str) -> Path:
    p = home() / name
    p.mkdir(parents=True, exist_ok=True)
    return p


def db_path() -> Path:
    return home() / "library.sqlite3"


def models_dir() -> Path:
    """Models the admin added for this user (any GGUF dropped in models/chat/)."""
    return _sub("models")


def bundled_models_dir() -> Path:
    """Models installed with the app (read-only at run time): inside the frozen bundle, or under the
    Python environment's prefix for a source install. FIELD_ASSISTANT_BUNDLED_MODELS overrides."""
    env = os.environ.get("FIELD_ASSISTANT_BUNDLED_MODELS")
    if env:
        return Path(env).expanduser()
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "models"
    return Path(sys.prefix) / "share" / "field-assistant" / "models"


def logs_dir() -> Path:
    return _sub("logs")


def settings_path() -> Path:
    return home() / "settings.json"


def cache_dir() -> Path:
    """Derived data that can be rebuilt at any time (e.g. the speech vocabulary of the library)."""
    return _sub("cache")


def manuals_dir() -> Path:
    """Where copies of ingested manuals are kept so the page viewer works if the source moves."""
    return _sub("manuals")
