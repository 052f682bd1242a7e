"""The LKJ families: random correlation matrices (LKJCorr) and Cholesky factors of
covariance matrices with LKJ correlations and a given prior on the standard
deviations (LKJCholeskyCov), both drawn packed in a vector as PyMC does.

Reference: Lewandowski, Kurowicka & Joe (2009), "Generating random correlation
matrices based on vines and extended onion method", J. Multivariate Anal. 100.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.distributions.discrete_math import betaln
from ppgraph.distributions.distribution import Continuous
from ppgraph.logprob.basic import _logprob
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random import multivariate as rv
from ppgraph.random.op import is_random_variable, make_rv
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import cholesky, matmul
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import arange, expand_dims, transpose
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


def _scatter(packed: Any, n: int, rows: np.ndarray, cols: np.ndarray) -> TensorVariable:
    """An (..., n, n) matrix with ``packed[..., k]`` at ``(rows[k], cols[k])``, zeros
    elsewhere (a sum against a constant one-hot basis, so it batches and differentiates)."""
    basis = np.zeros((len(rows), n, n))
    basis[np.arange(len(rows)), rows, cols] = 1.0
    return sum_(expand_dims(packed, (-1, -2)) * as_tensor_variable(basis), axis=-3)


def expand_packed_triangular(n: int, packed: Any, lower: bool = True) -> TensorVariable:
    """The n x n triangular matrix whose triangle, read row by row, is ``packed``
    (PyMC's ``expand_packed_triangular``): lower by default, else upper.

    Example:
        >>> from ppgraph.distributions.multivariate_lkj import expand_packed_triangular
        >>> expand_packed_triangular(2, [1.0, 2.0, 3.0]).eval()
        array([[1., 0.],
               [2., 3.]])
    """
    rows, cols = np.tril_indices(n) if lower else np.triu_indices(n)
    return _scatter(as_tensor_variable(packed), n, rows, cols)


def corr_from_packed(n: int, packed: Any) -> TensorVariable:
    """The correlation matrix whose upper off-diagonal entries, row by row, are ``packed``."""
    rows, cols = np.triu_indices(n, 1)
    upper = _scatter(as_tensor_variable(packed), n, rows, cols)
    return upper + _t(upper) + as_tensor_variable(np.eye(n))


def _t(x: TensorVariable) -> TensorVariable:
    return transpose(x, (*range(x.ndim - 2), x.ndim - 1, x.ndim - 2))


def _diag(x: TensorVariable, n: int) -> TensorVariable:
    return sum_(m.where(as_tensor_variable(np.eye(n, dtype=bool)), x, 0.0), axis=-1)


def lkj_log_normalizer(n: int, eta: Any) -> TensorVariable:
    r"""``log c_n(eta)``, the LKJ density being ``det(R)^(eta - 1) / c_n(eta)`` (LKJ
    2009, eq. 16): :math:`\sum_{k=1}^{n-1} (2\eta - 2 + n - k)(n - k)\log 2
    + (n - k) \log B(\eta + \tfrac{n - k - 1}{2}, \eta + \tfrac{n - k - 1}{2})`."""
    if n == 1:
        return 0.0 * eta
    k = arange(1, n, dtype=config.floatX)
    e = expand_dims(eta, -1)
    b = e + (n - k - 1.0) / 2.0
    terms = (2.0 * e - 2.0 + n - k) * (n - k) * np.log(2.0) + (n - k) * betaln(b, b)
    return sum_(terms, axis=-1)


class LKJCorr(Continuous):
    r"""The LKJ distribution of n x n correlation matrices :math:`R`, drawn as the
    vector of their upper off-diagonal entries, row by row (``numpy.triu_indices(n, 1)``).

    .. math:: \log p(R) = (\eta - 1)\log\det R - \log c_n(\eta)

    with :math:`c_n` from LKJ (2009), eq. 16. ``return_matrix=True`` gives the
    matrix (a function of the packed variable).

    Example:
        >>> import ppgraph as pg
        >>> x = pg.LKJCorr.dist(n=2, eta=2.0)
        >>> round(float(pg.logp(x, [0.5]).eval()), 8)  # stats.beta(2, 2).logpdf(0.75) - log 2
        -0.57536414
    """

    rv_op = rv.LKJCorrRV
    print_name: ClassVar[tuple[str, str]] = ("LKJCorr", r"\operatorname{LKJCorr}")
    support: ClassVar[str] = "corr_packed"
    default_transform: ClassVar[str | None] = "cholesky_corr"

    @classmethod
    def parametrize(cls, n: Any, eta: Any = 1.0) -> list[Any]:
        return [rv.static_dim(n, "LKJCorr"), eta]

    @classmethod
    def dist(cls, n: Any, eta: Any = 1.0, *, return_matrix: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        packed = super().dist(n, eta, **kwargs)
        return corr_from_packed(rv.static_dim(n, "LKJCorr"), packed) if return_matrix else packed

    @staticmethod
    def logp(value: Any, n: Any, eta: Any) -> TensorVariable:
        size = rv.static_dim(n, "LKJCorr")
        chol = cholesky(corr_from_packed(size, value))
        positive_definite = all_(m.isfinite(chol), axis=(-2, -1))
        logdet = 2.0 * sum_(m.log(_diag(chol, size)), axis=-1)
        res = bound((eta - 1.0) * logdet - lkj_log_normalizer(size, eta), positive_definite)
        return check_parameters(res, eta > 0, msg="eta > 0")


def _sd_family(sd_dist: Any) -> tuple[Any, list[TensorVariable]]:
    """``sd_dist``'s op and parameters (scalars, or along the n standard deviations)."""
    if not is_random_variable(sd_dist):
        raise TypeError(
            "LKJCholeskyCov: sd_dist must be a distribution variable such as "
            f"pg.Exponential.dist(1.0), got {sd_dist!r}"
        )
    op = sd_dist.owner.op
    if op.ndim_supp:
        raise ValueError(f"LKJCholeskyCov: sd_dist must be a scalar family, got {op.name}")
    _, _, *params = sd_dist.owner.inputs
    return op, params


class LKJCholeskyCov(Continuous):
    r"""The Cholesky factor :math:`L` of a covariance matrix
    :math:`\operatorname{diag}(\sigma) R \operatorname{diag}(\sigma)`, with
    :math:`R \sim \operatorname{LKJCorr}(n, \eta)` and :math:`\sigma \sim` ``sd_dist``,
    drawn packed: the lower triangle row by row (``numpy.tril_indices(n)``), as PyMC.

    With :math:`\sigma_i = \lVert L_{i\cdot}\rVert` and :math:`d_i = L_{ii} / \sigma_i`
    (the diagonal of R's Cholesky factor; i from 0):

    .. math:: \log p(L) = \log p_{sd}(\sigma) + \sum_i (2\eta - 3 + n - i)\log d_i
              - \log c_n(\eta) + \sum_i (\log d_i - i \log\sigma_i)

    (the LKJ density of R's Cholesky factor, and the Jacobian of
    :math:`(\sigma, R) \mapsto L`). ``compute_corr=True`` (the default, as in PyMC)
    returns ``(chol, corr, stds)`` instead of the packed vector.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.LKJCholeskyCov.dist(eta=2.0, n=2, sd_dist=pg.HalfNormal.dist(1.0),
        ...                            compute_corr=False)
        >>> x.type
        TensorType(float64, shape=(3,))
    """

    rv_op = rv.LKJCholeskyCovRV
    print_name: ClassVar[tuple[str, str]] = ("LKJCholeskyCov", r"\operatorname{LKJCholeskyCov}")
    support: ClassVar[str] = "cholesky_packed"
    default_transform: ClassVar[str | None] = "cholesky-cov-packed"

    @classmethod
    def parametrize(cls, eta: Any, n: Any, sd_dist: Any) -> list[Any]:
        return [rv.static_dim(n, "LKJCholeskyCov"), eta, sd_dist]

    @classmethod
    def dist(  # type: ignore[override]
        cls,
        eta: Any,
        n: Any,
        sd_dist: Any,
        *,
        compute_corr: bool = True,
        size: Any = None,
        shape: Any = None,
        **kwargs: Any,
    ) -> Any:
        size_n = rv.static_dim(n, "LKJCholeskyCov")
        if shape is not None:
            size = tuple(np.atleast_1d(shape))[:-1]
        unknown = [k for k in kwargs if k not in ("rng", "dtype")]
        if unknown:
            raise TypeError(
                f"LKJCholeskyCov: unknown parameter {unknown[0]!r}; "
                "accepted: eta, n, sd_dist, compute_corr, size, shape, rng, dtype"
            )
        sd_op, sd_params = _sd_family(sd_dist)
        sd_ndims = tuple(min(p.ndim, 1) for p in sd_params)
        op = rv.LKJCholeskyCovRV(kwargs.get("dtype") or "floatX", sd_op=sd_op, sd_ndims=sd_ndims)
        packed = make_rv(op, size_n, eta, *sd_params, size=size, rng=kwargs.get("rng"))
        return cls.helper(packed, size_n) if compute_corr else packed

    def __new__(cls, name: str, *args: Any, compute_corr: bool = True, **kwargs: Any) -> Any:
        packed = super().__new__(cls, name, *args, compute_corr=False, **kwargs)
        return cls.helper(packed, _n_of(packed)) if compute_corr else packed

    @staticmethod
    def helper(packed: Any, n: int) -> tuple[TensorVariable, TensorVariable, TensorVariable]:
        """``(chol, corr, stds)`` from the packed Cholesky factor, as PyMC's."""
        chol = expand_packed_triangular(n, packed)
        cov = matmul(chol, _t(chol))
        stds = m.sqrt(_diag(cov, n))
        corr = cov / (expand_dims(stds, -1) * expand_dims(stds, -2))
        return chol, corr, stds


@_logprob.register(rv.LKJCholeskyCovRV)
def _lkjcholeskycov_logp(
    op: rv.LKJCholeskyCovRV, value: Any, n: Any, eta: Any, *sd_params: Any
) -> TensorVariable:
    """LKJCholeskyCov's logp (registered by hand: it needs the op's ``sd_op``)."""
    size = rv.static_dim(n, "LKJCholeskyCov")
    chol = expand_packed_triangular(size, value)
    sd_vals = m.sqrt(sum_(m.square(chol), axis=-1))
    diag = _diag(chol, size)
    log_d = m.log(diag / sd_vals)
    assert op.sd_op is not None
    logp_sd = sum_(_logprob(op.sd_op, sd_vals, *sd_params), axis=-1)
    i = arange(size, dtype=config.floatX)
    lkj = sum_((2.0 * expand_dims(eta, -1) - 3.0 + size - i) * log_d, axis=-1)
    jacobian = sum_(log_d - i * m.log(sd_vals), axis=-1)
    res = logp_sd + lkj - lkj_log_normalizer(size, eta) + jacobian
    res = bound(res, all_(diag > 0, axis=-1))
    return check_parameters(res, eta > 0, msg="eta > 0")


def _n_of(packed: Any) -> int:
    """The constant ``n`` of a packed LKJCholeskyCov variable (its inputs: rng, size, n, ...)."""
    return int(packed.owner.inputs[2].data)


__all__ = ["LKJCholeskyCov", "LKJCorr", "corr_from_packed", "expand_packed_triangular"]
