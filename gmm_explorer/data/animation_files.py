"""Animated GIF and MP4 files from RGB frames (no Qt).

GIF with Pillow; MP4 (H.264) with ``imageio-ffmpeg``, whose wheel carries its
own ffmpeg binary, so neither needs a system package. Frames are written as
they come (a GIF's frames are kept palettised, one byte a pixel, until the
end), and the file appears only when complete (:mod:`gmm_explorer.files`):
a cancelled export leaves nothing behind.
"""

from __future__ import annotations

import os
from typing import Iterable

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.files import atomic_write

FORMATS = (".gif", ".mp4")


class Cancelled(Exception):
    """The frames' source asked to stop; nothing was written."""


def animation_format(path) -> str:
    """``".gif"`` or ``".mp4"`` from ``path``'s suffix; ``DataError`` for anything else."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in FORMATS:
        raise DataError("has an unknown animation type; use .gif or .mp4", path=path)
    return suffix


def even_size(width: int, height: int) -> tuple:
    """The frame size rounded down to even numbers (H.264's 4:2:0 colour needs them)."""
    return max(2, int(width) // 2 * 2), max(2, int(height) // 2 * 2)


def _write_gif(tmp, frames: Iterable[np.ndarray], fps: float) -> int:
    from PIL import Image  # Pillow loads only for an export

    images = []
    for rgb in frames:
        # one adaptive palette per frame: the component colours stay exact
        images.append(Image.fromarray(rgb, "RGB").quantize(colors=255, method=Image.MEDIANCUT,
                                                           dither=Image.Dither.NONE))
    if not images:
        raise DataError("has no frames to write", path=tmp)
    duration = int(round(1000.0 / fps))
    # the last frame stays three times as long: a looping film pauses on its outcome
    durations = [duration] * (len(images) - 1) + [3 * duration]
    images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations, loop=0, optimize=False, disposal=1)
    return len(images)


def _write_mp4(tmp, frames: Iterable[np.ndarray], fps: float, size: tuple) -> int:
    import imageio_ffmpeg  # loads only for an export: it looks up its ffmpeg binary

    writer = imageio_ffmpeg.write_frames(tmp, size, fps=fps, codec="libx264",
                                         pix_fmt_out="yuv420p", macro_block_size=2,
                                         quality=None, output_params=["-crf", "20"],
                                         ffmpeg_log_level="error")
    writer.send(None)  # start ffmpeg
    count = 0
    try:
        for rgb in frames:
            writer.send(np.ascontiguousarray(rgb))
            count += 1
    finally:
        writer.close()
    return count


def write_animation(path, frames: Iterable[np.ndarray], fps: float,
                    size: tuple | None = None) -> int:
    """Write ``frames`` ((H, W, 3) uint8 each) to a GIF or MP4 at ``path``; their count.

    ``size`` (width, height) is needed for MP4 (every frame must have it, even).
    ``Cancelled`` raised by the frames' source ends the export with no file.
    """
    suffix = animation_format(path)
    if not fps or fps <= 0:
        raise DataError(f"needs a positive frame rate, got {fps!r}", path=path)
    written = []

    def write(tmp):
        if suffix == ".gif":
            written.append(_write_gif(tmp, frames, fps))
        else:
            written.append(_write_mp4(tmp, frames, fps, size))

    try:
        atomic_write(path, write, suffix)
    except FileNotFoundError:
        raise DataError("cannot be written: its folder does not exist", path=path) from None
    return written[0]


def read_frames(path) -> list:
    """The frames of a GIF or MP4 as (H, W, 3) uint8 arrays (for checks and tests)."""
    if animation_format(path) == ".gif":
        from PIL import Image, ImageSequence

        with Image.open(path) as im:
            return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(os.fspath(path))
    meta = reader.__next__()
    w, h = meta["size"]
    return [np.frombuffer(b, dtype=np.uint8).reshape(h, w, 3) for b in reader]

