"""Gaussian processes (issue 13): the cost of logp + gradient of ``pg.logdensity``
against hand-written JAX, for ``gp.Marginal`` at N = 1,000 (exact GP
regression: a 1,000 x 1,000 Cholesky per call) and ``gp.HSGP`` at N = 100,000
with m = 50 basis functions.

A third case, ``gp.Marginal`` with a fixed kernel (fixed inputs and
hyperparameters, N = 1,000, a free constant mean): its Cholesky factor is
computed once at compile time, so a call costs two triangular solves, as a
hand-written function given the factor as data; the table prints the number
of Cholesky ops in each side's jaxpr.

Both sides are ``jax.jit(jax.value_and_grad(f))(position, data)`` with the data
as arguments; steady state (after a compiling call), one chain. The two sides
are interleaved in one process, each call timed ``CALLS`` times per round;
medians over rounds. The hand-written HSGP takes its basis as data, computed
once, as a person would write it.

Run through ``python benchmarks/sampling.py --only gp [--rounds N]`` (this module
holds the models; ``sampling.py`` its ``timed`` helper, the command line and the
machine line), or ``python benchmarks/sampling_gp.py [--rounds N] [--sample-n N]
[--steps N] [--sample-rounds N] [--skip-logp]``, which adds ``pg.sample`` of the HSGP model end to
end against PyMC's ``pm.sample(nuts_sampler="numpyro")`` on the same model (4
chains, ``--steps`` tune and draws, N = ``--sample-n`` points).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy import linalg as jsl
from jax.scipy import stats

import ppgraph as pg

CALLS = 10
CHOLESKY: dict[tuple[str, str], int] = {}  # Cholesky ops in each side's jaxpr
N_MARGINAL, N_HSGP, M_HSGP, C_HSGP = 1_000, 100_000, 50, 1.5
FIXED_LS, FIXED_ETA, FIXED_SIGMA = 1.0, 1.2, 0.3


def _data(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0, 10, size=n))
    return x, np.sin(x) + 0.3 * rng.normal(size=n)


def _priors(p: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """``ls ~ Gamma(2, 1)``, ``eta, sigma ~ HalfNormal(1)``, with log-Jacobians."""
    ls, eta, sigma = (jnp.exp(p[k]) for k in ("ls_log__", "eta_log__", "sigma_log__"))
    lp = stats.gamma.logpdf(ls, 2.0) + p["ls_log__"]
    for v, k in ((eta, "eta_log__"), (sigma, "sigma_log__")):
        lp += jnp.log(2.0) + stats.norm.logpdf(v) + p[k]
    return lp, ls, eta, sigma


def marginal_pg(x: np.ndarray, y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        ls = pg.Gamma("ls", alpha=2.0, beta=1.0)
        eta = pg.HalfNormal("eta", 1.0)
        sigma = pg.HalfNormal("sigma", 1.0)
        gp = pg.gp.Marginal(cov_func=pg.gp.cov.ExpQuad(1, ls=ls) * eta**2)
        gp.marginal_likelihood("y", X=x[:, None], y=y, sigma=sigma)
    return m


def marginal_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    x, y = data
    lp, ls, eta, sigma = _priors(p)
    K = eta**2 * jnp.exp(-0.5 * jnp.square((x[:, None] - x[None, :]) / ls))
    K = K + (sigma**2 + 1e-6) * jnp.eye(len(x))
    L = jnp.linalg.cholesky(K)
    z = jsl.solve_triangular(L, y, lower=True)
    logdet = jnp.sum(jnp.log(jnp.diag(L)))
    return lp - 0.5 * z @ z - logdet - 0.5 * len(x) * jnp.log(2 * jnp.pi)


def fixed_pg(x: np.ndarray, y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        b = pg.Normal("b", 0.0, 1.0)
        cov = pg.gp.cov.ExpQuad(1, ls=FIXED_LS) * FIXED_ETA**2
        gp = pg.gp.Marginal(mean_func=pg.gp.mean.Constant(b), cov_func=cov)
        gp.marginal_likelihood("y", X=x[:, None], y=y, sigma=FIXED_SIGMA)
    return m


def fixed_chol(x: np.ndarray) -> np.ndarray:
    """The Cholesky factor of the fixed kernel matrix, in NumPy, once."""
    K = FIXED_ETA**2 * np.exp(-0.5 * np.square((x[:, None] - x[None, :]) / FIXED_LS))
    return np.linalg.cholesky(K + (FIXED_SIGMA**2 + 1e-6) * np.eye(len(x)))


def fixed_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    L, y = data
    z = jsl.solve_triangular(L, y - p["b"], lower=True)
    logdet = jnp.sum(jnp.log(jnp.diag(L)))
    lp = stats.norm.logpdf(p["b"])
    return lp - 0.5 * z @ z - logdet - 0.5 * len(y) * jnp.log(2 * jnp.pi)


def hsgp_pg(x: np.ndarray, y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        ls = pg.Gamma("ls", alpha=2.0, beta=1.0)
        eta = pg.HalfNormal("eta", 1.0)
        sigma = pg.HalfNormal("sigma", 1.0)
        cov = pg.gp.cov.ExpQuad(1, ls=ls) * eta**2
        f = pg.gp.HSGP(m=[M_HSGP], c=C_HSGP, cov_func=cov).prior("f", X=x[:, None])
        pg.Normal("y", f, sigma, observed=y)
    return m


def hsgp_basis(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Laplacian eigenfunctions at ``x`` and sqrt of the eigenvalues, in NumPy."""
    xc = x - (x.max() + x.min()) / 2
    L = C_HSGP * np.abs(xc).max()
    omega = np.pi * np.arange(1, M_HSGP + 1) / (2 * L)
    return np.sin(omega * (xc[:, None] + L)) / np.sqrt(L), omega


def hsgp_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    phi, omega, y = data
    lp, ls, eta, sigma = _priors(p)
    sqrt_psd = eta * jnp.sqrt(jnp.sqrt(2 * jnp.pi) * ls * jnp.exp(-0.5 * (ls * omega) ** 2))
    beta = p["f_hsgp_coeffs"]
    f = phi @ (beta * sqrt_psd)
    return lp + stats.norm.logpdf(beta).sum() + stats.norm.logpdf(y, f, sigma).sum()


def prepare(timed: Callable[..., Any]) -> dict[tuple[str, str], Callable[[], float]]:
    """(case, side) -> a timer of one call in microseconds, compiled and checked
    (ppgraph and the hand-written function agree)."""
    x1, y1 = _data(N_MARGINAL)
    x2, y2 = _data(N_HSGP)
    phi, omega = hsgp_basis(x2)
    cases = {
        f"`gp.Marginal`, N = {N_MARGINAL:,}": (marginal_pg(x1, y1), marginal_jax, (x1, y1)),
        f"`gp.HSGP`, N = {N_HSGP:,}, m = {M_HSGP}": (hsgp_pg(x2, y2), hsgp_jax, (phi, omega, y2)),
        f"`gp.Marginal`, fixed kernel, N = {N_MARGINAL:,}": (
            fixed_pg(x1, y1),
            fixed_jax,
            (fixed_chol(x1), y1),
        ),
    }
    runs: dict[tuple[str, str], Callable[[], float]] = {}
    rng = np.random.default_rng(3)
    for name, (model, hand, hand_data) in cases.items():
        fn, position = pg.logdensity(model)
        data = tuple(jnp.asarray(d) for d in fn.data)
        position = {
            k: jnp.asarray(v) + 0.1 * rng.normal(size=np.shape(v)) for k, v in position.items()
        }
        ours, ref = float(fn.apply(position, data)), float(hand(position, hand_data))
        if not np.isclose(ours, ref, rtol=1e-8):
            raise AssertionError(f"{name}: ppgraph {ours} != hand-written {ref}")
        for side, f, d in (("ppgraph", fn.apply, data), ("jax", hand, hand_data)):
            g = jax.jit(jax.value_and_grad(f))
            d = tuple(jnp.asarray(a) for a in d)
            jaxpr = str(jax.make_jaxpr(g)(position, d))
            CHOLESKY[(name, side)] = len(re.findall(r"= cholesky\b", jaxpr))  # the primitive
            jax.block_until_ready(g(position, d))  # compile

            def run(g: Any = g, d: Any = d, p: Any = position) -> float:
                (wall, _), _ = timed(lambda: [g(p, d) for _ in range(CALLS)][-1])
                return wall / CALLS * 1e6

            runs[(name, side)] = run
    return runs


def bench_gp(rounds: int, timed: Callable[..., Any]) -> None:
    """Print the Markdown table of medians (µs per call of logp + gradient)."""
    runs = prepare(timed)
    times: dict[tuple[str, str], list[float]] = {k: [] for k in runs}
    for _ in range(rounds):
        for key, run in runs.items():
            times[key].append(run())
    print("\n### Gaussian processes: logp + gradient, µs per call (medians)\n")
    print(f"{rounds} interleaved rounds of {CALLS} calls; ratio: median of the rounds' "
          "ratios. Target: ratio at most 1.10.\n")  # fmt: skip
    print("| model | ppgraph | hand-written JAX | ratio | target | Cholesky ops (pg, JAX) |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    for name in dict.fromkeys(k[0] for k in runs):
        ours = statistics.median(times[(name, "ppgraph")])
        ref = statistics.median(times[(name, "jax")])
        ratios = [
            a / b for a, b in zip(times[(name, "ppgraph")], times[(name, "jax")], strict=True)
        ]
        ratio = statistics.median(ratios)  # of the rounds' ratios
        verdict = "met" if ratio <= 1.10 else "missed"
        chol = f"{CHOLESKY[(name, 'ppgraph')]}, {CHOLESKY[(name, 'jax')]}"
        print(f"| {name} | {ours:,.0f} | {ref:,.0f} | {ratio:.2f} | {verdict} | {chol} |")


# --- pg.sample end to end against PyMC's pm.sample(nuts_sampler="numpyro") ---


def hsgp_pm(pm: Any, x: np.ndarray, y: np.ndarray) -> Any:
    """``hsgp_pg`` written in PyMC."""
    with pm.Model() as m:
        ls = pm.Gamma("ls", alpha=2.0, beta=1.0)
        eta = pm.HalfNormal("eta", 1.0)
        sigma = pm.HalfNormal("sigma", 1.0)
        cov = eta**2 * pm.gp.cov.ExpQuad(1, ls=ls)
        f = pm.gp.HSGP(m=[M_HSGP], c=C_HSGP, cov_func=cov).prior("f", X=x[:, None])
        pm.Normal("y", f, sigma, observed=y)
    return m


def _ess_per_s(idata: Any, wall: float) -> tuple[float, float]:
    """(smallest bulk ESS over the free parameters, that over the wall time)."""
    import arviz as az

    names = ["ls", "eta", "sigma", "f_hsgp_coeffs"]
    ess = az.ess(idata, var_names=names, method="bulk")
    low = min(float(ess[k].min()) for k in names)
    return low, low / wall


def bench_sample(n: int, steps: int, rounds: int) -> None:
    """Print the Markdown table of wall times and ESS/s, rounds interleaved."""
    import time

    try:
        import pymc as pm
    except ImportError:
        pm = None
    x, y = _data(n)
    runs: dict[str, Any] = {
        "`pg.sample`": lambda seed: pg.sample(
            draws=steps, tune=steps, chains=4, random_seed=seed, progressbar=False,
            model=hsgp_pg(x, y), compute_convergence_checks=False,
        ),
    }  # fmt: skip
    if pm is not None:
        runs['`pm.sample(nuts_sampler="numpyro")`'] = lambda seed: pm.sample(
            draws=steps, tune=steps, chains=4, random_seed=seed, progressbar=False,
            nuts_sampler="numpyro", model=hsgp_pm(pm, x, y), compute_convergence_checks=False,
            nuts_sampler_kwargs={"chain_method": "vectorized"},  # as pg.sample's chains
        )  # fmt: skip
    results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in runs}
    for r in range(rounds):
        for name, run in runs.items():
            t = time.perf_counter()
            idata = run(r)
            wall = time.perf_counter() - t
            results[name].append((wall, *_ess_per_s(idata, wall)))
    print(f"\n### Gaussian processes: HSGP sampled end to end (N = {n:,}, m = {M_HSGP})\n")
    print(f"4 chains, {steps} tune + {steps} draws; each run builds the model anew and "
          f"includes compiling; {rounds} interleaved rounds, medians.\n")  # fmt: skip
    print("| sampler | wall s | min bulk ESS | ESS/s |")
    print("| --- | ---: | ---: | ---: |")
    for name, rows in results.items():
        wall, ess, rate = (statistics.median(col) for col in zip(*rows, strict=True))
        print(f"| {name} | {wall:.1f} | {ess:.0f} | {rate:.1f} |")
    if pm is None:
        print('| `pm.sample(nuts_sampler="numpyro")` | not installed | | |')


if __name__ == "__main__":
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample-n", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=200, help="tune = draws")
    parser.add_argument("--sample-rounds", type=int, default=2)
    parser.add_argument("--skip-logp", action="store_true")
    args = parser.parse_args()
    from sampling import timed  # type: ignore[import-not-found]

    with jax.enable_x64(True):
        if not args.skip_logp:
            bench_gp(args.rounds, timed)
        bench_sample(args.sample_n, args.steps, args.sample_rounds)
    print(f"\nLoad average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}.")
