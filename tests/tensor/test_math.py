"""Every row of the elementwise table against its NumPy/SciPy twin: values in
float64 and float32, and gradients against central differences."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.special as sp

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.dispatch.elemwise import JAX_ELEMWISE
from ppgraph.tensor.math import SCALAR_OPS
from ppgraph.tensor.type import TensorVariable
from tests.helpers import (
    check_result,
    compare_grad,
    compare_jax_and_py,
    grads_all_ways,
    numeric_grad,
    run_all_ways,
    weights_for,
    x64_for,
)

Domain = tuple[float, float]
R = (-3.0, 3.0)
POS = (0.2, 4.0)
UNIT = (0.05, 0.95)


@dataclasses.dataclass(frozen=True)
class Case:
    """The oracle of one table row, where its arguments are valid, whether it has
    a derivative worth checking (``grad``: which arguments), and ``extreme``
    points (argument tuples) where a naive formula overflows or cancels."""

    oracle: Callable[..., Any]
    domain: tuple[Domain, ...]
    kind: str = "float"  # "float" | "int" | "cmp" | "special": how inputs are drawn
    grad: tuple[int, ...] | None = None  # None: every argument
    f32_rtol: float = 2e-5
    extreme: tuple[tuple[float, ...], ...] = ()


def _softplus(x: Any) -> Any:
    return np.logaddexp(0.0, x)


def _log1mexp(x: Any) -> Any:
    return np.log(-np.expm1(x))


def _clip(x: Any, lo: Any, hi: Any) -> Any:
    return np.clip(x, lo, hi)


C = Case


def pts(*xs: float) -> tuple[tuple[float, ...], ...]:
    """Extreme points of a one-argument row."""
    return tuple((x,) for x in xs)


CASES: dict[str, Case] = {
    "add": C(np.add, (R, R)),
    "sub": C(np.subtract, (R, R)),
    "mul": C(np.multiply, (R, R)),
    "true_div": C(np.true_divide, (R, POS)),
    "floor_div": C(np.floor_divide, ((-5.0, 5.0), POS), grad=()),
    "mod": C(np.mod, ((-5.0, 5.0), POS), grad=(0,)),
    "pow": C(np.power, (POS, (-2.0, 2.0))),
    "neg": C(np.negative, (R,)),
    "abs": C(np.abs, (R,)),
    "sign": C(np.sign, (R,)),
    "reciprocal": C(np.reciprocal, (POS,)),
    "square": C(np.square, (R,)),
    "sqrt": C(np.sqrt, (POS,)),
    "maximum": C(np.maximum, (R, R)),
    "minimum": C(np.minimum, (R, R)),
    "clip": C(_clip, (R, (-1.0, -0.5), (0.5, 1.0))),
    "floor": C(np.floor, (R,)),
    "ceil": C(np.ceil, (R,)),
    "round": C(np.round, (R,)),
    "exp": C(np.exp, (R,)),
    "exp2": C(np.exp2, (R,)),
    "expm1": C(np.expm1, (R,), extreme=pts(1e-12, -1e-12)),
    "log": C(np.log, (POS,)),
    "log2": C(np.log2, (POS,)),
    "log10": C(np.log10, (POS,)),
    "log1p": C(np.log1p, ((-0.5, 3.0),), extreme=pts(1e-12, -1e-12)),
    "logaddexp": C(np.logaddexp, (R, R), extreme=((-1000.0, -1000.0), (1000.0, 1000.0))),
    "log1mexp": C(_log1mexp, ((-5.0, -0.05),), extreme=pts(-1e-10, -1e-3, -0.7, -50.0)),
    "xlogy": C(
        sp.xlogy,
        (R, POS),
        extreme=((0.0, 0.0), (0.0, 2.0), (0.0, -1.0), (0.0, np.inf), (0.0, np.nan)),
    ),
    "xlog1py": C(
        sp.xlog1py, (R, (-0.5, 3.0)), extreme=((0.0, -1.0), (0.0, 2.0), (0.0, -3.0), (0.0, np.nan))
    ),
    "sigmoid": C(sp.expit, (R,)),
    "logit": C(sp.logit, (UNIT,)),
    "softplus": C(_softplus, (R,), extreme=pts(-800.0, -30.0, 30.0, 800.0)),
    "log_sigmoid": C(sp.log_expit, (R,), extreme=pts(-800.0, -30.0, 30.0)),
    "sin": C(np.sin, (R,)),
    "cos": C(np.cos, (R,)),
    "tan": C(np.tan, ((-1.2, 1.2),)),
    "arcsin": C(np.arcsin, ((-0.9, 0.9),)),
    "arccos": C(np.arccos, ((-0.9, 0.9),)),
    "arctan": C(np.arctan, (R,)),
    "arctan2": C(np.arctan2, (R, R)),
    "sinh": C(np.sinh, (R,)),
    "cosh": C(np.cosh, (R,)),
    "tanh": C(np.tanh, (R,)),
    "arcsinh": C(np.arcsinh, (R,)),
    "arccosh": C(np.arccosh, ((1.1, 4.0),)),
    "arctanh": C(np.arctanh, ((-0.9, 0.9),)),
    "gammaln": C(sp.gammaln, (POS,), f32_rtol=1e-4),
    "digamma": C(sp.digamma, (POS,), f32_rtol=1e-4),
    "betaln": C(sp.betaln, ((0.5, 4.0), (0.5, 4.0)), f32_rtol=1e-4),
    "gammainc": C(sp.gammainc, ((0.5, 4.0), POS), f32_rtol=1e-4),
    "gammaincc": C(sp.gammaincc, ((0.5, 4.0), POS), f32_rtol=1e-4),
    # JAX has no derivative of betainc in a and b
    "betainc": C(sp.betainc, ((0.5, 4.0), (0.5, 4.0), UNIT), grad=(2,), f32_rtol=1e-4),
    # the inverses: root searches, not differentiated (the tails are in tests/distributions)
    "gammaincinv": C(sp.gammaincinv, ((0.5, 4.0), UNIT), grad=(), f32_rtol=1e-4),
    "gammainccinv": C(sp.gammainccinv, ((0.5, 4.0), UNIT), grad=(), f32_rtol=1e-4),
    "betaincinv": C(sp.betaincinv, ((0.5, 4.0), (0.5, 4.0), UNIT), grad=(), f32_rtol=1e-4),
    "erf": C(sp.erf, (R,)),
    "erfc": C(sp.erfc, (R,)),
    "erfinv": C(sp.erfinv, ((-0.9, 0.9),)),
    "erfcinv": C(sp.erfcinv, ((0.1, 1.9),), extreme=((1e-300,), (1e-20,))),
    "xlogx": C(lambda x: sp.xlogy(x, x), ((0.05, 3.0),), extreme=((0.0,), (1e-300,))),
    "erfcx": C(
        sp.erfcx, ((-2.0, 4.0),), f32_rtol=1e-4, extreme=pts(8.9, 9.1, 20.0, 25.0, 26.0, 1e4)
    ),
    "ndtr": C(sp.ndtr, (R,)),
    "ndtri": C(sp.ndtri, (UNIT,)),
    "log_ndtr": C(
        sp.log_ndtr, ((-10.0, 3.0),), f32_rtol=1e-4, extreme=pts(-40.0, -20.0, -1.0, 0.0, 6.0)
    ),
    "i0": C(sp.i0, (R,)),
    "i1": C(sp.i1, (R,)),
    "i0e": C(sp.i0e, (R,)),
    "i1e": C(sp.i1e, (R,)),
    "eq": C(np.equal, ((0, 2), (0, 2)), kind="cmp"),
    "neq": C(np.not_equal, ((0, 2), (0, 2)), kind="cmp"),
    "lt": C(np.less, ((0, 2), (0, 2)), kind="cmp"),
    "le": C(np.less_equal, ((0, 2), (0, 2)), kind="cmp"),
    "gt": C(np.greater, ((0, 2), (0, 2)), kind="cmp"),
    "ge": C(np.greater_equal, ((0, 2), (0, 2)), kind="cmp"),
    "and": C(np.bitwise_and, ((0, 7), (0, 7)), kind="int"),
    "or": C(np.bitwise_or, ((0, 7), (0, 7)), kind="int"),
    "xor": C(np.bitwise_xor, ((0, 7), (0, 7)), kind="int"),
    "invert": C(np.invert, ((-7, 7),), kind="int"),
    "isnan": C(np.isnan, (R,), kind="special"),
    "isinf": C(np.isinf, (R,), kind="special"),
    "isfinite": C(np.isfinite, (R,), kind="special"),
    "where": C(np.where, ((0, 1), R, R), grad=(1, 2)),
    "identity": C(lambda x: x, (R,)),
}

# Rows whose public function has another name or argument rules.
PUBLIC = {"and": pt.and_, "or": pt.or_, "where": pt.where, "clip": pt.clip}


def public_fn(name: str) -> Callable[..., Any]:
    """The user-facing function of a table row."""
    fn = PUBLIC.get(name) or getattr(pt, name)
    assert callable(fn)
    return fn


INT = {"float64": "int64", "float32": "int32"}


N_DRAWN = 5


def draw(name: str, dtype: str, size: int = N_DRAWN, seed: int = 0) -> list[np.ndarray]:
    """Valid inputs of row ``name`` (ints for the bitwise rows): ``size`` drawn
    from its domain, then its extreme points."""
    case = CASES[name]
    rng = np.random.default_rng(seed)
    out = []
    for k, (lo, hi) in enumerate(case.domain):
        if name == "where" and k == 0:
            out.append(rng.uniform(size=size) < 0.5)
        elif case.kind == "int":
            out.append(rng.integers(lo, hi + 1, size=size).astype(INT[dtype]))
        elif case.kind == "cmp":
            out.append(rng.integers(lo, hi + 1, size=size).astype(dtype))
        elif case.kind == "special":
            out.append(np.array([0.5, np.nan, np.inf, -np.inf, -2.0], dtype=dtype)[:size])
        else:
            drawn = rng.uniform(lo, hi, size=size)
            out.append(np.append(drawn, [p[k] for p in case.extreme]).astype(dtype))
    return out


Row = tuple[list[TensorVariable], TensorVariable, list[np.ndarray]]


def row_graph(name: str, dtype: str, seed: int) -> Row:
    """Inputs, the public function's output and values for one row."""
    values = draw(name, dtype, seed=seed)
    xs = [pt.vector(f"{name}_{k}", dtype=str(v.dtype)) for k, v in enumerate(values)]
    return xs, public_fn(name)(*xs), values


@dataclasses.dataclass
class TableRun:
    """One dtype's rows, and every row computed every way in one compiled graph
    (compiling a graph per row would take most of a minute)."""

    rows: dict[str, Row]
    values: dict[str, dict[str, np.ndarray]]  # row -> way -> result
    grads: dict[str, dict[int, np.ndarray]]  # row -> argument -> jitted gradient
    weights: dict[str, np.ndarray]  # row -> the weight of its output in the loss


def grad_args(name: str) -> list[int]:
    """The arguments of row ``name`` whose gradient is checked."""
    case = CASES[name]
    if case.kind != "float" or name == "identity":
        return []
    return list(range(len(case.domain))) if case.grad is None else list(case.grad)


def run_table(dtype: str, seed: int) -> TableRun:
    rows = {name: row_graph(name, dtype, seed) for name in sorted(CASES)}
    inputs = [x for xs, _, _ in rows.values() for x in xs]
    values = [v for _, _, vals in rows.values() for v in vals]
    outputs = [out for _, out, _ in rows.values()]
    runs = dict(zip(rows, run_all_ways(inputs, outputs, values, jit=False), strict=True))
    run = TableRun(rows, runs, {}, {})
    if dtype != "float64":
        return run
    starts = dict(zip(rows, np.cumsum([0] + [len(xs) for xs, _, _ in rows.values()]), strict=False))
    wrt = [(name, k) for name in rows for k in grad_args(name)]
    g = grads_all_ways(inputs, outputs, values, [int(starts[n]) + k for n, k in wrt], eager=False)
    for name, jitted in zip(rows, g.values["jit"], strict=True):
        run.values[name]["jit(jax_fn)"] = jitted
    for (name, k), grad in zip(wrt, g.grads["jit"], strict=True):
        run.grads.setdefault(name, {})[k] = grad
    run.weights = dict(zip(rows, weights_for([np.shape(v) for v in g.values["jit"]]), strict=True))
    return run


@pytest.fixture(scope="module")
def table() -> dict[str, TableRun]:
    return {"float64": run_table("float64", 0), "float32": run_table("float32", 1)}


def test_every_row_has_an_oracle_and_a_lowering() -> None:
    assert set(CASES) == set(SCALAR_OPS), "add a CASES row for each new table row"
    assert set(JAX_ELEMWISE) == set(SCALAR_OPS)
    for name, case in CASES.items():
        assert len(case.domain) == SCALAR_OPS[name].arity, name


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_values(name: str, dtype: str, table: dict[str, TableRun]) -> None:
    run = table[dtype]
    _, out, values = run.rows[name]
    assert out.owner is not None and out.owner.op == pt.Elemwise(name)
    if CASES[name].kind == "float":
        assert out.dtype == dtype, f"{name} of {dtype} inputs is {out.dtype}"
    # The oracle runs in float64, so a float32 result is checked against the truth.
    wide = [v.astype("float64") if v.dtype == np.float32 else v for v in values]
    want = np.asarray(CASES[name].oracle(*wide))
    rtol = None if dtype == "float64" else CASES[name].f32_rtol
    assert len(run.values[name]) >= (2 if dtype == "float64" else 1)
    for how, got in run.values[name].items():
        check_result(out, got, want, rtol=rtol, how=how)


@pytest.mark.parametrize("name", [n for n in sorted(CASES) if grad_args(n)])
def test_gradient(name: str, table: dict[str, TableRun]) -> None:
    run = table["float64"]
    # Elementwise: entry i of the gradient depends on entry i of the inputs only, so
    # the drawn entries are checked alone (finite differences fail at extremes).
    values = [v[:N_DRAWN] for v in run.rows[name][2]]
    weight = run.weights[name][:N_DRAWN]

    def np_loss(*args: Any) -> float:
        return float(np.sum(weight * CASES[name].oracle(*args)))

    assert sorted(run.grads[name]) == grad_args(name)
    for k, got in run.grads[name].items():
        want = numeric_grad(np_loss, values, k, 1e-6)
        np.testing.assert_allclose(got[:N_DRAWN], want, rtol=1e-5, atol=1e-6, err_msg=f"d/dx{k}")


@pytest.mark.parametrize("name", ["pow", "log1mexp", "xlogy", "where", "clip"])
def test_gradient_without_jit(name: str) -> None:
    xs, out, values = row_graph(name, "float64", seed=3)
    values = [v[:N_DRAWN] for v in values]
    compare_grad(xs, out, values, CASES[name].oracle, wrt=grad_args(name), atol=1e-6)


def test_bool_logic_matches_numpy() -> None:
    p, q = pt.vector("p", dtype="bool"), pt.vector("q", dtype="bool")
    pv, qv = np.array([True, True, False, False]), np.array([True, False, True, False])
    compare_jax_and_py(
        [p, q],
        [p & q, p | q, p ^ q, ~p],
        [pv, qv],
        lambda a, b: [a & b, a | b, a ^ b, ~a],
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_where_with_python_scalars_keeps_the_tensor_dtype(dtype: str) -> None:
    v = pt.vector("v", dtype=dtype)
    out = pt.switch(v > 0, v, 0.0)
    assert out.dtype == dtype
    values = [np.array([-1.0, 2.0, 0.5], dtype=dtype)]
    compare_jax_and_py([v], out, values, lambda a: np.where(a > 0, a, 0.0).astype(dtype))


def test_where_condition_is_cast_to_bool() -> None:
    c, v = pt.vector("c", dtype="int64"), pt.vector("v")
    out = pt.where(c, v, -v)
    assert out.owner is not None and out.owner.inputs[0].dtype == "bool"
    values = [np.array([0, 3, -1]), np.array([1.0, 2.0, 3.0])]
    compare_jax_and_py([c, v], out, values, lambda a, b: np.where(a, b, -b))


def test_clip_broadcasts_its_bounds() -> None:
    x, lo = pt.matrix("x"), pt.vector("lo")
    values = [np.arange(6.0).reshape(2, 3) - 2, np.array([-1.0, 0.0, 1.0])]
    compare_jax_and_py([x, lo], pt.clip(x, lo, 2.5), values, lambda a, b: np.clip(a, b, 2.5))


@pytest.mark.parametrize(
    ("src", "dst", "x"),
    [
        ("float64", "int64", [-1.7, -0.5, 0.5, 2.9]),
        ("float64", "float32", [1 / 3, 1e-40, 1e39]),
        ("int64", "float64", [2**53 + 1, -3]),
        ("float64", "bool", [0.0, -0.0, 2.0, np.nan]),
        ("bool", "int64", [True, False]),
        ("int64", "int32", [2**31 + 5, -1]),
    ],
)
def test_cast_matches_numpy_astype(src: str, dst: str, x: list[Any]) -> None:
    v = pt.vector("v", dtype=src)
    out = pt.cast(v, dst)
    assert out.dtype == dst
    with np.errstate(over="ignore", invalid="ignore"):
        compare_jax_and_py([v], out, [np.array(x, dtype=src)], lambda a: a.astype(dst))


def test_cast_to_the_same_dtype_adds_no_node() -> None:
    v = pt.vector("v")
    assert pt.cast(v, "float64") is v
    assert v.astype("float32").owner is not None


# Rows lowered by our own code (the others call one jax.numpy function each).
OWN_LOWERING = [
    "clip",
    "log1mexp",
    "xlogy",
    "xlog1py",
    "erfcx",
    "log_ndtr",
    "where",
    "softplus",
    "log_sigmoid",
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", OWN_LOWERING)
def test_values_without_jit(name: str, dtype: str) -> None:
    xs, out, values = row_graph(name, dtype, seed=2)
    f = pg.function(xs, out)
    with x64_for([out]):
        got = np.asarray(f.jax_fn(*values))
    wide = [v.astype("float64") if v.dtype == np.float32 else v for v in values]
    rtol = None if dtype == "float64" else CASES[name].f32_rtol
    check_result(out, got, CASES[name].oracle(*wide), rtol=rtol, how="jax_fn, no jit")


@pytest.mark.parametrize(
    ("fn", "y", "want"),
    [(pt.xlogy, 2.0, np.log(2.0)), (pt.xlog1py, 1.0, np.log(2.0)), (pt.xlogy, 0.5, np.log(0.5))],
)
def test_xlogy_gradient_in_x_at_zero_is_log_y(fn: Any, y: float, want: float) -> None:
    # d/dx x log(y) = log(y), also at x = 0, where the value is 0 by convention;
    # checked against the one-sided difference quotient (x log y - 0) / x.
    x, yv = pt.scalar("x"), pt.scalar("yv")
    f = pg.function([x, yv], fn(x, yv))
    with jax.enable_x64(True):
        g = jax.grad(f.jax_fn)
        for how, gf in (("no jit", g), ("jit", jax.jit(g))):
            got = float(gf(jnp.float64(0.0), jnp.float64(y)))
            h = 1e-7
            fd = float(f(h, y)) / h
            assert np.isclose(got, fd, rtol=1e-6), how
            assert np.isclose(got, want, rtol=1e-12), how
