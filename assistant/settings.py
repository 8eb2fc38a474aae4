"""Typed settings: defaults, then settings.json in the data folder, then FIELD_ASSISTANT_* variables."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from . import paths

log = logging.getLogger(__name__)


class _JsonFileSource(PydanticBaseSettingsSource):
    """Reads settings.json from the data folder; a damaged file is logged and ignored, never fatal."""

    def get_field_value(self, field, field_name):  # pragma: no cover - unused by pydantic for this source
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        p = paths.settings_path()
        if not p.exists():
            return {}
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError) as e:
            log.warning("ignoring unreadable settings file %s: %s", p, e)
            return {}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FIELD_ASSISTANT_", extra="ignore")

    # Retrieval
    top_k: int = Field(3, ge=1, le=20, description="passages given to the model")
    min_relevance: float = Field(0.33, description="best cosine similarity below which we abstain")
    # Generation
    max_answer_tokens: int = Field(200, ge=16, le=4096)
    n_ctx: int = Field(2048, ge=512)
    max_prompt_tokens: int | None = Field(None, ge=128, description="cap on the prompt (passages and question); "
                                          "a shorter prompt is a sooner first word. None: what the model reads within "
                                          "the latency budget as `models bench` measured it here, else what the context holds")
    n_threads: int | None = None
    temperature: float = 0.1
    repeat_penalty: float = Field(1.1, ge=1.0, le=2.0, description="llama.cpp's penalty on tokens seen in the "
                                  "last 64 (prompt included): above 1 it works against copying the manual's values")
    chat_model: str | None = Field(None, description="file name of the default chat model in the models folder")
    demo_loaded: bool = Field(False, description="the demo library was offered once; never re-added after removal")
    # Speech to text (issue 4)
    speech_model: str | None = Field(None, description="name of the default speech model folder (tiny.en if unset)")
    stt_threads: int | None = Field(None, ge=1, description="CPU threads for speech (default: cores, at most 4)")
    stt_beam_size: int = Field(5, ge=1, le=10, description="beam width of the speech decoder")
    stt_language: str | None = Field("en", description="spoken language for multilingual models; None detects it")
    stt_max_seconds: float = Field(600.0, gt=0, description="longest clip accepted")
    stt_bias: str = Field("prompt", description="bias toward the library's terms: prompt (Whisper's initial "
                          "prompt) | hotwords (re-sent with every 30 s window; crowds long dictations) | off")
    voice_input: str | None = Field(None, description="microphone for push-to-talk: the device id Qt reports "
                                    "(`field-assistant gui` settings); None: the system's default input")
    voice_auto_ask: bool = Field(True, description="ask as soon as the spoken question is transcribed; "
                                 "False: put it in the question box and wait for Ask")
    # Read aloud and the wake word (issue 14)
    read_aloud: bool = Field(True, description="offer read-aloud of answers and steps (the system's speech "
                             "engine: speech-dispatcher on Linux)")
    speech_voice: str | None = Field(None, description="voice name for read aloud; None: the engine's default")
    speech_rate: float = Field(0.0, ge=-1.0, le=1.0, description="read-aloud speed: -1 slowest, 0 normal, 1 fastest")
    wake_word: bool | None = Field(None, description="listen for the wake word, then for a spoken command; "
                                   "None: on in kiosk mode, off on the desktop")
    wake_word_model: str = Field("okay_nabu", description="okay_nabu | hey_jarvis | hey_mycroft | alexa")
    wake_chime: bool = Field(True, description="a short chime when the wake word is heard: say the command")
    # Scanned pages (issue 13)
    ocr: bool = Field(True, description="read pages without a text layer (scans, photos, image files) by OCR "
                      "while adding manuals; off: such pages are reported and left unsearchable")
    # Sync (issue 5); kept here so one place holds the configuration
    sync_url: str | None = None
    sync_db: str = "field-notes"
    sync_user: str | None = None
    sync_password: str | None = None
    sync_verify_tls: bool = True  # only ever off for a lab server; logged as a warning
    sync_ca_file: str | None = Field(None, description="pinned CA bundle for the sync server's TLS certificate")
    sync_interval_s: float = Field(300.0, ge=5, description="seconds between automatic sync rounds")
    # Depot (issue 15): manuals and models published by the admin, signed with the depot key
    depot_url: str | None = Field(None, description="the depot's CouchDB server (may equal sync_url)")
    depot_key: str | None = Field(None, description="the depot's public key, ed25519:BASE64 (`depot init`)")
    device_groups: list[str] = Field(default_factory=list, description="this device's groups (staged rollouts)")
    # Watch folders (issue 13): the library follows the manuals in these folders
    watch_folders: list[str] = Field(default_factory=list, description="absolute folders whose manuals are "
                                     "added, updated and removed automatically (`field-assistant watch add`)")
    watch_interval_s: float = Field(5.0, ge=0.1, description="seconds between looks at the watched folders "
                                    "in the running app (network shares send no change events)")
    watch_settle_s: float = Field(2.0, ge=0, description="a file is indexed once its size and time have not "
                                  "changed for this long (a half-copied file is left alone)")
    # Fleet health (issue 15): what the device sends to the depot (README "What the device sends")
    share_feedback: bool = Field(False, description="send the thumbs up/down given to answers (with the "
                                 "question and cited pages) in the health document; a company's choice")
    # Desktop app (issue 3)
    theme: str = Field("light", description="light | dark | contrast (high-contrast daylight)")
    text_size: float = Field(1.0, ge=0.8, le=2.0, description="text scale factor in the desktop app")
    kiosk: bool = Field(False, description="start the desktop app in kiosk mode")
    kiosk_pin_hash: str | None = Field(None, description="pbkdf2 hash of the admin PIN (set it in the app)")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return (init_settings, env_settings, _JsonFileSource(settings_cls))


def wake_word_on(s: Settings, kiosk: bool | None = None) -> bool:
    """The wake word setting with its default applied: on in kiosk mode (hands busy), off elsewhere.
    `kiosk`: whether the app runs as a kiosk now (e.g. `gui --kiosk`), if the caller knows."""
    return (s.kiosk if kiosk is None else kiosk) if s.wake_word is None else s.wake_word


def load() -> Settings:
    return Settings()


def save(**changes: Any) -> Settings:
    """Persist changed values to settings.json (atomically) and return the new settings."""
    p = paths.settings_path()
    current: dict[str, Any] = _JsonFileSource(Settings)()
    current.update(changes)
    tmp = p.with_suffix(".tmp")
    # Owner-only: the file may hold the sync password on a device without an OS keyring.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(current, indent=2))
    tmp.replace(p)
    return load()
