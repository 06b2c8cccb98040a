"""Every component status says in words what it means, with the shown state's numbers."""

import numpy as np

from gmm_explorer.app.model.status_words import data_log_det, explain_status, status_legend
from gmm_explorer.app.shell.launch import build_parser, build_window


def short(x: float) -> str:
    """Two digits, an exponent without '+' or leading zeros, as on screen: 9.3e+09 -> 9.3e9."""
    return f"{x:.2g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def opened(qtbot, *args, steps=0):
    workspace, window = build_window(build_parser().parse_args(list(args)))
    qtbot.addWidget(window, before_close_func=lambda _: workspace.shutdown())
    for _ in range(steps):
        window.step()
    return workspace, window


def test_degenerate_by_count_and_singular_not_positive_definite(qapp, qtbot):
    s, window = opened(qtbot, "--preset", "too-many", steps=16)
    words, legend = s.status_words()
    status = s.state.component_status
    k = status.index("degenerate")
    n = s.state.effective_counts[k]
    assert n < 3 and words[k].startswith("degenerate: ")
    assert words[k].endswith("effective points, fewer than D + 1 = 3")
    assert float(words[k].split()[1]) < 3  # enough digits to read below 3: no "3.0 < 3"
    k = status.index("singular")
    assert words[k].startswith("singular: not positive definite (smallest eigenvalue -")
    ok = status.index("ok")
    assert words[ok].startswith(f"ok: {s.state.effective_counts[ok]:.1f} effective points "
                                "(at least D + 1 = 3), volume ")
    assert "(at most max_condition 1e12)" in words[ok]
    # the table: each status cell's tooltip, and the legend's three lines
    table = window.table
    for k, text in enumerate(words):
        assert table.status_tip(int(s.state.component_ids[k])) == text
    assert legend == table.legend.text().split("\n")
    assert legend == [
        "ok (18): eff. n ≥ D + 1 = 3, volume ≥ 1e-6 of the data's, condition ≤ 1e12",
        "degenerate (component 5): eff. n < D + 1 = 3, or volume < 1e-6 of the data's",
        "singular (component 18): not positive definite, or condition > max_condition 1e12",
    ]


def test_degenerate_by_volume_under_the_ridge(qapp, qtbot):
    s, _ = opened(qtbot, "--preset", "outlier", "--remedy", "ridge", steps=4)
    words, _ = s.status_words()
    k = s.state.component_status.index("degenerate")
    volume = np.sqrt(np.prod(s.state.eigenvalues[k]) / np.exp(data_log_det(s.X)))
    assert volume < 1e-6
    assert f"volume {short(volume)} of the data's, below 1e-6" in words[k]


def test_singular_by_condition_number(qapp, qtbot):
    s, window = opened(qtbot, "--preset", "scales", steps=2)
    s.set_model(max_condition=1e8)
    for _ in range(2):
        window.step()
    words, legend = s.status_words()
    cond = s.state.condition_numbers[0]
    assert cond > 1e8 and s.state.component_status[0] == "singular"
    assert words[0] == f"singular: condition number {short(cond)} above max_condition 1e8"
    assert legend[2].startswith("singular (components 0, 1): ")


def test_the_volume_test_is_left_out_when_the_data_have_no_volume():
    class State:  # the few fields explain_status reads
        component_status = ("ok",)
        n_features = 2
        effective_counts = np.array([10.0])
        eigenvalues = np.array([[1.0, 2.0]])
        condition_numbers = np.array([2.0])
        component_ids = np.array([0])

    assert data_log_det(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])) is None
    text = explain_status(State(), 0, 1e12, None)
    assert "volume" not in text and text.startswith("ok: 10.0 effective points")
    legend = status_legend(State(), 1e12, None)
    assert legend[0] == "ok (1): eff. n ≥ D + 1 = 3, condition ≤ 1e12"
