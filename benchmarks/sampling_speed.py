"""Issue 15: steady logp + gradient, and the same under ``vmap`` over 256
chains, of ``pg.logdensity`` against hand-written JAX, for the eight schools
(the model of ``sampling.py``), a radon-style varying-intercept regression (919
rows, 85 groups, ``a[idx] + b * x``), a logistic regression (100,000 x 20), an
MvNormal with a constant 200 x 200 covariance (the hand-written side factors it
once, in NumPy), a stochastic-volatility model (``GaussianRandomWalk``, T =
1,000; the models of ``sampling_timeseries.py``) and a 3-component Normal
mixture on 10,000 points (the hand-written side in the same unconstrained
coordinates: PyMC's simplex
transform for the weights, logs for the scales; the per-component constants
and reciprocals computed once, as a JAX expert writes it: 0.66 of the time of
``norm.logpdf`` per element). The third side is NumPyro's own model of each
(``-potential_energy``, the Jacobians included, data as arguments), as a
NumPyro user writes it: its MvNormal takes the covariance and factors it at
every call.

Every side is ``jax.jit(jax.value_and_grad(f))(position, data)`` (and
``jax.jit(jax.vmap(jax.value_and_grad(f), (0, None)))`` over 256 positions),
with the data as arguments, steady state after a compiling call, interleaved
in one process; medians. Run through ``python benchmarks/sampling.py --only
speed --rounds N``. The logistic regression is a (256 x 100,000 x 20) workload
under ``vmap``, so it makes fewer calls per timing (``CALLS_BIG``).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from _common import interleave, load_average, median_ratio
from jax.scipy import stats
from sampling_timeseries import sv_data, sv_jax, sv_pg

import ppgraph as pg

CALLS, CALLS_VMAP, BATCH = 200, 20, 256
CALLS_BIG = (20, 2)  # steady, vmap: calls per timing of the logistic regression
N_RADON, G_RADON, N_MV = 919, 85, 200
N_LOGIT, K_LOGIT, N_MIX, N_SV = 100_000, 20, 10_000, 1_000


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


def mv_numpyro(cov: Any, y: Any) -> None:
    import numpyro
    import numpyro.distributions as dist

    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0).expand([N_MV]))
    numpyro.sample("y", dist.MultivariateNormal(mu, covariance_matrix=cov), obs=y)


def mv_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    chol, logdet, y = data  # the factor and its log-determinant, computed once
    z = jax.scipy.linalg.solve_triangular(chol, y - p["mu"], lower=True)
    like = -0.5 * jnp.sum(z * z) - 0.5 * logdet - 0.5 * N_MV * jnp.log(2 * jnp.pi)
    return jnp.sum(stats.norm.logpdf(p["mu"])) + like


def logistic_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(N_LOGIT, K_LOGIT))
    eta = 0.3 + x @ rng.normal(0.0, 0.5, size=K_LOGIT)
    return x, (rng.uniform(size=N_LOGIT) < 1.0 / (1.0 + np.exp(-eta))).astype(np.int64)


def logistic_pg(x: np.ndarray, y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        alpha = pg.Normal("alpha", 0.0, 2.0)
        beta = pg.Normal("beta", 0.0, 1.0, shape=K_LOGIT)
        pg.Bernoulli("y", logit_p=alpha + pg.Data("x", x) @ beta, observed=y)
    return m


def logistic_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    # log sigmoid(+-eta), not sum(y * eta - softplus(eta)): the same value, and under
    # vmap over 256 chains 0.58 of its time on XLA CPU (JAX 0.10; steady equal)
    x, y = data
    eta = p["alpha"] + x @ p["beta"]
    return (stats.norm.logpdf(p["alpha"], 0.0, 2.0) + jnp.sum(stats.norm.logpdf(p["beta"]))
            + jnp.sum(jax.nn.log_sigmoid(jnp.where(y == 1, eta, -eta))))  # fmt: skip


def mixture_data() -> np.ndarray:
    rng = np.random.default_rng(8)
    comp = rng.choice(3, size=N_MIX, p=[0.3, 0.5, 0.2])
    return rng.normal(np.array([-5.0, 0.0, 6.0])[comp], np.array([1.0, 0.7, 1.5])[comp])


def mixture_pg(y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        w = pg.Dirichlet("w", np.ones(3))
        mu = pg.Normal("mu", 0.0, 10.0, shape=3)
        sigma = pg.HalfNormal("sigma", 2.0, shape=3)
        pg.NormalMixture("y", w, mu, sigma, observed=y)
    return m


def mixture_numpyro(y: Any) -> None:
    import numpyro
    import numpyro.distributions as dist

    w = numpyro.sample("w", dist.Dirichlet(jnp.ones(3)))
    mu = numpyro.sample("mu", dist.Normal(0.0, 10.0).expand([3]))
    sigma = numpyro.sample("sigma", dist.HalfNormal(2.0).expand([3]))
    mix = dist.MixtureSameFamily(dist.Categorical(probs=w), dist.Normal(mu, sigma))
    numpyro.sample("y", mix, obs=y)


def sv_numpyro(r: Any) -> None:
    import numpyro
    import numpyro.distributions as dist

    # NumPyro's walk starts at Normal(0, sigma), ppgraph's (PyMC's) at its
    # init_dist Normal(0, 1): the same work, not the same density
    sigma = numpyro.sample("sigma", dist.HalfNormal(0.5))
    s = numpyro.sample("s", dist.GaussianRandomWalk(scale=sigma, num_steps=r.shape[0]))
    numpyro.sample("r", dist.Normal(0.0, jnp.exp(s)), obs=r)


def numpyro_logdensity(model: Callable[..., None]) -> Callable[..., Any]:
    """NumPyro's own model as a log-density of its unconstrained values, with the
    data as arguments (``-potential_energy``: the Jacobians included)."""
    from numpyro.infer.util import potential_energy

    def f(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
        return -potential_energy(model, data, {}, p)

    return f


def numpyro_position(
    model: Callable[..., None], data: tuple[Any, ...], ours: dict[str, Any]
) -> dict[str, Any]:
    """NumPyro's unconstrained position at ppgraph's point where the two
    parameterizations agree (the same names, or ``name_log__`` for a log
    transform); its own initial point for the rest (the Dirichlet: NumPyro's
    stick-breaking against PyMC's simplex transform)."""
    from numpyro.infer.util import initialize_model

    init = initialize_model(jax.random.key(0), model, model_args=data).param_info.z
    named = {k.removesuffix("_log__"): v for k, v in ours.items()}
    return {k: named.get(k, v) for k, v in init.items()}


def mixture_jax(p: dict[str, Any], data: tuple[Any, ...]) -> Any:
    (y,) = data
    v = p["w_simplex__"]  # PyMC's simplex: (v, -sum v), softmax
    full = jnp.append(v, -jnp.sum(v))
    log_w = jax.nn.log_softmax(full)
    k, total = full.shape[0], jnp.sum(v)
    log_jac = jnp.log(k) + k * total - k * jax.nn.logsumexp(jnp.append(v + total, 0.0))
    log_s = p["sigma_log__"]
    # per component once: log w_k - log s_k - log sqrt(2 pi), and 1 / s_k
    c = log_w - log_s - 0.5 * jnp.log(2 * jnp.pi)
    z = (y[:, None] - p["mu"]) * jnp.exp(-log_s)
    like = jnp.sum(jax.nn.logsumexp(c - 0.5 * z * z, -1))
    return (jax.scipy.special.gammaln(k) + log_jac  # Dirichlet(1, 1, 1): log Gamma(3)
            + jnp.sum(stats.norm.logpdf(p["mu"], 0.0, 10.0)) + jnp.sum(_half_normal(log_s, 2.0))
            + like)  # fmt: skip


def prepare(
    timed: Callable[..., Any],
    schools: tuple[pg.Model, Callable[..., Any], tuple[Any, ...], Callable[..., None]],
    logistic_numpyro: Callable[..., None],
    only: str = "",
) -> dict[tuple[str, str, str], Callable[[], float]]:
    """(case, side, steady|vmap) -> a timer of one call in microseconds, compiled
    and checked (the hand-written side gives ppgraph's value; so does NumPyro's
    model where its parameterization is PyMC's)."""
    idx, x, y = radon_data()
    cov, ymv = mv_data()
    chol = np.linalg.cholesky(cov)
    logdet = 2.0 * np.sum(np.log(np.diag(chol)))
    xl, yl = logistic_data()
    ymix = mixture_data()
    r_sv = sv_data(N_SV)
    sv = f"stochastic volatility (GaussianRandomWalk), T = {N_SV:,}"
    logit = f"logistic, {N_LOGIT:,} x {K_LOGIT}"
    cases = {
        "eight schools": schools,
        f"radon, {N_RADON} rows, {G_RADON} groups": (
            radon_pg(idx, x, y), radon_jax, (idx, x, y), radon_numpyro),
        logit: (logistic_pg(xl, yl), logistic_jax, (xl, yl), logistic_numpyro),
        f"MvNormal N = {N_MV}, constant cov": (
            mv_pg(cov, ymv), mv_jax, (chol, logdet, ymv), mv_numpyro),
        f"Normal mixture, 3 components, {N_MIX:,} points": (
            mixture_pg(ymix), mixture_jax, (ymix,), mixture_numpyro),
        sv: (sv_pg(r_sv), sv_jax, (r_sv,), sv_numpyro),
    }  # fmt: skip
    other_density = {sv}  # NumPyro's model differs in a prior: no value check
    cases = {name: case for name, case in cases.items() if only in name}
    np_data = {name: case[2] for name, case in cases.items()}
    if f"MvNormal N = {N_MV}, constant cov" in cases:  # NumPyro factors it per call
        np_data[f"MvNormal N = {N_MV}, constant cov"] = (cov, ymv)
    calls_of = {name: CALLS_BIG if name == logit else (CALLS, CALLS_VMAP) for name in cases}
    runs: dict[tuple[str, str, str], Callable[[], float]] = {}
    rng = np.random.default_rng(3)

    def batch_of(position: dict[str, Any], seed: int) -> dict[str, Any]:
        noise = np.random.default_rng(seed)
        return {k: v + 0.1 * jnp.asarray(noise.normal(size=(BATCH, *np.shape(v))))
                for k, v in position.items()}  # fmt: skip

    for name, (model, hand, hand_data, np_model) in cases.items():
        fn, position = pg.logdensity(model)
        data = tuple(jnp.asarray(d) for d in fn.data)
        position = {
            k: jnp.asarray(v) + 0.1 * rng.normal(size=np.shape(v)) for k, v in position.items()
        }
        ours, ref = float(fn.apply(position, data)), float(hand(position, hand_data))
        if not np.isclose(ours, ref, rtol=1e-8):
            raise AssertionError(f"{name}: ppgraph {ours} != hand-written {ref}")
        np_fn = numpyro_logdensity(np_model)
        np_pos = numpyro_position(np_model, np_data[name], position)
        same = all(k.removesuffix("_log__") in np_pos for k in position)  # coordinates
        if same and name not in other_density:
            theirs = float(np_fn(np_pos, np_data[name]))
            if not np.isclose(ours, theirs, rtol=1e-8):
                raise AssertionError(f"{name}: ppgraph {ours} != NumPyro's model {theirs}")
        steady, vmapped = calls_of[name]
        for side, f, d, p in (
            ("ppgraph", fn.apply, data, position),
            ("jax", hand, hand_data, position),
            ("numpyro", np_fn, np_data[name], np_pos),
        ):
            d = tuple(jnp.asarray(a) for a in d)
            vg = jax.value_and_grad(f)
            for how, g, at, calls in (
                ("steady", jax.jit(vg), p, steady),
                ("vmap", jax.jit(jax.vmap(vg, (0, None))), batch_of(p, 11), vmapped),
            ):
                jax.block_until_ready(g(at, d))  # compile

                def run(g: Any = g, d: Any = d, p: Any = at, calls: int = calls) -> float:
                    (wall, _), _ = timed(lambda: [g(p, d) for _ in range(calls)][-1])
                    return wall / calls * 1e6

                runs[(name, side, how)] = run
    return runs


def bench_speed(
    rounds: int,
    timed: Callable[..., Any],
    schools: Any,
    logistic_numpyro: Callable[..., None],
    only: str = "",
) -> None:
    """Print the Markdown table of medians (µs per call), of the cases whose
    name contains ``only``."""
    runs = prepare(timed, schools, logistic_numpyro, only)
    before = load_average()
    # Each case's six timers are interleaved among themselves, case after case:
    # the comparison is within a case, and interleaving across cases let one
    # case's neighbour (the logistic regression's 200 MB buffers under vmap, its
    # busy XLA threads) slow whichever timer came right after it.
    times: dict[Any, list[Any]] = {}
    for name in dict.fromkeys(k[0] for k in runs):
        case = {k: run for k, run in runs.items() if k[0] == name}
        times.update(interleave(case, rounds))  # type: ignore[arg-type]
    print(
        "\n### logp + gradient against hand-written JAX and NumPyro's model, µs per call "
        "(medians)\n"
    )
    print(f"{rounds} interleaved rounds per case; steady: {CALLS} calls, vmap: {CALLS_VMAP} calls "
          f"over {BATCH} positions (the logistic regression: {CALLS_BIG[0]} and "
          f"{CALLS_BIG[1]}); ratios are medians of each round's ratio, ppgraph over the "
          f"other. Targets: 1.10 steady, 1.30 under vmap against hand-written JAX, at most "
          f"1.00 against NumPyro's model. {before} before, {load_average()} after.\n")  # fmt: skip
    print("| model | | ppgraph | hand-written JAX | ratio | NumPyro's model | ratio |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name in dict.fromkeys(k[0] for k in runs):
        for how in ("steady", "vmap"):
            ours = times[(name, "ppgraph", how)]
            cells = [f"{statistics.median(ours):,.0f}"]
            for side in ("jax", "numpyro"):
                other = times[(name, side, how)]
                r = median_ratio(ours, other)
                cells.append(f"{statistics.median(other):,.0f} | {r:.2f}")
            label = name if how == "steady" else ""
            print(f"| {label} | {how} | {' | '.join(cells)} |")
