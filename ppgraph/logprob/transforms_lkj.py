r"""The LKJ families' transforms, registered by name with the model layer.

``cholesky-cov-packed`` (LKJCholeskyCov, as PyMC's ``CholeskyCovPacked``): the
packed lower triangle of a Cholesky factor, row by row, with its diagonal
entries on the log scale; :math:`\log|J| = \sum_i y_{d_i}` over the diagonal's
positions :math:`d_i`.

``cholesky_corr`` (LKJCorr): an unconstrained vector :math:`z` of length
:math:`n(n-1)/2` becomes canonical partial correlations :math:`c = \tanh z`,
placed row by row in the strictly lower triangle; the Cholesky factor of the
correlation matrix has :math:`L_{ij} = c_{ij} \prod_{k<j} \sqrt{1 - c_{ik}^2}`
and :math:`L_{ii} = \prod_{k<i} \sqrt{1 - c_{ik}^2}` (unit rows); the value is
:math:`R = L L^T`, packed as its upper off-diagonal entries row by row. With
:math:`s_{ij} = \log(1 - c_{ij}^2)`:

.. math:: \log|J| = \sum_{i>j} s_{ij} + \tfrac12 \sum_{i>j} \sum_{k<j} s_{ik}
          + \tfrac12 \sum_i (n - i - 1) \sum_{k<i} s_{ik}

(tanh; the map from c to L's strictly lower entries, triangular; and from those
to R's off-diagonal entries, whose Jacobian is :math:`\prod_i L_{ii}^{n-i-1}`;
Lewandowski, Kurowicka & Joe 2009; the Stan reference manual, "Correlation
matrices").
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.multivariate_lkj import _scatter, _t, corr_from_packed
from ppgraph.logprob.transforms import Transform, register_transform
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import cholesky, matmul
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import expand_dims
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

LOG2 = float(np.log(2.0))

__all__ = ["CholeskyCorr", "CholeskyCovPacked", "cholesky_corr", "cholesky_cov_packed"]


def _packed_length(value: Any, what: str) -> int:
    size = as_tensor_variable(value).type.shape[-1]
    if size is None:
        raise ValueError(f"{what}: the packed vector's length must be known statically")
    return int(size)


def _gather(x: Any, n: int, rows: np.ndarray, cols: np.ndarray) -> TensorVariable:
    """``x[..., rows, cols]`` as a sum against the same one-hot basis."""
    basis = np.zeros((len(rows), n, n))
    basis[np.arange(len(rows)), rows, cols] = 1.0
    return sum_(expand_dims(x, -3) * as_tensor_variable(basis), axis=(-2, -1))


@dataclasses.dataclass(frozen=True)
class CholeskyCovPacked(Transform):
    """Log of the diagonal entries of a packed lower-triangular Cholesky factor."""

    name: ClassVar[str] = "cholesky-cov-packed"
    ndim_supp: ClassVar[int] = 1

    @staticmethod
    def _diagonal(value: Any) -> TensorVariable:
        size = _packed_length(value, "cholesky-cov-packed")
        n = round((np.sqrt(1 + 8 * size) - 1) / 2)
        mask = np.zeros(size, dtype=bool)
        mask[np.cumsum(np.arange(1, n + 1)) - 1] = True
        return as_tensor_variable(mask)

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        return m.where(self._diagonal(value), m.log(value), value)

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        return m.where(self._diagonal(value), m.exp(value), value)

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        return sum_(m.where(self._diagonal(value), value, 0.0), axis=-1)


def _log_sech2(z: Any) -> TensorVariable:
    # log(1 - tanh(z)^2) = 2 (log 2 - z - softplus(-2 z)), finite for any z
    return 2.0 * (LOG2 - z - m.softplus(-2.0 * z))


@dataclasses.dataclass(frozen=True)
class CholeskyCorr(Transform):
    """Unconstrained vectors to packed correlation matrices, through canonical
    partial correlations (see the module's docstring)."""

    name: ClassVar[str] = "cholesky_corr"
    ndim_supp: ClassVar[int] = 1

    @staticmethod
    def _n(value: Any) -> int:
        size = _packed_length(value, "cholesky_corr")
        return round((1 + np.sqrt(1 + 8 * size)) / 2)

    @staticmethod
    def _parts(value: Any, n: int) -> tuple[TensorVariable, TensorVariable, TensorVariable]:
        """(tanh z and log(1 - tanh^2 z) in the strictly lower triangle, and the
        exclusive row-wise cumulative sums of the latter)."""
        rows, cols = np.tril_indices(n, -1)
        c = _scatter(m.tanh(value), n, rows, cols)
        s = _scatter(_log_sech2(value), n, rows, cols)
        strictly_upper = as_tensor_variable(np.triu(np.ones((n, n)), 1))
        return c, s, matmul(s, strictly_upper)  # [..., i, j] = sum_{k<j} s_ik

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        n = self._n(value)
        c, s, before = self._parts(value, n)
        chol = c * m.exp(0.5 * before) + as_tensor_variable(np.eye(n)) * expand_dims(
            m.exp(0.5 * sum_(s, axis=-1)), -1
        )
        corr = matmul(chol, _t(chol))
        return _gather(corr, n, *np.triu_indices(n, 1))

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        n = self._n(value)
        chol = cholesky(corr_from_packed(n, value))
        strictly_upper = as_tensor_variable(np.triu(np.ones((n, n)), 1))
        lower = as_tensor_variable(np.tril(np.ones((n, n), dtype=bool), -1))
        remaining = m.where(lower, 1.0 - matmul(m.square(chol), strictly_upper), 1.0)
        c = m.where(lower, chol / m.sqrt(remaining), 0.0)  # 0 off the gathered entries
        return m.arctanh(_gather(c, n, *np.tril_indices(n, -1)))

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        n = self._n(value)
        _, s, before = self._parts(value, n)
        lower = as_tensor_variable(np.tril(np.ones((n, n)), -1))
        weights = as_tensor_variable((n - np.arange(n) - 1.0)[:, None])
        res = s + 0.5 * before * lower + 0.5 * weights * s
        return sum_(res, axis=(-2, -1))


cholesky_cov_packed = CholeskyCovPacked()
cholesky_corr = CholeskyCorr()

register_transform("cholesky-cov-packed", lambda distribution: cholesky_cov_packed)
register_transform("cholesky_corr", lambda distribution: cholesky_corr)
