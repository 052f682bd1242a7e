"""Helpers the families' densities share: parameter checks and support bounds."""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.tensor.check import check
from ppgraph.tensor.math import abs as abs_
from ppgraph.tensor.math import (
    and_,
    isfinite,
    log,
    log1mexp,
    log1p,
    log_ndtr,
    maximum,
    where,
    xlog1py,
    xlogy,
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


def log_normal_mass(a: Any, b: Any, width: Any = None) -> TensorVariable:
    """``log(Phi(b) - Phi(a))`` for standardized ``a <= b`` (either may be infinite),
    from whichever tail keeps the difference precise. ``width`` is ``b - a`` if the
    caller has it more precisely (``(x - lower) / sigma`` rather than the difference
    of two standardized values); it must be finite.

    Example:
        >>> from ppgraph.logprob.utils import log_normal_mass
        >>> round(float(log_normal_mass(8.0, 9.0).eval()), 8)  # log(ndtr(-8) - ndtr(-9))
        -35.01361859
    """
    # Both above the mean: Phi(b) - Phi(a) = Phi(-a) - Phi(-b), a lower-tail difference.
    flip = a > 0
    lo, hi = where(flip, -b, a), where(flip, -a, b)
    wide = logdiffexp(log_ndtr(hi), log_ndtr(lo))
    # A narrow interval cancels in the difference; the midpoint rule
    # (b - a) phi(c) (1 + (b - a)^2 (c^2 - 1) / 24), c = (a + b) / 2, is exact to
    # O(((b - a) c)^4) there.
    d = b - a if width is None else width
    c = 0.5 * (a + b)
    narrow_ok = and_(isfinite(c), d * maximum(abs_(c), 1.0) < 1e-3)
    d_s, c_s = where(narrow_ok, d, 1e-4), where(narrow_ok, c, 0.0)
    correction = log1p(d_s * d_s * (c_s * c_s - 1.0) / 24.0)
    narrow = log(d_s) - 0.5 * c_s * c_s - 0.5 * np.log(2.0 * np.pi) + correction
    return where(narrow_ok, narrow, wide)


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


def times_log(c: Any, x: Any) -> TensorVariable:
    """``c * log(x)`` for ``x >= 0``, with ``0 * log(0) = 0`` (a density's
    ``(alpha - 1) log x`` at ``x = 0``) and the derivative ``log x`` in ``c``
    wherever ``x > 0``, also at ``c = 0``.

    Example:
        >>> from ppgraph.logprob.utils import times_log
        >>> float(times_log(0.0, 0.0).eval()), float(times_log(2.0, 1.0).eval())
        (0.0, 0.0)
    """
    pos = x > 0
    return where(pos, c * log(where(pos, x, 1.0)), xlogy(c, x))


def times_log1p(c: Any, y: Any) -> TensorVariable:
    """``c * log1p(y)`` for ``y >= -1``, with ``0 * log(0) = 0`` and the derivative
    ``log1p(y)`` in ``c`` wherever ``y > -1``.

    Example:
        >>> from ppgraph.logprob.utils import times_log1p
        >>> float(times_log1p(0.0, -1.0).eval())
        0.0
    """
    pos = y > -1
    return where(pos, c * log1p(where(pos, y, 0.0)), xlog1py(c, y))
