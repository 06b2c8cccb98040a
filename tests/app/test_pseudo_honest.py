"""allow_singular made honest: pseudo log-likelihoods are never called converged, every
infinite log-likelihood gets its arrow, and compare mode greys what cannot be compared."""

import numpy as np
import pytest

from gmm_explorer.app.views.compare_view import ROWS


@pytest.fixture
def lab_ui(window):
    return window.lab_ui


def test_a_pseudo_value_never_reads_converged(lab_ui):
    from gmm_explorer.app.panels.run_panel import describe_state

    s, window = lab_ui.workspace, lab_ui.window
    lab_ui.load_preset("seed")
    # converged at 31: scikit-learn's rule takes one M-step after the change fell below tol
    lab_ui.panel.apply("continue", steps=31)
    last = s.history[-1]
    # the engine's test fired, on a state EM reached with allow_singular densities
    assert last.converged and last.pseudo_log_likelihood is not None
    assert s.state is last  # the shown state
    assert not s.is_converged() and s.is_pseudo()
    status = window.status_labels["converged"].text()
    assert "converged" not in status.lower() and "pseudo" in status
    assert "not comparable" in window.status_labels["change"].text()
    assert "Converged" not in describe_state(s) and "no convergence" in describe_state(s)
    assert "not comparable" in window.status_labels["converged"].toolTip()
    assert f"pseudo value {last.pseudo_log_likelihood:,.1f}" in \
        window.status_labels["loglik"].toolTip()


def test_run_does_not_call_a_pseudo_stop_converged():
    from gmm_explorer.app.model.worker import CONVERGED, run_loop
    from gmm_explorer.datasets import load_preset
    from gmm_explorer.engine import GaussianMixtureEM

    p = load_preset("seed")
    em = GaussianMixtureEM(**{**p.settings, "on_collapse": "continue"})
    em.initialize(p.X, **p.start)
    reason, message = run_loop(em.step, interrupted=lambda: False, halted=lambda: em.halted,
                               report=lambda state: None, max_iter=200)
    assert reason == CONVERGED and "Converged" not in message and "no convergence" in message


def test_pseudo_values_have_their_own_marker_and_legend_entry(lab_ui):
    view = lab_ui.window.likelihood
    lab_ui.load_preset("outlier")
    assert view.legend_texts() == []  # one curve, no legend
    lab_ui.panel.apply("continue", steps=4)
    pseudo = lab_ui.marks["likelihood"].pseudo
    assert pseudo.opts["symbol"] == "d" and pseudo.opts["symbolBrush"] is None
    assert "pseudo log-likelihood<br>(allow_singular): not comparable" in view.legend_texts()
    lab_ui.panel.apply("ridge", steps=4)  # no pseudo values: the entry goes
    assert view.legend_texts() == []


@pytest.mark.parametrize("name", ["seed", "line", "outlier", "too-many"])
def test_every_infinite_log_likelihood_is_an_arrow_inside_the_plot(lab_ui, name):
    # too-many's arrow (iteration 16) was placed above the plot's top edge: the curve just stopped
    from gmm_explorer.datasets import load_preset

    s, view = lab_ui.workspace, lab_ui.window.likelihood
    lab_ui.load_preset(name)
    iteration = load_preset(name).iteration
    for _ in range(iteration):
        lab_ui.window.step()
    assert s.state.iteration == iteration and np.isposinf(s.state.log_likelihood)
    x, y = lab_ui.marks["likelihood"].arrows.getData()
    assert list(x) == [iteration]
    low, high = view.getViewBox().viewRange()[1]
    assert low < y[0] < high


def test_compare_greys_what_cannot_be_compared(lab_ui, seed_compared):
    cw = seed_compared("continue", "ridge")
    left, right = cw.comparison.sides
    assert left.history[-1].pseudo_log_likelihood is not None
    for row in ("final log-likelihood", "BIC"):
        assert cw.is_greyed(row, 0) and not cw.is_greyed(row, 1)
        tip = cw.table.item(ROWS.index(row), 0).toolTip()
        assert tip.startswith("Not comparable.")
    assert not cw.is_greyed("iterations", 0)
    assert cw.caption.isVisibleTo(cw) and "not comparable" in cw.caption.text()
    cw = seed_compared("none", "ridge")  # stopped at an infinite log-likelihood
    assert cw.cell("final log-likelihood", 0) == "+∞"
    assert cw.is_greyed("BIC", 0) and "infinite" in cw.table.item(ROWS.index("BIC"), 0).toolTip()
    cw.run("ridge", "prior", wait=True)  # both finite and true: nothing greyed
    assert not any(cw.is_greyed(r, j) for r in ("final log-likelihood", "BIC") for j in (0, 1))
    assert not cw.caption.isVisibleTo(cw)
