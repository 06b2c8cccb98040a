"""A preset sets data, model and start together; data from anywhere else start
from the person's own settings, never from a preset's provocations.

Before, after Presets > seed (K=10 at random integer means, no ridge) opening
wine.csv fitted exactly that (9 of 10 components degenerate at iteration 0),
and after Presets > too-many, Built-in > Iris opened with K=20.
"""

from gmm_explorer.app.model.settings import ModelSettings


def test_a_builtin_after_a_preset_uses_the_own_settings(window):
    s = window.workspace
    window.model_panel.k.setValue(4)  # the person's own choice
    own = s.model
    assert own.n_components == 4 and own.reg_covar == 1e-6
    window.lab_ui.load_preset("seed")
    assert s.model.init == "random_integers" and s.model.reg_covar == 0.0
    window.load_builtin("iris")
    assert s.model == own and s.state.n_components == 4


def test_too_many_then_iris_keeps_the_own_k(window):
    s = window.workspace
    window.lab_ui.load_preset("too-many")
    assert s.model.n_components == 20
    window.load_builtin("iris")
    assert s.model.n_components == 10 and s.model == ModelSettings()


def test_a_file_after_a_preset_uses_the_own_settings(window, tmp_path):
    s = window.workspace
    csv = tmp_path / "points.csv"
    csv.write_text("a,b\n" + "\n".join(f"{i % 7},{(i * 3) % 11}" for i in range(60)) + "\n")
    s.set_model(n_components=3)
    own = s.model
    window.lab_ui.load_preset("seed")
    assert window.open_file(csv)  # in the background, as the window does
    assert s.model == own and s.state.n_components == 3
    s.lab.load_preset("line")
    assert s.loading.open_file(csv) and s.model == own


def test_a_remedy_on_a_preset_is_not_an_own_choice(window):
    s = window.workspace
    own = s.model
    window.lab_ui.load_preset("outlier")
    window.lab_ui.panel.apply("prior", steps=2)
    assert s.model.prior == "conjugate"
    window.load_builtin("faithful")
    assert s.model == own


def test_generated_data_after_a_preset_use_the_own_settings(window):
    s = window.workspace
    own = s.model
    window.lab_ui.load_preset("duplicates")
    s.loading.generate("blobs", 300, 3, 1.0, 0)
    assert s.model == own
