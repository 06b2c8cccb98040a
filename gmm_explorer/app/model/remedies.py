"""The singularity lab's remedies by name: what each button says and changes.

Plain data, imported by the lab, its panel and the command line's ``--remedy``
(which needs the names before Qt loads).
"""

#: Remedy name -> (button text, changes to the preset's model settings).
REMEDIES = {
    "none": ("No remedy", {}),
    "ridge": ("Ridge", {"reg_covar": 1e-6}),
    "prior": ("Conjugate prior", {"prior": "conjugate"}),
    "reinitialize": ("Reinitialize", {"on_collapse": "reinitialize"}),
    "remove": ("Remove", {"on_collapse": "remove"}),
    "continue": ("Continue (allow_singular)", {"on_collapse": "continue"}),
}
