"""The desktop app (PySide6). The core it drives is `assistant/`, which never imports Qt."""

from . import qtcompat  # noqa: F401  (binding work-arounds, before any other Qt use)
