"""The same reproduction as an R script for mclust's ``em()``. Qt-free.

mclust's ``em(data, modelName, parameters, prior, control)`` runs ``estep()``,
then ``me()`` (``emControl(itmax = n)`` pairs of M- and E-steps), then one
more ``mstep()`` (read in mclust's ``emVVV``), so ``em(itmax = n - 1)`` should be
our iteration ``n``. The script writes the ``n`` pairs of ``estep()`` and
``mstep()`` out instead: the count is beyond doubt and no stopping rule
(``tol``) plays a part. Our covariance types are
mclust's models VVV (full), EEE (tied), VVI (diag) and VII (spherical); with
one feature, V (full, diag, spherical) and E (tied). Our conjugate prior is
mclust's default prior, ``priorControl()``. scikit-learn's ``reg_covar`` has
no mclust counterpart: with ``reg_covar > 0`` the script says so and checks
only loosely.
"""

from __future__ import annotations

import textwrap

import numpy as np

from gmm_explorer.data.reproduce import RTOL, Reproduction, number

#: Our covariance types as mclust's model names (two or more features).
MCLUST_MODELS = {"full": "VVV", "tied": "EEE", "diag": "VVI", "spherical": "VII"}

#: The relative tolerance of the R check when scikit-learn's ridge was on (it
#: adds reg_covar to every variance at every M-step; mclust adds nothing).
RIDGE_RTOL = 1e-4


def mclust_model(covariance_type: str, n_features: int) -> str:
    """mclust's model name for a covariance type (one feature: ``"V"`` or ``"E"``)."""
    if n_features == 1:
        return "E" if covariance_type == "tied" else "V"
    return MCLUST_MODELS[covariance_type]


def r_vector(a) -> str:
    """``c(...)`` with every number written exactly, in R's column-major order."""
    flat = np.asarray(a, dtype=float).ravel(order="F")
    text = ", ".join(number(x) for x in flat)
    return "c(" + "\n  ".join(textwrap.wrap(text, 88, break_long_words=False)) + ")"


def _means(m) -> str:
    """(K, D) means as mclust's D x K matrix (column k is mean k)."""
    m = np.asarray(m, float)
    return f"matrix({r_vector(m.T)}, nrow = {m.shape[1]}, ncol = {m.shape[0]})"


def _sigmas(c) -> str:
    """(K, D, D) covariances as mclust's D x D x K array."""
    c = np.asarray(c, float)
    K, D = c.shape[:2]
    return f"array({r_vector(np.transpose(c, (1, 2, 0)))}, dim = c({D}, {D}, {K}))"


_READ_TEXT = '''
read_data <- function() {
  con <- file(DATA_FILE, encoding = ENCODING)
  lines <- readLines(con, warn = FALSE)
  close(con)
  trimmed <- trimws(lines)
  keep <- seq_along(lines) >= FIRST_LINE & nzchar(trimmed) & !startsWith(trimmed, "#")
  tab <- read.table(text = lines[keep], sep = SEP, quote = "\\"'", header = FALSE,
                    colClasses = "character", fill = TRUE, comment.char = "")
  field <- function(j) {
    v <- trimws(tab[[j]])
    if (SEP == ";") v <- gsub(",", ".", v)  # semicolon files may write decimal commas
    suppressWarnings(as.numeric(v))
  }
  X <- matrix(sapply(COLUMNS, field), ncol = length(COLUMNS))
  ok <- apply(is.finite(X), 1, all)
  if (DROP_MISSING) {
    X <- X[ok, , drop = FALSE]
  } else if (!all(ok)) {
    stop(DATA_FILE, ": ", sum(!ok), " rows hold missing values; the fit had none")
  }
  if (nrow(X) != N || ncol(X) != D) stop(DATA_FILE, ": ", nrow(X), " rows of ", ncol(X),
                                         " features; the fit used ", N, " of ", D)
  X
}
'''

_VARIANCE = '''
variance_of <- function(sigma) {
  G <- dim(sigma)[3]
  d <- dim(sigma)[1]
  switch(MODEL,
    VVV = list(modelName = "VVV", d = d, G = G, sigma = sigma,
               cholsigma = array(apply(sigma, 3, chol), c(d, d, G))),
    EEE = list(modelName = "EEE", d = d, G = G, sigma = sigma, Sigma = sigma[, , 1],
               cholSigma = chol(sigma[, , 1])),
    VVI = {
      scale <- apply(sigma, 3, function(s) prod(diag(s))^(1 / d))
      list(modelName = "VVI", d = d, G = G, sigma = sigma, scale = scale,
           shape = sapply(seq_len(G), function(k) diag(sigma[, , k]) / scale[k]))
    },
    VII = list(modelName = "VII", d = d, G = G, sigma = sigma, sigmasq = sigma[1, 1, ]),
    V = list(modelName = "V", d = 1, G = G, sigmasq = sigma[1, 1, ]),
    E = list(modelName = "E", d = 1, G = G, sigmasq = sigma[1, 1, 1]))
}

full_sigma <- function(variance, G, d) {
  if (!is.null(variance$sigma)) return(array(variance$sigma, c(d, d, G)))
  array(rep(variance$sigmasq, length.out = G), c(1, 1, G))  # one feature
}

check <- function(name, got, expected) {
  scale <- max(abs(expected))
  worst <- max(abs(got - expected) / (TOL * scale + TOL * abs(expected)))
  if (!is.finite(worst) || worst > 1) {
    stop("not reproduced: the ", name, " differ from the state's beyond a relative ", TOL)
  }
}

Z <- sweep(sweep(X, 2, CENTER), 2, SCALE, "/")
if (D == 1) Z <- Z[, 1]
# N_STEPS pairs of estep() and mstep(), written out: em() itself runs estep(), then me()
# (itmax pairs of M- and E-steps), then one more mstep(), so em(itmax = N_STEPS - 1)
# would be the same; the loop leaves no doubt about the count and has no stopping rule.
parameters <- list(pro = START_PRO, mean = START_MEAN, variance = variance_of(START_SIGMA))
for (step in seq_len(N_STEPS)) {
  z <- estep(data = Z, modelName = MODEL, parameters = parameters)$z
  if (anyNA(z)) stop("mclust's estep() failed at iteration ", step, ": a singular covariance")
  parameters <- mstep(data = Z, modelName = MODEL, z = z,
                      prior = if (PRIOR) priorControl() else NULL)$parameters
}
G <- length(START_PRO)
sigma <- full_sigma(parameters$variance, G, D)
means <- matrix(parameters$mean, nrow = D) * SCALE + CENTER
for (k in seq_len(G)) sigma[, , k] <- sigma[, , k] * outer(SCALE, SCALE)
check("weights", parameters$pro, EXPECTED_PRO)
check("means", means, EXPECTED_MEAN)
check("covariances", sigma, EXPECTED_SIGMA)
cat("reproduced\\n")
'''


def r_script(rep: Reproduction, X) -> str:
    """The R script's text.

    Parameters
    ----------
    rep : Reproduction
    X : ndarray of shape (N, D)
        The data the fit used, in the data's own units (embedded when the
        source is not a text file: base R reads no ``.npy``).
    """
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    src = rep.source
    model = mclust_model(rep.covariance_type, d)
    ridge = rep.reg_covar > 0
    from_file = src.kind == "text"
    lines = [
        "# Rebuild a GMM Explorer state with R's mclust, and check it.",
        f"# Made by {rep.origin}.",
        f"# State: iteration {rep.n_steps}; {rep.n_components} components, "
        f"{rep.covariance_type} covariances = mclust's model {model}"
        + (", with the conjugate prior = mclust's default prior (priorControl())"
           if rep.prior else "") + ".",
        f"# Data: {n} points, {d} features, "
        + (src.describe() if from_file else "embedded in this script ("
           + (src.why_embedded or f"{src.kind} file {src.path}: base R reads no NumPy files")
           + ")") + ".",
        f"# How: {rep.n_steps} pairs of estep() and mstep() from the fit's start (iteration "
        f"0): our iteration {rep.n_steps}. mclust's em() should do the same with emControl(itmax"
        f" = {max(rep.n_steps - 1, 0)}): it runs estep(), me() (itmax pairs of M- and "
        "E-steps), then one more mstep().",
    ]
    if rep.center is not None:
        lines.append("# Standardised: the fit ran on Z = (X - CENTER) / SCALE; results are "
                     "compared in the data's own units.")
    if ridge:
        lines.append(f"# LIMIT: the fit used scikit-learn's ridge reg_covar = {rep.reg_covar!r}"
                     " (added to every variance at every M-step); mclust has no counterpart,"
                     f" so the check here is only to a relative {RIDGE_RTOL:g}.")
    else:
        lines.append(f"# Check: weights, means and covariances to a relative {RTOL:g}; "
                     "prints 'reproduced'.")
    if rep.notes:
        lines.append(f"# LIMIT: the state shown was iteration {rep.shown_iteration}; mclust "
                     "has no collapse remedy (re-seeding, removal, pseudo-inverse), so this "
                     f"script stops at iteration {rep.n_steps}:")
        lines += [f"#   {note}." for note in rep.notes]
    lines += ["# Needs R and the mclust package (install.packages(\"mclust\")).", "",
              "library(mclust)", ""]
    if from_file:
        sep = "" if src.delimiter in (None, "", " ", "whitespace") else src.delimiter
        lines += [f"DATA_FILE <- {_r_string(src.path)}",
                  f"COLUMNS <- c({', '.join(str(c + 1) for c in src.columns)})  # 1-based",
                  f"SEP <- {_r_string(sep)}", f"ENCODING <- {_r_string(src.encoding or 'UTF-8')}",
                  f"FIRST_LINE <- {src.first_line}",
                  f"DROP_MISSING <- {'TRUE' if src.drop_missing else 'FALSE'}"]
    lines += [f"N <- {n}", f"D <- {d}", f"MODEL <- {_r_string(model)}",
              f"PRIOR <- {'TRUE' if rep.prior else 'FALSE'}",
              f"N_STEPS <- {rep.n_steps}",
              f"TOL <- {number(RIDGE_RTOL if ridge else RTOL)}"]
    center = rep.center if rep.center is not None else np.zeros(d)
    scale = rep.scale if rep.scale is not None else np.ones(d)
    lines += [f"CENTER <- {r_vector(center)}", f"SCALE <- {r_vector(scale)}", "",
              "# The fit's start (iteration 0), in the units the fit ran in.",
              f"START_PRO <- {r_vector(rep.start[0])}",
              f"START_MEAN <- {_means(rep.start[1])}",
              f"START_SIGMA <- {_sigmas(rep.start[2])}", "",
              f"# Iteration {rep.n_steps}, as GMM Explorer computed it, in the data's units.",
              f"EXPECTED_PRO <- {r_vector(rep.target[0])}",
              f"EXPECTED_MEAN <- {_means(rep.target[1])}",
              f"EXPECTED_SIGMA <- {_sigmas(rep.target[2])}"]
    if from_file:
        lines.append(_READ_TEXT)
        lines.append("X <- read_data()")
    else:
        lines.append(f"X <- matrix({r_vector(X)}, nrow = {n}, ncol = {d})")
    return "\n".join(lines) + "\n" + _VARIANCE


def _r_string(text: str) -> str:
    """An R string literal."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'
