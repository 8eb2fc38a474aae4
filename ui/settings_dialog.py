"""Settings: chat model, answer length, passages, watched folders, theme, text size, kiosk mode and its PIN."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from assistant.errors import AssistantError

from . import theme
from .kiosk import MAX_PIN, MIN_PIN, hash_pin, valid_pin
from .services import Services, pretty_model_name
from .widgets import Notice, box, button, label, panel

log = logging.getLogger(__name__)

ANSWER_LENGTHS = [(120, "Short"), (200, "Normal"), (400, "Long"), (800, "Very long")]
TEXT_SIZES = [(0.9, "Small"), (1.0, "Normal"), (1.15, "Large"), (1.3, "Larger"), (1.5, "Largest")]


class SettingsDialog(QDialog):
    """Edits the settings; `saved` carries the changes after they were written to settings.json."""

    saved = Signal(dict)

    def __init__(self, services: Services, kiosk_active: bool = False, parent=None, speaker=None):
        """`speaker`: the app's `ui.voice.speaker.Speaker`, whose engine lists the voices (None: one
        of the dialog's own)."""
        super().__init__(parent)
        self.services = services
        self._speaker = speaker
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.setModal(True)
        self.setMinimumWidth(640)
        s = services.settings
        self._label_w = self.fontMetrics().horizontalAdvance(self.tr("Passages per answer")) + 24

        outer = box(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        body.setObjectName("PageBody")
        lay = box(body, (28, 22, 28, 12), 12)
        lay.addWidget(label(self.tr("Settings"), "Title"))

        # Answers
        lay.addWidget(label(self.tr("Answers"), "H2"))
        form = self._form(lay)
        self.model = QComboBox()
        self.model.setAccessibleName(self.tr("Chat model"))
        self.model.addItem(self.tr("Looking for models…"), None)
        self.model.setEnabled(False)
        self.model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model.setMinimumContentsLength(20)
        self._listed: dict = {}  # model name -> model_bench.Measured, once the list has loaded
        self.model.currentIndexChanged.connect(lambda _i: self._show_measured())
        self._row(form, self.tr("Chat model"), self.model)
        note_row = QHBoxLayout()
        self.model_note = label(self.tr("Any GGUF chat model in the models folder. A larger model writes better "
                                        "answers but needs more memory and time."), "Caption", wrap=True)
        note_row.addWidget(self.model_note, 1)
        self.add_model_button = button(self.tr("Add model…"), "plus", None,
                                       accessible=self.tr("Add a GGUF chat model file"))
        self.add_model_button.clicked.connect(self.choose_model)
        note_row.addWidget(self.add_model_button, 0, Qt.AlignmentFlag.AlignTop)
        self._row(form, "", note_row)
        self.length = QComboBox()
        self.length.setAccessibleName(self.tr("Answer length"))
        for tokens, name in ANSWER_LENGTHS:
            self.length.addItem(self.tr("{0} (up to {1} tokens)").format(self.tr(name), tokens), tokens)
        _select(self.length, s.max_answer_tokens, ANSWER_LENGTHS)
        self._row(form, self.tr("Answer length"), self.length)
        self.passages = QSpinBox()
        self.passages.setRange(1, 10)
        self.passages.setValue(s.top_k)
        self.passages.setAccessibleName(self.tr("Passages given to the model"))
        self._row(form, self.tr("Passages per answer"), self.passages)
        self.ocr = QCheckBox(self.tr("Read scanned pages and photos by OCR when adding manuals"))
        self.ocr.setChecked(s.ocr)
        self._row(form, self.tr("Scans"), self.ocr)

        # Library: watched folders
        lay.addWidget(label(self.tr("Library"), "H2"))
        form = self._form(lay)
        self.watch_list = QListWidget()
        self.watch_list.setAccessibleName(self.tr("Watched folders"))
        self.watch_list.addItems(s.watch_folders)
        self.watch_list.setFixedHeight(self.fontMetrics().height() * 6)
        self._row(form, self.tr("Watched folders"), self.watch_list)
        watch_row = QHBoxLayout()
        watch_row.addWidget(label(self.tr("Manuals added, changed or deleted in these folders are indexed or "
                                          "removed automatically."), "Caption", wrap=True), 1)
        add_watch = button(self.tr("Add folder…"), "folder", None, accessible=self.tr("Watch a folder"))
        add_watch.clicked.connect(self.choose_watch_folder)
        watch_row.addWidget(add_watch, 0, Qt.AlignmentFlag.AlignTop)
        self.remove_watch = button(self.tr("Remove"), "trash", None, accessible=self.tr("Stop watching the folder"))
        self.remove_watch.clicked.connect(self.remove_watch_folder)
        self.remove_watch.setEnabled(False)
        self.watch_list.itemSelectionChanged.connect(
            lambda: self.remove_watch.setEnabled(bool(self.watch_list.selectedItems())))
        watch_row.addWidget(self.remove_watch, 0, Qt.AlignmentFlag.AlignTop)
        self._row(form, "", watch_row)

        # Voice
        lay.addWidget(label(self.tr("Voice"), "H2"))
        form = self._form(lay)
        self.microphone = QComboBox()
        self.microphone.setAccessibleName(self.tr("Microphone"))
        self._fill_microphones(s.voice_input)
        self._row(form, self.tr("Microphone"), self.microphone)
        self.auto_ask = QComboBox()
        self.auto_ask.setAccessibleName(self.tr("After speaking"))
        self.auto_ask.addItem(self.tr("Ask the question at once"), True)
        self.auto_ask.addItem(self.tr("Let me check the words first, then tap Ask"), False)
        self.auto_ask.setCurrentIndex(0 if s.voice_auto_ask else 1)
        self._row(form, self.tr("After speaking"), self.auto_ask)
        self._voice_out_rows(form, s)

        # Notes sync
        lay.addWidget(label(self.tr("Notes sync"), "H2"))
        form = self._form(lay)
        self.sync_url = QLineEdit(s.sync_url or "")
        self.sync_url.setPlaceholderText("https://couch.depot.example:6984")
        self._row(form, self.tr("Server"), self.sync_url)
        self.sync_db = QLineEdit(s.sync_db)
        self._row(form, self.tr("Database"), self.sync_db)
        self.sync_user = QLineEdit(s.sync_user or "")
        self.sync_user.setPlaceholderText(self.tr("empty: the password is a token"))
        self._row(form, self.tr("User"), self.sync_user)
        self.sync_password = QLineEdit()
        self.sync_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sync_password.setPlaceholderText(self.tr("Leave empty to keep the stored one"))
        self._row(form, self.tr("Password or token"), self.sync_password)
        self.sync_verify = QCheckBox(self.tr("Check the server's certificate (turn off only for a lab server)"))
        self.sync_verify.setChecked(s.sync_verify_tls)
        self._row(form, self.tr("TLS"), self.sync_verify)
        ca_row = QHBoxLayout()
        self.sync_ca = QLineEdit(s.sync_ca_file or "")
        self.sync_ca.setPlaceholderText(self.tr("optional: the depot's CA certificate (PEM)"))
        self.sync_ca.setAccessibleName(self.tr("Pinned CA file"))
        ca_row.addWidget(self.sync_ca, 1)
        ca_pick = button(self.tr("Choose…"), "folder", None, accessible=self.tr("Choose the CA file"))
        ca_pick.clicked.connect(self._choose_ca)
        ca_row.addWidget(ca_pick)
        self._row(form, self.tr("Pinned CA"), ca_row)

        # Appearance
        lay.addWidget(label(self.tr("Appearance"), "H2"))
        form = self._form(lay)
        self.theme = QComboBox()
        self.theme.setAccessibleName(self.tr("Theme"))
        for key, name in theme.THEMES.items():
            self.theme.addItem(self.tr(name), key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        self._row(form, self.tr("Theme"), self.theme)
        self.text_size = QComboBox()
        self.text_size.setAccessibleName(self.tr("Text size"))
        for value, name in TEXT_SIZES:
            self.text_size.addItem(self.tr("{0} ({1} %)").format(self.tr(name), round(value * 100)), value)
        _select(self.text_size, s.text_size, TEXT_SIZES)
        self._row(form, self.tr("Text size"), self.text_size)

        # Kiosk
        lay.addWidget(label(self.tr("Kiosk mode"), "H2"))
        form = self._form(lay)
        self.kiosk = QCheckBox(self.tr("Run full screen, locked, with large touch targets"))
        self.kiosk.setAccessibleName(self.tr("Kiosk mode"))
        self.kiosk.setChecked(s.kiosk or kiosk_active)
        self._row(form, self.tr("Kiosk"), self.kiosk)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(MAX_PIN)
        self.pin.setAccessibleName(self.tr("New admin PIN"))
        self.pin.setPlaceholderText(self.tr("Leave empty to keep the current PIN") if s.kiosk_pin_hash
                                    else self.tr("{0} to {1} digits").format(MIN_PIN, MAX_PIN))
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self._row(form, self.tr("New admin PIN"), self.pin)
        self.pin2 = QLineEdit()
        self.pin2.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin2.setMaxLength(MAX_PIN)
        self.pin2.setAccessibleName(self.tr("Repeat the new admin PIN"))
        self.pin2.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self._row(form, self.tr("Repeat PIN"), self.pin2)
        state = (self.tr("An admin PIN is set. It is needed to leave kiosk mode and to open Settings there.")
                 if s.kiosk_pin_hash else
                 self.tr("No admin PIN is set: anyone can leave kiosk mode. Set one before handing out a tablet."))
        self.pin_state = label(state, "Caption", wrap=True)
        self._row(form, "", self.pin_state)

        self.error = Notice("", "error")
        self.error.hide()
        lay.addWidget(self.error)
        lay.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self._scroll = scroll

        bar, bl = panel("PageHeader", (28, 12, 28, 12), None, row=True)
        bl.addWidget(label(self.tr("Settings are saved on this device."), "Caption"), 1)
        cancel = button(self.tr("Cancel"), None, None)
        cancel.clicked.connect(self.reject)
        bl.addWidget(cancel)
        self.save_button = button(self.tr("Save"), "check", "Primary", accessible=self.tr("Save settings"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bl.addWidget(self.save_button)
        outer.addWidget(bar)
        self._load_models()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Check box texts do not wrap, so the widest row sets the width the body needs; below it the
        # body scrolled sideways and cut off the right edge (seen at 720 px). Sized once it is
        # polished (the style sheet's fonts and paddings count), never wider than the screen.
        body = self._scroll.widget()
        need = (body.minimumSizeHint().width() + self._scroll.verticalScrollBar().sizeHint().width()
                + 2 * self._scroll.frameWidth() + self.layout().contentsMargins().left()
                + self.layout().contentsMargins().right())
        screen = self.screen().availableGeometry().width() if self.screen() else need
        self.setMinimumWidth(max(640, min(need, screen)))
        super().showEvent(event)

    def _choose_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("The sync server's CA certificate"), "",
                                              self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if path:
            self.sync_ca.setText(path)

    def _fill_microphones(self, current: str | None) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        from .voice.recorder import device_id

        inputs = QMediaDevices.audioInputs()
        self.microphone.clear()
        if not inputs:
            self.microphone.addItem(self.tr("No microphone found"), current)
            self.microphone.setEnabled(False)
            return
        default = QMediaDevices.defaultAudioInput()
        self.microphone.addItem(self.tr("System default ({0})").format(default.description()), None)
        for dev in inputs:
            self.microphone.addItem(dev.description(), device_id(dev))
        idx = self.microphone.findData(current)
        if idx < 0 and current:  # a microphone that is unplugged now: keep the choice
            self.microphone.addItem(self.tr("{0} (not connected)").format(current), current)
            idx = self.microphone.count() - 1
        self.microphone.setCurrentIndex(max(0, idx))

    def _voice_out_rows(self, form: QFormLayout, s) -> None:
        """Read aloud and the wake word (issue 14)."""
        from assistant.speech.wakeword import MODELS, PHRASES

        self.read_aloud = QCheckBox(self.tr("Offer to read answers and safety notes aloud"))
        self.read_aloud.setChecked(s.read_aloud)
        self._row(form, self.tr("Read aloud"), self.read_aloud)
        self.speech_rate = QComboBox()
        self.speech_rate.setAccessibleName(self.tr("Reading speed"))
        rates = [(self.tr("Slower"), -0.3), (self.tr("Normal"), 0.0), (self.tr("Faster"), 0.3)]
        if s.speech_rate not in [r for _, r in rates]:
            rates.append((self.tr("Custom ({0:+.1f})").format(s.speech_rate), s.speech_rate))
        for text, rate in rates:
            self.speech_rate.addItem(text, rate)
        self.speech_rate.setCurrentIndex(self.speech_rate.findData(s.speech_rate))
        self._row(form, self.tr("Reading speed"), self.speech_rate)
        from .voice.speaker import Speaker
        from .voice.voice_picker import VoicePicker

        speaker = self._speaker or Speaker(lambda: self.services.settings, parent=self, submit=self.services.submit)
        self.voice_picker = VoicePicker(speaker, s.speech_voice, lambda: self.speech_rate.currentData(), self)
        self._row(form, self.tr("Reading voice"), self.voice_picker)
        self.wake_word = QComboBox()
        self.wake_word.setAccessibleName(self.tr("Wake word"))
        self.wake_word.addItem(self.tr("On in kiosk mode only"), None)
        self.wake_word.addItem(self.tr("Always listen for it"), True)
        self.wake_word.addItem(self.tr("Off"), False)
        self.wake_word.setCurrentIndex({None: 0, True: 1, False: 2}[s.wake_word])
        self._row(form, self.tr("Wake word"), self.wake_word)
        self.wake_model = QComboBox()
        self.wake_model.setAccessibleName(self.tr("Wake phrase"))
        for m in MODELS:
            self.wake_model.addItem(f"“{PHRASES[m].title()}”", m)
        self.wake_model.setCurrentIndex(max(0, self.wake_model.findData(s.wake_word_model)))
        self._row(form, self.tr("Wake phrase"), self.wake_model)
        self.wake_chime = QCheckBox(self.tr("Chime when the wake word is heard"))
        self.wake_chime.setChecked(s.wake_chime)
        self._row(form, self.tr("Chime"), self.wake_chime)

    def _row(self, form: QFormLayout, text: str, field) -> None:
        """A form row whose label column has the same width in every section."""
        lab = label(text, None)
        lab.setFixedWidth(self._label_w)
        lab.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if hasattr(field, "setAccessibleName") and text and not field.accessibleName():
            field.setAccessibleName(text)
        if isinstance(field, QWidget):
            lab.setBuddy(field)
        form.addRow(lab, field)

    def _form(self, parent_layout) -> QFormLayout:
        card = QFrame()
        card.setObjectName("Card")
        form = QFormLayout(card)
        form.setContentsMargins(18, 14, 18, 14)
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        parent_layout.addWidget(card)
        return form

    def _load_models(self, select: str | None = None) -> None:
        self.services.list_models(owner=self, on_result=lambda ms: self._models(ms, select),
                                  on_error=lambda e: self._show_error(str(e)))

    def _models(self, listed: list, select: str | None = None) -> None:
        self.model.clear()
        current = None
        models = [x.info for x in listed]
        for x in listed:
            m = x.info
            size = f"{m.size_bytes / 1e6:.0f} MB" if m.size_bytes < 1e9 else f"{m.size_bytes / 1e9:.1f} GB"
            quant = m.quantization or "?"
            text = f"{pretty_model_name(m.name)} — {quant}, {size}"
            if x.recommended:
                text += " — " + self.tr("recommended")
            if m.problem:
                text += " — " + self.tr("unusable")
            self.model.addItem(text, m.name)
            idx = self.model.count() - 1
            self.model.setItemData(idx, m.problem or m.path, Qt.ItemDataRole.ToolTipRole)
            if m.problem:
                self.model.model().item(idx).setEnabled(False)
            if m.default:
                current = idx
        if select:
            current = self.model.findData(select)
        if not models:
            self.model.addItem(self.tr("No chat model installed"), None)
        self._listed = {x.info.name: x for x in listed}
        self._show_measured()
        self.model.setCurrentIndex(current if current is not None and current >= 0 else 0)
        self.model.setEnabled(bool(models))
        self._initial_model = self.model.currentData() if select is None else getattr(self, "_initial_model", None)

    def _show_measured(self) -> None:
        """Under the list: what this device measured for the chosen model (`models bench`), the
        wait a technician will see before the first word."""
        listed = self._listed
        x = listed.get(self.model.currentData())
        if x is not None and x.result is not None:
            text = self.tr("On this device: first word after {0} s, then {1} words a second.").format(
                f"{x.result.first_token_s:.1f}", f"{x.result.decode_tokens_per_s:.0f}")
            if x.recommended:
                text += " " + self.tr("Recommended: the best model that answers within 8 s here.")
        elif listed and not any(m.result for m in listed.values()):
            text = self.tr("Not measured on this device yet: run “field-assistant models bench” to see each "
                           "model's speed here and which one is recommended.")
        else:
            text = self.tr("Not measured on this device (“field-assistant models bench”).")
        self.model_note.setText(text)

    def choose_model(self) -> None:
        dlg = QFileDialog(self, self.tr("Add a chat model"))
        dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.setNameFilters([self.tr("GGUF models (*.gguf)")])
        dlg.fileSelected.connect(self.add_model)
        dlg.open()

    def add_model(self, path: str) -> None:
        if not path:
            return
        self.add_model_button.setEnabled(False)
        self.add_model_button.setText(self.tr("Copying…"))

        def done(info):
            self.add_model_button.setEnabled(True)
            self.add_model_button.setText(self.tr("Add model…"))
            self._load_models(select=info.name)

        def failed(e):
            self.add_model_button.setEnabled(True)
            self.add_model_button.setText(self.tr("Add model…"))
            self._show_error(str(e) if isinstance(e, AssistantError) else f"{type(e).__name__}: {e}")

        self.services.add_model(path, owner=self, on_result=done, on_error=failed)

    def choose_watch_folder(self) -> None:
        dlg = QFileDialog(self, self.tr("Watch a folder of manuals"))
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dlg.fileSelected.connect(self.add_watch_folder)
        dlg.open()

    def add_watch_folder(self, folder: str) -> None:
        from assistant.library.watch import normalise

        if folder and normalise(folder) not in self.watch_folders():
            self.watch_list.addItem(normalise(folder))

    def remove_watch_folder(self) -> None:
        for item in self.watch_list.selectedItems():
            self.watch_list.takeItem(self.watch_list.row(item))

    def watch_folders(self) -> list[str]:
        return [self.watch_list.item(i).text() for i in range(self.watch_list.count())]

    def _show_error(self, msg: str) -> None:
        self.error.set(msg, "error")
        self.error.show()

    def changes(self) -> dict:
        s = self.services.settings
        out = {}
        model = self.model.currentData()
        if model and model != getattr(self, "_initial_model", None):
            out["chat_model"] = model
        for key, value in (("max_answer_tokens", self.length.currentData()), ("top_k", self.passages.value()),
                           ("theme", self.theme.currentData()), ("text_size", self.text_size.currentData()),
                           ("kiosk", self.kiosk.isChecked()), ("voice_input", self.microphone.currentData()),
                           ("voice_auto_ask", self.auto_ask.currentData()),
                           ("read_aloud", self.read_aloud.isChecked()), ("speech_rate", self.speech_rate.currentData()),
                           ("speech_voice", self.voice_picker.voice()),
                           ("wake_word", self.wake_word.currentData()),
                           ("wake_word_model", self.wake_model.currentData()),
                           ("wake_chime", self.wake_chime.isChecked()),
                           ("voice_auto_ask", self.auto_ask.currentData()), ("ocr", self.ocr.isChecked()),
                           ("sync_url", self.sync_url.text().strip() or None),
                           ("sync_db", self.sync_db.text().strip() or "field-notes"),
                           ("sync_user", self.sync_user.text().strip() or None),
                           ("sync_verify_tls", self.sync_verify.isChecked()),
                           ("sync_ca_file", self.sync_ca.text().strip() or None),
                           ("watch_folders", self.watch_folders())):
            if value != getattr(s, key):
                out[key] = value
        return out

    def save(self) -> None:
        pin, pin2 = self.pin.text(), self.pin2.text()
        changes = self.changes()
        if pin or pin2:
            if not valid_pin(pin):
                self._show_error(self.tr("The PIN must be {0} to {1} digits.").format(MIN_PIN, MAX_PIN))
                return
            if pin != pin2:
                self._show_error(self.tr("The two PINs differ."))
                return
            changes["kiosk_pin_hash"] = hash_pin(pin)
        secret = self.sync_password.text()
        if changes.get("sync_url"):
            # Credentials typed into the URL (http://user:password@host) never reach settings.json:
            # the user goes to its field, the password to the keyring like one typed in its own field.
            from assistant.sync.config import SyncConfigError, split_credentials

            try:
                clean, url_user, url_password = split_credentials(changes["sync_url"])
            except SyncConfigError as e:
                self._show_error(str(e))
                return
            changes["sync_url"] = clean
            if url_user and not self.sync_user.text().strip():
                changes["sync_user"] = url_user
            secret = secret or url_password or ""
        if secret:
            from assistant.sync.config import store_password

            url = changes.get("sync_url", self.services.settings.sync_url)
            if not url:
                self._show_error(self.tr("Enter the sync server before its password."))
                return
            user = changes.get("sync_user", self.services.settings.sync_user)
            if store_password(url, user, secret):
                changes["sync_password"] = None  # the keyring holds it; never also in settings.json
            else:
                # No OS keyring on this device: settings.json (readable by this user only) keeps it.
                changes["sync_password"] = secret
                self.keyring_warning = True
        try:
            if changes:
                self.services.save_settings(**changes)
        except (AssistantError, OSError, ValueError) as e:
            self._show_error(self.tr("The settings could not be saved: {0}").format(e))
            return
        self.saved.emit(changes)
        self.accept()


def _select(combo: QComboBox, value, options) -> None:
    """Select the option holding `value`; a value set elsewhere (settings.json, environment) is kept as is."""
    idx = combo.findData(value)
    if idx < 0:
        combo.addItem(combo.tr("Custom ({0})").format(value), value)
        idx = combo.count() - 1
    combo.setCurrentIndex(idx)
