"""ODE models (issue 17): Lotka-Volterra on the Hudson's Bay lynx-hare data
(Carpenter's Stan case-study model, as PyMC users write it), ``pg.ode`` against
the same model written by hand on diffrax (same solver, ``Tsit5``; same PID
tolerances, ``rtol=1e-6``, ``atol=1e-8``; same ``max_steps``, adjoint and
checkpoints) and against PyMC's ``pm.ode.DifferentialEquation`` (SciPy's
``odeint`` with forward sensitivities).

Run: ``python benchmarks/sampling_ode.py [--rounds N] [--steps N] [--pymc-steps N]
[--pymc-rounds N]`` (or ``python benchmarks/sampling.py --only ode``). Two
measurements, the sides interleaved in one process, medians of ratios:

1. logp + gradient per call, steady state: ``jax.jit(jax.value_and_grad(f))``
   (one chain and ``jax.vmap`` over 4) against hand-written diffrax, and PyMC's
   ``model.logp_dlogp_function()`` (what ``pm.sample``'s NUTS calls).
2. End to end, one chain, ``steps`` tune + ``steps`` draws, theta on its prior's
   scale (``theta = mu + sd * theta_z``, the same posterior; see
   ``tests/ode/test_ode.py``): ``pg.sample``, BlackJAX's window adaptation + NUTS
   and NumPyro's NUTS on the hand-written density, and PyMC's ``pm.sample``
   (``pymc_steps`` + ``pymc_steps``, one chain, fewer rounds: it is slow), all
   compared per NUTS iteration (tune and draws) and per gradient evaluation.
"""

from __future__ import annotations

import argparse
import statistics
import types
import warnings
from collections.abc import Callable
from typing import Any

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
from _common import (
    interleave,
    load_average,
    median_ratio,
    nuts_chain,
    per_call,
    ratio_table,
    timed,
)
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


def lv_pg(scaled: bool = False) -> pg.Model:
    ode = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4)
    with pg.Model() as m:
        if scaled:
            theta = MU + SD * pg.Normal("theta_z", 0.0, 1.0, shape=4)
        else:
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
    if "theta_z" in p:  # on the prior's scale
        p = {**p, "theta": MU + SD * p["theta_z"]}
    ts = jnp.asarray(TIMES)
    z0, sigma = jnp.exp(p["z0_log__"]), jnp.exp(p["sigma_log__"])
    sol = diffrax.diffeqsolve(
        TERM, diffrax.Tsit5(), t0=0.0, t1=ts[-1], dt0=None, y0=z0, args=p["theta"],
        saveat=diffrax.SaveAt(ts=ts), max_steps=4096,
        stepsize_controller=diffrax.PIDController(rtol=1e-6, atol=1e-8),
        adjoint=diffrax.RecursiveCheckpointAdjoint(checkpoints=4096), throw=False,
    )  # fmt: skip
    if "theta_z" in p:
        lp = jnp.sum(stats.norm.logpdf(p["theta_z"]))
    else:
        lp = jnp.sum(stats.norm.logpdf(p["theta"], MU, SD))
    lp += jnp.sum(stats.norm.logpdf(p["z0_log__"], jnp.log(10.0), 1.0))
    lp += jnp.sum(stats.norm.logpdf(p["sigma_log__"], -1.0, 1.0))
    lp += jnp.sum(stats.norm.logpdf(obs[0], p["z0_log__"], sigma))
    lp += jnp.sum(stats.norm.logpdf(obs[1:], jnp.log(sol.ys), sigma))
    return jnp.where(sol.result == diffrax.RESULTS.successful, lp, -jnp.inf)


START = {"theta": THETA, "z0_log__": np.log(Y0), "sigma_log__": np.log([0.3, 0.3])}
INITVALS = {"z0": Y0, "sigma": [0.3, 0.3]}


def start(chains: int, scaled: bool = False) -> dict[str, np.ndarray]:
    """Near the posterior mode, jittered per chain (every side starts here)."""
    rng = np.random.default_rng(0)
    point = dict(START)
    if scaled:
        point = {"theta_z": (THETA - MU) / SD, **{k: v for k, v in point.items() if k != "theta"}}
    return {k: v * (1 + 0.01 * rng.normal(size=(chains, v.size))) for k, v in point.items()}


def pymc_model(pm: Any, scaled: bool = False) -> Any:
    """The same model on ``pm.ode.DifferentialEquation``."""
    ode = pm.ode.DifferentialEquation(func=lotka_volterra, times=TIMES, n_states=2, n_theta=4)
    with pm.Model() as m:
        if scaled:
            theta = MU + SD * pm.Normal("theta_z", 0.0, 1.0, shape=4)
        else:
            theta = pm.Normal("theta", mu=MU, sigma=SD, shape=4, transform=None)
        z0 = pm.LogNormal("z0", mu=np.log(10.0), sigma=1.0, shape=2)
        sigma = pm.LogNormal("sigma", mu=-1.0, sigma=1.0, shape=2)
        sol = ode(y0=z0, theta=theta)
        pm.Normal("y_init", pm.math.log(z0), sigma, observed=OBS[0])
        pm.Normal("y", pm.math.log(sol), sigma, observed=OBS[1:])
    return m


def _pymc() -> Any:
    try:
        import pymc as pm
    except ImportError:
        return None
    return pm


def logp_grad_runs(chains: int, calls: int) -> dict[tuple[str, str], Callable[[], float]]:
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
            runs[(case, side)] = per_call(g, (p, d), calls)
    pm = _pymc()
    if pm is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = pymc_model(pm)
            f_pm = m.logp_dlogp_function(ravel_inputs=True)
        f_pm.set_extra_values({})
        x = np.concatenate([np.asarray(one[v.name]) for v in m.value_vars])
        theirs = float(f_pm(x)[0])
        if not np.isclose(theirs, ours, rtol=0, atol=1e-4):  # odeint's tolerances: 1.5e-8
            raise AssertionError(f"Lotka-Volterra: ppgraph {ours} != PyMC {theirs}")
        runs[("1 chain", "PyMC")] = per_call(f_pm, (x,), max(2, calls // 10))
    return runs


def blackjax_one_chain(tune: int, draws: int) -> Callable[..., Any]:
    """Window adaptation then NUTS on the hand-written density, one chain, one jit:
    (draws, leapfrog steps of warm-up + draws)."""

    @jax.jit
    def run(key: Any, position: Any, data: Any) -> Any:
        def ld(p: Any) -> Any:
            return lv_jax(p, data)

        return nuts_chain(ld, tune, draws)(key, position)

    return run


def numpyro_one_chain(tune: int, draws: int) -> Callable[..., Any]:
    """NumPyro's NUTS (its own warm-up) on the hand-written density, one chain,
    scanned in one jit: (draws, leapfrog steps)."""
    from numpyro.infer import NUTS

    @jax.jit
    def run(key: Any, position: Any, data: Any) -> Any:
        kernel = NUTS(potential_fn=lambda p: -lv_jax(p, data))
        state = kernel.init(key, tune, position, None, {})

        def body(s: Any, _: None) -> Any:
            s = kernel.sample(s, (), {})
            return s, (s.z, s.num_steps)

        zs, steps = jax.lax.scan(body, state, None, length=tune + draws)[1]
        return jax.tree.map(lambda z: z[tune:], zs), jnp.sum(steps)

    return run


# (wall s, CPU s, leapfrog steps or 0 when the sampler does not report them)
Run = tuple[float, float, float]


def sample_runs(steps: int, pymc_steps: int) -> dict[str, tuple[Callable[[int], Run], int]]:
    """name -> (run(seed), NUTS iterations per run), one chain each."""
    model = lv_pg(scaled=True)
    one = {k: jnp.asarray(v[0]) for k, v in start(1, scaled=True).items()}
    hand_data = (jnp.asarray(OBS),)
    initvals = {"theta_z": (THETA - MU) / SD, **INITVALS}
    bj, npy = blackjax_one_chain(steps, steps), numpyro_one_chain(steps, steps)

    def pg_sample(seed: int) -> Run:
        (wall, cpu), _idata = timed(lambda: pg.sample(
            draws=steps, tune=steps, chains=1, random_seed=seed, progress_bar=False,
            model=model, compute_convergence_checks=False, init="adapt_diag",
            initvals=initvals))  # fmt: skip
        return wall, cpu, 0.0

    def jax_run(run: Callable[..., Any]) -> Callable[[int], Run]:
        def go(seed: int) -> Run:
            (wall, cpu), (_, n) = timed(lambda: run(jax.random.key(seed), one, hand_data))
            return wall, cpu, float(n)

        return go

    runs: dict[str, tuple[Callable[[int], Run], int]] = {
        "`pg.sample` (BlackJAX NUTS)": (pg_sample, 2 * steps),
        "BlackJAX NUTS on hand-written diffrax": (jax_run(bj), 2 * steps),
        "NumPyro NUTS on hand-written diffrax": (jax_run(npy), 2 * steps),
    }
    pm = _pymc()
    if pm is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = pymc_model(pm, scaled=True)

        def pm_sample(seed: int) -> Run:
            with m, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                (wall, cpu), idata = timed(lambda: pm.sample(
                    draws=pymc_steps, tune=pymc_steps, chains=1, cores=1, random_seed=seed,
                    progressbar=False, init="adapt_diag", initvals=initvals,
                    discard_tuned_samples=False, compute_convergence_checks=False))  # fmt: skip
            n = float(idata.sample_stats["n_steps"].sum())
            if "warmup_sample_stats" in idata:
                n += float(idata.warmup_sample_stats["n_steps"].sum())
            return wall, cpu, n

        runs["PyMC `pm.sample` on `pm.ode.DifferentialEquation`"] = (pm_sample, 2 * pymc_steps)
    return runs


def bench_ode(rounds: int, steps: int, helpers: types.ModuleType | None = None,
              pymc_steps: int = 30, pymc_rounds: int = 1, calls: int = 20) -> None:  # fmt: skip
    """Print the Markdown tables. (``helpers``, ``sampling.py``, is not needed any more.)"""
    runs = logp_grad_runs(4, calls)
    times = interleave(runs, rounds)  # type: ignore[arg-type]
    print(f"\n### Lotka-Volterra ODE: logp + gradient, µs per call (medians; {load_average()})\n")
    print(f"{rounds} interleaved rounds of {calls} calls (PyMC: {max(2, calls // 10)}).\n")
    cases = list(dict.fromkeys(k[0] for k in runs))
    print("\n".join(ratio_table(times, cases, ("ppgraph", "diffrax"),
                                ("`pg.ode`", "hand-written diffrax"), 1.2)))  # fmt: skip
    if ("1 chain", "PyMC") in times:
        pm_t, ours = times[("1 chain", "PyMC")], times[("1 chain", "ppgraph")]
        print(f"\nPyMC's `logp_dlogp_function` (`pm.ode`): {statistics.median(pm_t):,.0f} µs "
              f"per call, {median_ratio(pm_t, ours):.0f}x `pg.ode`'s one-chain time.")  # fmt: skip

    samplers = sample_runs(steps, pymc_steps)
    first = {k: run(0)[0] for k, (run, _) in samplers.items()}  # compiles
    results: dict[str, list[Run]] = {k: [] for k in samplers}
    for r in range(1, rounds + 1):
        for k, (run, _) in samplers.items():
            if "PyMC" not in k or r <= pymc_rounds:
                results[k].append(run(r))
    print(f"\n### Lotka-Volterra ODE: sampling end to end, one chain ({load_average()})\n")
    print(
        f"tune = draws = {steps} ({pymc_steps} for PyMC); theta on its prior's scale. "
        "Per iteration: wall time of a run (after the first) over tune + draws.\n"
    )
    print("| sampler | iterations | first run, wall | run, wall | run, CPU "
          "| ms per iteration (wall) | µs per gradient (CPU) |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    per_iter: dict[str, float] = {}
    for k, (_, iters) in samplers.items():
        wall, cpu, n = (float(statistics.median(x[i] for x in results[k])) for i in range(3))
        per_iter[k] = wall / iters * 1e3
        grad = f"{cpu / n * 1e6:,.0f}" if n else "—"
        print(f"| {k} | {iters} | {first[k]:.1f} s | {wall:.2f} s | {cpu:.2f} s "
              f"| {per_iter[k]:.2f} | {grad} |")  # fmt: skip
    ours_it = per_iter["`pg.sample` (BlackJAX NUTS)"]
    hand_it = per_iter["BlackJAX NUTS on hand-written diffrax"]
    ratio = ours_it / hand_it
    print(f"\n- `pg.sample` / BlackJAX on hand-written diffrax, per iteration: {ratio:.2f} "
          f"(target at most 1.2: {'met' if ratio <= 1.2 else 'missed'})")  # fmt: skip
    pm_key = "PyMC `pm.sample` on `pm.ode.DifferentialEquation`"
    if pm_key in per_iter:
        pm_ratio = per_iter[pm_key] / ours_it
        print(f"- PyMC `pm.sample` / `pg.sample`, per iteration: {pm_ratio:.0f}x "
              f"(target at least 10: {'met' if pm_ratio >= 10 else 'missed'})")  # fmt: skip
    else:
        print("- PyMC is not installed here: `pm.sample` on `pm.ode` is not timed.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=100, help="tune = draws")
    parser.add_argument("--pymc-steps", type=int, default=30, help="PyMC: tune = draws")
    parser.add_argument("--pymc-rounds", type=int, default=1)
    args = parser.parse_args()
    print(f"`python benchmarks/sampling_ode.py --rounds {args.rounds} --steps {args.steps} "
          f"--pymc-steps {args.pymc_steps} --pymc-rounds {args.pymc_rounds}`")  # fmt: skip
    with jax.enable_x64(True):
        bench_ode(args.rounds, args.steps, None, args.pymc_steps, args.pymc_rounds)
    print(f"\nAt the end: {load_average()}.")


if __name__ == "__main__":
    main()
