"""Reductions against NumPy/SciPy over every kind of axis, with keepdims, and
their gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.special as sp

import ppgraph as pg
import ppgraph.tensor as pt
from tests.helpers import (
    GradRuns,
    check_result,
    compare_grad,
    compare_jax_and_py,
    grads_all_ways,
    numeric_grad,
    run_all_ways,
    weights_for,
)

AXES: list[Any] = [None, 1, -1, (-1, 0), (0, 1, 2), ()]

REDUCTIONS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "sum": (pt.sum, np.sum),
    "prod": (pt.prod, np.prod),
    "max": (pt.max, np.max),
    "min": (pt.min, np.min),
    "mean": (pt.mean, np.mean),
    "logsumexp": (pt.logsumexp, sp.logsumexp),
    "all": (pt.all, np.all),
    "any": (pt.any, np.any),
    "var": (pt.var, np.var),
    "std": (pt.std, np.std),
}

RNG = np.random.default_rng(42)
# distinct values (max/min have a gradient), near 1 (prod stays moderate)
X = RNG.permutation(24).reshape(2, 3, 4) / 24.0 + 0.5
BOOLS = RNG.uniform(size=(2, 3, 4)) < 0.7


def _value(kind: str) -> np.ndarray:
    return BOOLS if kind in ("all", "any") else X


Case = tuple[Any, bool]  # (axis, keepdims)
CASES: list[Case] = [(axis, keepdims) for axis in AXES for keepdims in (False, True)]
GRAD_KINDS = ["sum", "prod", "max", "min", "mean", "logsumexp", "var", "std"]


@pytest.fixture(scope="module")
def reduced() -> dict[str, list[dict[str, np.ndarray]]]:
    """Every kind over every axis case, computed every way in one compiled graph
    (sizes unknown but the middle one: var/std must count at run time)."""
    x = pt.tensor("float64", shape=(None, 3, None), name="x")
    b = pt.tensor("bool", shape=(None, 3, None), name="b")
    outs = [
        fn(b if kind in ("all", "any") else x, axis=axis, keepdims=keepdims)
        for kind, (fn, _) in REDUCTIONS.items()
        for axis, keepdims in CASES
    ]
    runs = run_all_ways([x, b], outs, [X, BOOLS])
    n = len(CASES)
    return {kind: runs[k * n : (k + 1) * n] for k, kind in enumerate(REDUCTIONS)}


@pytest.mark.parametrize("kind", sorted(REDUCTIONS))
def test_reduction_over_every_axis_kind(kind: str, reduced: Any) -> None:
    fn, oracle = REDUCTIONS[kind]
    value = _value(kind)
    static = pt.tensor(str(value.dtype), shape=value.shape, name="s")
    for (axis, keepdims), runs in zip(CASES, reduced[kind], strict=True):
        want = oracle(value, axis=axis, keepdims=keepdims)
        # static shape inference (no compile needed) and dtype, as NumPy's
        out = fn(static, axis=axis, keepdims=keepdims)
        assert out.type.shape == np.shape(want), (axis, keepdims)
        assert out.dtype == np.asarray(want).dtype, (axis, keepdims)
        assert len(runs) >= 2
        for how, got in runs.items():
            check_result(out, got, want, how=f"{how} axis={axis} keepdims={keepdims}")


def _grad_parts(fn: Callable[..., Any], x: Any) -> Any:
    # several axis kinds in one output
    parts = [fn(x, axis=(0, 2)), fn(x, axis=-1, keepdims=True)[:, :, 0], fn(x)[None, None]]
    return pt.concatenate([p.flatten() for p in parts])


def _np_grad_parts(oracle: Callable[..., Any], a: np.ndarray) -> np.ndarray:
    parts = [oracle(a, axis=(0, 2)), oracle(a, axis=-1, keepdims=True), oracle(a)]
    return np.concatenate([np.ravel(p) for p in parts])


@pytest.fixture(scope="module")
def reduced_grads() -> GradRuns:
    """The jitted gradient of every kind in one compiled graph."""
    xs = [pt.tensor("float64", shape=(None, 3, 4), name=kind) for kind in GRAD_KINDS]
    outs = [_grad_parts(REDUCTIONS[kind][0], x) for kind, x in zip(GRAD_KINDS, xs, strict=True)]
    return grads_all_ways(xs, outs, [X] * len(xs), list(range(len(xs))), eager=False)


@pytest.mark.parametrize("kind", GRAD_KINDS)
def test_reduction_gradient(kind: str, reduced_grads: GradRuns) -> None:
    k = GRAD_KINDS.index(kind)
    weight = weights_for([v.shape for v in reduced_grads.values["jit"]])[k]
    oracle = REDUCTIONS[kind][1]

    def np_loss(a: np.ndarray) -> float:
        return float(np.sum(weight * _np_grad_parts(oracle, a)))

    want = numeric_grad(np_loss, [X], 0, 1e-6)
    np.testing.assert_allclose(reduced_grads.grads["jit"][k], want, rtol=1e-5, atol=1e-7)


def test_reduction_gradient_without_jit() -> None:
    x = pt.tensor("float64", shape=(None, 3, 4), name="x")
    out = pt.concatenate([_grad_parts(pt.sum, x), _grad_parts(pt.max, x)])

    def oracle(a: np.ndarray) -> np.ndarray:
        return np.concatenate([_np_grad_parts(np.sum, a), _np_grad_parts(np.max, a)])

    compare_grad([x], out, [X], oracle)


@pytest.mark.parametrize("kind", ["argmax", "argmin"])
def test_argmax_argmin(kind: str) -> None:
    fn = getattr(pt, kind)
    oracle = getattr(np, kind)
    x = pt.tensor("float64", shape=(2, 3, 4), name="x")
    axes = [None, 0, 1, -1, 2]
    outs = [fn(x, axis=a) for a in axes] + [getattr(x, kind)(axis=1)]
    for a, out in zip(axes, outs, strict=False):
        assert out.dtype == "int64"
        assert out.type.shape == np.shape(oracle(X, axis=a))
    wants = [oracle(X, axis=a) for a in axes] + [oracle(X, axis=1)]
    compare_jax_and_py([x], outs, [X], wants)


def test_methods_match_functions() -> None:
    x = pt.matrix("x")
    v = np.arange(6.0).reshape(2, 3) - 2.5
    outs = [
        x.sum(axis=0),
        x.prod(1, keepdims=True),
        x.mean(),
        x.max(-1),
        x.min(axis=(0, 1)),
        x.var(ddof=1),
        x.std(axis=0, ddof=1),
        (x > 0).all(axis=1),
        (x > 0).any(),
    ]
    wants = [
        v.sum(axis=0),
        v.prod(1, keepdims=True),
        v.mean(),
        v.max(-1),
        v.min(axis=(0, 1)),
        v.var(ddof=1),
        v.std(axis=0, ddof=1),
        (v > 0).all(axis=1),
        (v > 0).any(),
    ]
    compare_jax_and_py([x], outs, [v], wants, eager=True)


DTYPE_CASES = [
    ("int32", "sum"),
    ("int32", "prod"),
    ("uint8", "sum"),
    ("bool", "sum"),
    ("int64", "mean"),
    ("int32", "max"),
    ("float32", "sum"),
    ("float32", "mean"),
    ("float32", "logsumexp"),
    ("int64", "var"),
    ("float32", "var"),
]


def test_reduction_dtypes_match_numpy() -> None:
    xs, outs, values, wants = [], [], [], []
    for k, (dtype, kind) in enumerate(DTYPE_CASES):
        fn, oracle = REDUCTIONS[kind]
        x = pt.vector(f"x{k}", dtype=dtype)
        value = np.array([1, 0, 3, 200], dtype=dtype)
        want = np.asarray(oracle(value))
        out = fn(x)
        assert out.dtype == want.dtype, f"{kind} of {dtype}: {out.dtype}, NumPy {want.dtype}"
        xs.append(x)
        outs.append(out)
        values.append(value)
        wants.append(want)
    compare_jax_and_py(xs, outs, values, wants, rtol=1e-6)


def test_var_and_std_with_ddof_and_unknown_sizes() -> None:
    x = pt.matrix("x")
    v = RNG.normal(size=(4, 5))
    outs = [pt.var(x, ddof=1), pt.var(x, axis=1, ddof=1), pt.std(x, axis=0, ddof=2)]
    wants = [np.var(v, ddof=1), np.var(v, axis=1, ddof=1), np.std(v, axis=0, ddof=2)]
    compare_jax_and_py([x], outs, [v], wants)
    compare_grad([x], outs[1], [v], lambda a: np.var(a, axis=1, ddof=1), eager=False)


def test_logsumexp_is_stable_and_handles_minus_inf() -> None:
    x = pt.matrix("x")
    v = np.array([[1000.0, 1000.0, -1000.0], [-np.inf, -np.inf, -np.inf]])
    outs = [pt.logsumexp(x, axis=1), pt.logsumexp(x, axis=0, keepdims=True)]
    compare_jax_and_py(
        [x],
        outs,
        [v],
        [sp.logsumexp(v, axis=1), sp.logsumexp(v, axis=0, keepdims=True)],
        eager=True,
    )


def test_prod_gradient_with_a_zero() -> None:
    x = pt.vector("x")
    compare_grad([x], pt.prod(x), [np.array([2.0, 0.0, 3.0])], np.prod, eager=False)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda x: pt.sum(x, axis=3), "out of range"),
        (lambda x: pt.sum(x, axis=-4), "out of range"),
        (lambda x: pt.sum(x, axis=(0, -3)), "repeated"),
        (lambda x: pt.argmax(x, axis=(0, 1)), "one axis"),
        (lambda x: pt.max(x, axis=1), "empty axis"),
    ],
)
def test_bad_axes_raise_at_construction(call: Callable[[Any], Any], match: str) -> None:
    x = pt.tensor("float64", shape=(2, 0, 3), name="x")
    with pytest.raises(ValueError, match=match):
        call(x)


def test_reduction_of_a_scalar() -> None:
    s = pt.scalar("s")
    outs = [pt.sum(s), pt.max(s, axis=None, keepdims=True), pt.mean(s)]
    got = pg.function([s], outs)(2.5)
    assert [g.shape for g in got] == [(), (), ()]
    assert [float(g) for g in got] == [2.5, 2.5, 2.5]
