"""Window arguments checked before Qt starts: the files they would write, and a first word
that misspells a command (so that even without a display the real mistake is named)."""

from __future__ import annotations

import os

#: Picture formats --screenshot writes (Qt's writers that every build has).
SCREENSHOT_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


def check_outputs(args) -> None:
    """Each file the flags would write, refused before the window opens if it cannot be."""
    from gmm_explorer.cli.common import check_writable
    from gmm_explorer.data.errors import DataError

    for flag in ("screenshot", "export_plot", "animation"):
        path = getattr(args, flag, None)
        if path:
            try:
                check_writable(path, inputs=(args.data,))
            except DataError as exc:
                raise ValueError(f"--{flag.replace('_', '-')} {exc}") from None


def near_command(argv: list[str]) -> str | None:
    """The headless command a first word that is no file seems to misspell (``fitt``)."""
    import difflib

    word = argv[0] if argv else ""
    # a name with a suffix or a folder is a file, missing or not: the loader says so
    if not word or word.startswith("-") or "." in word or "/" in word or os.path.exists(word):
        return None
    close = difflib.get_close_matches(word.lower(), ("fit", "select", "predict"), n=1,
                                      cutoff=0.6)
    return close[0] if close else None
