"""Points drawn as pixels of an image: the pairs view's many small scatters.

A pairs view of ten features holds ninety scatters of the same few thousand
points. As ninety ``ScatterPlotItem`` they would cost ninety per-spot brush
updates a Step and ninety sprite blits per point per repaint; as images, a
Step writes each point's colour into each panel's pixels with one numpy
assignment and Qt blits ninety small pictures. The panels do not zoom (a
click opens the pair in the axes view, which does), so an image of the
panel's own size in pixels loses nothing.

Nothing here imports Qt.
"""

from __future__ import annotations

import numpy as np

#: Pixel offsets of one drawn point: a plus sign, 3 pixels across.
PLUS = np.array([(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)])


def pixel_indices(x: np.ndarray, y: np.ndarray, extent: tuple, shape: tuple,
                  footprint: np.ndarray = PLUS) -> np.ndarray:
    """Flat pixel indices covered by each point, for :func:`paint`.

    Parameters
    ----------
    x, y : ndarray of shape (M,)
        Point coordinates in data units.
    extent : tuple (x0, x1, y0, y1)
        The data range the image covers.
    shape : tuple (width, height)
        The image's size in pixels; pixel ``[i, j]`` is column ``i`` from the
        left, row ``j`` from the bottom (pyqtgraph's ``ImageItem`` order).
    footprint : ndarray of shape (S, 2)
        Pixel offsets drawn for each point.

    Returns
    -------
    flat : ndarray of shape (M, S), int
        Indices into the image flattened in C order (``i * height + j``);
        offsets that fall outside the image point at the point's own pixel,
        and a point outside the image gets -1 everywhere.
    """
    x0, x1, y0, y1 = extent
    w, h = int(shape[0]), int(shape[1])
    i = np.floor((np.asarray(x, dtype=float) - x0) / max(x1 - x0, 1e-300) * w).astype(np.int64)
    j = np.floor((np.asarray(y, dtype=float) - y0) / max(y1 - y0, 1e-300) * h).astype(np.int64)
    inside = (i >= 0) & (i < w) & (j >= 0) & (j < h)
    ii = i[:, None] + footprint[None, :, 0]
    jj = j[:, None] + footprint[None, :, 1]
    off = (ii < 0) | (ii >= w) | (jj < 0) | (jj >= h)
    flat = np.where(off, (i * h + j)[:, None], ii * h + jj)
    flat[~inside] = -1
    return flat


def paint(codes: np.ndarray, flat: np.ndarray, shape: tuple,
          out: np.ndarray | None = None) -> np.ndarray:
    """An RGBA image with each point's colour at its pixels (later points on top).

    Parameters
    ----------
    codes : ndarray of shape (M,), uint32
        Each point's RGBA bytes viewed as one uint32 (``rgba.view(np.uint32)``).
    flat : ndarray of shape (M, S)
        From :func:`pixel_indices` for the same points and ``shape``.
    shape : tuple (width, height)
    out : ndarray of shape (width * height,), uint32, optional
        A buffer to reuse (cleared here).

    Returns
    -------
    image : ndarray of shape (width, height, 4), uint8
        Transparent where no point is.
    """
    w, h = int(shape[0]), int(shape[1])
    if out is None or out.shape != (w * h,):
        out = np.empty(w * h, dtype=np.uint32)
    out.fill(0)
    shown = flat[:, 0] >= 0
    if shown.all():
        out[flat] = codes[:, None]
    else:
        out[flat[shown]] = codes[shown][:, None]
    return out.view(np.uint8).reshape(w, h, 4)
