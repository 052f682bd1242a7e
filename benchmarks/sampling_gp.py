"""Gaussian processes (issue 13): the cost of logp + gradient of ``pg.logdensity``
against hand-written JAX, for ``gp.Marginal`` at N = 1,000 (exact GP
regression: a 1,000 x 1,000 Cholesky per call) and ``gp.HSGP`` at N = 100,000
with m = 50 basis functions.

Run through ``python benchmarks/sampling.py --only gp [--rounds N]`` (this module
holds the models; ``sampling.py`` its ``timed`` helper, the command line and the
machine line). Both sides are ``jax.jit(jax.value_and_grad(f))(position, data)``
with the data as arguments; steady state (after a compiling call), one chain.
The two sides are interleaved in one process, each call timed ``CALLS`` times per
round; medians over rounds. The hand-written HSGP takes its basis as data,
computed once, as a person would write it.
"""

from __future__ import annotations

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
N_MARGINAL, N_HSGP, M_HSGP, C_HSGP = 1_000, 100_000, 50, 1.5


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
    print(f"{rounds} interleaved rounds of {CALLS} calls. Target: ratio at most 1.10.\n")
    print("| model | ppgraph | hand-written JAX | ratio | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name in dict.fromkeys(k[0] for k in runs):
        ours = statistics.median(times[(name, "ppgraph")])
        ref = statistics.median(times[(name, "jax")])
        verdict = "met" if ours / ref <= 1.10 else "missed"
        print(f"| {name} | {ours:,.0f} | {ref:,.0f} | {ours / ref:.2f} | {verdict} |")
