"""Named starting points for the window (``--preset NAME``).

Each preset names a built-in dataset and the model settings to start with
(the default, ``first-scene``, or ``seed-scene``), or one of the singularity lab's collapse scenes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gmm_explorer.app.model.settings import ModelSettings
from gmm_explorer.datasets import PRESET_NAMES, load_preset


@dataclass(frozen=True)
class LaunchPreset:
    """A dataset name (for ``load_builtin``) and the model to fit to it.

    ``engine_preset`` names one of the lab's collapse scenes instead
    (``gmm_explorer.datasets.presets``): its data, settings and exact start
    are loaded by the singularity lab (``gmm_explorer.app.model.lab``).
    """

    name: str
    dataset: str
    model: ModelSettings = field(default_factory=ModelSettings)
    description: str = ""
    engine_preset: str = ""


PRESETS = {
    # The window opens here: a start chosen to be poor (seeded, so it replays) on
    # overlapping stretched blobs, so that EM has visible work to do, means travelling
    # and ellipses turning for some thirty iterations before it converges.
    "first-scene": LaunchPreset(
        name="first-scene",
        dataset="overlap",
        model=ModelSettings(n_components=4, covariance_type="full", init="random_from_data",
                            reg_covar=1e-6, prior=None, on_collapse="stop", random_state=5),
        description="Four stretched, overlapping blobs, K=4, a poor random_from_data "
                    "start (seed 5): EM works for 36 iterations before it converges.",
    ),
    "seed-scene": LaunchPreset(
        name="seed-scene",
        dataset="seed",
        model=ModelSettings(n_components=10, covariance_type="full", init="k-means++",
                            reg_covar=1e-6, prior=None, on_collapse="stop"),
        description="The ten stretched blobs of the seed question, K=10, "
                    "k-means++ start, the ridge reg_covar=1e-6 on.",
    ),
}



def _add_lab_presets() -> None:
    """The singularity lab's collapse scenes, by the names of ``gmm_explorer.datasets``."""
    for name in PRESET_NAMES:
        p = load_preset(name)
        PRESETS[name] = LaunchPreset(name=name, dataset="", description=p.description,
                               engine_preset=name)


_add_lab_presets()

DEFAULT_PRESET = "first-scene"


def get_preset(name: str) -> LaunchPreset:
    """The preset called ``name``; ``ValueError`` naming the known ones otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; known presets: "
                         + ", ".join(sorted(PRESETS))) from None
