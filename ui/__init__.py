"""The desktop app (PySide6). The core it drives is `assistant/`, which never imports Qt."""
