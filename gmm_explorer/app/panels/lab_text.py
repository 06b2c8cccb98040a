"""Plain words for the singularity lab: the collapse panel and the help page.

Pure functions returning HTML, so that tests can read what a person reads.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.app.colors import text_color
from gmm_explorer.words import effective_points

HELP_LINK = "help:singular"

WHY = (
    "A Gaussian's density at its own mean is 1 / sqrt((2&pi;)<sup>D</sup> det &Sigma;). "
    "When a component keeps only one point (or a few identical ones), EM moves its mean onto "
    "that point and shrinks its covariance towards zero: det &Sigma; &rarr; 0, so the density "
    "at the point, and with it the likelihood, grows <b>without bound</b>. On a line the same "
    "happens across the line: one eigenvalue goes to zero. EM is doing its job (raising the "
    "likelihood); the maximum likelihood just does not exist there. The covariance stops being "
    "invertible: this is scipy's <i>singular matrix</i>."
)

REMEDY_TEXT = {
    "ridge": (
        "adds a small constant to the diagonal of every covariance after each M-step "
        "(scikit-learn's <code>reg_covar</code>). The matrix stays invertible and EM runs on, "
        "but <b>invertible is not sound</b>: a component on one point stays there, as a tiny "
        "ellipse of covariance ridge &times; I (status <i>degenerate</i>)."),
    "prior": (
        "maximum a posteriori with the conjugate prior of Fraley &amp; Raftery (as mclust): "
        "every covariance is pulled towards a fraction of the data's covariance, so none can "
        "shrink to zero. Components stay <i>ok</i> or <i>degenerate</i>, never singular."),
    "reinitialize": (
        "when a component collapses, re-seed it at the worst-explained data point with the "
        "data's covariance and go on. The likelihood drops at that step (a new start)."),
    "remove": (
        "drop the collapsed component and renormalise the weights: K shrinks by one."),
    "continue": (
        "go on with <code>allow_singular</code> semantics, what scipy's "
        "<code>multivariate_normal(allow_singular=True)</code> does: the pseudo-inverse and the "
        "pseudo-determinant (only the non-zero eigenvalues), so the density lives on the point "
        "or line alone and is zero off it. The log-likelihood scipy would report (shown as the "
        "<i>pseudo</i> log-likelihood) mixes densities of different dimensions, a length next "
        "to an area, so it <b>cannot be compared</b> with other runs; the true one is +&infin;."),
}


def _fmt(x: float) -> str:
    if np.isinf(x):
        return "+&infin;" if x > 0 else "&minus;&infin;"
    return f"{x:.3g}"


def find_collapse(history, current: int):
    """The latest collapse record at or before ``current`` (None if none)."""
    for state in reversed(history[:current + 1]):
        if state.collapse is not None:
            return state.collapse
    return None


def panel_html(state, record, remedy: str = "none", preset=None, dark: bool = False) -> str:
    """What the collapse panel says about the shown ``state``.

    Parameters
    ----------
    state : EMState
        The shown state.
    record : CollapseRecord or None
        The collapse to explain (see :func:`find_collapse`).
    remedy : str
        The remedy in use (a key of ``lab.REMEDIES``).
    preset : gmm_explorer.datasets.Preset, optional
        The loaded preset, whose description opens the panel.
    dark : bool
        Whether the panel's palette is dark (the collapse line gets a red that reads there).
    """
    # The sentence that matters (what collapsed, or what is degenerate) comes first, in
    # short words, so that the small panel shows it whole; the preset's story follows.
    parts = []
    if preset is not None:
        parts.append(f"<p><b>{preset.title}.</b></p>")
    flagged = [k for k, s in enumerate(state.component_status) if s != "ok"]
    if record is not None:
        items = []
        for k, n, lam, cond in zip(record.names, record.effective_counts,
                                   record.smallest_eigenvalues, record.condition_numbers):
            items.append(f"<li><b>Component {k}</b> at <b>iteration {record.iteration}</b>: "
                         f"{effective_points(f'{n:.3g}')}, smallest eigenvalue {lam:.3g}, "
                         f"condition number {_fmt(cond)}.</li>")
        parts.append(f"<p style='color:{text_color('bad', dark)}'><b>Collapse</b> ({record.reason}; "
                     f"action: {record.action})."
                     f"{' Pick a remedy below.' if record.action == 'stopped' else ''}</p>"
                     f"<ul>{''.join(items)}</ul>")
    if flagged:
        rows = "".join(
            f"<li>component {state.component_ids[k]}: <b>{state.component_status[k]}</b>, "
            f"{effective_points(f'{state.effective_counts[k]:.3g}')}, smallest eigenvalue "
            f"{state.eigenvalues[k, 0]:.3g}, condition number "
            f"{_fmt(state.condition_numbers[k])}</li>" for k in flagged)
        parts.append(f"<p>At iteration {state.iteration}:</p><ul>{rows}</ul>")
    if record is None and not flagged:
        parts.append("<p>No component has collapsed so far. Step on and watch the condition "
                     "numbers: a collapse shows as a red ellipse and opens this panel.</p>")
    # the remedies next, beside their buttons: on a small screen they show without scrolling,
    # and the story and the why follow for whoever reads on
    remedies = "".join(f"<li><b>{name}</b> {text}</li>" for name, text in REMEDY_TEXT.items())
    parts.append(f"<p><b>Remedies</b> (buttons below re-run from the same start):</p>"
                 f"<ul>{remedies}</ul>")
    if preset is not None:
        parts.append(f"<p>{preset.description}</p>")
    if state.pseudo_log_likelihood is not None:
        parts.append(f"<p>Log-likelihood {_fmt(state.log_likelihood)}; scipy's allow_singular "
                     f"value (pseudo log-likelihood) {state.pseudo_log_likelihood:.6g}, "
                     f"<b>not comparable</b> with other runs.</p>")
    if record is not None or flagged:
        parts.append(f"<p><b>Why.</b> {WHY} <a href='{HELP_LINK}'>More: why covariances "
                     f"become singular</a></p>")
    if remedy != "none":
        parts.append(f"<p>Now running with: <b>{remedy}</b>.</p>")
    return "".join(parts)


HELP_HTML = f"""
<h2>Why covariances become singular</h2>
<p>{WHY}</p>
<h3>The unbounded likelihood</h3>
<p>In one dimension, a Gaussian centred on a data point x gives it the log density
<code>&minus;log(&sigma;) &minus; &frac12; log(2&pi;)</code>. As &sigma; &rarr; 0 this goes to
+&infin; (the plot below, blue). The other points only need some other component to explain
them, so the total likelihood of the mixture has no maximum: EM, which raises it at every step,
walks towards the singularity. It happens when a component holds fewer than D + 1 distinct
points (one point, identical copies), or points on a line or plane.</p>
<h3>What the ridge changes</h3>
<p><code>reg_covar</code> adds &epsilon; to every variance, so &sigma;&sup2; never falls below
&epsilon; (the plot, orange): the density is capped and the matrix stays invertible. But the
component can still sit on a single point with covariance &epsilon; I: invertible, not sound.
</p>
<h3>What the prior changes</h3>
<p>The conjugate prior adds a pseudo-scatter (a fraction of the data's covariance) to every
component's covariance. EM maximises likelihood + log prior, which is bounded: no component can
shrink to zero, and a lone point gets a modest, data-sized ellipse.</p>
<h3>What <code>allow_singular</code> computes</h3>
<p>scipy's <code>multivariate_normal(..., allow_singular=True)</code> replaces the inverse by the
pseudo-inverse and the determinant by the product of the non-zero eigenvalues. The result is a
density on the point or line the component lives on, zero off it. Those numbers are densities in
fewer dimensions, like a length next to an area: the log-likelihood it reports cannot be
compared with that of a non-singular fit, and the true likelihood is infinite.</p>
<h3>Also</h3>
<p>A high condition number alone is not a collapse: features on very different scales (preset
<i>scales</i>) give condition numbers near 1e10 with perfectly sound components. Standardise the
features. Too many components (preset <i>too-many</i>) make collapses likely: use fewer, or BIC.
</p>
"""
