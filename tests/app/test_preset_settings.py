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


def test_a_session_saved_on_a_preset_brings_the_preset_back_not_as_own_settings(qapp, tmp_path):
    from gmm_explorer.app.model.workspace import Workspace

    s = Workspace()
    s.set_model(n_components=4)
    own = s.model
    s.loading.load_builtin("faithful")
    s.lab.load_preset("seed")
    s.loading.save_session(tmp_path / "preset.gmmx")
    s.shutdown()
    fresh = Workspace()
    fresh.loading.open_session(tmp_path / "preset.gmmx")
    assert fresh.lab.preset is not None and fresh.lab.preset.name == "seed"
    assert fresh.model.init == "random_integers"  # the preset's scene, as saved
    fresh.loading.load_builtin("iris")
    assert fresh.model == own  # not the preset's provocations
    fresh.shutdown()


def test_a_session_of_own_data_opened_over_a_preset_keeps_its_own_settings(qapp, tmp_path):
    from gmm_explorer.app.model.workspace import Workspace

    s = Workspace()
    s.set_model(n_components=2)
    s.loading.load_builtin("faithful")
    s.loading.save_session(tmp_path / "own.gmmx")
    s.shutdown()
    other = Workspace()
    other.lab.load_preset("too-many")
    other.loading.open_session(tmp_path / "own.gmmx")
    assert other.lab.preset is None
    other.loading.load_builtin("iris")
    assert other.model.n_components == 2
    other.shutdown()


def test_a_preset_cancels_a_file_still_loading(window, tmp_path, qtbot):
    import numpy as np

    s = window.workspace
    csv = tmp_path / "big.csv"
    np.savetxt(csv, np.random.default_rng(0).normal(size=(300_000, 2)), delimiter=",",
               header="a,b", comments="")
    assert window.open_file(csv, wait=False)
    assert s.loading.busy
    window.lab_ui.load_preset("seed")
    assert not s.loading.busy
    qtbot.wait(300)
    assert s.data_name == "preset seed"
