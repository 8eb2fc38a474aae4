"""Values read from a file, kept until the file changes (its size or modification time).

The model registry is listed for every question (which chat model is the default?) and reading a
GGUF header walks its whole vocabulary in Python: a few hundred ms per model file, for files that
change only when an admin adds a model. Keyed by the file's stat, so a replaced or re-measured
file is read again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_cache: dict[tuple[str, str], tuple[tuple[int, int], object]] = {}
_lock = threading.Lock()


def read(path: Path, kind: str, loader: Callable[[Path], T]) -> T:
    """`loader(path)`, or what it returned before for this path and `kind` if the file is unchanged.

    Errors are not kept: a file that failed to read is tried again next time.

    Raises:
        OSError: the file cannot be stat'ed (missing); whatever `loader` raises.
    """
    key = (str(Path(path).resolve()), kind)
    st = Path(path).stat()
    stamp = (st.st_size, st.st_mtime_ns)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]  # type: ignore[return-value]
    value = loader(Path(path))
    with _lock:
        _cache[key] = (stamp, value)
    return value


def forget(path: Path) -> None:
    """Drop what is kept for `path` (after writing it within the same mtime tick)."""
    p = str(Path(path).resolve())
    with _lock:
        for key in [k for k in _cache if k[0] == p]:
            del _cache[key]
