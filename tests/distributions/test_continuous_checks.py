"""Parameter checks, parametrizations and float32 for the continuous
distributions of ``scipy_table``: an out-of-domain parameter gives -inf with
``check_mode="-inf"`` (also under ``jax.vmap``) and raises by default (each
twin's raise is tested in ``test_continuous``); unknown keywords and ambiguous
parametrizations are TypeErrors; everything computes in float32."""

from __future__ import annotations

import functools
import re
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from tests.distributions.scipy_table import TWINS, Twin

CHECKED = {t.name: t for t in TWINS if t.bad}


def _inside(twin: Twin) -> float:
    """A value inside the support for the first parameter set."""
    return float(twin.oracle(**twin.params[0]).ppf(0.5))


@functools.cache
def combined() -> tuple[pg.Function, list[tuple[str, str]]]:
    """One function (check mode "-inf") of every checked twin's parameters
    (scalars) to its logp at its ``support_point`` (where the model layer starts
    it), followed by the ``bounds`` of the families that have them."""
    inputs, logps, bounds, names = [], [], [], []
    for t in CHECKED.values():
        params = {k: pt.scalar(f"{t.name}.{k}") for k in t.params[0]}
        rv = t.dist.dist(**params)
        op_params = rv.owner.inputs[2:]
        logps.append(pg.logp(rv, t.dist.support_point(*op_params)))
        if hasattr(t.dist, "bounds"):
            lo, hi = t.dist.bounds(*op_params)  # None: unbounded on that side
            bounds += [pt.as_tensor(-np.inf if lo is None else lo)]
            bounds += [pt.as_tensor(np.inf if hi is None else hi)]
        inputs += params.values()
        names += [(t.name, k) for k in params]
    return pg.function(inputs, logps + bounds, check_mode="-inf"), names


def _args(bad: set[str]) -> list[float]:
    """Every twin's first parameter set, with the invalid value for twins in ``bad``."""
    _, names = combined()
    return [{**CHECKED[t].params[0], **(CHECKED[t].bad if t in bad else {})}[k] for t, k in names]


def test_invalid_parameters_give_minus_inf() -> None:
    """With valid parameters every logp at the support point is finite (so it
    is inside the support); with the invalid one it is -inf."""
    f, _ = combined()
    good = dict(zip(CHECKED, f(*_args(set())), strict=False))
    assert all(np.isfinite(g) for g in good.values()), good
    bad = dict(zip(CHECKED, f(*_args(set(CHECKED))), strict=False))
    assert all(b == -np.inf for b in bad.values()), bad


def test_bounds_are_the_support() -> None:
    """``bounds`` (for the interval transform) are the twin's support."""
    f, _ = combined()
    got = iter(map(float, f(*_args(set()))[len(CHECKED) :]))
    for t in CHECKED.values():
        if hasattr(t.dist, "bounds"):
            assert (next(got), next(got)) == t.oracle(**t.params[0]).support(), t.name


def test_eval_raises_by_default() -> None:
    x = pg.Gamma.dist(alpha=-1.0, beta=2.0)
    with pytest.raises(pg.ParameterValueError, match=re.escape("alpha > 0, beta > 0")):
        pg.logp(x, 1.0).eval()


VMAPPED = [
    "Normal",
    "Gamma",
    "Beta",
    "StudentT",
    "Wald",
    "Triangular",
    "VonMises",
    "Exponential_scale",
]


def test_checks_under_vmap() -> None:
    """Rows of parameters through ``jax.vmap`` of the pure function: the rows
    with an invalid parameter give -inf, the others their logp."""
    inputs, outs, rows = [], [], []
    for name in VMAPPED:
        t = CHECKED[name]
        params = {k: pt.scalar(k) for k in t.params[0]}
        outs.append(pg.logp(t.dist.dist(**params), _inside(t)))
        inputs.append(list(params.values()))
        rows.append(
            [[t.params[0][k] for k in params], [{**t.params[0], **t.bad}[k] for k in params]]
        )
    fns = [pg.function(i, o).jax_fn for i, o in zip(inputs, outs, strict=True)]

    def all_rows(*cols: Any) -> list[Any]:
        return [jax.vmap(fn)(*c) for fn, c in zip(fns, cols, strict=True)]

    with jax.enable_x64(True):
        cols = [[jnp.asarray(c) for c in np.array(r).T] for r in rows]
        res = [np.asarray(r) for r in jax.jit(all_rows)(*cols)]
    for name, r in zip(VMAPPED, res, strict=True):
        assert np.isfinite(r[0]) and r[1] == -np.inf, f"{name}: {r}"


BOTH = [
    (pg.Normal, {"sigma": 1.0, "tau": 1.0}),
    (pg.HalfNormal, {"sigma": 1.0, "tau": 1.0}),
    (pg.LogNormal, {"sigma": 1.0, "tau": 1.0}),
    (pg.TruncatedNormal, {"sigma": 1.0, "tau": 1.0}),
    (pg.StudentT, {"nu": 3.0, "sigma": 1.0, "lam": 1.0}),
    (pg.HalfStudentT, {"sigma": 1.0, "lam": 1.0}),
    (pg.Exponential, {"lam": 1.0, "scale": 1.0}),
    (pg.AsymmetricLaplace, {"b": 1.0, "kappa": 1.0, "q": 0.5}),
    (pg.Gamma, {"alpha": 1.0, "beta": 1.0, "mu": 1.0, "sigma": 1.0}),
    (pg.Gamma, {"alpha": 1.0, "sigma": 1.0}),
    (pg.InverseGamma, {"alpha": 1.0, "mu": 1.0, "sigma": 1.0}),
    (pg.Beta, {"alpha": 1.0, "beta": 1.0, "mu": 0.5, "nu": 2.0}),
    (pg.Beta, {"mu": 0.5, "sigma": 0.1, "nu": 2.0}),
    (pg.Wald, {"mu": 1.0, "lam": 1.0, "phi": 1.0}),
]
NEITHER = [
    (pg.Gamma, {}),
    (pg.Gamma, {"beta": 1.0}),
    (pg.InverseGamma, {"beta": 1.0}),
    (pg.Beta, {"alpha": 1.0}),
    (pg.Wald, {"phi": 1.0}),
    (pg.AsymmetricLaplace, {"b": 1.0, "mu": 0.0}),
    (pg.ExGaussian, {"mu": 0.0, "sigma": 1.0}),
    (pg.VonMises, {"mu": 0.0}),
]


@pytest.mark.parametrize(("dist", "kwargs"), BOTH + NEITHER)
def test_ambiguous_or_missing_parametrization(dist: Any, kwargs: dict[str, float]) -> None:
    with pytest.raises(TypeError, match=dist.__name__):
        dist.dist(**kwargs)


@pytest.mark.parametrize("name", list(CHECKED))
def test_unknown_keyword(name: str) -> None:
    t = CHECKED[name]
    with pytest.raises(TypeError, match=r"unknown parameter 'sd'.*accepted: "):
        t.dist.dist(**t.params[0], sd=1.0)


QS = np.array([0.1, 0.5, 0.9])
F32 = {n: t for n, t in CHECKED.items() if t.grad}


@functools.cache
def float32_results() -> dict[str, list[np.ndarray]]:
    """logp, logcdf and icdf of every twin at three points, built and run in float32."""
    outs: dict[str, list[Any]] = {}
    with pg.config.change_flags(floatX="float32"):
        for n, t in F32.items():
            rv = t.dist.dist(**t.params[0])
            x = t.oracle(**t.params[0]).ppf(QS).astype("float32")
            outs[n] = [pg.logp(rv, x)]
            outs[n] += [pg.logcdf(rv, x)] if t.logcdf else []
            outs[n] += [pg.icdf(rv, QS.astype("float32"))] if t.icdf else []
        flat = [o for v in outs.values() for o in v]
        res = iter(pg.function([], flat)())
    return {n: [next(res) for _ in v] for n, v in outs.items()}


def test_float32() -> None:
    """Computed in float32 (no 64-bit JAX): within float32 rounding of scipy in
    float64 (one test over all twins: a single compiled function)."""
    wrong = {}
    for name, t in F32.items():
        dist = t.oracle(**{k: float(np.float32(v)) for k, v in t.params[0].items()})
        x = t.oracle(**t.params[0]).ppf(QS).astype("float32").astype(float)
        q = QS.astype("float32").astype(float)
        wants = [dist.logpdf(x)]
        wants += [dist.logcdf(x)] if t.logcdf else []
        wants += [dist.ppf(q)] if t.icdf else []
        whats = ["logp"] + ["logcdf"] * t.logcdf + ["icdf"] * t.icdf
        for what, got, want in zip(whats, float32_results()[name], wants, strict=True):
            tol = 1e-4 * np.maximum(np.abs(want), 0.1)
            if got.dtype != np.float32 or not np.all(np.abs(got - want) <= tol):
                wrong[f"{name} {what}"] = (got, want)
    assert not wrong


def test_parameters_of_impossible_static_shapes_fail_at_construction() -> None:
    with pytest.raises(
        ValueError, match=r"Normal.dist\(mu of shape \(3,\), sigma of shape \(4,\)\)"
    ):
        pg.Normal.dist(mu=np.zeros(3), sigma=np.ones(4))
    alpha = pt.tensor("float64", shape=(2,), name="alpha")
    with pytest.raises(ValueError, match=r"alpha of shape \(2,\), beta of shape \(5,\)"):
        pg.Gamma.dist(alpha=alpha, beta=np.ones(5))
    with pytest.raises(ValueError, match=r"size \(4,\) is incompatible .* batch shape \(3,\)"):
        pg.Normal.dist(np.zeros(3), 1.0, size=4)
