"""Sentence embeddings with all-MiniLM-L6-v2 run through ONNX Runtime (no torch at run time). Used by
both ingest (`library`) and search (`rag`), so it belongs to neither.

The ONNX graph is exported once at set-up by sentence-transformers' own exporter
(`assistant.model_setup.export_embedding_onnx`): it ends at the transformer's token vectors, and
the pooling that sentence-transformers runs after it is done here, as the model folder's
`pooling_config.json` (its 1_Pooling module) says, then L2 normalisation. A folder from an
earlier set-up whose graph pools inside (output `sentence_embedding`) still works as it is.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import ModelCorruptError, ModelMissingError

log = logging.getLogger(__name__)

POOLED_OUTPUT = "sentence_embedding"  # the output of a graph that pools inside (an earlier set-up's)


class Embedder(ABC):
    """A backend embeds a batch of texts into L2-normalised float32 rows."""

    dim: int = 384

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sorting by length keeps padding small inside each batch; results go back in input order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            out[idx] = self.embed_batch([texts[i] for i in idx])
        return out


class OnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 exported to ONNX, tokenised with the model's own tokenizer.json."""

    def __init__(self, model_dir: Path, threads: int | None = None, file: str = "model.onnx"):
        model_dir = Path(model_dir)
        onnx_path = model_dir / file
        tok_path = model_dir / "tokenizer.json"
        for p in (onnx_path, tok_path):
            if not p.exists():
                raise ModelMissingError(
                    f"embedding model file missing: {p}. Run `field-assistant models setup` "
                    "to install the bundled models."
                )
        import onnxruntime as ort
        from tokenizers import Tokenizer

        max_len = 256
        cfg = model_dir / "sentence_bert_config.json"
        if cfg.exists():
            max_len = int(json.loads(cfg.read_text()).get("max_seq_length", max_len))
        try:
            self._tok = Tokenizer.from_file(str(tok_path))
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
            opts.inter_op_num_threads = 1
            # No spin-waiting: after a run ONNX Runtime's workers otherwise keep a core busy, which
            # slowed the sqlite-vec scan that follows a query embedding by ~50% (bench/README.md).
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._session = ort.InferenceSession(
                str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own exception types
            raise ModelCorruptError(
                f"embedding model in {model_dir} cannot be loaded ({type(e).__name__}: "
                f"{str(e).splitlines()[0][:120]}). Re-run `field-assistant models setup`."
            ) from e
        self._tok.enable_truncation(max_length=max_len)
        self._tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self._inputs = {i.name for i in self._session.get_inputs()}
        out = self._session.get_outputs()[0]
        self._pooled = out.name == POOLED_OUTPUT
        self._pooling = _pooling_mode(model_dir)
        self.dim = int(out.shape[-1] or 384)
        # InferenceSession.run is thread-safe, but the tokenizer's padding state is not shared-safe.
        self._lock = threading.Lock()
        self.name = model_dir.name

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out, mask = self._run(texts)
        if self._pooled:
            return out
        return pool(out, mask, self._pooling)

    def token_vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's L2-normalised token vectors (tokens, dim), padding dropped: what late
        interaction (MaxSim) scores. Needs the set-up's token-level graph (not an earlier pooled one).

        Raises:
            ModelCorruptError: the model folder holds a graph that pools inside.
        """
        if self._pooled:
            raise ModelCorruptError("this embedding graph pools inside; re-run `field-assistant models setup`")
        out, mask = self._run(texts)
        return [_unit(tokens[m.astype(bool)]) for tokens, m in zip(out, mask, strict=True)]

    def _run(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The graph's output for `texts` and their attention mask."""
        with self._lock:
            enc = self._tok.encode_batch(list(texts))
        feeds = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        mask = feeds["attention_mask"]
        feeds = {k: v for k, v in feeds.items() if k in self._inputs}
        return self._session.run(None, feeds)[0].astype(np.float32), mask


def pool(tokens: np.ndarray, mask: np.ndarray, mode: str = "mean") -> np.ndarray:
    """L2-normalised sentence vectors from token vectors (batch, tokens, dim), as sentence-
    transformers' Pooling and Normalize modules compute them; padding (mask 0) never counts. The
    app compares vectors by cosine, so they are normalised whatever the model's modules say."""
    m = mask[..., None].astype(np.float32)
    if mode == "cls":
        v = tokens[:, 0]
    elif mode == "max":
        v = np.where(m > 0, tokens, -1e9).max(axis=1)
    else:
        v = (tokens * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    return _unit(v).astype(np.float32)


def _unit(v: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero)."""
    return v / np.clip(np.linalg.norm(v, axis=1, keepdims=True), 1e-12, None)


def _pooling_mode(model_dir: Path) -> str:
    try:
        cfg = json.loads((model_dir / "pooling_config.json").read_text())
    except (OSError, ValueError):
        return "mean"  # all-MiniLM-L6-v2's, and sentence-transformers' default
    for key, mode in (("pooling_mode_cls_token", "cls"), ("pooling_mode_max_tokens", "max")):
        if cfg.get(key):
            return mode
    if cfg.get("pooling_mode_mean_sqrt_len_tokens") or cfg.get("pooling_mode_weightedmean_tokens"):
        raise ModelCorruptError(f"{model_dir}: pooling mode {cfg} is not supported here; use a mean, CLS or "
                                "max pooling model")
    return "mean"

