"""Helpers the families' densities share: parameter checks and support bounds."""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.tensor.check import check
from ppgraph.tensor.math import (
    and_,
    isfinite,
    log1mexp,
    log1p,
    log_ndtr,
    maximum,
    minimum,
    ndtr,
    where,
)
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


def logdiffexp(a: Any, b: Any) -> TensorVariable:
    """``log(exp(a) - exp(b))`` for ``a >= b``, without leaving log space.

    Example:
        >>> import numpy as np
        >>> from ppgraph.logprob.utils import logdiffexp
        >>> round(float(logdiffexp(np.log(3.0), np.log(1.0)).eval()), 12)
        0.69314718056
    """
    return a + log1mexp(b - a)


def log_normal_cdf(z: Any) -> TensorVariable:
    """``log Phi(z)``, the standard normal log-cdf, precise in both tails.

    ``log_ndtr`` alone loses the relative precision of ``log Phi(z) ~ -Phi(-z)``
    for large ``z``; there ``log1p(-Phi(-z))`` keeps it. Each branch only sees
    arguments of its own sign, so neither sends NaN into the other's gradient.

    Example:
        >>> from ppgraph.logprob.utils import log_normal_cdf
        >>> float(log_normal_cdf(7.0).eval())  # scipy.special.log_ndtr(7.0)
        -1.2798125438866539e-12
    """
    upper = log1p(-ndtr(-maximum(z, 0.0)))
    return where(z > 0, upper, log_ndtr(minimum(z, 0.0)))


def log_normal_mass(a: Any, b: Any) -> TensorVariable:
    """``log(Phi(b) - Phi(a))`` for standardized ``a <= b`` (either may be infinite),
    from whichever tail keeps the difference precise.

    Example:
        >>> from ppgraph.logprob.utils import log_normal_mass
        >>> round(float(log_normal_mass(8.0, 9.0).eval()), 8)  # log(ndtr(-8) - ndtr(-9))
        -35.01361859
    """
    # Both above the mean: Phi(b) - Phi(a) = Phi(-a) - Phi(-b), a lower-tail difference.
    upper = logdiffexp(log_normal_cdf(-a), log_normal_cdf(-b))
    return where(a > 0, upper, logdiffexp(log_normal_cdf(b), log_normal_cdf(a)))


def safe_standardize(x: Any, loc: Any, scale: Any) -> TensorVariable:
    """``(x - loc) / scale``, where an infinite ``x`` (an open bound) stays
    infinite and sends no NaN into the gradients of ``loc`` and ``scale``.

    Example:
        >>> import numpy as np
        >>> from ppgraph.logprob.utils import safe_standardize
        >>> float(safe_standardize(-np.inf, 1.0, 2.0).eval())
        -inf
    """
    finite = isfinite(x)
    return where(finite, (where(finite, x, loc) - loc) / scale, x)
