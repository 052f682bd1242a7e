"""Helpers the families' densities share: parameter checks and support bounds."""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.tensor.check import check
from ppgraph.tensor.math import and_, where
from ppgraph.tensor.type import TensorVariable


def check_parameters(logp: Any, *conds: Any, msg: str) -> TensorVariable:
    """``logp`` guarded by parameter conditions, printed as ``Check{msg}``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.utils import check_parameters
        >>> sigma = pt.scalar("sigma")
        >>> str(check_parameters(-sigma, sigma > 0, msg="sigma > 0").owner.op)
        'Check{sigma > 0}'
    """
    return check(logp, *conds, msg=msg)


def bound(logp: Any, *conds: Any) -> TensorVariable:
    """``logp`` where every support condition holds, -inf elsewhere.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.utils import bound
        >>> x = pt.scalar("x")
        >>> float(bound(x, x > 0).eval({x: -1.0}))
        -inf
    """
    cond = conds[0]
    for c in conds[1:]:
        cond = and_(cond, c)
    return where(cond, logp, -np.inf)


def icdf_bound(value: Any, q: Any) -> TensorVariable:
    """A quantile ``value`` where ``0 <= q <= 1``, NaN elsewhere (as SciPy's ``ppf``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.utils import icdf_bound
        >>> q = pt.scalar("q")
        >>> float(icdf_bound(q * 2.0, q).eval({q: 1.5}))
        nan
    """
    return where(and_(q >= 0, q <= 1), value, np.nan)
