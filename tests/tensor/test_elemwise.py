"""Broadcasting (DimShuffle made explicit), dtype rules, DimShuffle itself, and
errors at graph construction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.tensor.elemwise import DimShuffle
from tests.helpers import compare_grad, compare_jax_and_py, op_names


def test_broadcasting_inserts_dimshuffle_and_matches_numpy() -> None:
    x = pt.scalar("x")
    v = pt.vector("v")
    m = pt.matrix("m")
    out = x + v * m
    assert out.type.shape == (None, None)
    names = op_names(out)
    assert "DimShuffle{x,x}" in names  # the scalar x, to 2-d
    assert "DimShuffle{x,0}" in names  # the vector v, to 2-d
    # every Elemwise node sees inputs of one rank
    for node in [out.owner, out.owner.inputs[1].owner]:
        assert node is not None
        assert len({i.ndim for i in node.inputs}) == 1
    values = [np.array(0.5), np.array([1.0, 2.0, 3.0]), np.arange(6.0).reshape(2, 3)]
    compare_jax_and_py([x, v, m], out, values, lambda a, b, c: a + b * c, eager=True)
    compare_grad([x, v, m], out, values, lambda a, b, c: a + b * c)


def test_broadcasting_size_one_dims_both_ways() -> None:
    col = pt.tensor("float64", shape=(None, 1), name="col")
    row = pt.tensor("float64", shape=(1, 4), name="row")
    out = col * row
    assert out.type.shape == (None, 4)
    values = [np.arange(3.0).reshape(3, 1), np.arange(4.0).reshape(1, 4) + 1]
    compare_jax_and_py([col, row], out, values, np.multiply, eager=True)
    compare_grad([col, row], out, values, np.multiply)


@pytest.mark.parametrize(
    ("a", "b", "want", "concrete"),
    [
        ((2, 3), (3,), (2, 3), [(2, 3), (3,)]),
        ((None, 3), (2, 1), (2, 3), [(2, 3), (2, 1)]),
        ((1,), (None,), (None,), [(1,), (4,)]),
        ((1, 1), (1,), (1, 1), [(1, 1), (1,)]),
        ((4, None), (None, 5), (4, 5), [(4, 5), (1, 5)]),
    ],
)
def test_static_shape_of_broadcasting(a: Any, b: Any, want: Any, concrete: Any) -> None:
    x, y = pt.tensor("float64", shape=a, name="x"), pt.tensor("float64", shape=b, name="y")
    out = x + y
    assert out.type.shape == want
    values = [np.ones(concrete[0]), np.ones(concrete[1])]
    got = pg.function([x, y], out)(*values)
    assert got.shape == np.broadcast_shapes(*concrete)
    assert out.type.accepts_shape(got.shape)


@pytest.mark.parametrize(
    ("a", "b"),
    [((2, 3), (4,)), ((3,), (2,)), ((2, None), (3, None))],
)
def test_incompatible_static_shapes_raise_naming_both(a: Any, b: Any) -> None:
    x, y = pt.tensor("float64", shape=a, name="x"), pt.tensor("float64", shape=b, name="y")
    with pytest.raises(ValueError) as err:
        x + y
    assert str(a) in str(err.value) and str(b) in str(err.value)


@pytest.mark.parametrize("obj", [object(), "abc", None, {"a": 1}, [[1.0], [1.0, 2.0]], 2**80])
def test_a_value_that_cannot_be_a_constant_raises_type_error_naming_it(obj: Any) -> None:
    with pytest.raises(TypeError, match="cannot make a tensor constant"):
        pt.as_tensor_variable(obj)
    with pytest.raises(TypeError) as err:
        pt.vector("v", dtype="int64") + obj
    assert type(obj).__name__ in str(err.value)


# --- dtype rules ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [2.5, 2, 0.1])
def test_python_scalar_beside_float32_stays_float32(value: float) -> None:
    x = pt.vector("x", dtype="float32")
    for out in (x * value, value * x, x + value, x / value, x - value, x**value):
        assert out.dtype == "float32", out
    xv = np.array([1.5, 2.0], dtype="float32")
    got = pg.function([x], x * value)(xv)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, xv * np.float32(value))


def test_python_float_beside_float64_is_float64_and_not_narrowed() -> None:
    x = pt.scalar("x")
    out = x + 0.1
    [const] = [i for i in out.owner.inputs if isinstance(i, pt.TensorConstant)]
    assert const.dtype == "float64" and float(const.data) == 0.1
    assert pg.function([x], out)(0.2) == 0.2 + 0.1  # exactly NumPy's float64 sum


@pytest.mark.parametrize(
    ("dtype", "want"), [("int64", "float64"), ("int32", "float64"), ("int8", "float64")]
)
def test_int_tensor_divided_by_int_is_floatx(dtype: str, want: str) -> None:
    i = pt.vector("i", dtype=dtype)
    out = i / 2
    assert out.dtype == want
    values = [np.array([1, 2, 7], dtype=dtype)]
    compare_jax_and_py([i], out, values, lambda a: (a / 2).astype(want))
    with pg.config.change_flags(floatX="float32"):
        assert (pt.vector("j", dtype=dtype) / 2).dtype == "float32"


def test_int_arithmetic_stays_int() -> None:
    i = pt.vector("i", dtype="int64")
    outs = [i + 1, i * 3, i // 2, i % 3, i**2, -i]
    assert [o.dtype for o in outs] == ["int64"] * 6
    iv = np.array([-7, 0, 5, 2**40])
    compare_jax_and_py([i], outs, [iv], lambda a: [a + 1, a * 3, a // 2, a % 3, a**2, -a])


@pytest.mark.parametrize(
    ("a", "b"),
    [("int32", "float32"), ("int64", "float32"), ("uint8", "int8"), ("float32", "float64")],
)
def test_mixed_dtypes_follow_numpy_and_compute_in_that_dtype(a: str, b: str) -> None:
    x, y = pt.vector("x", dtype=a), pt.vector("y", dtype=b)
    out = x + y
    want = np.result_type(a, b)
    assert out.dtype == str(want)
    # 2**24 + 1 is exact in float64 and int32 but not in float32: computing in JAX's
    # promotion (float32 for int32 + float32) would lose it.
    xv = np.array([16777217, 3], dtype=a) if a.startswith("int") else np.array([1, 3], dtype=a)
    yv = np.array([0, 100], dtype=b)
    compare_jax_and_py([x, y], out, [xv, yv], lambda p, q: p + q)


def test_float64_graph_really_computes_in_float64() -> None:
    x = pt.scalar("x")
    # (1 + 1e-10) - 1 is 1e-10 in float64 and 0 in float32
    out = (x + 1e-10) - x
    got = pg.function([x], out)(1.0)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, (1.0 + 1e-10) - 1.0, rtol=1e-12)
    assert got != 0.0
    # and the same under the user's own jit, in 64-bit JAX
    import jax

    with jax.enable_x64(True):
        jitted = jax.jit(pg.function([x], out).jax_fn)(np.float64(1.0))
    assert float(jitted) == pytest.approx(1e-10, rel=1e-6)


def test_float32_mode_is_float32_end_to_end() -> None:
    with pg.config.change_flags(floatX="float32"):
        x, m = pt.vector("x"), pt.matrix("m")
        i = pt.vector("i", dtype="int32")
        outs = [
            pt.exp(x) * 2.0 + 1,
            pt.sum(m, axis=0) / 3,
            pt.mean(i),
            pt.var(m, axis=1),
            pt.std(m),
            pt.constant([1.0, 2.0]) * x[:2],
            pt.where(x > 0, x, 0.0),
            pt.zeros((2,)) + pt.ones((2,)),
            i / 2,
            pt.sigmoid(i),
            pt.logsumexp(m, axis=1),
            (m @ x).sum(),
        ]
        assert [o.dtype for o in outs] == ["float32"] * len(outs)
        xv = np.array([0.5, -1.0, 2.0], dtype="float32")
        mv = np.arange(6, dtype="float32").reshape(2, 3)
        iv = np.array([1, 2, 4], dtype="int32")
        got = pg.function([x, m, i], outs)(xv, mv, iv)
    assert [g.dtype for g in got] == [np.float32] * len(outs)
    np.testing.assert_allclose(got[0], np.exp(xv) * 2 + 1, rtol=1e-6)
    np.testing.assert_allclose(got[3], np.var(mv, axis=1), rtol=1e-6)
    np.testing.assert_allclose(got[11], (mv @ xv).sum(), rtol=1e-6)


def test_python_list_of_variables_and_floats_keeps_the_variables_dtype() -> None:
    x = pt.scalar("x", dtype="float32")
    out = pt.as_tensor_variable([x, 1.0, 2])
    assert out.dtype == "float32" and out.type.shape == (3,)
    np.testing.assert_array_equal(
        pg.function([x], out)(np.float32(0.5)), np.array([0.5, 1.0, 2.0], dtype="float32")
    )


# --- DimShuffle --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "order"),
    [
        ((2, 3), (1, 0)),
        ((2, 3), ("x", 0, "x", 1)),
        ((1, 3), (1,)),
        ((2, 1, 3), (2, "x", 0)),
        ((), ("x", "x")),
    ],
)
def test_dimshuffle_matches_numpy(shape: tuple[int, ...], order: tuple[Any, ...]) -> None:
    x = pt.tensor("float64", shape=shape, name="x")
    out = DimShuffle(order)(x)
    kept = [d for d in order if d != "x"]
    dropped = tuple(d for d in range(len(shape)) if d not in kept)

    def oracle(a: np.ndarray) -> np.ndarray:
        a = np.squeeze(a, dropped) if dropped else a
        rank = sorted(kept)
        a = np.transpose(a, [rank.index(d) for d in kept])
        return np.expand_dims(a, [i for i, d in enumerate(order) if d == "x"])

    value = np.arange(float(np.prod(shape))).reshape(shape)
    assert out.type.shape == oracle(value).shape
    compare_jax_and_py([x], out, [value], oracle)
    compare_grad([x], out, [value], oracle, eager=False)


def test_dimshuffle_cannot_drop_a_dim_that_is_not_size_one() -> None:
    with pytest.raises(ValueError, match="drops dim 0"):
        DimShuffle((1,))(pt.tensor("float64", shape=(2, 3)))
    with pytest.raises(ValueError, match="bad order"):
        DimShuffle((0, 0))(pt.matrix("m"))


def test_double_equals_is_identity_and_pt_eq_is_elementwise() -> None:
    # As in PyTensor: variables are dict keys, so == keeps Python's identity
    # meaning; pt.eq (and pt.neq) build the elementwise comparison.
    x, y = pt.vector("x"), pt.vector("y")
    assert (x == x) is True and (x == y) is False and (x != y) is True
    assert {x: 1, y: 2}[x] == 1
    xv, yv = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])
    compare_jax_and_py([x, y], [pt.eq(x, y), pt.neq(x, y)], [xv, yv], [xv == yv, xv != yv])
