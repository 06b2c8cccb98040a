"""SVG text to pixels with Qt's own SVG renderer.

The animation's frames are drawn as SVG (:mod:`~gmm_explorer.app.views.svg_picture`)
and rasterised here, so a frame looks exactly like the vector picture. Qt
allows painting on a ``QImage`` outside the GUI thread, so frames can be made
in a worker while the window stays responsive.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from gmm_explorer.app.views.svg_picture import frame_svg


def svg_to_image(svg_text: str, width: int, height: int) -> QImage:
    """Render ``svg_text`` to a ``width`` x ``height`` opaque image (antialiased)."""
    renderer = QSvgRenderer(QByteArray(svg_text.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("the picture's SVG could not be read by Qt")
    image = QImage(int(width), int(height), QImage.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.Antialiasing, True)
        painter.setRenderHint(QPainter.TextAntialiasing, True)
        renderer.render(painter, QRectF(0, 0, width, height))
    finally:
        painter.end()
    return image


def image_to_rgb(image: QImage) -> np.ndarray:
    """A ``QImage`` as an (H, W, 3) uint8 RGB array (a copy)."""
    image = image.convertToFormat(QImage.Format_RGB888)
    w, h = image.width(), image.height()
    stride = image.bytesPerLine()
    buf = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * h)
    return buf.reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


def svg_to_rgb(svg_text: str, width: int, height: int) -> np.ndarray:
    """Render ``svg_text`` to an (H, W, 3) uint8 RGB array."""
    return image_to_rgb(svg_to_image(svg_text, width, height))


def render_frame(picture, curves, width: int, height: int) -> np.ndarray:
    """One animation frame (the plot with its curves, see ``svg_picture.frame_svg``) as RGB."""
    return svg_to_rgb(frame_svg(picture, curves, width, height), width, height)
