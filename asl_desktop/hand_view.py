"""A hand's 21 points drawn in 3D: turned by dragging or the arrow keys, J and Z played as they move.

The reference for every sign (Help > The signs, My signs, Practice) and the learner's own hand
in Practice. The points' depth (MediaPipe's z, in x's units) lets the hand turn; the nearer
bones are drawn last, thicker and stronger, so the turned hand reads as a solid."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from asl_runtime.sign_shapes import BONES, reference_motion, reference_points

from . import settings

STEP = 15           # degrees an arrow key turns the hand
FPS = 30            # a motion's frames a second
REST_FRAMES = 15    # a motion holds its first and last frames this long before it plays again
TRAILS = {"J": 20, "Z": 8}  # the fingertip that draws each motion: the little finger, the index


def turned(points: np.ndarray, yaw: float, pitch: float) -> np.ndarray:
    """Points turned about their centre: `yaw` degrees about the vertical, then `pitch` about
    the horizontal (image axes: x right, y down, z away)."""
    a, b = math.radians(yaw), math.radians(pitch)
    about_y = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]], np.float32)
    about_x = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]], np.float32)
    return points @ (about_x @ about_y).T


class HandView(QWidget):
    """Bones and joints of one hand (or of a motion's frames), fitted into the widget.

    `turnable` views take the focus: arrow keys and dragging turn the hand, Home turns it back."""

    def __init__(self, title: str, colour: QColor, turnable: bool = True, parent=None):
        super().__init__(parent)
        self.title, self.colour, self.turnable = title, colour, turnable
        self.points: np.ndarray | None = None    # 21 x 3
        self.motion: np.ndarray | None = None    # T x 21 x 3, played in a loop
        self.trail: int | None = None            # the point whose path a motion draws
        self.yaw = self.pitch = 0.0
        self._frame = 0
        self._drag: QPointF | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000 // FPS)
        self._timer.timeout.connect(self._next_frame)
        self.setMinimumSize(180, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)
        if turnable:
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setToolTip("Drag, or use the arrow keys, to turn the hand; Home turns it back")
            self.setAccessibleDescription("A drawn hand. Arrow keys turn it, Home turns it back.")

    def show_points(self, points: np.ndarray | None) -> None:
        """A still hand (21 x 2 or 21 x 3; no depth draws it flat), or None for no hand."""
        self._stop_motion()
        self.points = None if points is None else self._three_d(points)
        self.update()

    def show_motion(self, frames: np.ndarray, trail: int | None = None) -> None:
        """A hand that moves (T x 21 x 3), played in a loop while the view is shown."""
        self.motion, self.trail, self._frame = self._three_d(frames), trail, 0
        self.points = self.motion[0]
        if self.isVisible():
            self._timer.start()
        self.update()

    def turn_back(self) -> None:
        self.yaw = self.pitch = 0.0
        self.update()

    @staticmethod
    def _three_d(points: np.ndarray) -> np.ndarray:
        p = np.asarray(points, np.float32)
        return p if p.shape[-1] == 3 else np.concatenate([p, np.zeros((*p.shape[:-1], 1), np.float32)], -1)

    def _stop_motion(self) -> None:
        self._timer.stop()
        self.motion = self.trail = None

    def _next_frame(self) -> None:
        if self.motion is None:
            return
        self._frame = (self._frame + 1) % (len(self.motion) + 2 * REST_FRAMES)
        self.points = self.motion[min(max(self._frame - REST_FRAMES, 0), len(self.motion) - 1)]
        self.update()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.motion is not None:
            self._timer.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._timer.stop()  # nothing plays where nobody sees it

    def keyPressEvent(self, event) -> None:
        turns = {Qt.Key.Key_Left: (-STEP, 0), Qt.Key.Key_Right: (STEP, 0),
                 Qt.Key.Key_Up: (0, STEP), Qt.Key.Key_Down: (0, -STEP)}
        if self.turnable and event.key() in turns:
            dy, dp = turns[event.key()]
            self.yaw, self.pitch = (self.yaw + dy) % 360, max(-90.0, min(90.0, self.pitch + dp))
            self.update()
        elif self.turnable and event.key() == Qt.Key.Key_Home:
            self.turn_back()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:
        if self.turnable:
            self._drag = event.position()
            self.setFocus(Qt.FocusReason.MouseFocusReason)

    def mouseMoveEvent(self, event) -> None:
        if self._drag is not None:
            d = event.position() - self._drag
            self._drag = event.position()
            self.yaw = (self.yaw + d.x() * 0.6) % 360
            self.pitch = max(-90.0, min(90.0, self.pitch - d.y() * 0.6))
            self.update()

    def mouseReleaseEvent(self, _event) -> None:
        self._drag = None

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        text = self.palette().text().color()
        p.setPen(text)
        p.drawText(self.rect().adjusted(6, 4, -6, -4), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter,
                   self.title)
        if self.hasFocus():
            p.setPen(QPen(self.palette().highlight().color(), 2))
            p.drawRect(self.rect().adjusted(1, 1, -2, -2))
        if self.points is None:
            p.setPen(text)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no hand")
            return
        every = self.motion.reshape(-1, 3) if self.motion is not None else self.points
        centre = (every.min(0) + every.max(0)) / 2  # a motion's frames share one centre and scale
        radius = max(float(np.linalg.norm(every - centre, axis=1).max()), 1e-6)  # any turn fits
        scale = 0.45 * min(self.width(), self.height() - 24) / radius
        middle = np.array([self.width() / 2, 24 + (self.height() - 24) / 2], np.float32)

        def project(points: np.ndarray) -> np.ndarray:
            return turned(points - centre, self.yaw, self.pitch)

        if self.motion is not None and self.trail is not None:
            path = project(self.motion[:, self.trail])[:, :2] * scale + middle
            p.setPen(QPen(self.palette().mid().color(), 2, Qt.PenStyle.DashLine))
            for a, b in zip(path, path[1:]):
                p.drawLine(QPointF(*a), QPointF(*b))
        xyz = project(self.points)
        xy = xyz[:, :2] * scale + middle
        depth = (xyz[:, 2] + radius) / (2 * radius)  # 0 near, 1 far
        for a, b in sorted(BONES, key=lambda ab: -(depth[ab[0]] + depth[ab[1]])):  # far bones first
            near = 1.0 - (depth[a] + depth[b]) / 2
            colour = QColor(self.colour)
            colour.setAlphaF(0.45 + 0.55 * near)
            p.setPen(QPen(colour, 2 + 2.5 * near))
            p.drawLine(QPointF(*xy[a]), QPointF(*xy[b]))
        p.setPen(Qt.PenStyle.NoPen)
        for i in np.argsort(-depth):
            colour = QColor(self.colour)
            colour.setAlphaF(0.45 + 0.55 * (1.0 - depth[i]))
            p.setBrush(colour)
            r = 2.5 + 2.5 * (1.0 - depth[i])
            p.drawEllipse(QPointF(*xy[i]), r, r)


def mirrored_view() -> bool:
    """Whether the reference is drawn mirrored: the live view's mirror, flipped for a left hand."""
    return settings.read(settings.MIRROR) != (settings.read(settings.HAND) == "left")


def show_sign(view: HandView, sign: str | None) -> None:
    """A sign's reference in `view`: J and Z moving, the others still, None for no hand."""
    if sign is None:
        view.show_points(None)
        return
    motion = reference_motion(sign, mirrored_view())
    if motion is not None:
        view.show_motion(motion, TRAILS.get(sign))
    else:
        view.show_points(reference_points(sign, mirrored_view()))
