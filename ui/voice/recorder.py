"""The microphone: QtMultimedia's QAudioSource feeding a PcmBuffer while the talk key is held.

Recording is push mode: Qt's audio thread fills the QIODevice and we copy what is there on
`readyRead`, on the GUI thread. That copy is a few KB every ~40 ms (16 kHz s16 mono is 32 KB/s),
far below a frame of work; transcription happens elsewhere (the `stt` lane) after release.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSource, QMediaDevices

from assistant import settings as settingsmod
from assistant.errors import AudioError
from assistant.speech.audio import SAMPLE_RATE, DeviceAudio, PcmBuffer, level

log = logging.getLogger(__name__)


def device_id(dev: QAudioDevice) -> str:
    """A stable text id for settings.json (QAudioDevice.id() is bytes, e.g. a PulseAudio source name)."""
    return bytes(dev.id().data()).decode("utf-8", "replace")


def microphone_permission() -> str:
    """'granted', 'denied' or 'undetermined' (macOS/Windows/Android ask the user; Linux always grants)."""
    try:
        from PySide6.QtCore import QCoreApplication, QMicrophonePermission, Qt

        status = QCoreApplication.instance().checkPermission(QMicrophonePermission())
    except (ImportError, AttributeError, RuntimeError):  # Qt without the permission API
        return "granted"
    return {Qt.PermissionStatus.Granted: "granted", Qt.PermissionStatus.Denied: "denied"}.get(status,
                                                                                              "undetermined")


class Recorder(QObject):
    """Records from one microphone into a fresh buffer per take.

    Signals: `level(float)` 0..1 while recording; `failed(str)` when the device stops with an error;
    `devices_changed()` when microphones come or go.
    """

    level = Signal(float)
    failed = Signal(str)
    devices_changed = Signal()

    def __init__(self, settings: Callable[[], settingsmod.Settings],
                 inputs: Callable[[], list[QAudioDevice]] | None = None, parent=None):
        super().__init__(parent)
        # The app's current settings (the microphone chosen, the longest take), read at each take.
        self._settings = settings
        # Tests inject the device list (the CI machine may have no sound server at all).
        self._inputs = inputs or QMediaDevices.audioInputs
        self._media = QMediaDevices(self)
        self._media.audioInputsChanged.connect(lambda: self.devices_changed.emit())
        self.source: QAudioSource | None = None
        self._io = None
        self.buffer: PcmBuffer | None = None
        self.sample_format = "Int16"
        self.device_name = ""

    # -- devices -------------------------------------------------------------------------

    def inputs(self) -> list[QAudioDevice]:
        return list(self._inputs())

    def device(self) -> QAudioDevice | None:
        """The microphone from the settings, else the system default, else the first; None: none at all."""
        inputs = self.inputs()
        if not inputs:
            return None
        wanted = self._settings().voice_input
        for dev in inputs:
            if wanted and device_id(dev) == wanted:
                return dev
        default = QMediaDevices.defaultAudioInput()
        for dev in inputs:
            if not default.isNull() and dev.id() == default.id():
                return dev
        return inputs[0]

    # -- recording -----------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self.buffer is not None

    def start(self) -> str | None:
        """Start a take; returns None, or why recording cannot start (one line for the user)."""
        self.stop()
        dev = self.device()
        if dev is None:
            return self.tr("No microphone found")
        max_seconds = self._settings().stt_max_seconds
        if microphone_permission() == "denied":
            return self.tr("Microphone access is turned off for this app")
        fmt = QAudioFormat()
        fmt.setSampleRate(SAMPLE_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if dev.isFormatSupported(fmt):
            self.buffer = PcmBuffer(max_seconds)
        else:
            # The device cannot give 16 kHz mono s16: take its own format and convert after release.
            fmt = dev.preferredFormat()
            try:
                self.buffer = DeviceAudio(fmt.sampleRate(), fmt.channelCount(), fmt.sampleFormat().name,
                                          max_seconds)
            except AudioError as e:
                return str(e)
        self.sample_format = fmt.sampleFormat().name
        self.device_name = dev.description()
        source = QAudioSource(dev, fmt, self)
        source.setBufferSize(SAMPLE_RATE // 5 * fmt.bytesPerFrame())  # 200 ms: nothing lost on a busy GUI
        # To a slot declared without arguments: PySide6 6.12 cannot convert the QAudio::State
        # parameter ("Cannot call meta function"), so the slot reads the source's state instead.
        source.stateChanged.connect(self._state_changed)
        self.source = source
        self._io = source.start()
        if self._io is None or source.error().name != "NoError":
            why = source.error().name
            self._drop_source()
            self.buffer = None
            return self.tr("The microphone {0} could not be opened ({1})").format(dev.description(), why)
        self._io.readyRead.connect(self._read)
        log.info("recording from %s (%d Hz, %d ch, %s)", dev.description(), fmt.sampleRate(),
                 fmt.channelCount(), self.sample_format)
        return None

    def stop(self) -> PcmBuffer | None:
        """End the take; returns its audio (None if nothing was being recorded)."""
        if self.buffer is None:
            return None
        self._read()  # whatever arrived since the last readyRead
        self._drop_source()
        buf, self.buffer = self.buffer, None
        self.level.emit(0.0)
        return buf

    def accept(self, chunk: bytes) -> None:
        """One chunk of audio from the device (also the entry point tests feed synthesised speech to)."""
        if self.buffer is None or not chunk:
            return
        self.buffer.feed(chunk)
        self.level.emit(level(chunk, self.sample_format))

    def _read(self) -> None:
        if self._io is not None:
            data = self._io.readAll()
            if data.size():
                self.accept(bytes(data.data()))

    @Slot()
    def _state_changed(self) -> None:
        if self.source is None:
            return
        err = self.source.error().name
        if err not in ("NoError", "UnderrunError"):  # underrun: the device had nothing yet, not a fault
            name = self.device_name
            self._drop_source()
            self.buffer = None
            self.failed.emit(self.tr("The microphone {0} stopped ({1})").format(name, err))

    def _drop_source(self) -> None:
        source, self.source, self._io = self.source, None, None
        if source is not None:
            source.stateChanged.disconnect()
            source.stop()
            source.deleteLater()
