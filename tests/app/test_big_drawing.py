"""Drawing big data: a coloured subsample over a density image of every point."""

import numpy as np
import pytest

from gmm_explorer.app.model.workspace import MAX_DRAWN_POINTS


@pytest.fixture
def big(centre_view_on):
    rng = np.random.default_rng(0)
    return centre_view_on(np.vstack([rng.normal(c, 1.0, (10_000, 2)) for c in (0, 5, 10)]))


def test_big_data_draw_a_subsample_over_a_density_of_every_point(big):
    s, view = big
    assert view.drawing_mode == "subsample over density"
    assert len(view.scatter.data) == MAX_DRAWN_POINTS
    assert view.density_counts().sum() == len(s.X) == 30_000


def test_small_data_draw_every_point(window):
    assert window.centre.drawing_mode == "all points"
    assert len(window.centre.scatter.data) == len(window.workspace.X)
    assert window.centre.density_counts().size == 0


def test_fast_recolouring_matches_pyqtgraphs_own(big, monkeypatch):
    s, view = big
    s.step()
    s.step()
    fast = view.scatter.data["sourceRect"].copy()
    assert np.all(fast["w"] > 0)
    monkeypatch.setattr(view, "_atlas_rects", lambda *a: None)  # pyqtgraph's per-spot path
    view._codes = None
    view.update_points()
    np.testing.assert_array_equal(view.scatter.data["sourceRect"], fast)


def test_drawn_colours_follow_the_engine_responsibilities(big):
    s, view = big
    s.step()
    full = s.engine.responsibilities()[s.display_indices]
    np.testing.assert_allclose(s.display_responsibilities(), full, atol=1e-12)
    assert len(np.unique(view.point_brush_colors(), axis=0)) >= 3
