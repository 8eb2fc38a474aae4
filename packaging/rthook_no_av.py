"""PyInstaller runtime hook: a placeholder for PyAV, which the bundle leaves out (~100 MB of FFmpeg).

faster_whisper.audio imports `av` at module level but only uses it to decode files, which the app
does itself with libsndfile (assistant.speech.audio.decode_file). Any use of the placeholder fails
with a clear ImportError instead of the whole speech package failing to import.
"""

import sys
import types


def _install() -> None:
    try:
        import av  # noqa: F401  (a bundle built with PyAV keeps it)
        return
    except ImportError:
        pass
    mod = types.ModuleType("av", "placeholder: PyAV is not in this build")

    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"PyAV is not in this build (av.{name}); audio files are read with libsndfile")

    mod.__getattr__ = __getattr__
    mod.__fa_placeholder__ = True
    sys.modules["av"] = mod


_install()
