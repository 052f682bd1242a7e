"""``pg.math``: PyMC's names, the same objects as ``pt``'s, and PyMC's own helpers
against NumPy/SciPy (float64 and float32, under jit), with gradients."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.linalg as sl
import scipy.special as ss
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from tests.helpers import compare_grad, compare_jax_and_py

RNG = np.random.default_rng(13)

# pymc.math.__all__ (PyMC 5), and the names the issue lists besides
PYMC_MATH = """abs and_ arccos arccosh arcsin arcsinh arctan arctanh as_tensor batched_diag
block_diagonal broadcast_to cartesian ceil clip concatenate constant cos cosh cumprod cumsum
diff dot eq erf erfc erfcinv erfinv exp expand_packed_triangular flat_outer flatten
flatten_list floor full full_like ge gt invlogit invprobit kron_diag kron_dot kron_solve_lower
kron_solve_upper kronecker le log log1mexp log1pexp log_softmax logaddexp logbern logdet
logdiffexp logit logsumexp lt matmul max maximum mean min minimum neq ones ones_like or_ probit
prod round sgn sigmoid sin sinh softmax sqr sqrt stack sum switch tan tanh where zeros
zeros_like log1p expm1 gammaln matrix_inverse matrix_dot det kron""".split()

SAME_AS_PT = {"matrix_inverse": "inv", "sgn": "sign", "sqr": "square", "log1pexp": "softplus"}


def test_every_pymc_math_name_is_there() -> None:
    missing = [n for n in PYMC_MATH if not hasattr(pg.math, n)]
    assert not missing
    assert set(PYMC_MATH) <= set(pg.math.__all__)
    assert pg.__all__.count("math") == 1 and pg.math is pg.__dict__["math"]


@pytest.mark.parametrize("name", PYMC_MATH)
def test_a_pt_name_is_the_same_function(name: str) -> None:
    pt_name = SAME_AS_PT.get(name, name)
    if hasattr(pt, pt_name):
        assert getattr(pg.math, name) is getattr(pt, pt_name)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_pymc_helpers_match_scipy(dtype: str) -> None:
    a = pt.tensor(dtype, shape=(None,), name="a")
    b = pt.tensor(dtype, shape=(None,), name="b")
    p = pt.tensor(dtype, shape=(None,), name="p")
    av = np.array([0.5, 3.0, 40.0], dtype=dtype)
    bv = np.array([-1.0, 2.9, 1.0], dtype=dtype)
    pv = np.array([1e-8, 0.3, 0.999], dtype=dtype)
    outs = [
        pg.math.logdiffexp(a, b),
        pg.math.probit(p),
        pg.math.invprobit(b),
        pg.math.erfcinv(p),
        pg.math.invlogit(b),
        pg.math.log1pexp(a),
        pg.math.logit(p),
    ]
    wants = [
        av + np.log(-np.expm1(bv.astype("float64") - av)),
        st.norm.ppf(pv.astype("float64")),
        st.norm.cdf(bv),
        ss.erfcinv(pv.astype("float64")),
        ss.expit(bv),
        np.logaddexp(0.0, av),
        ss.logit(pv.astype("float64")),
    ]
    rtol = 1e-9 if dtype == "float64" else 2e-5
    compare_jax_and_py([a, b, p], outs, [av, bv, pv], wants, rtol=rtol)


def test_erfcinv_is_accurate_near_zero() -> None:
    x = np.array([1e-300, 1e-100, 1e-20, 1e-5])
    np.testing.assert_allclose(pg.math.erfcinv(x).eval(), ss.erfcinv(x), rtol=1e-14)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matrix_helpers_match_numpy(dtype: str) -> None:
    A = pt.tensor(dtype, shape=(2, 2), name="A")
    B = pt.tensor(dtype, shape=(3, 3), name="B")
    M = pt.tensor(dtype, shape=(6, 2), name="M")
    Av = (np.tril(RNG.uniform(size=(2, 2))) + np.eye(2)).astype(dtype)
    Bv = (np.tril(RNG.uniform(size=(3, 3))) + np.eye(3)).astype(dtype)
    Mv = RNG.normal(size=(6, 2)).astype(dtype)
    K = np.kron(Av, Bv).astype("float64")
    outs = [
        pg.math.kronecker(A, B),
        pg.math.kron_dot([A, B], M),
        pg.math.kron_solve_lower([A, B], M),
        pg.math.kron_solve_upper([A.T, B.T], M),
        pg.math.kron_dot([A, B], M[:, 0]),
        pg.math.kron_diag(A[0], B[1]),
        pg.math.logdet(B),
        pg.math.matrix_dot(A, A, A),
        pg.math.batched_diag(M),
        pg.math.batched_diag(pt.stack([B, B])),
        pg.math.block_diagonal([A, B]),
        pg.math.flatten_list([A, M]),
    ]
    wants = [
        K,
        K @ Mv,
        np.linalg.solve(K, Mv),
        np.linalg.solve(K.T, Mv),
        K @ Mv[:, :1],
        np.kron(Av[0], Bv[1]),
        np.linalg.slogdet(Bv)[1],
        Av @ Av @ Av,
        np.stack([np.diag(r) for r in Mv]),
        np.stack([np.diag(Bv)] * 2),
        sl.block_diag(Av, Bv),
        np.concatenate([Av.ravel(), Mv.ravel()]),
    ]
    rtol = 1e-9 if dtype == "float64" else 2e-4
    compare_jax_and_py([A, B, M], outs, [Av, Bv, Mv], wants, rtol=rtol, atol=rtol)


def test_helper_gradients() -> None:
    a, b = pt.vector("a"), pt.vector("b")
    av, bv = np.array([0.5, 3.0]), np.array([-1.0, 2.0])
    compare_grad(
        [a, b], pg.math.logdiffexp(a, b), [av, bv], lambda x, y: x + np.log(-np.expm1(y - x))
    )
    A, M = pt.matrix("A"), pt.matrix("M")
    Av, Mv = np.tril(RNG.uniform(size=(2, 2))) + np.eye(2), RNG.normal(size=(4, 1))
    compare_grad(
        [A, M],
        pg.math.kron_solve_lower([A, A], M),
        [Av, Mv],
        lambda x, m: np.linalg.solve(np.kron(np.tril(x), np.tril(x)), m),
    )


@pytest.mark.parametrize("lower", [True, False])
def test_expand_packed_triangular(lower: bool) -> None:
    n, packed = 3, np.arange(1.0, 7.0)
    rows, cols = np.tril_indices(n) if lower else np.triu_indices(n)
    want = np.zeros((n, n))
    want[rows, cols] = packed
    got = pg.math.expand_packed_triangular(n, packed, lower=lower)
    np.testing.assert_array_equal(got.eval(), want)
    diag = pg.math.expand_packed_triangular(n, packed, lower=lower, diagonal_only=True)
    np.testing.assert_array_equal(diag.eval(), np.diag(want))
    with pytest.raises(ValueError, match="packed has 6 entries, a 4 x 4 triangle has 10"):
        pg.math.expand_packed_triangular(4, packed)


def test_numpy_helpers() -> None:
    got = pg.math.cartesian([1, 2, 3], [4, 5])
    np.testing.assert_array_equal(got, list(itertools.product([1, 2, 3], [4, 5])))
    rng = np.random.default_rng(1)
    draws = [pg.math.logbern(np.log(0.3), rng) for _ in range(2000)]
    assert abs(np.mean(draws) - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 2000)
    with pytest.raises(FloatingPointError, match="NaN"):
        pg.math.logbern(float("nan"))


def test_missing_names_say_what_to_use() -> None:
    with pytest.raises(AttributeError, match=r"pg.math.abs_ .* use pg.math.abs"):
        pg.math.abs_  # noqa: B018
    with pytest.raises(AttributeError, match=r"pm.math.not_a_name is not in ppgraph yet"):
        pg.math.not_a_name  # noqa: B018
    with pytest.raises(AttributeError, match=r"pg.MutableData .* use pg.Data"):
        pg.MutableData  # noqa: B018
    with pytest.raises(AttributeError, match=r"pg.NUTS is not in ppgraph: ppgraph has no step"):
        pg.NUTS  # noqa: B018
    with pytest.raises(AttributeError, match=r"pm.NotAName is a PyMC name, it is not in ppgraph"):
        pg.NotAName  # noqa: B018
    assert not hasattr(pg, "__wrapped__")
    assert pg.math.cholesky is pt.cholesky  # any other pt name is there too
