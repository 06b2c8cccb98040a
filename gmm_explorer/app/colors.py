"""One colour per component, the same in every view.

Component ``k`` is drawn with ``component_color(k)`` in the scatter, the
ellipses, the condition-number lines and the table. The palette is
Tableau 10 followed by a second, darker set, so that the seed scene's ten
components have ten clearly different colours; its reds are replaced (by
teal, near-black and amber), because red marks degenerate and singular
components everywhere (:data:`COLLAPSE_RED`).
"""

from __future__ import annotations

import numpy as np

#: RGB of the components, in order; repeats cyclically beyond its length. The first ten are
#: matplotlib's tab10 with teal for its red (red marks collapses); the next ten were chosen
#: one by one as the farthest in CIELAB from all before them (no red, none near white), so
#: that up to K = 20 every two differ by at least 27 in Delta E.
PALETTE = np.array([
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (0, 110, 110),
    (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
    (188, 189, 34), (23, 190, 207),
    (0, 0, 255), (255, 30, 255), (60, 15, 165), (60, 75, 0),
    (165, 210, 150), (240, 180, 120), (255, 105, 120), (0, 225, 0),
    (255, 0, 150), (60, 45, 75),
], dtype=np.uint8)

#: Degenerate and singular components' marks (ellipses, rings, crosses) in every view.
COLLAPSE_RED = (210, 20, 20)

#: Background colour of a status cell in the components table.
STATUS_COLORS = {
    "ok": (200, 235, 200),
    "degenerate": (255, 221, 150),
    "singular": (255, 170, 170),
    "removed": (225, 225, 225),
}

#: Text of a removed component's row in the components table.
REMOVED_TEXT = (95, 95, 95)


#: Text in the status cells and marked rows: their colours are light in
#: either palette, so the palette's own (light) text would not read on them.
TEXT_ON_STATUS = (20, 20, 20)

#: Text colours by meaning, on a light window and on a dark one.
_TEXT_COLORS = {
    "bad": ("#b00000", "#ff7b7b"),
    "good": ("#007000", "#6fdc6f"),
    "muted": ("#606060", "#a8a8a8"),
}


def text_color(meaning: str, dark: bool = False) -> str:
    """CSS colour of text meaning ``"bad"``, ``"good"`` or ``"muted"``.

    Parameters
    ----------
    meaning : str
    dark : bool
        Whether the window's palette is dark (``preferences.is_dark``).
    """
    return _TEXT_COLORS[meaning][int(bool(dark))]


def component_color(k: int) -> tuple:
    """RGB tuple of component ``k``."""
    return tuple(int(c) for c in PALETTE[k % len(PALETTE)])


def palette(ids) -> np.ndarray:
    """Colours of components, shape (K, 3), float.

    ``ids`` is K (the components 0..K-1) or the components' identities
    (``EMState.component_ids``), which keep their colours when others are removed.
    """
    ids = np.arange(ids) if np.ndim(ids) == 0 else np.asarray(ids, dtype=int)
    return PALETTE[ids % len(PALETTE)].astype(float)


def point_colors(resp: np.ndarray, mode: str = "blended", levels: int = 6,
                 ids=None) -> np.ndarray:
    """RGBA colours of points from their responsibilities, quantised.

    Parameters
    ----------
    resp : ndarray of shape (N, K)
        Responsibilities (rows sum to one).
    mode : {"blended", "hard"}
        ``"blended"``: the responsibility-weighted mean of the component
        colours, opaque. ``"hard"``: the colour of the most responsible
        component, with an opacity that grows with that responsibility
        (the confidence).
    levels : int
        Number of quantisation levels per channel. Quantising keeps the
        number of distinct colours small, so that the scatter can reuse
        cached brushes instead of making one per point.
    ids : array-like of int of shape (K,), optional
        The components' identities (their colours); default 0..K-1.

    Returns
    -------
    rgba : ndarray of shape (N, 4), dtype uint8
    """
    resp = np.asarray(resp, dtype=float)
    n, k = resp.shape
    colors = palette(k if ids is None else ids)
    out = np.empty((n, 4), dtype=np.uint8)
    if mode == "blended":
        rgb = resp @ colors
        step = 255.0 / (levels * 4 - 1)
        out[:, :3] = np.clip(np.round(rgb / step) * step, 0, 255)
        out[:, 3] = 230
    elif mode == "hard":
        label = np.argmax(resp, axis=1)
        conf = resp[np.arange(n), label]
        # confidence runs from 1/K (no idea) to 1 (sure)
        lo = 1.0 / k if k > 1 else 0.0
        t = np.clip((conf - lo) / max(1.0 - lo, 1e-12), 0.0, 1.0)
        t = np.round(t * (levels - 1)) / (levels - 1)
        out[:, :3] = colors[label]
        out[:, 3] = np.round(40 + t * 215)
    else:
        raise ValueError(f"mode must be 'blended' or 'hard', got {mode!r}")
    return out


#: RGB of known classes: Okabe and Ito's colour-blind-safe palette, unlike the
#: components' (Tableau), so class colours are not read as components.
CLASS_PALETTE = np.array([
    (230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66),
    (0, 114, 178), (213, 94, 0), (204, 121, 167), (0, 0, 0),
], dtype=np.uint8)


def class_color(c: int) -> tuple:
    """RGB tuple of known class ``c``; repeats beyond the palette's eight."""
    return tuple(int(v) for v in CLASS_PALETTE[c % len(CLASS_PALETTE)])


def class_point_colors(classes: np.ndarray) -> np.ndarray:
    """RGBA colours of points from their known classes.

    Parameters
    ----------
    classes : ndarray of int, shape (N,)
        Class codes 0..C-1.

    Returns
    -------
    rgba : ndarray of shape (N, 4), dtype uint8
        Opaque colours of :data:`CLASS_PALETTE`.
    """
    classes = np.asarray(classes, dtype=int)
    out = np.empty((len(classes), 4), dtype=np.uint8)
    out[:, :3] = CLASS_PALETTE[classes % len(CLASS_PALETTE)]
    out[:, 3] = 230
    return out


def drawn_point_colors(workspace, mode: str) -> np.ndarray:
    """RGBA (M, 4) uint8 of the workspace's drawn points in colour ``mode``, as every view
    colours them: ``"class"`` by known class (the blend where the data have none),
    ``"blended"`` or ``"hard"`` by the shown state's responsibilities."""
    s = workspace
    if mode == "class" and s.labels is not None:
        return class_point_colors(s.labels[s.display_indices])
    return point_colors(s.display_responsibilities(), "blended" if mode == "class" else mode,
                        ids=s.state.component_ids)
