"""The "Scan nameplate" action: a QR code or barcode on the equipment's plate, read from a photo file
or, when the device has a camera, from one camera frame; matched to a job (assistant/fleet/nameplate.py).

The result is one short message (a toast): the job made current, the asset set, or why nothing was
found. Headless devices and CI have no camera: the camera path then says so once and offers nothing
else to go wrong.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from .services import Services

NO_CAMERA = "No camera found on this device: choose a photo of the nameplate instead."
PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.webp)"


def camera_available() -> bool:
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:  # the Addons wheel without QtMultimedia
        return False
    return bool(QMediaDevices.videoInputs())


class NameplateScanner(QObject):
    """Runs scans and reports each outcome as `message` (text for the toast)."""

    message = Signal(str)
    scanned = Signal(object)  # the ScanResult

    def __init__(self, services: Services, parent: QWidget):
        super().__init__(parent)
        self.services = services
        self.parent_widget = parent
        self._camera = None  # (QCamera, QMediaCaptureSession, QImageCapture) while capturing

    def menu(self) -> QMenu:
        m = QMenu(self.parent_widget)
        m.addAction(self.tr("From a photo…"), self.choose_photo)
        m.addAction(self.tr("With the camera"), self.capture)
        return m

    def choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, self.tr("Photo of the nameplate"), "",
                                              self.tr(PHOTO_FILTER))
        if path:
            self.scan(path)

    def scan(self, image) -> None:
        """A photo file's path, or a PIL image (a camera frame)."""
        self.services.scan_nameplate(image, on_result=self._done, on_error=self._failed, owner=self.parent_widget)

    def _done(self, result) -> None:
        self.message.emit(result.message)
        self.scanned.emit(result)

    def _failed(self, e: BaseException) -> None:
        self.message.emit(str(e))

    def capture(self) -> None:
        """One still from the default camera (QCamera + QMediaCaptureSession + QImageCapture)."""
        if not camera_available():
            self.message.emit(self.tr(NO_CAMERA))
            return
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession

        camera = QCamera(self)
        session = QMediaCaptureSession(self)
        capture = QImageCapture(self)
        session.setCamera(camera)
        session.setImageCapture(capture)
        capture.imageCaptured.connect(self._frame)
        capture.errorOccurred.connect(lambda _id, _err, text: self._camera_failed(text))
        capture.readyForCaptureChanged.connect(lambda ready: ready and capture.capture())
        self._camera = (camera, session, capture)
        camera.start()

    def _frame(self, _id: int, image) -> None:
        from PIL import Image

        camera, *_ = self._camera or (None,)
        if camera is not None:
            camera.stop()
        self._camera = None
        gray = image.convertToFormat(image.Format.Format_Grayscale8)
        ptr = gray.constBits()
        pil = Image.frombuffer("L", (gray.width(), gray.height()), bytes(ptr), "raw", "L", gray.bytesPerLine(), 1)
        self.scan(pil)

    def _camera_failed(self, text: str) -> None:
        if self._camera:
            self._camera[0].stop()
        self._camera = None
        self.message.emit(self.tr("The camera did not give a picture ({0}); choose a photo instead.").format(text))
