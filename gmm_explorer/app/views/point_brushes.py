"""Recolouring drawn points by only the ones whose colour changed, with cached brushes.

pyqtgraph looks each new brush up in a Python loop (about 20 ms per 1,000 points), so
the scatter and the 1-D rug compare quantised colours (one uint32 per point) with the
last ones and give new brushes, from one cache per view, to the points that changed.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg


def changed_points(last_codes, rgba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, changed)``: each point's colour as uint32 (N,) and the rows whose colour
    differs from ``last_codes`` (every row when there are none or their count differs).

    ``rgba`` is (N, 4) uint8, as :func:`gmm_explorer.app.colors.point_colors` gives it.
    """
    codes = np.ascontiguousarray(rgba).view(np.uint32).ravel()
    if last_codes is None or len(last_codes) != len(codes):
        return codes, np.arange(len(codes))
    return codes, np.flatnonzero(codes != last_codes)


def brush_for(cache: dict, code: int):
    """The brush of colour ``code`` (a uint32 of RGBA bytes), made once per cache."""
    brush = cache.get(code)
    if brush is None:
        c = np.array([code], dtype=np.uint32).view(np.uint8)
        brush = cache[code] = pg.mkBrush(*(int(v) for v in c))
    return brush
