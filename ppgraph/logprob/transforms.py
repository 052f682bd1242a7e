r"""Transforms: bijections from a variable's support to unconstrained space, with
the log-determinant of their Jacobian, all as IR graphs.

A free random variable with a bounded support is sampled through a *value
variable* ``y`` in unconstrained space; the model sees ``x = backward(y)`` and
adds ``log |det d backward / dy|`` to its log-density. Names, formulas and the
value variables' shapes follow PyMC (``sigma_log__``, ``p_logodds__``,
``x_interval__``, ``w_simplex__`` of size K - 1), so points carry across.

Every method takes the random variable's parameters after the value (as the
logp functions do): ``backward(y, *params)``. Only bounds-taking transforms
read them.

``TRANSFORMS`` maps the names distribution classes use in
``default_transform`` to factories ``factory(distribution_cls) -> Transform``;
``register_transform`` adds one (LKJ's Cholesky transforms live in
``transforms_lkj.py``). The base class and ``Chain`` are in ``transforms_base.py``,
the vector transforms (``Simplex``, ``Ordered``) in ``transforms_vector.py``; all
are importable from here.

Example:
    >>> import numpy as np, ppgraph.tensor as pt
    >>> from ppgraph.logprob.transforms import log
    >>> y = pt.scalar("y")
    >>> float(log.backward(y).eval({y: 0.0})), float(log.log_jac_det(y).eval({y: 2.0}))
    (1.0, 2.0)
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from ppgraph.logprob.transforms_base import Chain, ChainedTransform, Transform
from ppgraph.logprob.transforms_vector import Ordered, Simplex
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorConstant, TensorVariable, as_tensor_variable

__all__ = [
    "TRANSFORMS", "Chain", "ChainedTransform", "Circular", "Interval", "Log", "LogOdds",
    "Ordered", "Simplex", "Transform", "circular", "get_transform", "log", "logodds", "ordered",
    "register_transform", "simplex",
]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Log(Transform):
    r"""Positive reals: :math:`y = \log x`, :math:`x = e^y`, :math:`\log|J| = y`."""

    name: ClassVar[str] = "log"

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        return m.log(value)

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        return m.exp(value)

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        return as_tensor_variable(value)


def _log_sigmoid_pair(value: Any) -> TensorVariable:
    # log(sigmoid(y)) + log(1 - sigmoid(y)), finite for any y
    return m.log_sigmoid(value) + m.log_sigmoid(-as_tensor_variable(value))


@dataclasses.dataclass(frozen=True)
class LogOdds(Transform):
    r"""The unit interval: :math:`y = \operatorname{logit} x`, :math:`x = \sigma(y)`,
    :math:`\log|J| = \log\sigma(y) + \log\sigma(-y)`."""

    name: ClassVar[str] = "logodds"

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        return m.logit(value)

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        return m.sigmoid(value)

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        return _log_sigmoid_pair(value)


@dataclasses.dataclass(frozen=True)
class Interval(Transform):
    r"""An interval :math:`(a, b)`: :math:`y = \log(x - a) - \log(b - x)`,
    :math:`x = a + (b - a)\,\sigma(y)`, :math:`\log|J| = \log(b - a) + \log\sigma(y)
    + \log\sigma(-y)`. With only ``a``: :math:`x = a + e^y`; only ``b``: :math:`x = b - e^y`.

    The bounds are numbers or graphs (``lower``/``upper``), or come from the
    variable's parameters through ``bounds_fn(*params) -> (lower, upper)``;
    ``None`` means unbounded on that side.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms import Interval
        >>> y = pt.scalar("y")
        >>> float(Interval(2.0, 4.0).backward(y).eval({y: 0.0}))
        3.0
    """

    name: ClassVar[str] = "interval"

    lower: Any = None
    upper: Any = None
    bounds_fn: Callable[..., tuple[Any, Any]] | None = None

    def bounds(self, params: Sequence[Any]) -> tuple[Any, Any]:
        """(lower, upper), each a graph or None (an infinite constant counts as None)."""
        lower, upper = self.lower, self.upper
        if self.bounds_fn is not None:
            lower, upper = self.bounds_fn(*params)
        return _finite_or_none(lower), _finite_or_none(upper)

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        a, b = self.bounds(params)
        if a is not None and b is not None:
            return m.log(value - a) - m.log(b - value)
        if a is not None:
            return m.log(value - a)
        if b is not None:
            return m.log(b - value)
        return as_tensor_variable(value)

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        a, b = self.bounds(params)
        if a is not None and b is not None:
            return m.sigmoid(value) * (b - a) + a
        if a is not None:
            return m.exp(value) + a
        if b is not None:
            return b - m.exp(value)
        return as_tensor_variable(value)

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        a, b = self.bounds(params)
        if a is not None and b is not None:
            return m.log(b - a) + _log_sigmoid_pair(value)
        if a is not None or b is not None:
            return as_tensor_variable(value)
        return m.mul(value, 0.0)


def _finite_or_none(bound: Any) -> Any:
    data = bound.data if isinstance(bound, TensorConstant) else bound
    if isinstance(data, int | float | np.ndarray | np.generic) and np.all(np.isinf(data)):
        return None
    return bound


@dataclasses.dataclass(frozen=True)
class Circular(Transform):
    r"""Angles (VonMises): the value is any real, wrapped to :math:`[-\pi, \pi]` by
    :math:`x = \operatorname{arctan2}(\sin y, \cos y)`; :math:`\log|J| = 0`."""

    name: ClassVar[str] = "circular"

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        return as_tensor_variable(value)

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        return m.arctan2(m.sin(value), m.cos(value))

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        return m.mul(value, 0.0)


log = Log()
logodds = LogOdds()
simplex = Simplex()
ordered = Ordered()
circular = Circular()

Factory = Callable[[Any], Transform]


def _interval_for(distribution: Any) -> Transform:
    """The interval transform of a bounded family: its ``bounds(*params)``
    static method, else its op's parameters named ``lower`` / ``upper``."""
    fn = getattr(distribution, "bounds", None) if distribution is not None else None
    if fn is not None:
        return Interval(bounds_fn=fn)
    op = getattr(distribution, "rv_op", None)
    # a composite's op (Mixture, Truncated, Censored) has no class-level names
    raw = getattr(op, "params", ())
    names = tuple(raw) if isinstance(raw, tuple | list) else ()
    if "lower" not in names and "upper" not in names:
        raise TypeError(
            f"the interval transform needs bounds: give {getattr(distribution, '__name__', '?')} "
            "a static method bounds(*params) -> (lower, upper), or pass "
            "transform=Interval(lower, upper)"
        )

    def bounds(*params: Any) -> tuple[Any, Any]:
        get = dict(zip(names, params, strict=False)).get
        return get("lower"), get("upper")

    return Interval(bounds_fn=bounds)


TRANSFORMS: dict[str, Factory] = {
    "log": lambda d: log,
    "logodds": lambda d: logodds,
    "interval": _interval_for,
    "simplex": lambda d: simplex,
    "ordered": lambda d: ordered,
    "circular": lambda d: circular,
}

_EXTRA_MODULES = (
    "ppgraph.logprob.transforms_lkj",
    "ppgraph.logprob.transforms_extra",
    "ppgraph.logprob.transforms_zerosum",
)


def register_transform(name: str, factory: Factory) -> None:
    """Make ``name`` usable as a ``default_transform`` / ``transform=`` string.

    Example:
        >>> from ppgraph.logprob.transforms import register_transform, get_transform, log
        >>> register_transform("my_log", lambda distribution: log)
        >>> get_transform("my_log") is log
        True
    """
    TRANSFORMS[name] = factory


def get_transform(spec: str | Transform, distribution: Any = None) -> Transform:
    """The transform for a name (for ``distribution``'s variables) or a Transform.

    Example:
        >>> from ppgraph.logprob.transforms import get_transform
        >>> get_transform("logodds")
        LogOdds()
    """
    if isinstance(spec, Transform):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"a transform is a name or a Transform instance, got {spec!r}")
    if spec not in TRANSFORMS:
        for module in _EXTRA_MODULES:  # transforms registered by optional modules
            try:
                importlib.import_module(module)
            except ImportError:
                pass
    if spec not in TRANSFORMS:
        raise ValueError(f"unknown transform {spec!r}; known: {sorted(TRANSFORMS)}")
    return TRANSFORMS[spec](distribution)
