"""Time series (issue 12): the cost of logp + gradient of ``pg.logdensity`` against
hand-written JAX, for a stochastic-volatility model (``GaussianRandomWalk``) at
T = 1,000 and 10,000, an AR(2) and a GARCH(1,1) at T = 10,000.

Run through ``python benchmarks/sampling.py --only timeseries [--rounds N]``
(this module holds the models; ``sampling.py`` its ``timed`` helper and the
command line). Both sides are ``jax.jit(jax.value_and_grad(f))(position, data)``,
the data as arguments; steady state (after a compiling call), one chain and
``jax.vmap`` over 256 chains. The cases are interleaved in one process, each
call timed alone, the two sides alternating call by call, ``CALLS`` calls a side
per round; medians of the rounds' medians, and the median of the rounds' ratios.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt

CALLS, VMAP_CHAINS = 20, 256


def sv_data(t: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    log_vol = np.cumsum(0.1 * rng.normal(size=t))
    return np.exp(log_vol) * rng.normal(size=t)


def sv_pg(r: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        sigma = pg.HalfNormal("sigma", 0.5)
        s = pg.GaussianRandomWalk(
            "s", sigma=sigma, init_dist=pg.Normal.dist(0.0, 1.0), steps=len(r) - 1
        )
        pg.Normal("r", 0.0, pt.exp(s), observed=r)
    return m


def sv_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    (r,) = data
    s, sigma = p["s"], jnp.exp(p["sigma_log__"])
    half = jnp.log(2.0) + stats.norm.logpdf(sigma, 0.0, 0.5) + p["sigma_log__"]
    walk = stats.norm.logpdf(s[0], 0.0, 1.0) + stats.norm.logpdf(jnp.diff(s), 0.0, sigma).sum()
    return half + walk + stats.norm.logpdf(r, 0.0, jnp.exp(s)).sum()


def ar_data(t: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    x = np.zeros(t)
    for i in range(2, t):
        x[i] = 0.5 * x[i - 1] - 0.3 * x[i - 2] + rng.normal()
    return x


def ar_pg(y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        rho = pg.Normal("rho", 0.0, 0.5, shape=2)
        sigma = pg.HalfNormal("sigma", 1.0)
        pg.AR("y", rho=rho, sigma=sigma, init_dist=pg.Normal.dist(0.0, 1.0), observed=y)
    return m


def ar_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    (y,) = data
    rho, sigma = p["rho"], jnp.exp(p["sigma_log__"])
    prior = stats.norm.logpdf(rho, 0.0, 0.5).sum()
    prior += jnp.log(2.0) + stats.norm.logpdf(sigma, 0.0, 1.0) + p["sigma_log__"]
    mean = rho[0] * y[1:-1] + rho[1] * y[:-2]
    lik = stats.norm.logpdf(y[:2], 0.0, 1.0).sum() + stats.norm.logpdf(y[2:], mean, sigma).sum()
    return prior + lik


def garch_data(t: int) -> np.ndarray:
    rng = np.random.default_rng(2)
    x, var = np.zeros(t), 1.0
    for i in range(t):
        if i:
            var = 0.1 + 0.2 * x[i - 1] ** 2 + 0.7 * var
        x[i] = np.sqrt(var) * rng.normal()
    return x


def garch_pg(y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        omega = pg.HalfNormal("omega", 1.0)
        alpha_1 = pg.HalfNormal("alpha_1", 0.5)
        beta_1 = pg.HalfNormal("beta_1", 0.5)
        pg.GARCH11("y", omega, alpha_1, beta_1, initial_vol=1.0, observed=y)
    return m


def garch_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    (y,) = data
    logs = [p[k] for k in ("omega_log__", "alpha_1_log__", "beta_1_log__")]
    w, a, b = (jnp.exp(v) for v in logs)
    prior = sum(
        jnp.log(2.0) + stats.norm.logpdf(jnp.exp(v), 0.0, s) + v
        for v, s in zip(logs, (1.0, 0.5, 0.5), strict=True)
    )

    def step(var: Any, x_prev: Any) -> tuple[Any, Any]:
        var = w + a * x_prev**2 + b * var
        return var, var

    _, var = jax.lax.scan(step, jnp.ones((), y.dtype), y[:-1])
    var = jnp.concatenate([jnp.ones(1, y.dtype), var])
    return prior + (-0.5 * (y**2 / var + jnp.log(var) + jnp.log(2 * jnp.pi))).sum()


CASES: dict[str, tuple[Callable[[], np.ndarray], Callable[..., pg.Model], Callable[..., Any]]] = {
    "stochastic volatility (GaussianRandomWalk), T = 1,000": (
        lambda: sv_data(1_000), sv_pg, sv_jax,
    ),
    "stochastic volatility (GaussianRandomWalk), T = 10,000": (
        lambda: sv_data(10_000), sv_pg, sv_jax,
    ),
    "AR(2), T = 10,000": (lambda: ar_data(10_000), ar_pg, ar_jax),
    "GARCH(1,1), T = 10,000": (lambda: garch_data(10_000), garch_pg, garch_jax),
}  # fmt: skip


def _paired(
    timed: Callable[..., Any],
    fs: tuple[Callable[..., Any], Callable[..., Any]],
    pos: Any,
    data: Any,
) -> Callable[[], tuple[float, float]]:
    """A round: ``CALLS`` calls of each side, alternating, each timed alone; the
    two medians in µs. Alternating call by call pairs the sides under the same
    load, so the ratio is robust to the other jobs' preemptions."""

    def run() -> tuple[float, float]:
        walls: tuple[list[float], list[float]] = ([], [])
        for _ in range(CALLS):
            for side, f in enumerate(fs):
                walls[side].append(timed(lambda f=f: f(pos, data))[0][0])
        return statistics.median(walls[0]) * 1e6, statistics.median(walls[1]) * 1e6

    return run


def prepare(timed: Callable[..., Any]) -> dict[tuple[str, str], Callable[[], tuple[float, float]]]:
    """(case, mode) -> a round of timed calls (ppgraph, hand-written), compiled
    and checked (ppgraph and the hand-written function agree)."""
    runs: dict[tuple[str, str], Callable[[], tuple[float, float]]] = {}
    for name, (make_data, make_pg, hand) in CASES.items():
        fn, position = pg.logdensity(make_pg(make_data()))
        data = tuple(jnp.asarray(d) for d in fn.data)
        rng = np.random.default_rng(3)
        position = {
            k: jnp.asarray(v) + 0.01 * rng.normal(size=np.shape(v)) for k, v in position.items()
        }
        ours, ref = float(fn.apply(position, data)), float(hand(position, data))
        if not np.isclose(ours, ref, rtol=1e-9):
            raise AssertionError(f"{name}: ppgraph {ours} != hand-written {ref}")
        batch = {
            k: jnp.broadcast_to(v, (VMAP_CHAINS, *jnp.shape(v))) + 0.0 for k, v in position.items()
        }
        for mode, pos in (("steady", position), ("vmap", batch)):
            pair = []
            for f in (fn.apply, hand):
                g = jax.value_and_grad(f)
                g = jax.jit(g if mode == "steady" else jax.vmap(g, in_axes=(0, None)))
                jax.block_until_ready(g(pos, data))  # compile
                pair.append(g)
            runs[(name, mode)] = _paired(timed, (pair[0], pair[1]), pos, data)
    return runs


def bench_timeseries(rounds: int, timed: Callable[..., Any]) -> None:
    """Print the Markdown table of medians (µs per call of logp + gradient)."""
    runs = prepare(timed)
    times: dict[tuple[str, str], list[tuple[float, float]]] = {k: [] for k in runs}
    load_before = os.getloadavg()
    for _ in range(rounds):
        for key, run in runs.items():
            times[key].append(run())
    load_after = os.getloadavg()
    print("\n### time series: logp + gradient, µs per call (medians)\n")
    print(
        f"{rounds} rounds of {CALLS} calls a side, the sides alternating call by call, each "
        "call timed alone; times are medians "
        "of the rounds' medians, the ratio the median of the rounds' ratios (range in "
        f"brackets); `vmap`: {VMAP_CHAINS} chains in one call. Targets: ratio at most 1.10 "
        "steady, 1.3 under `vmap`. Load average (1, 5, 15 min) "
        f"{_load(load_before)} before, {_load(load_after)} after.\n"
    )
    print("| model | mode | ppgraph | hand-written JAX | ratio | target |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for name in CASES:
        for mode, target in (("steady", 1.10), ("vmap", 1.3)):
            ours_t = [a for a, _ in times[(name, mode)]]
            ref_t = [b for _, b in times[(name, mode)]]
            ratios = [a / b for a, b in zip(ours_t, ref_t, strict=True)]
            ratio = statistics.median(ratios)
            verdict = "met" if ratio <= target else "missed"
            print(
                f"| {name} | {mode} | {statistics.median(ours_t):,.0f} | "
                f"{statistics.median(ref_t):,.0f} | {ratio:.2f} "
                f"[{min(ratios):.2f}, {max(ratios):.2f}] | {verdict} |"
            )


def _load(avg: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.1f}" for v in avg)
