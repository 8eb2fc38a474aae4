"""Read the metadata header of a GGUF file (no llama.cpp needed): validates and describes a chat model."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

from . import filecache
from .errors import ModelCorruptError

# llama.cpp's llama_ftype: the quantisation the file was written with.
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M",
    30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
}
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
# ggml tensor types: (elements per block, bytes per block), to check the file holds all tensor data.
_BLOCKS = {0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34),
           9: (32, 36), 10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210),
           15: (256, 292), 30: (1, 2)}
# Keys worth reading; large arrays (the vocabulary) are skipped without decoding.
_WANTED = ("general.name", "general.architecture", "general.file_type", "general.size_label",
           ".context_length", "tokenizer.chat_template")


def _read(f: BinaryIO, n: int) -> bytes:
    b = f.read(n)
    if len(b) != n:
        raise EOFError
    return b


def _string(f: BinaryIO) -> str:
    (n,) = struct.unpack("<Q", _read(f, 8))
    if n > 1 << 24:
        raise ValueError("string length out of range")
    return _read(f, n).decode("utf-8", "replace")


def _value(f: BinaryIO, vtype: int, keep: bool) -> Any:
    if vtype in _SCALARS:
        fmt = _SCALARS[vtype]
        return struct.unpack(fmt, _read(f, struct.calcsize(fmt)))[0]
    if vtype == 8:
        return _string(f)
    if vtype == 9:
        (etype,) = struct.unpack("<I", _read(f, 4))
        (n,) = struct.unpack("<Q", _read(f, 8))
        if etype in _SCALARS and not keep:
            f.seek(n * struct.calcsize(_SCALARS[etype]), 1)
            return None
        items = [_value(f, etype, keep) for _ in range(n)]
        return items if keep else None
    raise ValueError(f"unknown GGUF value type {vtype}")


def read_metadata(path: Path) -> dict[str, Any]:
    """Return selected header keys of a GGUF file (read once per version of the file: `filecache`).

    Raises:
        ModelCorruptError: the file is not GGUF or its header is cut short.
    """
    try:
        return dict(filecache.read(Path(path), "gguf", _read_metadata))
    except OSError as e:  # the file cannot be stat'ed; read errors are turned into this inside
        raise ModelCorruptError(f"cannot read {path}: {e.strerror}") from e


def _read_metadata(path: Path) -> dict[str, Any]:
    path = Path(path)
    try:
        with path.open("rb") as f:
            if f.read(4) != b"GGUF":
                raise ModelCorruptError(f"{path} is not a GGUF model file (bad magic bytes)")
            version, n_tensors, n_kv = struct.unpack("<IQQ", _read(f, 20))
            if version not in (2, 3) or n_kv > 100_000:
                raise ModelCorruptError(f"{path}: unsupported GGUF version {version}")
            meta: dict[str, Any] = {"gguf.version": version, "gguf.tensors": n_tensors}
            for _ in range(n_kv):
                key = _string(f)
                (vtype,) = struct.unpack("<I", _read(f, 4))
                keep = any(key.endswith(w) or key == w for w in _WANTED)
                val = _value(f, vtype, keep=False) if vtype == 9 else _value(f, vtype, keep)
                if keep or key == "general.alignment":
                    meta[key] = val
            end = 0
            for _ in range(n_tensors):
                _string(f)
                (n_dims,) = struct.unpack("<I", _read(f, 4))
                dims = struct.unpack(f"<{n_dims}Q", _read(f, 8 * n_dims))
                ttype, offset = struct.unpack("<IQ", _read(f, 12))
                n = 1
                for d in dims:
                    n *= d
                per, size = _BLOCKS.get(ttype, (n or 1, 1))
                end = max(end, offset + -(-n // per) * size)
            align = int(meta.get("general.alignment", 32))
            data_start = -(-f.tell() // align) * align
            actual = path.stat().st_size
            if data_start + end > actual:
                raise ModelCorruptError(
                    f"{path} is truncated ({actual:,} of {data_start + end:,} bytes); copy the model file again"
                )
    except (EOFError, ValueError, struct.error) as e:
        raise ModelCorruptError(
            f"{path} is truncated or corrupt ({e or 'unexpected end of file'}); copy the model file again"
        ) from e
    except OSError as e:
        raise ModelCorruptError(f"cannot read {path}: {e.strerror}") from e
    return meta


def quantization(meta: dict[str, Any]) -> str:
    ft = meta.get("general.file_type")
    return FILE_TYPES.get(ft, f"type {ft}") if ft is not None else "unknown"


def context_length(meta: dict[str, Any]) -> int | None:
    for k, v in meta.items():
        if k.endswith(".context_length"):
            return int(v)
    return None
