"""From model definition to the first value of logp, dlogp and d2logp.

ppgraph (``pg.Model`` + ``compile_logp`` / ``compile_dlogp`` / ``compile_d2logp``
+ one call) against hand-written JAX (a log-density function in the value
space, ``jax.jit`` of it, of ``jax.value_and_grad`` and of ``jax.hessian``,
+ one call), for the seed's ``model_2`` and the eight schools (centered).
Each repetition defines everything anew (fresh Python functions, fresh
graphs), so no cache of either side is hit; the cases are interleaved and the
medians reported. PyMC is timed too when it is installed.

Run: ``python benchmarks/model_compile.py [--reps N] [--write]``; prints a
Markdown section, and with ``--write`` puts it in ``benchmarks/README.md`` as
the "model_compile" section (replacing only that section).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy import stats as jst

import ppgraph as pg

Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
KINDS = ("logp", "dlogp", "d2logp")


def pg_model_2() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", mu=0, sigma=2)
        sigma = pg.HalfNormal("sigma", sigma=3)
        pg.Normal("x", mu=mu, sigma=sigma)
    return m


def pg_eight_schools() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 5.0)
        tau = pg.HalfCauchy("tau", 5.0)
        theta = pg.Normal("theta", mu, tau, shape=8)
        pg.Normal("y", theta, SIGMA, observed=Y)
    return m


def jax_model_2() -> Callable[[Any], Any]:
    def logp(theta: Any) -> Any:
        mu, s_log, x = theta[0], theta[1], theta[2]
        sigma = jnp.exp(s_log)
        half = jnp.log(2.0) + jst.norm.logpdf(sigma, 0.0, 3.0) + s_log
        return jst.norm.logpdf(mu, 0.0, 2.0) + half + jst.norm.logpdf(x, mu, sigma)

    return logp


def jax_eight_schools() -> Callable[[Any], Any]:
    y, sigma_y = jnp.asarray(Y), jnp.asarray(SIGMA)

    def logp(p: Any) -> Any:
        mu, t_log, theta = p[0], p[1], p[2:]
        tau = jnp.exp(t_log)
        return (
            jst.norm.logpdf(mu, 0.0, 5.0)
            + jnp.log(2.0) + jst.cauchy.logpdf(tau, 0.0, 5.0) + t_log
            + jst.norm.logpdf(theta, mu, tau).sum()
            + jst.norm.logpdf(y, theta, sigma_y).sum()
        )  # fmt: skip

    return logp


def time_ppgraph(define: Callable[[], pg.Model], kind: str, point: dict[str, Any]) -> float:
    start = time.perf_counter()
    model = define()
    fn = getattr(model, f"compile_{kind}")()
    np.asarray(fn(point))
    return time.perf_counter() - start


def time_jax(define: Callable[[], Callable[[Any], Any]], kind: str, theta: np.ndarray) -> float:
    start = time.perf_counter()
    logp = define()
    if kind == "logp":
        fn = jax.jit(logp)
    elif kind == "dlogp":
        fn = jax.jit(jax.value_and_grad(logp))
    else:
        fn = jax.jit(jax.hessian(logp))
    jax.block_until_ready(fn(jnp.asarray(theta)))
    return time.perf_counter() - start


def time_pymc(name: str, kind: str, point: dict[str, Any]) -> float | None:
    try:
        import pymc as pm
    except ImportError:
        return None
    start = time.perf_counter()
    with pm.Model() as model:
        if name == "model_2":
            mu = pm.Normal("mu", mu=0, sigma=2)
            sigma = pm.HalfNormal("sigma", sigma=3)
            pm.Normal("x", mu=mu, sigma=sigma)
        else:
            mu = pm.Normal("mu", 0.0, 5.0)
            tau = pm.HalfCauchy("tau", 5.0)
            theta = pm.Normal("theta", mu, tau, shape=8)
            pm.Normal("y", theta, SIGMA, observed=Y)
    np.asarray(getattr(model, f"compile_{kind}")()(point))
    return time.perf_counter() - start


Case = tuple[Callable[[], pg.Model], Callable[[], Callable[[Any], Any]], dict[str, Any]]
CASES: dict[str, Case] = {
    "model_2": (pg_model_2, jax_model_2, {"mu": 0.0, "sigma_log__": -1.0, "x": 0.5}),
    "eight_schools": (
        pg_eight_schools,
        jax_eight_schools,
        {"mu": 1.0, "tau_log__": 0.5, "theta": np.linspace(-1, 1, 8)},
    ),
}


def measure(reps: int) -> dict[tuple[str, str, str], list[float]]:
    """Wall times in seconds by (model, kind, implementation), cases interleaved."""
    times: dict[tuple[str, str, str], list[float]] = {}
    with jax.enable_x64(True):
        for _ in range(reps):
            for name, (define_pg, define_jax, point) in CASES.items():
                theta = np.concatenate([np.ravel(v) for v in point.values()])
                for kind in KINDS:
                    runs = [
                        ("ppgraph", time_ppgraph(define_pg, kind, point)),
                        ("jax", time_jax(define_jax, kind, theta)),
                        ("pymc", time_pymc(name, kind, point)),
                    ]
                    for impl, t in runs:
                        if t is not None:
                            times.setdefault((name, kind, impl), []).append(t)
    return times


def report(times: dict[tuple[str, str, str], list[float]], reps: int) -> str:
    """The README section: machine, table of medians, how to reproduce."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    has_pymc = any(k[2] == "pymc" for k in times)
    lines = [
        "## model_compile",
        "",
        "From model definition to the first value of logp, dlogp and d2logp (wall time, "
        "milliseconds, medians of interleaved repetitions in one process): ppgraph's "
        "`pg.Model` + `compile_logp`/`compile_dlogp`/`compile_d2logp` + one call, against "
        "hand-written JAX (`jax.jit` of the log-density, of `jax.value_and_grad` and of "
        "`jax.hessian`) + one call. Each repetition defines everything anew, so no cache "
        "is hit. Target: ppgraph within 2x of hand-written JAX.",
        "",
        f"Machine: {cpu}, {os.cpu_count()} CPUs ({platform.system()} {platform.machine()}); "
        f"Python {platform.python_version()}; jax {jax.__version__} on "
        f"{jax.devices()[0].platform}; {reps} repetitions; load average at the end {load}.",
        "",
        "Reproduce: `python benchmarks/model_compile.py --reps 7 --write`",
        "",
        "| model | first value of | ppgraph | hand-written JAX | ratio |"
        + (" PyMC |" if has_pymc else ""),
        "| --- | --- | ---: | ---: | ---: |" + (" ---: |" if has_pymc else ""),
    ]
    for name in CASES:
        for kind in KINDS:
            ours = statistics.median(times[(name, kind, "ppgraph")]) * 1e3
            ref = statistics.median(times[(name, kind, "jax")]) * 1e3
            row = f"| {name} | {kind} | {ours:.0f} | {ref:.0f} | {ours / ref:.2f} |"
            if has_pymc:
                row += f" {statistics.median(times[(name, kind, 'pymc')]) * 1e3:.0f} |"
            lines.append(row)
    lines += [
        "",
        'ppgraph compiles in its default check mode ("raise"): log-densities are served by '
        'the "-inf" compilation, and the raising one is built only if a value is not '
        "finite (see `PointFunction`), so invalid parameters still raise "
        "`ParameterValueError`.",
    ]
    if not has_pymc:
        lines += [
            "",
            "PyMC is not installed here, so it is not timed (issue 4 reports PyMC's "
            "`compile_logp`/`compile_dlogp`/`compile_d2logp` at 1.5 s, 1.2 s and 12.8 s for "
            "`model_2` on its machine).",
        ]
    return "\n".join(lines) + "\n"


def write_section(section: str) -> None:
    """Replace (or append) the "## model_compile" section of benchmarks/README.md."""
    path = Path(__file__).with_name("README.md")
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## model_compile\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    section = report(measure(args.reps), args.reps)
    print(section)
    if args.write:
        write_section(section)


if __name__ == "__main__":
    main()
