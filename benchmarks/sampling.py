"""Effective samples per second of NUTS: BlackJAX on ``pg.logdensity`` against the
same BlackJAX driver on a hand-written JAX log-density (target: at least 0.95 of
it) and against NumPyro's NUTS on NumPyro's own model (target: at least 1.0),
for the eight schools (non-centered) and a logistic regression with 100,000
rows; NumPyro's NUTS on ``pg.potential_fn`` (the log-densities compared inside
one sampler); plus ``pg.sample`` end to end (and PyMC's ``pm.sample(nuts_sampler=
"numpyro")`` when PyMC is installed). ``--only radon``: the same rows for the
radon varying-intercept model of ``sampling_speed.py`` (919 rows, 85 groups).

Every variant runs 4 chains, vectorized, warm-up by window adaptation, the
whole run in one jit, with the data as arguments of the jitted function. The
time is the wall time of a run after a first (compiling) run; the effective
sample size is the smallest bulk ESS over the parameters (ArviZ). ESS/s depends
on where each run's adaptation lands (trajectories are chaotic, so the same seed
gives different step sizes for log-densities equal to rounding); the time per
gradient evaluation (run time over the leapfrog steps of all chains, warm-up
included) measures the log-density's cost alone. Rounds are interleaved in one
process; medians are reported.

Run: ``python benchmarks/sampling.py [--rounds N] [--steps N] [--rounds-logistic N]
[--steps-logistic N] [--steps-ode N] [--steps-discrete N]
[--only schools|logistic|compile|timeseries|gp|ode|speed|discrete|first-draw|radon]``;
prints a Markdown section. ``--only timeseries`` times logp + gradient of the time-series models of
``sampling_timeseries.py`` instead (``--rounds`` rounds); ``--only gp`` those of
``gp.Marginal`` and ``gp.HSGP`` in ``sampling_gp.py``; ``--only ode`` the
Lotka-Volterra ODE model of ``sampling_ode.py`` (logp + gradient against
hand-written diffrax, and sampling end to end, ``--steps-ode`` tune and draws);
``--only speed`` logp + gradient, steady and under ``vmap`` over 256 chains,
against hand-written JAX (``sampling_speed.py``); ``--only discrete`` the coal-mining
switchpoint model, ``pg.sample`` with it summed out against PyMC's compound step
(``sampling_discrete.py``, ``--steps-discrete`` tune and draws); ``--only first-draw``
``pg.sample`` in a fresh process and in a second one with the first one's cache
(``sampling_first_draw.py``, ``--rounds`` pairs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import arviz as az
import jax
import jax.numpy as jnp
import numpy as np
from _common import nuts_chain
from jax.scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt

CHAINS = 4
OURS, HAND = "BlackJAX on `pg.logdensity`", "BlackJAX on hand-written JAX"
NUMPYRO, NUMPYRO_PG = "NumPyro NUTS, NumPyro's model", "NumPyro NUTS on `pg.potential_fn`"
Y8 = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
S8 = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
ROWS, COLS = 100_000, 10
ONLY = ["schools", "logistic", "compile", "timeseries", "gp", "ode", "speed", "discrete",
        "first-draw", "radon"]  # fmt: skip
PYMC = "PyMC `pm.sample(nuts_sampler='numpyro')`"
PG_SAMPLE = "`pg.sample` end to end"


# --- the two models, three ways each ----------------------------------------


def schools_pg() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 5.0)
        tau = pg.HalfCauchy("tau", 5.0)
        theta_t = pg.Normal("theta_t", 0.0, 1.0, shape=8)
        pg.Deterministic("theta", mu + tau * theta_t)
        pg.Normal("y", mu + tau * theta_t, S8, observed=Y8)
    return m


def schools_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    y, s = data
    tau = jnp.exp(p["tau_log__"])
    return (stats.norm.logpdf(p["mu"], 0.0, 5.0) + jnp.log(2.0) + stats.cauchy.logpdf(tau, 0, 5)
            + p["tau_log__"] + jnp.sum(stats.norm.logpdf(p["theta_t"]))
            + jnp.sum(stats.norm.logpdf(y, p["mu"] + tau * p["theta_t"], s)))  # fmt: skip


def schools_numpyro(y: Any, s: Any) -> None:
    import numpyro
    import numpyro.distributions as dist

    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    theta_t = numpyro.sample("theta_t", dist.Normal(0.0, 1.0).expand([8]))
    numpyro.sample("y", dist.Normal(mu + tau * theta_t, s), obs=y)


def logistic_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, COLS))
    beta = rng.normal(0.0, 0.5, size=COLS)
    y = rng.uniform(size=ROWS) < 1 / (1 + np.exp(-(0.3 + x @ beta)))
    return x, y.astype(np.int64)


def logistic_pg(x: np.ndarray, y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        xd = pg.Data("x", x)
        alpha = pg.Normal("alpha", 0.0, 2.0)
        beta = pg.Normal("beta", 0.0, 1.0, shape=COLS)
        pg.Bernoulli("y", logit_p=alpha + pt.dot(xd, beta), observed=y)
    return m


def logistic_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    x, y = data
    z = p["alpha"] + x @ p["beta"]
    return (stats.norm.logpdf(p["alpha"], 0.0, 2.0) + jnp.sum(stats.norm.logpdf(p["beta"]))
            + jnp.sum(y * z - jnp.logaddexp(0.0, z)))  # fmt: skip


def logistic_numpyro(x: Any, y: Any) -> None:
    import numpyro
    import numpyro.distributions as dist

    alpha = numpyro.sample("alpha", dist.Normal(0.0, 2.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 1.0).expand([x.shape[1]]))
    numpyro.sample("y", dist.Bernoulli(logits=alpha + x @ beta), obs=y)


# --- drivers ----------------------------------------------------------------


def blackjax_run(logdensity: Callable[..., Any], tune: int, draws: int) -> Callable[..., Any]:
    """Window adaptation then NUTS, chains vmapped, in one jit; data as arguments."""

    def run(key: Any, init: Any, data: Any) -> Any:
        def ld(p: Any) -> Any:
            return logdensity(p, data)

        chain = nuts_chain(ld, tune, draws)
        positions, steps = jax.vmap(chain)(jax.random.split(key, CHAINS), init)
        return positions, jnp.sum(steps)

    return jax.jit(run)


def numpyro_run(
    np_model: Callable[..., Any], args: tuple[Any, ...], tune: int, draws: int
) -> Callable[[int], Any]:
    """NumPyro's NUTS kernel (``init`` then ``sample``, its warm-up adaptation
    inside) on its own model, chains vectorized, scanned in one jit. (``MCMC.run``
    compiles its loop again on every call, so its repeat runs time XLA, not NUTS.)"""
    from numpyro.infer import NUTS

    kernel = NUTS(np_model)
    state0 = kernel.init(jax.random.split(jax.random.key(0), CHAINS), tune, None, args, {})

    @jax.jit
    def loop(state: Any, args: Any) -> Any:
        def body(s: Any, _: None) -> Any:
            s = kernel.sample(s, args, {})
            return s, (s.z, s.num_steps)

        zs, steps = jax.lax.scan(body, state, None, length=tune + draws)[1]
        return jax.tree.map(lambda z: jnp.swapaxes(z[tune:], 0, 1), zs), jnp.sum(steps)

    def run(seed: int) -> Any:
        state = state0._replace(rng_key=jax.random.split(jax.random.key(seed), CHAINS))
        return loop(state, args)

    return run


def numpyro_pg_run(fn: pg.LogDensity, init: Any, tune: int, draws: int) -> Callable[..., Any]:
    """The same NumPyro NUTS driver on ``pg.potential_fn`` (``-fn``): NumPyro's
    sampler on ppgraph's log-density, to compare with NumPyro's own model the
    log-density alone. The kernel is built inside the jit, so the data stay
    arguments (``potential_fn`` is a function of the position alone)."""
    from numpyro.infer import NUTS

    @jax.jit
    def loop(key: Any, init: Any, data: Any) -> Any:
        kernel = NUTS(potential_fn=lambda p: -fn.apply(p, data))
        state = kernel.init(jax.random.split(key, CHAINS), tune, init, None, {})

        def body(s: Any, _: None) -> Any:
            s = kernel.sample(s, (), {})
            return s, (s.z, s.num_steps)

        zs, steps = jax.lax.scan(body, state, None, length=tune + draws)[1]
        return jax.tree.map(lambda z: jnp.swapaxes(z[tune:], 0, 1), zs), jnp.sum(steps)

    return loop


def min_ess(draws: Any) -> float:
    ess = az.ess({k: np.asarray(v) for k, v in draws.items()}, method="bulk")
    return float(min(float(ess[k].min()) for k in ess.data_vars))


# wall seconds, CPU seconds, min ESS, gradient evaluations (0: unknown)
Result = tuple[float, float, float, float]


def timed(fn: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    """Wall time and this process's CPU time (all threads) of ``fn()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = jax.block_until_ready(fn())
    return (time.perf_counter() - wall, time.process_time() - cpu), out


def variants(
    model: pg.Model, hand: Callable[..., Any], np_model: Callable[..., Any], np_args: tuple,
    tune: int, draws: int,
) -> dict[str, Callable[[int], Result]]:  # fmt: skip
    """name -> run(seed) -> (wall s, CPU s, min bulk ESS, gradient evaluations)."""
    fn, _ = pg.logdensity(model)
    init = pg.initial_positions(model, chains=CHAINS, random_seed=0)
    ours, theirs = blackjax_run(fn.apply, tune, draws), blackjax_run(hand, tune, draws)
    data_pg = tuple(jnp.asarray(d) for d in fn.data)
    data_hand = tuple(jnp.asarray(a) for a in np_args)
    numpyro_loop = numpyro_run(np_model, data_hand, tune, draws)
    numpyro_pg = numpyro_pg_run(fn, init, tune, draws)

    def bj(run: Callable[..., Any], data: Any) -> Callable[[int], Result]:
        return lambda seed: _ess_time(lambda: run(jax.random.key(seed), init, data))

    def pg_sample(seed: int) -> Result:
        (wall, cpu), idata = timed(lambda: pg.sample(
            draws=draws, tune=tune, chains=CHAINS, random_seed=seed, progress_bar=False,
            model=model, compute_convergence_checks=False))  # fmt: skip
        return wall, cpu, min_ess(idata.posterior), 0.0

    return {
        OURS: bj(ours, data_pg),
        HAND: bj(theirs, data_hand),
        NUMPYRO: lambda seed: _ess_time(lambda: numpyro_loop(seed)),
        NUMPYRO_PG: lambda seed: _ess_time(lambda: numpyro_pg(jax.random.key(seed), init, data_pg)),
        PG_SAMPLE: pg_sample,
    }


def _ess_time(call: Callable[[], Any]) -> Result:
    (wall, cpu), (draws, steps) = timed(call)
    return wall, cpu, min_ess(draws), float(steps)


def pymc_variant(
    kind: str, tune: int, draws: int, nuts_sampler: str = "numpyro"
) -> Callable[[int], Result] | None:
    """``pm.sample(nuts_sampler=...)`` end to end on the same model (None without PyMC)."""
    try:
        import pymc as pm
    except ImportError:
        return None
    if kind == "radon":
        from sampling_speed import radon_data, radon_pymc  # type: ignore[import-not-found]

        m = radon_pymc(*radon_data())
    else:
        with pm.Model() as m:
            if kind == "schools":
                mu, tau = pm.Normal("mu", 0, 5), pm.HalfCauchy("tau", 5)
                theta_t = pm.Normal("theta_t", 0, 1, shape=8)
                pm.Normal("y", mu + tau * theta_t, S8, observed=Y8)
            else:
                x, y = logistic_data()
                alpha, beta = pm.Normal("alpha", 0, 2), pm.Normal("beta", 0, 1, shape=COLS)
                pm.Bernoulli("y", logit_p=alpha + pm.math.dot(x, beta), observed=y)

    def run(seed: int) -> Result:
        with m:
            (wall, cpu), idata = timed(lambda: pm.sample(
                draws=draws, tune=tune, chains=CHAINS, nuts_sampler=nuts_sampler,
                random_seed=seed, progressbar=False, compute_convergence_checks=False))  # fmt: skip
        return wall, cpu, min_ess(idata.posterior), 0.0

    return run


def bench(name: str, runs: dict[str, Callable[[int], Result]], rounds: int) -> None:
    first = {k: run(0)[0] for k, run in runs.items()}  # compiles
    results: dict[str, list[Result]] = {k: [] for k in runs}
    for r in range(1, rounds + 1):
        for k, run in runs.items():
            results[k].append(run(r))

    def med(k: str, f: Callable[[Result], float]) -> float:
        return statistics.median(f(x) for x in results[k])

    rate = {k: med(k, lambda x: x[2] / x[1]) for k in runs}  # ESS per CPU second
    grad = {k: med(k, lambda x: x[1] / x[3] * 1e6 if x[3] else np.nan) for k in runs}
    print(f"\n### {name}\n")
    print("| sampler | first run, wall (compile included) | run, wall | run, CPU | min bulk ESS "
          "| ESS / wall s | ESS / CPU s | ESS / CPU s vs hand-written "
          "| CPU µs per gradient x chain | vs hand-written |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for k in runs:
        g = "—" if np.isnan(grad[k]) else f"{grad[k]:.2f}"
        vs = "—" if np.isnan(grad[k]) else f"{grad[HAND] / grad[k]:.2f}"
        print(f"| {k} | {first[k]:.1f} s | {med(k, lambda x: x[0]):.2f} s "
              f"| {med(k, lambda x: x[1]):.2f} s | {med(k, lambda x: x[2]):.0f} "
              f"| {med(k, lambda x: x[2] / x[0]):.0f} | {rate[k]:.0f} | {rate[k] / rate[HAND]:.2f} "
              f"| {g} | {vs} |")  # fmt: skip
    print("\nTargets (medians; ESS per CPU second, and CPU time per gradient):\n")
    pairs = [(OURS, HAND, 0.95), (OURS, NUMPYRO, 1.0), (NUMPYRO_PG, NUMPYRO, 1.0),
             (PG_SAMPLE, NUMPYRO, 1.0)]  # fmt: skip
    if PYMC in runs:
        pairs.append((PG_SAMPLE, PYMC, 1.0))
    for a, b, target in pairs:
        ratio = rate[a] / rate[b]
        per_grad = grad[b] / grad[a]
        verdict = "met" if ratio >= target else "missed"
        cost = "" if np.isnan(per_grad) else f"; gradient cost {per_grad:.2f}"
        print(f"- {a} / {b}: ESS/s {ratio:.2f} (target {target}: {verdict}){cost}")


def data_compile_times() -> None:
    """XLA compile time of the gradient of a regression's log-density with 10^3 and
    10^6 rows: data as arguments of the jitted function (``fn.apply(p, data)``)
    against data captured by the jitted closure (``jax.jit(fn)``)."""
    print("\n### compile time against the size of the data\n")
    print("| rows | data as arguments: lower + compile | data closed over: lower + compile |")
    print("| ---: | ---: | ---: |")
    for rows in (1_000, 1_000_000):
        rng = np.random.default_rng(1)
        x, y = rng.normal(size=rows), rng.normal(size=rows)
        with pg.Model() as m:
            xd = pg.Data("x", x)
            b = pg.Normal("b", 0.0, 1.0)
            pg.Normal("y", b * xd, 1.0, observed=y)
        fn, position = pg.logdensity(m)
        data = tuple(jnp.asarray(d) for d in fn.data)
        times = []
        for f, args in ((jax.grad(fn.apply), (position, data)), (jax.grad(fn), (position,))):
            start = time.perf_counter()
            jax.jit(f).lower(*args).compile()
            times.append(time.perf_counter() - start)
        print(f"| {rows:,} | {times[0]:.2f} s | {times[1]:.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rounds-logistic", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1000, help="eight schools: tune = draws")
    parser.add_argument("--steps-logistic", type=int, default=500, help="tune = draws")
    parser.add_argument(
        "--only",
        choices=ONLY,
        default=None,
    )
    parser.add_argument("--steps-ode", type=int, default=200, help="ODE: tune = draws")
    parser.add_argument(
        "--case", default="", help="speed: only the models whose name contains this (MvNormal)"
    )
    parser.add_argument(
        "--steps-discrete", type=int, default=1000, help="coal mining: tune = draws"
    )
    args = parser.parse_args()
    from draw import machine  # type: ignore[import-not-found]

    print("## sampling\n")
    print(f"`python benchmarks/sampling.py --rounds {args.rounds} --rounds-logistic "
          f"{args.rounds_logistic} --steps {args.steps} --steps-logistic {args.steps_logistic}"
          f"{' --only ' + args.only if args.only else ''}"
          f"{f' --steps-ode {args.steps_ode}' if args.only == 'ode' else ''}"
          f"{f' --steps-discrete {args.steps_discrete}' if args.only == 'discrete' else ''}"
          "`")  # fmt: skip
    n, n_log = args.steps, args.steps_logistic
    if args.only == "gp":  # issue 13: logp + gradient of gp.Marginal and gp.HSGP
        from sampling_gp import bench_gp  # type: ignore[import-not-found]

        with jax.enable_x64(True):
            bench_gp(args.rounds, timed)
        print(f"\nMachine: {machine()}.")
        return
    if args.only == "speed":  # issue 15: logp + gradient, steady and vmapped, vs hand-written
        from sampling_speed import bench_speed  # type: ignore[import-not-found]

        with jax.enable_x64(True):
            schools = (schools_pg(), schools_jax, (Y8, S8), schools_numpyro)
            bench_speed(args.rounds, timed, schools, logistic_numpyro, args.case)
        print(f"\nMachine: {machine()}.")
        return
    if args.only == "first-draw":  # issue 15: a second process with the persistent cache
        from sampling_first_draw import bench_first_draw  # type: ignore[import-not-found]

        bench_first_draw(args.rounds)
        print(f"\nMachine: {machine()}.")
        return
    if args.only == "ode":  # issue 17: Lotka-Volterra on pg.ode against hand-written diffrax
        from sampling_ode import bench_ode  # type: ignore[import-not-found]

        with jax.enable_x64(True):
            bench_ode(args.rounds, args.steps_ode, sys.modules[__name__])
        print(f"\nMachine: {machine()}.")
        return
    if args.only == "discrete":  # issue 14: coal mining, marginalized vs PyMC's compound step
        from sampling_discrete import bench_discrete  # type: ignore[import-not-found]

        with jax.enable_x64(True):
            bench_discrete(args.rounds, args.steps_discrete, sys.modules[__name__])
        print(f"\nMachine: {machine()}.")
        return
    if args.only == "timeseries":
        from sampling_timeseries import bench_timeseries  # type: ignore[import-not-found]

        with jax.enable_x64(True):
            bench_timeseries(args.rounds, timed)
        print(f"\nMachine: {machine()}.")
        return
    with jax.enable_x64(True):
        if args.only in (None, "schools"):
            runs = variants(schools_pg(), schools_jax, schools_numpyro, (Y8, S8), n, n)
            pm_run = pymc_variant("schools", n, n)
            if pm_run is not None:
                runs[PYMC] = pm_run
            bench(f"eight schools, 4 chains x ({n} tune + {n} draws)", runs, args.rounds)
        if args.only == "radon":  # issue 15: end to end against PyMC's NumPyro path
            from sampling_speed import (  # type: ignore[import-not-found]
                radon_data,
                radon_jax,
                radon_numpyro,
                radon_pg,
            )

            idx, xr, yr = radon_data()
            runs = variants(radon_pg(idx, xr, yr), radon_jax, radon_numpyro, (idx, xr, yr), n, n)
            pm_run = pymc_variant("radon", n, n)
            if pm_run is not None:
                runs[PYMC] = pm_run
            bench(f"radon (919 rows, 85 groups), 4 chains x ({n} tune + {n} draws)", runs,
                  args.rounds)  # fmt: skip
        if args.only in (None, "compile"):
            data_compile_times()
        if args.only in (None, "logistic"):
            x, y = logistic_data()
            runs = variants(logistic_pg(x, y), logistic_jax, logistic_numpyro, (x, y), n_log, n_log)
            pm_run = pymc_variant("logistic", n_log, n_log)
            if pm_run is not None:
                runs[PYMC] = pm_run
            bench(f"logistic regression, {ROWS:,} x {COLS}, 4 chains x ({n_log} + {n_log})",
                  runs, args.rounds_logistic)  # fmt: skip
    try:
        import pymc  # noqa: F401
    except ImportError:
        print("\nPyMC is not installed here, so `pm.sample(nuts_sampler='numpyro')` is not timed.")
    print(f"\nMachine: {machine()}.")


if __name__ == "__main__":
    main()
