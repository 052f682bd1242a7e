"""``eye``, ``diag``/``diagonal``, ``tril``/``triu`` and the ``*_like`` fills against
NumPy: values in float64 and float32 under jit, static shapes, gradients."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph.tensor as pt
from tests.helpers import compare_grad, compare_jax_and_py

RNG = np.random.default_rng(5)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_diagonals_and_triangles_match_numpy(dtype: str) -> None:
    m = pt.tensor(dtype, shape=(3, 4), name="m")
    b = pt.tensor(dtype, shape=(None, 3, 3), name="b")
    v = pt.tensor(dtype, shape=(3,), name="v")
    mv = RNG.normal(size=(3, 4)).astype(dtype)
    bv = RNG.normal(size=(2, 3, 3)).astype(dtype)
    vv = RNG.normal(size=3).astype(dtype)
    outs = [
        pt.diag(v),
        pt.diag(v, k=1),
        pt.diag(v, k=-2),
        pt.diag(m),
        pt.diag(m, k=2),
        pt.diagonal(b, axis1=1, axis2=2),
        pt.diagonal(b, offset=-1, axis1=-1, axis2=1),
        pt.tril(m),
        pt.triu(m, k=1),
        pt.tril(b, k=-1),
        pt.zeros_like(m),
        pt.ones_like(b),
        pt.full_like(v, 2.5),
    ]
    wants = [
        np.diag(vv),
        np.diag(vv, k=1),
        np.diag(vv, k=-2),
        np.diag(mv),
        np.diag(mv, k=2),
        np.diagonal(bv, axis1=1, axis2=2),
        np.diagonal(bv, offset=-1, axis1=-1, axis2=1),
        np.tril(mv),
        np.triu(mv, k=1),
        np.tril(bv, k=-1),
        np.zeros_like(mv),
        np.ones_like(bv),
        np.full_like(vv, 2.5),
    ]
    compare_jax_and_py([m, b, v], outs, [mv, bv, vv], wants)
    static = [o.type.shape for o in outs]
    assert static[:5] == [(3, 3), (4, 4), (5, 5), (3,), (2,)]
    assert static[5] == (None, 3) and static[6] == (None, 2)


def test_eye_matches_numpy_and_needs_static_sizes() -> None:
    np.testing.assert_array_equal(pt.eye(3).eval(), np.eye(3))
    np.testing.assert_array_equal(pt.eye(2, 4, k=1).eval(), np.eye(2, 4, k=1))
    assert pt.eye(2, dtype="float32").dtype == "float32"
    m = pt.tensor("float64", shape=(None, 3), name="m")
    np.testing.assert_array_equal(pt.eye(m.shape[1]).eval(), np.eye(3))
    with pytest.raises(TypeError, match="eye: n is the symbolic variable"):
        pt.eye(m.shape[0])


def test_diag_and_triangle_gradients() -> None:
    m = pt.matrix("m")
    v = pt.vector("v")
    mv, vv = RNG.normal(size=(3, 3)), RNG.normal(size=3)
    compare_grad([v], pt.diag(v, k=1), [vv], lambda x: np.diag(x, k=1))
    compare_grad([m], pt.diag(m), [mv], np.diag)
    compare_grad([m], pt.tril(m), [mv], np.tril)
    compare_grad([m], pt.triu(m, k=-1), [mv], lambda x: np.triu(x, k=-1))


def test_bad_input_names_the_variable() -> None:
    with pytest.raises(ValueError, match="diag takes a vector or a matrix, got t"):
        pt.diag(pt.tensor("float64", shape=(2, 2, 2), name="t"))
    with pytest.raises(ValueError, match=r"tril needs a matrix .* got v"):
        pt.tril(pt.vector("v"))
    with pytest.raises(ValueError, match="axis1 and axis2 are both 0"):
        pt.diagonal(pt.matrix("m"), axis1=0, axis2=-2)
