"""Linear algebra against NumPy/SciPy: values, static shapes (incl. batches),
and gradients against central differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.linalg as sl

import ppgraph.tensor as pt
from tests.helpers import compare_grad, compare_jax_and_py

RNG = np.random.default_rng(7)


def _t(shape: tuple[int | None, ...], name: str, dtype: str = "float64") -> Any:
    return pt.tensor(dtype, shape=shape, name=name)


def _spd(x: np.ndarray) -> np.ndarray:
    """A symmetric positive-definite matrix (batch) from any square one."""
    n = x.shape[-1]
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


def _spd_graph(x: Any) -> Any:
    """``_spd`` as a graph (so gradients w.r.t. ``x`` see a symmetric matrix)."""
    n = x.type.shape[-1]
    return x @ pt.transpose(x, (*range(x.ndim - 2), x.ndim - 1, x.ndim - 2)) + n * np.eye(n)


MATMUL_CASES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((5, 2, 3), (1, 3, 4)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((2, 1, 2, 3), (5, 3, 4)),
]


def test_matmul_values_static_shapes_and_gradients() -> None:
    ins, vals, outs, wants = [], [], [], []
    for k, (sa, sb) in enumerate(MATMUL_CASES):
        a, b = _t(sa, f"a{k}"), _t((None,) * len(sb), f"b{k}")  # b's sizes unknown
        av, bv = RNG.normal(size=sa), RNG.normal(size=sb)
        out = a @ b
        assert out.ndim == np.ndim(av @ bv)
        static = _t(sa, "sa") @ _t(sb, "sb")
        assert static.type.shape == (av @ bv).shape
        ins += [a, b]
        vals += [av, bv]
        outs.append(out)
        wants.append(av @ bv)
    compare_jax_and_py(ins, outs, vals, wants, eager=True)
    a, b = ins[8], ins[9]
    compare_grad([a, b], outs[4], vals[8:10], np.matmul)


def test_dot() -> None:
    v, m = pt.vector("v"), pt.matrix("m")
    s = pt.scalar("s")
    vv, mv = np.array([1.0, 2.0, 3.0]), np.arange(6.0).reshape(3, 2)
    outs = [pt.dot(v, v), pt.dot(v, m), pt.dot(m.T, v), pt.dot(s, m), v.dot(m)]
    wants = [vv @ vv, vv @ mv, mv.T @ vv, 2.0 * mv, vv @ mv]
    compare_jax_and_py([v, m, s], outs, [vv, mv, 2.0], wants)
    with pytest.raises(ValueError, match="matmul for batches"):
        pt.dot(_t((2, 3, 3), "b"), m)


def test_matmul_of_ints_stays_int() -> None:
    a, b = pt.matrix("a", dtype="int64"), pt.matrix("b", dtype="int32")
    av, bv = np.arange(6).reshape(2, 3), np.arange(6, dtype="int32").reshape(3, 2)
    out = a @ b
    assert out.dtype == str((av @ bv).dtype)
    compare_jax_and_py([a, b], out, [av, bv], av @ bv)


@pytest.mark.parametrize(("sa", "sb"), [((2, 3), (4, 5)), ((3,), (4,)), ((2, 2, 3), (3, 3, 4))])
def test_matmul_shape_errors_name_both_shapes(sa: Any, sb: Any) -> None:
    with pytest.raises(ValueError) as err:
        _t(sa, "a") @ _t(sb, "b")
    assert str(sa) in str(err.value) and str(sb) in str(err.value)


def test_matrix_functions_values() -> None:
    x = _t((None, 3, 3), "x")
    xv = RNG.normal(size=(2, 3, 3))
    a = _spd_graph(x)
    av = _spd(xv)
    sign, logdet = pt.slogdet(x)
    outs = [pt.cholesky(a), pt.cholesky(a, lower=False), pt.det(x), sign, logdet, pt.inv(x)]
    sv, lv = np.linalg.slogdet(xv)
    low = np.linalg.cholesky(av)
    wants = [low, np.swapaxes(low, -1, -2), np.linalg.det(xv), sv, lv, np.linalg.inv(xv)]
    assert [o.type.shape for o in outs] == [(None, 3, 3)] * 2 + [(None,)] * 3 + [(None, 3, 3)]
    compare_jax_and_py([x], outs, [xv], wants, eager=True)
    # one unbatched matrix too
    m = pt.matrix("m")
    mv = xv[0]
    compare_jax_and_py([m], [pt.det(m), pt.inv(m)], [mv], [sl.det(mv), sl.inv(mv)], eager=True)


@pytest.mark.parametrize("which", ["cholesky", "cholesky_upper", "det", "logdet", "inv"])
def test_matrix_function_gradients(which: str) -> None:
    x = pt.tensor("float64", shape=(3, 3), name="x")
    xv = RNG.normal(size=(3, 3)) + 2 * np.eye(3)
    graph = {
        "cholesky": lambda v: pt.cholesky(_spd_graph(v)),
        "cholesky_upper": lambda v: pt.cholesky(_spd_graph(v), lower=False),
        "det": pt.det,
        "logdet": lambda v: pt.slogdet(v)[1],
        "inv": pt.inv,
    }[which]
    oracle = {
        "cholesky": lambda v: sl.cholesky(_spd(v), lower=True),
        "cholesky_upper": lambda v: sl.cholesky(_spd(v), lower=False),
        "det": sl.det,
        "logdet": lambda v: np.linalg.slogdet(v)[1],
        "inv": sl.inv,
    }[which]
    compare_grad([x], graph(x), [xv], oracle)


SOLVE_CASES = [
    ((3, 3), (3,)),
    ((3, 3), (3, 2)),
    ((2, 3, 3), (3,)),
    ((2, 3, 3), (2, 3, 2)),
    ((3, 3), (2, 3, 1)),
]


@pytest.mark.parametrize("assume_a", ["gen", "pos", "sym"])
def test_solve(assume_a: str) -> None:
    ins, vals, outs, wants = [], [], [], []
    for k, (sa, sb) in enumerate(SOLVE_CASES):
        x, b = _t((None,) * len(sa), f"x{k}"), _t(sb, f"b{k}")
        xv, bv = RNG.normal(size=sa), RNG.normal(size=sb)
        av = _spd(xv) if assume_a != "gen" else xv + 3 * np.eye(3)
        ins += [x, b]
        vals += [av, bv]
        out = pt.solve(x, b, assume_a=assume_a)
        want = np.linalg.solve(av, bv)
        assert out.ndim == want.ndim
        assert pt.solve(_t(sa, "sa"), _t(sb, "sb"), assume_a=assume_a).type.shape == want.shape
        outs.append(out)
        wants.append(want)
    if assume_a == "gen":
        # the unbatched cases against SciPy as well
        for av, bv, want in zip(vals[0:4:2], vals[1:4:2], wants, strict=False):
            np.testing.assert_allclose(sl.solve(av, bv), want)
    compare_jax_and_py(ins, outs, vals, wants, rtol=1e-8, eager=True)


def test_solve_gradients() -> None:
    x, b = _t((3, 3), "x"), pt.matrix("b")
    xv, bv = RNG.normal(size=(3, 3)), RNG.normal(size=(3, 2))
    out = pt.stack([pt.solve(x + 3 * np.eye(3), b), pt.solve(_spd_graph(x), b, assume_a="pos")])

    def oracle(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        return np.stack([sl.solve(p + 3 * np.eye(3), q), sl.solve(_spd(p), q, assume_a="pos")])

    compare_grad([x, b], out, [xv, bv], oracle)


TRIANGULAR = [
    (True, 0, False),
    (False, 0, False),
    (True, 1, False),
    (False, 2, True),
    (True, 0, True),
]


def test_solve_triangular() -> None:
    a, b, v = pt.matrix("a"), pt.matrix("b"), pt.vector("v")
    av = RNG.normal(size=(3, 3)) + 3 * np.eye(3)  # the other triangle must be ignored
    bv, vv = RNG.normal(size=(3, 2)), RNG.normal(size=3)
    outs, wants = [], []
    for lower, trans, unit in TRIANGULAR:
        for r, rv in ((b, bv), (v, vv)):
            outs.append(pt.solve_triangular(a, r, lower=lower, trans=trans, unit_diagonal=unit))
            wants.append(sl.solve_triangular(av, rv, lower=lower, trans=trans, unit_diagonal=unit))
    compare_jax_and_py([a, b, v], outs, [av, bv, vv], wants, rtol=1e-8, eager=True)

    def oracle(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        return np.stack(
            [
                sl.solve_triangular(p, q, lower=lo, trans=t, unit_diagonal=u)
                for lo, t, u in TRIANGULAR
            ]
        )

    compare_grad([a, b], pt.stack(outs[::2]), [av, bv], oracle)


def test_solve_triangular_batched() -> None:
    a, b = _t((2, 3, 3), "a"), _t((3, 4), "b")
    av, bv = np.tril(RNG.normal(size=(2, 3, 3))) + 3 * np.eye(3), RNG.normal(size=(3, 4))
    out = pt.solve_triangular(a, b)
    want = np.linalg.solve(av, bv)
    assert out.type.shape == want.shape
    compare_jax_and_py([a, b], out, [av, bv], want)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: pt.cholesky(_t((2, 3), "x")), "square"),
        (lambda: pt.det(pt.vector("v")), "matrix"),
        (lambda: pt.solve(_t((3, 3), "a"), _t((4,), "b")), r"\(3, 3\).*\(4,\)"),
        (lambda: pt.solve(_t((3, 3), "a"), _t((3, 3), "b"), assume_a="tri"), "assume_a"),
        (lambda: pt.matmul(pt.scalar("s"), pt.vector("v")), "scalars"),
    ],
)
def test_linalg_errors(call: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_int_matrix_is_cast_to_float() -> None:
    m = pt.matrix("m", dtype="int64")
    out = pt.det(m)
    assert out.dtype == "float64"
    compare_jax_and_py([m], out, [np.array([[2, 1], [1, 3]])], 5.0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_outer_kron_trace_einsum_match_numpy(dtype: str) -> None:
    a = pt.tensor(dtype, shape=(2, 3), name="a")
    b = pt.tensor(dtype, shape=(None, None), name="b")
    v = pt.tensor(dtype, shape=(3,), name="v")
    t = pt.tensor(dtype, shape=(4, 3, 3), name="t")
    av, bv = RNG.normal(size=(2, 3)).astype(dtype), RNG.normal(size=(3, 2)).astype(dtype)
    vv, tv = RNG.normal(size=3).astype(dtype), RNG.normal(size=(4, 3, 3)).astype(dtype)
    outs = [
        pt.outer(v, a),
        pt.kron(a, b),
        pt.kron(v, a),
        pt.linalg.trace(t),
        pt.linalg.trace(a, offset=1),
        pt.linalg.matrix_dot(a, b, a),
        pt.einsum("ij,jk->ik", a, b),
        pt.einsum("ij,j", a, v),
        pt.einsum("bii->b", t),
        pt.einsum("...ij,...jk->...ik", t, t),
        pt.einsum("i,i", v, v),
    ]
    wants = [
        np.outer(vv, av),
        np.kron(av, bv),
        np.kron(vv, av),
        np.trace(tv, axis1=-2, axis2=-1),
        np.trace(av, offset=1),
        av @ bv @ av,
        np.einsum("ij,jk->ik", av, bv),
        np.einsum("ij,j", av, vv),
        np.einsum("bii->b", tv),
        np.einsum("...ij,...jk->...ik", tv, tv),
        np.einsum("i,i", vv, vv),
    ]
    rtol = 1e-9 if dtype == "float64" else 1e-5
    compare_jax_and_py([a, b, v, t], outs, [av, bv, vv, tv], wants, rtol=rtol)
    assert outs[0].type.shape == (3, 6) and outs[2].type.shape == (2, 9)
    assert outs[8].type.shape == (4,) and outs[9].type.shape == (4, 3, 3)


def test_kron_einsum_eigh_gradients() -> None:
    a, b = pt.matrix("a"), pt.matrix("b")
    av, bv = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 2))
    compare_grad([a, b], pt.kron(a, b), [av, bv], np.kron)
    compare_grad(
        [a, b], pt.einsum("ij,ik->jk", a, b), [av, bv], lambda x, y: np.einsum("ij,ik->jk", x, y)
    )
    x = pt.tensor("float64", shape=(3, 3), name="x")
    xv = RNG.normal(size=(3, 3))
    compare_grad([x], pt.linalg.eigh(_spd_graph(x))[0], [xv], lambda m: np.linalg.eigvalsh(_spd(m)))


def test_eigh_values_and_vectors() -> None:
    x = pt.tensor("float64", shape=(None, 3, 3), name="x")
    xv = _spd(RNG.normal(size=(2, 3, 3)))
    w, v = pt.linalg.eigh(x)
    wv = np.linalg.eigvalsh(xv)
    compare_jax_and_py([x], w, [xv], wv)
    got_w, got_v = w.eval({x: xv}), v.eval({x: xv})
    np.testing.assert_allclose(got_w, wv, rtol=1e-10)
    # eigenvectors up to sign: v diag(w) v^T rebuilds the matrix
    np.testing.assert_allclose(
        got_v @ (got_w[..., None] * np.swapaxes(got_v, -1, -2)), xv, rtol=1e-10, atol=1e-10
    )


def test_linalg_module_has_pytensors_names() -> None:
    for name in [
        "cholesky",
        "solve",
        "solve_triangular",
        "inv",
        "det",
        "slogdet",
        "eigh",
        "kron",
        "trace",
        "matrix_dot",
    ]:
        assert callable(getattr(pt.linalg, name)), name
    assert pt.linalg.inv is pt.inv and pt.linalg.kron is pt.kron


def test_einsum_bad_subscripts_say_why() -> None:
    a = pt.tensor("float64", shape=(2, 3), name="a")
    with pytest.raises(ValueError, match="names 2 operands, got 1"):
        pt.einsum("ij,jk->ik", a)
    with pytest.raises(ValueError, match="index 'j' has sizes 3 and 2"):
        pt.einsum("ij,jk->ik", a, a)
    with pytest.raises(ValueError, match="output index 'z'"):
        pt.einsum("ij->z", a)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_block_diag_matrix_power_cho_solve_match_scipy(dtype: str) -> None:
    a = pt.tensor(dtype, shape=(3, 3), name="a")
    b = pt.tensor(dtype, shape=(None, 2), name="b")
    av = (RNG.normal(size=(3, 3)) * 0.3 + np.eye(3)).astype(dtype)
    bv = RNG.normal(size=(3, 2)).astype(dtype)
    spd = _spd(av.astype("float64"))
    low, up = sl.cholesky(spd, lower=True), sl.cholesky(spd, lower=False)
    outs = [
        pt.linalg.block_diag(a, b),
        pt.linalg.matrix_power(a, 5),
        pt.linalg.matrix_power(a, -2),
        pt.linalg.matrix_power(a, 0),
        pt.linalg.cho_solve((pt.cholesky(_spd_graph(a)), True), b),
        pt.linalg.cho_solve((pt.cholesky(_spd_graph(a), lower=False), False), b),
    ]
    wants = [
        sl.block_diag(av, bv),
        np.linalg.matrix_power(av.astype("float64"), 5),
        np.linalg.matrix_power(av.astype("float64"), -2),
        np.eye(3),
        sl.cho_solve((low, True), bv),
        sl.cho_solve((up, False), bv),
    ]
    rtol = 1e-9 if dtype == "float64" else 1e-4
    compare_jax_and_py([a, b], outs, [av, bv], wants, rtol=rtol, atol=rtol)
    import ppgraph as pg

    assert pg.math.matrix_dot is pt.linalg.matrix_dot
