"""The local chat model (llama-cpp-python): load once, render the chat template, stream, cancel.

One model instance per process (`load()` keeps the last one loaded): loading a GGUF costs
seconds, and llama.cpp contexts are not safe to share between threads, so callers run generation
on one thread (the GUI's `llm` executor, or the CLI's main thread).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import gguf, procinfo
from .errors import AssistantError, Cancelled, ModelCorruptError, ModelMissingError

log = logging.getLogger(__name__)


@dataclass
class Token:
    text: str
    t: float  # perf_counter() when the token arrived


def default_threads() -> int:
    """Threads for llama.cpp: on small devices leave one core to the GUI and the OS.

    llama.cpp's threads spin at barriers, so when any one is descheduled all wait: on this
    2-core machine under load, 2 threads decoded 5-7x slower than 1 (bench/README.md).
    """
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(n - 1 if n <= 4 else n, 8))


def check_fits(path: Path, n_ctx: int = 2048) -> None:
    """Refuse a model this device cannot hold: its file is mapped whole, plus the context's cache.

    Raises:
        AssistantError: not enough memory left, with the figures.
    """
    avail = procinfo.memory_available_mb()
    if avail is None:
        return
    need = path.stat().st_size / 2**20 * 1.1 + n_ctx * 0.1 + 100
    if need > avail:
        raise AssistantError(
            f"{path.name} needs about {need:,.0f} MB of memory and {avail:,.0f} MB are free; "
            "choose a smaller chat model (`field-assistant models`) or close other programs")


class ChatModel:
    """A GGUF chat model loaded with llama.cpp."""

    def __init__(self, path: Path, n_ctx: int = 2048, n_threads: int | None = None):
        path = Path(path)
        if not path.exists():
            raise ModelMissingError(
                f"chat model file not found: {path}. Run `field-assistant models setup` or add a GGUF "
                "with `field-assistant models add FILE`."
            )
        meta = gguf.read_metadata(path)  # a clear error for a non-GGUF or truncated file
        check_fits(path, n_ctx)  # a clear refusal rather than the OOM killer mid-answer
        try:
            from llama_cpp import Llama
        except ImportError as e:
            raise ModelMissingError(f"llama-cpp-python is not installed ({e}); re-run the set-up") from e
        self.path = path
        self.name = path.name
        self.quantization = gguf.quantization(meta)
        self.threads = n_threads or default_threads()
        train_ctx = gguf.context_length(meta) or n_ctx
        try:
            self._llm = Llama(
                model_path=str(path), n_ctx=min(n_ctx, train_ctx), n_threads=self.threads,
                n_threads_batch=self.threads, n_batch=512, verbose=False,
            )
        except (ValueError, RuntimeError) as e:
            raise ModelCorruptError(
                f"llama.cpp could not load {path.name} ({str(e).splitlines()[0][:120]}); the file may be "
                "damaged or of an unsupported architecture. Copy it again or choose another model."
            ) from e
        self.template = meta.get("tokenizer.chat_template")
        self.family = meta.get("general.architecture")  # picks the prompt (rag.prompt.system_for)
        self._template_fn = None

    @property
    def n_ctx(self) -> int:
        return self._llm.n_ctx()

    def count(self, text: str) -> int:
        return len(self.tokenize(text))

    def tokenize(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def prefill(self, tokens: list[int]) -> None:
        """Read `tokens` into an emptied KV cache. The next prompt that starts with them reads only
        the rest: llama.cpp's generate and lookup_decode.greedy both keep the longest cached prefix."""
        self._llm.reset()
        if tokens:
            self._llm.eval(tokens)

    def render(self, system: str, user: str) -> str:
        """The prompt text for one system + user turn, in the model's own chat template.

        Base models without a template get a plain completion-style prompt.
        """
        if not self.template:
            return f"{system}\n\n{user}\n\nAnswer:"
        from jinja2 import TemplateError

        try:
            if self._template_fn is None:
                from jinja2.sandbox import ImmutableSandboxedEnvironment

                env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
                env.globals["raise_exception"] = _template_refuses  # as transformers defines it for templates
                self._template_fn = env.from_string(self.template)
            try:
                return self._render([{"role": "system", "content": system}, {"role": "user", "content": user}])
            except TemplateError:
                # Some templates refuse a system turn (Mistral's: "roles must alternate user/assistant");
                # the system text then opens the user's turn.
                return self._render([{"role": "user", "content": f"{system}\n\n{user}"}])
        except TemplateError as e:
            raise ModelCorruptError(
                f"the chat template of {self.name} cannot be used ({str(e)[:120]}); choose another chat model"
            ) from e

    def _render(self, messages: list[dict]) -> str:
        return self._template_fn.render(messages=messages, add_generation_prompt=True, bos_token="", eos_token="")

    def stream(
        self, prompt: str | list[int], max_tokens: int = 256, temperature: float = 0.1,
        cancel: threading.Event | None = None, stop: list[str] | None = None, repeat_penalty: float = 1.1,
        lookup: bool | None = None,
    ) -> Iterator[Token]:
        """Yield generated text pieces as they decode, one per token.

        `lookup`: greedy decoding with drafts from the prompt (assistant/lookup_decode.py) when the
        decoding is greedy without a repeat penalty (the same text, fewer model calls); None: the
        app's choice, PROMPT_LOOKUP.
        Raises:
            Cancelled: `cancel` was set; generation stops at the next token.
        """
        tokens = self.tokenize(prompt) if isinstance(prompt, str) else prompt
        if lookup is None:
            lookup = PROMPT_LOOKUP
        if lookup and temperature == 0 and repeat_penalty == 1.0:
            yield from self._stream_lookup(tokens, max_tokens, cancel, stop or [])
            return
        gen = self._llm.create_completion(
            tokens, max_tokens=max_tokens, temperature=temperature, top_k=40, top_p=0.95,
            repeat_penalty=repeat_penalty, stream=True, stop=stop or [],
        )
        try:
            for part in gen:
                if cancel is not None and cancel.is_set():
                    raise Cancelled("generation stopped")
                # One stream part per decoded token; text can be empty while a multi-byte
                # character is incomplete, but the part still counts as a token.
                yield Token(part["choices"][0]["text"], time.perf_counter())
        finally:
            gen.close()  # stops llama.cpp between tokens and releases the context


    def _stream_lookup(self, tokens: list[int], max_tokens: int, cancel, stop: list[str]) -> Iterator[Token]:
        """`stream` through lookup_decode.greedy: the same parts as create_completion's stream (a
        character split across tokens comes whole with its last token; text that may begin a stop
        string is held back until it does not, and the answer ends before a stop string)."""
        from . import lookup_decode

        gen = lookup_decode.greedy(self._llm, list(tokens), max_tokens)
        raw = b""  # bytes of an incomplete UTF-8 character
        held = ""  # text that could be the start of a stop string
        try:
            for t in gen:
                if cancel is not None and cancel.is_set():
                    raise Cancelled("generation stopped")
                raw += self._llm.detokenize([t])
                try:
                    held += raw.decode("utf-8")
                    raw = b""
                except UnicodeDecodeError:
                    if len(raw) < 4:  # the rest of the character comes with the next token
                        yield Token("", time.perf_counter())
                        continue
                    held += raw.decode("utf-8", errors="replace")
                    raw = b""
                cut = min((held.find(s) for s in stop if s in held), default=-1)
                if cut >= 0:
                    yield Token(held[:cut], time.perf_counter())
                    return
                keep = max((n for s in stop for n in range(len(s) - 1, 0, -1) if held.endswith(s[:n])), default=0)
                out, held = (held[:-keep], held[-keep:]) if keep else (held, "")
                yield Token(out, time.perf_counter())
            if held or raw:
                yield Token(held + raw.decode("utf-8", errors="replace"), time.perf_counter())
        finally:
            gen.close()


def _template_refuses(message: str):
    from jinja2 import TemplateError

    raise TemplateError(message)


# Prompt-lookup decoding for greedy answers (the qwen2 family's decoding: rag.prompt.DECODING), chosen
# on bench/decode_speed.py: bench/README.md "Prompt lookup in the app".
PROMPT_LOOKUP = True

_cache: dict[tuple[str, int, int | None], ChatModel] = {}
_cache_lock = threading.Lock()


def load(path: Path, n_ctx: int = 2048, n_threads: int | None = None) -> ChatModel:
    """The process-wide instance for this model file (loaded on first use).

    One chat model stays loaded: loading another (a model switch in Settings, `models bench` going
    through the shelf) frees the one before first, since a tablet has room for one model at a
    time and a switch is rare next to the seconds a load costs.
    """
    key = (str(Path(path).resolve()), n_ctx, n_threads)
    with _cache_lock:
        if key not in _cache:
            _free([_cache.pop(k) for k in list(_cache)])
            t0 = time.perf_counter()
            _cache[key] = ChatModel(Path(path), n_ctx, n_threads)
            log.info("loaded %s in %.2f s", Path(path).name, time.perf_counter() - t0)
        return _cache[key]


def _free(loaded: list[ChatModel]) -> None:
    for m in loaded:
        log.info("unloading %s", m.name)
        close = getattr(m._llm, "close", None)
        if close is not None:
            close()


def unload_all() -> None:
    """Free every loaded model now (at exit): llama.cpp's finaliser fails if left to interpreter teardown."""
    with _cache_lock:
        loaded = list(_cache.values())
        _cache.clear()
    _free(loaded)


# Free models before interpreter teardown: llama.cpp's own finaliser fails then (nothing to free
# in a process that never loaded one).
atexit.register(unload_all)
