"""Data to fit that are not files: built-in data, generators and the singularity lab's presets.

numpy only (plus the standard library for the shipped CSV files); scikit-learn is never
imported, and nothing here runs EM.

- :func:`make_blobs` (``blob_maker.py``): scikit-learn's ``make_blobs``, bit for bit; and
  :func:`seed_scene`, the ten stretched blobs of the question the program grew from.
- :data:`GENERATORS` (``generators.py``): 2-D data makers with one signature
  ``(n_samples, n_centers, spread, random_state) -> (X, labels)``.
- :func:`load_builtin` and :data:`BUILTIN_NAMES` (``builtin.py``): everything by name,
  including the shipped Old Faithful and iris data.
- :class:`Dataset` (``record.py``): the one record of data to fit, which
  :func:`gmm_explorer.data.load_data` returns too.
- :func:`load_preset` and :data:`PRESET_NAMES` (``presets.py``): scenes that provoke a collapse.
"""

from gmm_explorer.datasets.blob_maker import make_blobs, seed_scene
from gmm_explorer.datasets.builtin import BUILTIN_NAMES, load_builtin
from gmm_explorer.datasets.generators import (
    GENERATORS, GeneratorSpec, anisotropic_blobs, blobs, rings, unequal_blobs,
)
from gmm_explorer.datasets.presets import PRESET_NAMES, Preset, load_preset
from gmm_explorer.datasets.record import Dataset

__all__ = [
    "BUILTIN_NAMES",
    "Dataset",
    "GENERATORS",
    "GeneratorSpec",
    "PRESET_NAMES",
    "Preset",
    "anisotropic_blobs",
    "blobs",
    "load_builtin",
    "load_preset",
    "make_blobs",
    "rings",
    "seed_scene",
    "unequal_blobs",
]
