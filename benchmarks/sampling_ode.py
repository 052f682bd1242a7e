"""ODE models (issue 17): Lotka-Volterra on the Hudson's Bay lynx-hare data
(Carpenter's Stan case-study model, as PyMC users write it), ``pg.ode`` against
the same model written by hand on diffrax (same solver, ``Tsit5``; same PID
tolerances, ``rtol=1e-6``, ``atol=1e-8``; same ``max_steps`` and adjoint).

Run through ``python benchmarks/sampling.py --only ode [--rounds N] [--steps-ode N]``
(this module holds the models; ``sampling.py`` its timing, BlackJAX driver, ESS
and machine helpers, and the command line). Two measurements:

1. logp + gradient, ``jax.jit(jax.value_and_grad(f))(position, data)``, steady
   state (after a compiling call), one chain and ``jax.vmap`` over 4 chains;
   the sides interleaved in one process, ``CALLS`` calls per round, medians.
2. End to end: ``pg.sample`` (4 chains, ``--steps-ode`` tune and draws) against
   ``sampling.py``'s BlackJAX driver on the hand-written log-density, and
   PyMC's ``pm.sample`` on ``pm.ode.DifferentialEquation`` when PyMC is
   installed; first run (compile included) then medians of the rounds.
"""

from __future__ import annotations

import statistics
import types
from collections.abc import Callable
from typing import Any

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt

CALLS = 20
# fmt: off
HARE = np.array([30.0, 47.2, 70.2, 77.4, 36.3, 20.6, 18.1, 21.4, 22.0, 25.4, 27.1,
                 40.3, 57.0, 76.6, 52.3, 19.5, 11.2, 7.6, 14.6, 16.2, 24.7])
LYNX = np.array([4.0, 6.1, 9.8, 35.2, 59.4, 41.7, 19.0, 13.0, 8.3, 9.1, 7.4,
                 8.0, 12.3, 19.5, 45.7, 51.1, 29.7, 15.8, 9.7, 10.1, 8.6])
# fmt: on
TIMES = np.arange(1.0, 21.0)
OBS = np.log(np.column_stack([HARE, LYNX]))
MU, SD = np.array([1.0, 0.05, 1.0, 0.05]), np.array([0.5, 0.05, 0.5, 0.05])
THETA, Y0 = np.array([0.55, 0.028, 0.80, 0.024]), np.array([33.9, 5.9])


def lotka_volterra(y: Any, t: Any, p: Any) -> list[Any]:
    return [p[0] * y[0] - p[1] * y[0] * y[1], -p[2] * y[1] + p[3] * y[0] * y[1]]


def lv_pg() -> pg.Model:
    ode = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4)
    with pg.Model() as m:
        theta = pg.Normal("theta", mu=MU, sigma=SD, shape=4, transform=None)
        z0 = pg.LogNormal("z0", mu=np.log(10.0), sigma=1.0, shape=2)
        sigma = pg.LogNormal("sigma", mu=-1.0, sigma=1.0, shape=2)
        sol = ode(y0=z0, theta=theta)
        pg.Normal("y_init", pt.log(z0), sigma, observed=OBS[0])
        pg.Normal("y", pt.log(sol), sigma, observed=OBS[1:])
    return m


def _vector_field(t: Any, y: Any, p: Any) -> Any:
    return jnp.stack(lotka_volterra(y, t, p))


TERM = diffrax.ODETerm(_vector_field)


def lv_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    """The same log-density by hand (LogNormal with its log transform is a Normal
    on the log scale); the solve as a diffrax user writes it, the fixed ``times``
    as constants (as ``pg.ode`` holds them: passed as an argument instead, the
    same solve took about 15% longer here)."""
    (obs,) = data
    ts = jnp.asarray(TIMES)
    z0, sigma = jnp.exp(p["z0_log__"]), jnp.exp(p["sigma_log__"])
    sol = diffrax.diffeqsolve(
        TERM, diffrax.Tsit5(), t0=0.0, t1=ts[-1], dt0=None, y0=z0, args=p["theta"],
        saveat=diffrax.SaveAt(ts=ts), max_steps=4096,
        stepsize_controller=diffrax.PIDController(rtol=1e-6, atol=1e-8),
        adjoint=diffrax.RecursiveCheckpointAdjoint(), throw=False,
    )  # fmt: skip
    lp = jnp.sum(stats.norm.logpdf(p["theta"], MU, SD))
    lp += jnp.sum(stats.norm.logpdf(p["z0_log__"], jnp.log(10.0), 1.0))
    lp += jnp.sum(stats.norm.logpdf(p["sigma_log__"], -1.0, 1.0))
    lp += jnp.sum(stats.norm.logpdf(obs[0], p["z0_log__"], sigma))
    lp += jnp.sum(stats.norm.logpdf(obs[1:], jnp.log(sol.ys), sigma))
    return jnp.where(sol.result == diffrax.RESULTS.successful, lp, -jnp.inf)


def start(chains: int) -> dict[str, np.ndarray]:
    """Near the posterior mode, jittered per chain (both sides start here)."""
    rng = np.random.default_rng(0)
    point = {"theta": THETA, "z0_log__": np.log(Y0), "sigma_log__": np.log([0.3, 0.3])}
    return {k: v * (1 + 0.01 * rng.normal(size=(chains, v.size))) for k, v in point.items()}


def logp_grad_runs(timed: Callable[..., Any], chains: int) -> dict[tuple[str, str], Any]:
    """(case, side) -> a timer of one call in µs, compiled and checked equal."""
    fn, _ = pg.logdensity(lv_pg())
    data = tuple(jnp.asarray(d) for d in fn.data)
    hand_data = (jnp.asarray(OBS),)
    batch = {k: jnp.asarray(v) for k, v in start(chains).items()}
    one = {k: v[0] for k, v in batch.items()}
    ours, ref = float(fn.apply(one, data)), float(lv_jax(one, hand_data))
    if not np.isclose(ours, ref, rtol=1e-8):
        raise AssertionError(f"Lotka-Volterra: ppgraph {ours} != hand-written {ref}")
    runs = {}
    for side, f, d in (("ppgraph", fn.apply, data), ("diffrax", lv_jax, hand_data)):
        vg = jax.value_and_grad(f)
        for case, g, p in (
            ("1 chain", jax.jit(vg), one),
            (f"vmap over {chains} chains", jax.jit(jax.vmap(vg, in_axes=(0, None))), batch),
        ):
            jax.block_until_ready(g(p, d))  # compile

            def run(g: Any = g, d: Any = d, p: Any = p) -> float:
                (wall, _), _ = timed(lambda: [g(p, d) for _ in range(CALLS)][-1])
                return wall / CALLS * 1e6

            runs[(case, side)] = run
    return runs


def pymc_run(tune: int, draws: int, chains: int, helpers: types.ModuleType) -> Any:
    """PyMC's ``pm.sample`` on ``pm.ode.DifferentialEquation``, or None without PyMC."""
    try:
        import pymc as pm
    except ImportError:
        return None
    ode = pm.ode.DifferentialEquation(func=lotka_volterra, times=TIMES, n_states=2, n_theta=4)
    with pm.Model() as m:
        theta = pm.Normal("theta", mu=MU, sigma=SD, shape=4, transform=None)
        z0 = pm.LogNormal("z0", mu=np.log(10.0), sigma=1.0, shape=2)
        sigma = pm.LogNormal("sigma", mu=-1.0, sigma=1.0, shape=2)
        sol = ode(y0=z0, theta=theta)
        pm.Normal("y_init", pm.math.log(z0), sigma, observed=OBS[0])
        pm.Normal("y", pm.math.log(sol), sigma, observed=OBS[1:])

    def run(seed: int) -> Any:
        with m:
            (wall, cpu), idata = helpers.timed(lambda: pm.sample(
                draws=draws, tune=tune, chains=chains, random_seed=seed, progressbar=False,
                init="adapt_diag",
                initvals={"theta": THETA, "z0": Y0, "sigma": [0.3, 0.3]}))  # fmt: skip
        return wall, cpu, helpers.min_ess(idata.posterior), 0.0

    return run


def sample_runs(steps: int, helpers: types.ModuleType) -> dict[str, Callable[[int], Any]]:
    """name -> run(seed) -> (wall s, CPU s, min bulk ESS, gradient evaluations)."""
    chains = helpers.CHAINS
    model = lv_pg()
    hand = helpers.blackjax_run(lv_jax, steps, steps)
    init = {k: jnp.asarray(v) for k, v in start(chains).items()}
    hand_data = (jnp.asarray(OBS),)

    def pg_sample(seed: int) -> Any:
        (wall, cpu), idata = helpers.timed(lambda: pg.sample(
            draws=steps, tune=steps, chains=chains, random_seed=seed, progress_bar=False,
            model=model, compute_convergence_checks=False, init="adapt_diag",
            initvals={"theta": THETA, "z0": Y0, "sigma": [0.3, 0.3]}))  # fmt: skip
        return wall, cpu, helpers.min_ess(idata.posterior), 0.0

    runs: dict[str, Callable[[int], Any]] = {
        "`pg.sample` end to end (BlackJAX NUTS)": pg_sample,
        "BlackJAX NUTS on hand-written diffrax": lambda seed: helpers._ess_time(
            lambda: hand(jax.random.key(seed), init, hand_data)
        ),
    }
    pm_run = pymc_run(steps, steps, chains, helpers)
    if pm_run is not None:
        runs["PyMC `pm.sample` on `pm.ode.DifferentialEquation`"] = pm_run
    return runs


def bench_ode(rounds: int, steps: int, helpers: types.ModuleType) -> None:
    """Print the Markdown tables (medians). ``helpers`` is ``sampling.py``."""
    runs = logp_grad_runs(helpers.timed, helpers.CHAINS)
    times: dict[tuple[str, str], list[float]] = {k: [] for k in runs}
    for _ in range(rounds):
        for key, run in runs.items():
            times[key].append(run())
    print("\n### Lotka-Volterra ODE: logp + gradient, µs per call (medians)\n")
    print(f"{rounds} interleaved rounds of {CALLS} calls. Target: ratio at most 1.2.\n")
    print("| case | `pg.ode` | hand-written diffrax | ratio | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for case in dict.fromkeys(k[0] for k in runs):
        ours = statistics.median(times[(case, "ppgraph")])
        ref = statistics.median(times[(case, "diffrax")])
        verdict = "met" if ours / ref <= 1.2 else "missed"
        print(f"| {case} | {ours:,.0f} | {ref:,.0f} | {ours / ref:.2f} | {verdict} |")

    samplers = sample_runs(steps, helpers)
    first = {k: run(0)[0] for k, run in samplers.items()}  # compiles
    results: dict[str, list[Any]] = {k: [] for k in samplers}
    for r in range(1, rounds + 1):
        for k, run in samplers.items():
            results[k].append(run(r))
    print(f"\n### Lotka-Volterra ODE: sampling end to end, {helpers.CHAINS} chains x "
          f"({steps} tune + {steps} draws)\n")  # fmt: skip
    print("| sampler | first run, wall (compile included) | run, wall | run, CPU | min bulk ESS |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for k in samplers:
        wall, cpu, ess = (statistics.median(x[i] for x in results[k]) for i in range(3))
        print(f"| {k} | {first[k]:.1f} s | {wall:.2f} s | {cpu:.2f} s | {ess:.0f} |")
    if len(samplers) == 2:
        print("\nPyMC is not installed here, so `pm.sample` on `pm.ode.DifferentialEquation` "
              "(the 10x target) is not timed.")  # fmt: skip
