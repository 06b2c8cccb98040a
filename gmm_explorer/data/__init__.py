"""The data layer: files in, models out. Headless (numpy and scipy only, never Qt).

- :func:`load_data` reads delimited text, ``.npy`` and ``.npz`` into a
  :class:`~gmm_explorer.datasets.Dataset`, the record built-in data use too (features,
  known classes, where each row came from).
- :class:`DataError` says what is wrong with a file, where, and what to do.
- :func:`save_model`, :func:`load_model` and :func:`to_sklearn` write, read and
  export fitted mixtures as JSON model files.
- :class:`Standardizer` and :func:`check_fit_data` make awkward data (constant
  columns, extreme values, very different scales) fit soundly or be refused
  with a reason.
"""

from gmm_explorer.data.checks import check_components, check_fit_data
from gmm_explorer.data.errors import DataError, LoadCancelled
from gmm_explorer.data.loaders import load_data
from gmm_explorer.data.model_file import MODEL_FORMAT, model_to_dict, save_model
from gmm_explorer.data.model_reading import load_model, read_model
from gmm_explorer.data.scaling import Standardizer, check_scales
from gmm_explorer.data.sklearn_export import to_sklearn

__all__ = [
    "DataError",
    "LoadCancelled",
    "MODEL_FORMAT",
    "Standardizer",
    "check_components",
    "check_fit_data",
    "check_scales",
    "load_data",
    "load_model",
    "model_to_dict",
    "read_model",
    "save_model",
    "to_sklearn",
]
