"""Shape ops against NumPy: values, static shapes, gradients, and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from tests.helpers import compare_grad, compare_jax_and_py

A = np.arange(24.0).reshape(2, 3, 4) / 7.0


def test_reshape_values_static_shapes_and_gradient() -> None:
    x = pt.tensor("float64", shape=(2, 3, 4), name="x")
    u = pt.tensor("float64", shape=(None, 3, 4), name="u")  # first size unknown
    cases: list[tuple[Any, Any, Any]] = [
        (x, (6, 4), (6, 4)),
        (x, (-1,), (24,)),
        (x, (4, -1, 2), (4, 3, 2)),
        (x, (1, 24), (1, 24)),
        (u, (-1, 4), (None, 4)),
        (u, (u.shape[0], 12), (None, 12)),
        (u, (u.shape[0] * 3, -1), (None, None)),
    ]
    outs = [pt.reshape(v, shp) for v, shp, _ in cases]
    assert [o.type.shape for o in outs] == [want for _, _, want in cases]
    wants = [A.reshape(6, 4), A.reshape(-1), A.reshape(4, -1, 2), A.reshape(1, 24)]
    wants += [A.reshape(-1, 4), A.reshape(2, 12), A.reshape(6, -1)]
    compare_jax_and_py([x, u], outs, [A, A], wants, eager=True)
    compare_grad([u], outs[-1], [A], lambda a: a.reshape(a.shape[0] * 3, -1))


def test_reshape_methods_and_flatten() -> None:
    m = pt.matrix("m")
    mv = np.arange(6.0).reshape(2, 3)
    outs = [m.reshape(3, 2), m.reshape((3, 2)), m.flatten(), pt.flatten(m), m.reshape(-1, 1)]
    wants = [mv.reshape(3, 2), mv.reshape(3, 2), mv.ravel(), mv.ravel(), mv.reshape(-1, 1)]
    compare_jax_and_py([m], outs, [mv], wants)


@pytest.mark.parametrize(
    ("shape", "new", "match"),
    [((2, 3), (4, 2), "cannot reshape"), ((2, 3), (-1, -1), "at most one -1")],
)
def test_reshape_errors(shape: Any, new: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        pt.reshape(pt.tensor("float64", shape=shape, name="x"), new)


def test_transpose_expand_dims_squeeze() -> None:
    x = pt.tensor("float64", shape=(2, None, 4), name="x")
    o = pt.tensor("float64", shape=(1, 3, 1), name="o")
    outs = [
        x.T,
        pt.transpose(x, (1, 0, 2)),
        x.transpose(2, 0, 1),
        pt.transpose(x, (-1, 0, 1)),
        pt.expand_dims(x, 0),
        pt.expand_dims(x, -1),
        pt.expand_dims(x, (0, 2)),
        pt.squeeze(o),
        pt.squeeze(o, 0),
        o.squeeze(axis=-1),
        x.dimshuffle(2, "x", 0, 1),
    ]
    ov = np.arange(3.0).reshape(1, 3, 1)
    wants = [
        A.T,
        A.transpose(1, 0, 2),
        A.transpose(2, 0, 1),
        A.transpose(2, 0, 1),
        np.expand_dims(A, 0),
        np.expand_dims(A, -1),
        np.expand_dims(A, (0, 2)),
        np.squeeze(ov),
        np.squeeze(ov, 0),
        np.squeeze(ov, -1),
        np.expand_dims(A.transpose(2, 0, 1), 1),
    ]
    static = [(4, None, 2), (None, 2, 4), (4, 2, None), (4, 2, None)]
    static += [(1, 2, None, 4), (2, None, 4, 1), (1, 2, 1, None, 4), (3,), (3, 1), (1, 3)]
    static += [(4, 1, 2, None)]
    assert [o.type.shape for o in outs] == static
    compare_jax_and_py([x, o], outs, [A, ov], wants, eager=True)
    compare_grad([x], outs[10], [A], lambda a: np.expand_dims(a.transpose(2, 0, 1), 1))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda x: pt.transpose(x, (0, 3, 1)), "permutation"),
        (lambda x: pt.transpose(x, (0, 0, 1)), "permutation"),
        (lambda x: pt.transpose(x, (0, 1)), "permutation"),
        (lambda x: pt.expand_dims(x, 5), "out of range"),
        (lambda x: pt.expand_dims(x, (0, 0)), "repeated"),
        (lambda x: pt.squeeze(x, 0), "not 1"),
        (lambda x: pt.stack([x, x], axis=4), "out of range"),
        (lambda x: pt.concatenate([x, x], axis=-4), "out of range"),
    ],
)
def test_axis_errors_raise_at_construction(call: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call(pt.tensor("float64", shape=(2, 3, 4), name="x"))


def test_stack_and_concatenate() -> None:
    a = pt.tensor("float64", shape=(2, None), name="a")
    b = pt.matrix("b")
    i = pt.matrix("i", dtype="int32")
    outs = [
        pt.stack([a, b]),
        pt.stack([a, b], axis=1),
        pt.stack([a, b, a], axis=-1),
        pt.concatenate([a, b]),
        pt.concatenate([a, b, a], axis=1),
        pt.concatenate([a, b], axis=-1),
        pt.stack([a, i]),  # int32 joins float64 as float64
    ]
    av, bv = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    iv = np.ones((2, 3), dtype="int32")
    wants = [
        np.stack([av, bv]),
        np.stack([av, bv], axis=1),
        np.stack([av, bv, av], axis=-1),
        np.concatenate([av, bv]),
        np.concatenate([av, bv, av], axis=1),
        np.concatenate([av, bv], axis=-1),
        np.stack([av, iv]),
    ]
    assert [o.type.shape for o in outs[:4]] == [
        (2, 2, None),
        (2, 2, None),
        (2, None, 3),
        (None, None),
    ]
    compare_jax_and_py([a, b, i], outs, [av, bv, iv], wants, eager=True)
    compare_grad([a, b], outs[4], [av, bv], lambda p, q: np.concatenate([p, q, p], axis=1))


def test_stack_of_scalars_keeps_static_length() -> None:
    x, y = pt.scalar("x"), pt.scalar("y")
    out = pt.stack([x, y, x * y])
    assert out.type.shape == (3,)
    compare_jax_and_py([x, y], out, [2.0, 3.0], np.array([2.0, 3.0, 6.0]))
    compare_grad([x, y], out, [np.array(2.0), np.array(3.0)], lambda p, q: np.stack([p, q, p * q]))


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ((2, 3), (2, 4), r"\(2, 3\).*\(2, 4\)"),
        ((2, 3), (3,), "ranks"),
    ],
)
def test_stack_concatenate_shape_errors_name_both_shapes(a: Any, b: Any, match: str) -> None:
    x, y = pt.tensor("float64", shape=a, name="x"), pt.tensor("float64", shape=b, name="y")
    with pytest.raises(ValueError, match=match):
        pt.stack([x, y])
    if len(a) == len(b):
        with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
            pt.concatenate([x, y], axis=0)


def test_broadcast_to_zeros_ones_full() -> None:
    v = pt.vector("v")
    m = pt.tensor("float64", shape=(None, 3), name="m")
    outs = [
        pt.broadcast_to(v, (2, 3)),
        pt.broadcast_to(pt.scalar("s"), (m.shape[0], 3)),
        pt.zeros((2, 3)),
        pt.ones((3,), dtype="int32"),
        pt.full((2,), 7),
        pt.full((1, 2), 0.5, dtype="float32"),
        pt.zeros(m.shape) + m,
        pt.ones((m.shape[0],)),
        pt.zeros(m.shape),
    ]
    assert outs[0].type.shape == (2, 3)
    assert outs[1].type.shape == (None, 3)
    assert outs[6].type.shape == outs[8].type.shape == (None, 3)  # sizes read off m's type
    assert [o.dtype for o in outs[2:6]] == ["float64", "int32", "int64", "float32"]
    vv, mv = np.array([1.0, 2.0, 3.0]), np.arange(6.0).reshape(2, 3)
    wants = [
        np.broadcast_to(vv, (2, 3)),
        np.full((2, 3), 4.0),
        np.zeros((2, 3)),
        np.ones(3, dtype="int32"),
        np.full(2, 7),
        np.full((1, 2), 0.5, dtype="float32"),
        mv,
        np.ones(2),
        np.zeros((2, 3)),
    ]
    s = outs[1].owner.inputs[0]
    compare_jax_and_py([v, s, m], outs, [vv, 4.0, mv], wants, eager=True)
    compare_grad([v], outs[0], [vv], lambda a: np.broadcast_to(a, (2, 3)))


@pytest.mark.parametrize("n", [2, np.int64(3), 0])
def test_zeros_and_ones_take_an_int_shape(n: Any) -> None:
    zeros, ones = pt.zeros(n), pt.ones(n, dtype="int32")
    assert zeros.type.shape == ones.type.shape == (int(n),)
    np.testing.assert_array_equal(zeros.eval(), np.zeros(n))
    got = ones.eval()
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, np.ones(n, dtype="int32"))


def test_arange_takes_static_sizes_and_names_a_symbolic_bound() -> None:
    m = pt.tensor("float64", shape=(2, 3), name="m")
    np.testing.assert_array_equal(pt.arange(m.shape[1]).eval(), np.arange(3))
    np.testing.assert_array_equal(pt.arange(1, pt.constant(4)).eval(), np.arange(1, 4))
    n = pt.scalar("n", dtype="int64")
    with pytest.raises(TypeError, match=r"arange: stop is the symbolic variable n.*static"):
        pt.arange(1, n)
    with pytest.raises(TypeError, match=r"arange: stop is the symbolic variable"):
        pt.arange(pt.matrix("u").shape[0])  # a size the type does not know


def test_broadcast_to_incompatible_raises_naming_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 4\)"):
        pt.broadcast_to(pt.tensor("float64", shape=(3,), name="x"), (2, 4))


def test_shape_is_a_constant_when_static_and_a_graph_otherwise() -> None:
    s = pt.tensor("float64", shape=(2, 3), name="s")
    assert isinstance(pt.shape(s), pt.TensorConstant)
    np.testing.assert_array_equal(pt.shape(s).data, [2, 3])
    m = pt.tensor("float64", shape=(None, 3), name="m")
    out = m.shape
    assert out.dtype == "int64" and out.type.shape == (2,)
    compare_jax_and_py([m], [out, out[0], out.prod()], [np.ones((5, 3))], [np.array([5, 3]), 5, 15])


def test_shape_arithmetic_stays_static_under_jit_grad_and_vmap() -> None:
    import jax

    m = pt.matrix("m")
    out = m.reshape((m.shape[1], -1))[: m.shape[0] - 1].sum()
    f = pg.function([m], out)
    mv = np.arange(6.0).reshape(2, 3)
    want = mv.reshape(3, -1)[:1].sum()
    assert f(mv) == want
    with jax.enable_x64(True):
        assert float(jax.jit(f.jax_fn)(mv)) == want
        np.testing.assert_array_equal(jax.vmap(f.jax_fn)(np.stack([mv, mv])), [want, want])
        grad = jax.jit(jax.grad(f.jax_fn))(mv)
    np.testing.assert_array_equal(grad, [[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])


def test_arange_and_int_shapes() -> None:
    outs = [
        pt.arange(4),
        pt.arange(1, 7, 2),
        pt.arange(0, 1, 0.25),
        pt.zeros(3),
        pt.ones(2, "int32"),
    ]
    wants = [
        np.arange(4),
        np.arange(1, 7, 2),
        np.arange(0, 1, 0.25),
        np.zeros(3),
        np.ones(2, "int32"),
    ]
    assert [o.dtype for o in outs] == [str(w.dtype) for w in wants]
    compare_jax_and_py([], outs, [], wants)


def test_iteration_and_len_need_a_static_first_dim() -> None:
    x = pt.tensor("float64", shape=(3, None), name="x")
    assert len(x) == 3
    parts = list(x)
    assert len(parts) == 3 and parts[0].type.shape == (None,)
    with pytest.raises(TypeError, match="not static"):
        len(pt.matrix("m"))
    with pytest.raises(TypeError, match="truth value"):
        bool(x)
