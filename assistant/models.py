"""Model registry: what is installed, in which role, and which is the default.

Two folders are searched, the user's first: paths.models_dir() (what the admin adds) and
paths.bundled_models_dir() (what the set-up or the bundle installed). Layout of each:
    chat/*.gguf                      any GGUF chat model the admin adds
    embedding/<name>/model.onnx      sentence embedding model (ONNX + tokenizer.json)
    speech/<name>/model.bin          CTranslate2 Whisper models for faster-whisper
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from . import gguf, paths, settings
from .errors import AssistantError, ModelCorruptError, ModelMissingError
from .settings import Settings

log = logging.getLogger(__name__)

DEFAULT_CHAT = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_EMBEDDING = "all-MiniLM-L6-v2"
DEFAULT_SPEECH = "tiny.en"
SETUP_HINT = "run `field-assistant models setup` to install the bundled models"


@dataclass
class ModelInfo:
    name: str
    role: str  # "chat" | "embedding" | "speech"
    path: str
    size_bytes: int
    format: str  # "gguf Q4_1", "onnx", "ctranslate2"
    default: bool
    quantization: str | None = None
    problem: str | None = None  # why the file cannot be used, if it cannot

    def to_json(self) -> dict:
        return asdict(self)


def role_dir(role: str) -> Path:
    """The user's folder for a role (where `add` copies to)."""
    d = paths.models_dir() / role
    d.mkdir(parents=True, exist_ok=True)
    return d


def _role_dirs(role: str) -> list[Path]:
    return [d for d in (role_dir(role), paths.bundled_models_dir() / role) if d.is_dir()]


def _unique(items: list[Path]) -> list[Path]:
    """First occurrence of each name wins: a user's model shadows a bundled one of the same name."""
    seen: set[str] = set()
    return [p for p in items if not (p.name in seen or seen.add(p.name))]


def _size(p: Path) -> int:
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def _chat_models(cfg: Settings) -> list[ModelInfo]:
    files = _unique([f for d in _role_dirs("chat") for f in sorted(d.glob("*.gguf"))])
    wanted = cfg.chat_model
    names = [f.name for f in files]
    default = wanted if wanted in names else (DEFAULT_CHAT if DEFAULT_CHAT in names else (names[0] if names else None))
    out = []
    for f in files:
        info = ModelInfo(f.name, "chat", str(f), f.stat().st_size, "gguf", f.name == default)
        try:
            meta = gguf.read_metadata(f)
            info.quantization = gguf.quantization(meta)
            info.format = f"gguf {info.quantization}"
        except ModelCorruptError as e:
            info.problem = str(e)
        out.append(info)
    if wanted not in names and out:
        # No model chosen by the user: the best one measured on this device within the latency
        # budget (`models bench`, run by the set-up), else SmolLM2, the one that fits anywhere.
        from . import model_bench  # here, not at the top: model_bench loads llm

        best = model_bench.recommend(out)
        if best:
            for info in out:
                info.default = info.name == best
    return out


def _folder_models(role: str, marker: str, fmt: str, default: str) -> list[ModelInfo]:
    dirs = _unique([d for r in _role_dirs(role) for d in sorted(r.iterdir()) if d.is_dir()])
    names = [d.name for d in dirs]
    chosen = default if default in names else (names[0] if names else None)
    out = []
    for d in dirs:
        info = ModelInfo(d.name, role, str(d), _size(d), fmt, d.name == chosen)
        if not (d / marker).exists():
            info.problem = f"{d / marker} is missing; {SETUP_HINT}"
        out.append(info)
    return out


def installed(cfg: Settings | None = None) -> list[ModelInfo]:
    """Every model in the models folder, chat first.

    Args:
        cfg: the settings that choose the defaults (the GUI's, the CLI's); None reads them from
            disk, for callers that hold none (a benchmark, a one-off script).
    """
    cfg = cfg or settings.load()
    return (
        _chat_models(cfg)
        + _folder_models("embedding", "model.onnx", "onnx", DEFAULT_EMBEDDING)
        + _folder_models("speech", "model.bin", "ctranslate2", cfg.speech_model or DEFAULT_SPEECH)
    )


def default(role: str, cfg: Settings | None = None) -> ModelInfo:
    """The default model for a role (`cfg` as for `installed`).

    Raises:
        ModelMissingError: none is installed, or the default one cannot be used.
    """
    for m in installed(cfg):
        if m.role == role and m.default:
            if m.problem:
                raise ModelMissingError(f"{role} model {m.name} is unusable: {m.problem}")
            return m
    raise ModelMissingError(
        f"no {role} model in {role_dir(role)} or {paths.bundled_models_dir() / role}; {SETUP_HINT}"
    )


def add(src: Path, make_default: bool = False) -> ModelInfo:
    """Copy a GGUF chat model (or a CTranslate2 Whisper folder) into the models folder."""
    src = Path(src).expanduser()
    if not src.exists():
        raise ModelMissingError(f"{src} does not exist")
    if src.is_dir():
        if not (src / "model.bin").exists():
            raise AssistantError(f"{src} is not a CTranslate2 Whisper model folder (no model.bin)")
        dest = role_dir("speech") / src.name
        shutil.copytree(src, dest, dirs_exist_ok=True)
        role = "speech"
    else:
        gguf.read_metadata(src)  # refuse a broken file before copying hundreds of MB
        dest = role_dir("chat") / src.name
        if src.resolve() != dest.resolve():
            tmp = dest.with_suffix(".part")
            shutil.copyfile(src, tmp)
            tmp.replace(dest)
        role = "chat"
    if make_default and role == "chat":
        settings.save(chat_model=dest.name)
    return next(m for m in installed() if m.path == str(dest))


def set_default(name: str) -> ModelInfo:
    for m in installed():
        if m.role == "chat" and m.name == name:
            if m.problem:
                raise ModelCorruptError(m.problem)
            settings.save(chat_model=name)
            return default("chat")
    raise ModelMissingError(f"no chat model named {name} in {role_dir('chat')}")
