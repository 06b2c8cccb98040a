"""The model-selection grid on Old Faithful: the engine's batched fits against scikit-learn.

The grid is ``gmm-explorer select``'s: the data standardised, K = 1..9, the four
covariance types, every model's starts from ``model_recipes`` (ten seeded
k-means starts, with the command line's defaults: tol 1e-6 per point,
max_iter 500, reg_covar 1e-6). scikit-learn fits the same 36 models with
``n_init=10`` and the same settings, in the same run. R's mclust is not on this
machine: its time for its 36 fits (one deterministic start each) is
the one measured when the goal was set (0.16 s), quoted, not re-measured.

Usage::

    python benchmarks/bench_select.py            # engine, one-by-one engine, scikit-learn
    python benchmarks/bench_select.py --quick    # K = 1..4 only
    python benchmarks/bench_select.py --no-sklearn
"""

from __future__ import annotations

import argparse
import time
import warnings


from gmm_explorer.datasets.builtin import load_builtin
from gmm_explorer.engine.fits import model_recipes, run_recipes, start_seeds
from gmm_explorer.engine.options import ModelSettings

TYPES = ("full", "tied", "diag", "spherical")
MCLUST_SECONDS = 0.16  # mclust's 36 fits, measured when the goal was set (R is not here)


def grid_recipes(ks, n_init=10, seed=1):
    _, seeds = start_seeds(seed, n_init)
    recipes = []
    for covariance_type in TYPES:
        for k in ks:
            model = ModelSettings(n_components=k, covariance_type=covariance_type,
                                  reg_covar=1e-6)
            recipes += model_recipes(model, seeds, tol=1e-6, max_iter=500)
    return recipes


def time_engine(X, recipes, batched=True):
    start = time.perf_counter()
    results = run_recipes(recipes, X, keep_engines=not batched)
    return time.perf_counter() - start, results


def time_sklearn(X, ks, n_init=10):
    from sklearn.mixture import GaussianMixture

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for covariance_type in TYPES:
            for k in ks:
                GaussianMixture(k, covariance_type=covariance_type, n_init=n_init, tol=1e-6,
                                max_iter=500, reg_covar=1e-6, random_state=0).fit(X)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="K = 1..4 only")
    parser.add_argument("--no-sklearn", action="store_true")
    parser.add_argument("--repeats", type=int, default=3, help="engine runs (best is kept)")
    args = parser.parse_args()
    ks = range(1, 5) if args.quick else range(1, 10)
    X = load_builtin("faithful").X
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    recipes = grid_recipes(ks)
    batched = min(time_engine(X, recipes)[0] for _ in range(args.repeats))
    single, _ = time_engine(X, recipes, batched=False)
    print(f"{len(recipes)} fits ({len(ks)} K x 4 types), N = {len(X)}")
    print("| case | seconds | ratio |")
    print("|---|---|---|")
    print(f"| engine, batched (best of {args.repeats}) | {batched:.2f} | |")
    print(f"| engine, one fit at a time | {single:.2f} | batched / this: "
          f"{batched / single:.3f} |")
    if not args.no_sklearn:
        sklearn = time_sklearn(X, ks)
        print(f"| scikit-learn, n_init=10 | {sklearn:.2f} | batched / this: "
              f"{batched / sklearn:.3f} (goal <= 0.1) |")
    if not args.quick:
        print(f"| mclust, 36 fits (quoted) | {MCLUST_SECONDS:.2f} | batched / this: "
              f"{batched / MCLUST_SECONDS:.1f} (goal <= 3) |")


if __name__ == "__main__":
    main()
