"""The camera image with the hand box; the guide box is dragged to move, corner-dragged to resize."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .core.region import GuideBox

HANDLE = 14  # px of the resize handle in the lower-right corner


def bgr_to_qimage(image: np.ndarray) -> QImage:
    """A QImage that owns a copy of the pixels (safe after the numpy buffer is gone)."""
    image = np.ascontiguousarray(image)
    h, w = image.shape[:2]
    if image.ndim == 2:
        return QImage(image.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QImage(image.data, w, h, 3 * w, QImage.Format.Format_BGR888).copy()


class VideoView(QWidget):
    guide_changed = Signal(object)  # GuideBox
    message_changed = Signal(str)   # the text over the image ("" when none)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.image: QImage | None = None
        self.inset: QImage | None = None
        self.box: tuple[int, int, int] | None = None
        self.tracked = False
        self.points: np.ndarray | None = None  # hand landmarks (x, y in the frame) when read from them
        self.mirrored = False  # the image is drawn mirrored (selfie view); boxes and points are as shown
        self.which: str | None = None  # the hand read ("right"/"left"), named above its box
        self.guide = GuideBox()
        self.message = "Starting camera..."
        self._drag: tuple[str, QPointF, GuideBox] | None = None

    def show_frame(self, frame: np.ndarray, box, tracked: bool, pixels: np.ndarray | None,
                   points: np.ndarray | None = None, mirrored: bool = False, which: str | None = None) -> None:
        self.image = bgr_to_qimage(frame)
        # the picture model's input, RGB; none while the letter is read from the hand's points
        self.inset = None if pixels is None else bgr_to_qimage(pixels[:, :, ::-1])
        self.box, self.tracked, self.points, self.mirrored = box, tracked, points, mirrored
        self.which = which
        self.update()

    def show_message(self, text: str) -> None:
        if text != self.message:
            self.message = text
            self.message_changed.emit(text)
            self.update()

    def set_guide(self, guide: GuideBox) -> None:
        self.guide = guide
        self.update()

    # geometry -----------------------------------------------------------------
    def _image_rect(self) -> QRectF:
        if self.image is None:
            return QRectF(self.rect())
        w, h = self.image.width(), self.image.height()
        scale = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2, w * scale, h * scale)

    def _guide_rect(self) -> QRectF | None:
        if self.image is None:
            return None
        r = self._image_rect()
        x, y, side = self.guide.to_pixels(self.image.width(), self.image.height())
        s = r.width() / self.image.width()
        return QRectF(r.x() + x * s, r.y() + y * s, side * s, side * s)

    @staticmethod
    def _corner(g: QRectF) -> QRectF:
        """Where a press resizes the guide box instead of moving it (generous for touchpads)."""
        return QRectF(g.right() - 2 * HANDLE, g.bottom() - 2 * HANDLE, 2 * HANDLE + 4, 2 * HANDLE + 4)

    # painting -----------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(25, 25, 28))
        if self.image is not None:
            r = self._image_rect()
            p.save()
            if self.mirrored:  # drawn through a mirroring transform: no mirrored copy of each frame
                p.translate(r.center().x(), 0)
                p.scale(-1, 1)
                p.translate(-r.center().x(), 0)
            p.drawImage(r, self.image)
            p.restore()
            s = r.width() / self.image.width()
            guide = self._guide_rect()
            if self.tracked and self.box:
                x, y, side = self.box
                p.setPen(QPen(QColor(60, 220, 90), 3))
                hand_rect = QRectF(r.x() + x * s, r.y() + y * s, side * s, side * s)
                p.drawRect(hand_rect)
                if self.which:  # which hand is read, above its box
                    p.drawText(hand_rect.adjusted(0, -20, 0, 0).topLeft() + QPointF(2, 16), f"{self.which} hand")
                p.setPen(QPen(QColor(255, 210, 60, 120), 1, Qt.PenStyle.DashLine))
                p.drawRect(guide)
            else:
                p.setPen(QPen(QColor(255, 210, 60), 3))
                p.drawRect(guide)
                p.fillRect(QRectF(guide.right() - HANDLE, guide.bottom() - HANDLE, HANDLE, HANDLE),
                           QColor(255, 210, 60))
            if self.points is not None:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(80, 200, 255))
                for x, y in self.points:
                    p.drawEllipse(QPointF(r.x() + x * s, r.y() + y * s), 3.5, 3.5)
                p.setBrush(Qt.BrushStyle.NoBrush)
            if self.inset is not None:
                side = 84
                inset = QRectF(r.right() - side - 8, r.y() + 8, side, side)
                p.drawImage(inset, self.inset)
                p.setPen(QPen(QColor(255, 255, 255), 1))
                p.drawRect(inset)
                p.drawText(inset.adjusted(0, side + 2, 0, side + 18), Qt.AlignmentFlag.AlignHCenter,
                           "model input")
        if self.message:
            p.setPen(QColor(255, 255, 255))
            f = QFont(self.font())
            f.setPointSize(13)
            p.setFont(f)
            box = QRectF(self.rect()).adjusted(30, 30, -30, -30)
            if self.image is not None:
                p.fillRect(box, QColor(0, 0, 0, 170))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        p.end()

    # dragging the guide box ----------------------------------------------------
    def mousePressEvent(self, event) -> None:
        g = self._guide_rect()
        pos = event.position()
        if g is None or not g.adjusted(-4, -4, 4, 4).contains(pos):
            return
        self._drag = ("resize" if self._corner(g).contains(pos) else "move", pos, self.guide)

    def mouseMoveEvent(self, event) -> None:
        g = self._guide_rect()
        if self._drag is None:
            if g is not None:
                cursor = (Qt.CursorShape.SizeFDiagCursor if self._corner(g).contains(event.position()) else
                          Qt.CursorShape.OpenHandCursor if g.contains(event.position()) else Qt.CursorShape.ArrowCursor)
                self.setCursor(cursor)
            return
        mode, start, orig = self._drag
        r = self._image_rect()
        d = event.position() - start
        if mode == "move":
            new = GuideBox(min(max(orig.cx + d.x() / r.width(), 0.0), 1.0),
                           min(max(orig.cy + d.y() / r.height(), 0.0), 1.0), orig.size)
        else:
            short = min(r.width(), r.height())
            new = GuideBox(orig.cx, orig.cy, min(max(orig.size + 2 * max(d.x(), d.y()) / short, 0.15), 1.0))
        self.set_guide(new)
        self.guide_changed.emit(new)

    def mouseReleaseEvent(self, event) -> None:
        self._drag = None
