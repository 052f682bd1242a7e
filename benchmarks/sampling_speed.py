"""Issue 15: steady logp + gradient, and the same under ``vmap`` over 256
chains, of ``pg.logdensity`` against hand-written JAX, for the eight schools
(the model of ``sampling.py``), a radon-style varying-intercept regression (919
rows, 85 groups, ``a[idx] + b * x``) and an MvNormal with a constant 200 x 200
covariance (the hand-written side factors it once, in NumPy).

Both sides are ``jax.jit(jax.value_and_grad(f))(position, data)`` (and
``jax.jit(jax.vmap(jax.value_and_grad(f), (0, None)))`` over 256 positions),
with the data as arguments, steady state after a compiling call, interleaved
in one process; medians. Run through ``python benchmarks/sampling.py --only
speed --rounds N``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from _common import interleave
from jax.scipy import stats

import ppgraph as pg

CALLS, CALLS_VMAP, BATCH = 200, 20, 256
N_RADON, G_RADON, N_MV = 919, 85, 200


def radon_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    idx = rng.integers(0, G_RADON, size=N_RADON)
    x = rng.integers(0, 2, size=N_RADON).astype(float)
    a = rng.normal(1.5, 0.3, size=G_RADON)
    return idx, x, a[idx] - 0.6 * x + rng.normal(0.0, 0.7, size=N_RADON)


def radon_pg(idx: np.ndarray, x: np.ndarray, y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        mu_a = pg.Normal("mu_a", 0.0, 10.0)
        sigma_a = pg.HalfNormal("sigma_a", 5.0)
        a = pg.Normal("a", mu_a, sigma_a, shape=G_RADON)
        b = pg.Normal("b", 0.0, 10.0)
        sigma = pg.HalfNormal("sigma", 5.0)
        pg.Normal("y", a[idx] + b * x, sigma, observed=y)
    return m


def _half_normal(log_s: Any, scale: float) -> Any:  # density of s, and the log-Jacobian
    s = jnp.exp(log_s)
    return jnp.log(2.0) + stats.norm.logpdf(s, 0.0, scale) + log_s


def radon_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    idx, x, y = data
    sigma_a, sigma = jnp.exp(p["sigma_a_log__"]), jnp.exp(p["sigma_log__"])
    r = y - p["a"][idx] - p["b"] * x
    like = -0.5 * jnp.sum(r * r) / sigma**2 - y.shape[0] * (
        jnp.log(sigma) + 0.5 * jnp.log(2 * jnp.pi)
    )
    return (stats.norm.logpdf(p["mu_a"], 0.0, 10.0) + _half_normal(p["sigma_a_log__"], 5.0)
            + jnp.sum(stats.norm.logpdf(p["a"], p["mu_a"], sigma_a))
            + stats.norm.logpdf(p["b"], 0.0, 10.0) + _half_normal(p["sigma_log__"], 5.0)
            + like)  # fmt: skip


def radon_numpyro(idx: Any, x: Any, y: Any) -> None:
    import numpyro
    import numpyro.distributions as dist

    mu_a = numpyro.sample("mu_a", dist.Normal(0.0, 10.0))
    sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(5.0))
    a = numpyro.sample("a", dist.Normal(mu_a, sigma_a).expand([G_RADON]))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(5.0))
    numpyro.sample("y", dist.Normal(a[idx] + b * x, sigma), obs=y)


def radon_pymc(idx: np.ndarray, x: np.ndarray, y: np.ndarray) -> Any:
    import pymc as pm

    with pm.Model() as m:
        mu_a, sigma_a = pm.Normal("mu_a", 0.0, 10.0), pm.HalfNormal("sigma_a", 5.0)
        a = pm.Normal("a", mu_a, sigma_a, shape=G_RADON)
        b, sigma = pm.Normal("b", 0.0, 10.0), pm.HalfNormal("sigma", 5.0)
        pm.Normal("y", a[idx] + b * x, sigma, observed=y)
    return m


def mv_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(6)
    a = rng.normal(size=(N_MV, N_MV))
    return a @ a.T / N_MV + np.eye(N_MV), rng.normal(size=N_MV)


def mv_pg(cov: np.ndarray, y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0, shape=N_MV)
        pg.MvNormal("y", mu, cov=cov, observed=y)
    return m


def mv_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    chol, logdet, y = data  # the factor and its log-determinant, computed once
    z = jax.scipy.linalg.solve_triangular(chol, y - p["mu"], lower=True)
    like = -0.5 * jnp.sum(z * z) - 0.5 * logdet - 0.5 * N_MV * jnp.log(2 * jnp.pi)
    return jnp.sum(stats.norm.logpdf(p["mu"])) + like


def prepare(
    timed: Callable[..., Any], schools: tuple[pg.Model, Callable[..., Any], tuple[Any, ...]]
) -> dict[tuple[str, str, str], Callable[[], float]]:
    """(case, side, steady|vmap) -> a timer of one call in microseconds, compiled
    and checked (both sides give the same value)."""
    idx, x, y = radon_data()
    cov, ymv = mv_data()
    chol = np.linalg.cholesky(cov)
    logdet = 2.0 * np.sum(np.log(np.diag(chol)))
    cases = {
        "eight schools": schools,
        f"radon, {N_RADON} rows, {G_RADON} groups": (radon_pg(idx, x, y), radon_jax, (idx, x, y)),
        f"MvNormal N = {N_MV}, constant cov": (mv_pg(cov, ymv), mv_jax, (chol, logdet, ymv)),
    }
    runs: dict[tuple[str, str, str], Callable[[], float]] = {}
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
        batch = {
            k: v + 0.1 * jnp.asarray(rng.normal(size=(BATCH, *np.shape(v))))
            for k, v in position.items()
        }
        for side, f, d in (("ppgraph", fn.apply, data), ("jax", hand, hand_data)):
            d = tuple(jnp.asarray(a) for a in d)
            vg = jax.value_and_grad(f)
            for how, g, p, calls in (
                ("steady", jax.jit(vg), position, CALLS),
                ("vmap", jax.jit(jax.vmap(vg, (0, None))), batch, CALLS_VMAP),
            ):
                jax.block_until_ready(g(p, d))  # compile

                def run(g: Any = g, d: Any = d, p: Any = p, calls: int = calls) -> float:
                    (wall, _), _ = timed(lambda: [g(p, d) for _ in range(calls)][-1])
                    return wall / calls * 1e6

                runs[(name, side, how)] = run
    return runs


def bench_speed(rounds: int, timed: Callable[..., Any], schools: Any) -> None:
    """Print the Markdown table of medians (µs per call)."""
    runs = prepare(timed, schools)
    times = interleave(runs, rounds)  # type: ignore[arg-type]
    print("\n### logp + gradient against hand-written JAX, µs per call (medians)\n")
    print(f"{rounds} interleaved rounds; steady: {CALLS} calls, vmap: {CALLS_VMAP} calls "
          f"over {BATCH} positions. Targets: 1.10 steady, 1.30 under vmap.\n")  # fmt: skip
    print("| model | steady ppgraph | steady JAX | ratio | vmap ppgraph | vmap JAX | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in dict.fromkeys(k[0] for k in runs):
        cells = []
        for how in ("steady", "vmap"):
            ours = statistics.median(times[(name, "ppgraph", how)])
            ref = statistics.median(times[(name, "jax", how)])
            cells.append(f"{ours:,.0f} | {ref:,.0f} | {ours / ref:.2f}")
        print(f"| {name} | {' | '.join(cells)} |")
