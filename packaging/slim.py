"""Slim a built one-folder app in place: strip debug sections where that is safe, link duplicates.

    python packaging/slim.py dist/field-assistant

- `strip --strip-debug` on each ELF file that carries .debug_* sections, into a copy next to it;
  the copy replaces the original only if the dynamic loader still accepts it (`ld.so --list`).
  Wheels' libraries rewritten by auditwheel/patchelf (numpy's OpenBLAS, for one) come out of
  binutils' strip with segments that are no longer page-aligned and fail to load: those are
  detected this way and kept as they were.
- Identical shared libraries in one folder (llama_cpp's libllama.so / libllama.so.0, copied twice
  by PyInstaller) become relative symbolic links to one copy.

Linux only (a no-op elsewhere). Prints what it saved.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

LOADERS = ("/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux-x86-64.so.2")


def is_elf(p: Path) -> bool:
    try:
        with p.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def has_debug(p: Path) -> bool:
    out = subprocess.run(["readelf", "-S", "-W", str(p)], capture_output=True, text=True).stdout
    return ".debug_" in out


def loads(loader: str, p: Path) -> bool:
    r = subprocess.run([loader, "--list", str(p)], capture_output=True, text=True)
    return r.returncode == 0


def strip_debug(root: Path, loader: str) -> tuple[int, list[str]]:
    saved, refused = 0, []
    for p in sorted(root.rglob("*")):
        if p.is_symlink() or not p.is_file() or not is_elf(p) or not has_debug(p):
            continue
        tmp = p.with_name(p.name + ".stripped")
        try:
            if subprocess.run(["strip", "--strip-debug", "-o", str(tmp), str(p)],
                              capture_output=True).returncode != 0:
                refused.append(f"{p.relative_to(root)} (strip failed)")
                continue
            if p.suffix == "" and os.access(p, os.X_OK) and not p.name.startswith("lib"):
                ok = True  # an executable: nothing to --list without running it; strip is safe there
            else:
                ok = loads(loader, tmp)
            if not ok:
                refused.append(f"{p.relative_to(root)} (does not load once stripped)")
                continue
            before, after = p.stat().st_size, tmp.stat().st_size
            shutil.copymode(p, tmp)
            os.replace(tmp, p)
            saved += before - after
        finally:
            tmp.unlink(missing_ok=True)
    return saved, refused


def link_duplicates(root: Path) -> int:
    groups: dict[tuple, list[Path]] = defaultdict(list)
    for p in root.rglob("*.so*"):
        if p.is_file() and not p.is_symlink() and p.stat().st_size > 100_000:
            groups[(p.parent, p.stat().st_size)].append(p)
    saved = 0
    for (_folder, size), paths in groups.items():
        if len(paths) < 2:
            continue
        by_hash: dict[str, list[Path]] = defaultdict(list)
        for p in paths:
            by_hash[hashlib.sha256(p.read_bytes()).hexdigest()].append(p)
        for same in by_hash.values():
            if len(same) < 2:
                continue
            keep = max(same, key=lambda q: (len(q.name), q.name))  # libx.so.0.1 over libx.so.0, libx.so
            for p in same:
                if p != keep:
                    p.unlink()
                    p.symlink_to(keep.name)
                    saved += size
    return saved


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    root = Path(sys.argv[1])
    if not sys.platform.startswith("linux"):
        print("slim: Linux only; nothing done")
        return 0
    loader = next((x for x in LOADERS if os.path.exists(x)), None)
    if loader is None or shutil.which("strip") is None or shutil.which("readelf") is None:
        print("slim: no dynamic loader, strip or readelf found; nothing stripped")
        stripped, refused = 0, []
    else:
        stripped, refused = strip_debug(root, loader)
    linked = link_duplicates(root)
    print(f"slim: debug sections stripped {stripped / 1e6:.0f} MB, duplicate libraries linked "
          f"{linked / 1e6:.0f} MB")
    for r in refused:
        print(f"slim: kept as is: {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
