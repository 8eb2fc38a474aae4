"""Size of the one-folder app by component (MiB, as `du -sh` counts; links not counted), and of its archive.

    .venv/bin/python bench/bundle_size.py [dist/field-assistant]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

from _common import PROJECT_ROOT

MIB = 1 << 20

# First match wins; patterns are prefixes of paths relative to _internal/.
COMPONENTS = [
    ("models: chat", ("models/chat",)),
    ("models: embedding", ("models/embedding",)),
    ("models: speech", ("models/speech",)),
    ("CTranslate2 (speech runtime)", ("ctranslate2",)),
    ("Qt / PySide6", ("PySide6", "shiboken6")),
    ("ONNX Runtime (embeddings)", ("onnxruntime",)),
    ("llama.cpp (chat runtime)", ("llama_cpp",)),
    ("PyAV + FFmpeg", ("av", "av.libs")),
    ("libsndfile (soundfile)", ("_soundfile_data", "soundfile", "_cffi_backend")),
    ("NumPy + OpenBLAS", ("numpy",)),
    ("Python runtime", ("libpython", "python3", "base_library.zip", "lib-dynload")),
    ("PDF/HTML/DOCX parsers", ("pypdfium2", "pdfminer", "pdfplumber", "PIL", "pillow", "lxml", "selectolax",
                               "docx", "markdown_it")),
    ("SQLite (sqlean, sqlite-vec)", ("sqlean", "sqlite_vec", "libsqlite3")),
    ("tokenizers", ("tokenizers",)),
    ("OCR (rapidocr + its models, OpenCV, Shapely, pyclipper, OmegaConf)",
     ("rapidocr", "cv2", "opencv_python_headless", "shapely", "pyclipper", "omegaconf", "antlr4")),
    ("cryptography + OpenSSL", ("cryptography", "libcrypto", "libssl", "_cffi")),
]


def size_of(p: Path) -> int:
    if p.is_symlink():
        return 0
    if p.is_file():
        return p.stat().st_size
    total = 0
    for root, _dirs, files in os.walk(p):
        for f in files:
            fp = os.path.join(root, f)
            if not os.path.islink(fp):
                total += os.path.getsize(fp)
    return total


def by_component(app: Path) -> dict[str, int]:
    internal = app / "_internal"
    sizes: dict[str, int] = defaultdict(int)
    entries = []
    for top in internal.iterdir():
        if top.name == "models":
            entries += [(f"models/{r.name}", r) for r in top.iterdir()]
        else:
            entries.append((top.name, top))
    for name, path in entries:
        label = next((c for c, prefixes in COMPONENTS if any(name.startswith(x) for x in prefixes)), "other")
        sizes[label] += size_of(path)
    sizes["launcher (with the Python code archive), install.sh, icons"] = size_of(app) - size_of(internal)
    return dict(sizes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("app", nargs="?", type=Path, default=PROJECT_ROOT / "dist" / "field-assistant")
    args = ap.parse_args()
    if not (args.app / "_internal").is_dir():
        print(f"{args.app}: not a built app folder (packaging/build.sh)", file=sys.stderr)
        return 1
    sizes = by_component(args.app)
    total = sum(sizes.values())
    print("| component | MiB |\n|---|---:|")
    for label, n in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"| {label} | {n / MIB:.0f} |")
    print(f"| **total** | **{total / MIB:.0f}** |")
    models = sum(n for k, n in sizes.items() if k.startswith("models"))
    print(f"without the models: {(total - models) / MIB:.0f} MiB")
    for a in sorted(args.app.parent.glob("field-assistant-*.tar.gz")):
        print(f"archive {a.name}: {a.stat().st_size / MIB:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
