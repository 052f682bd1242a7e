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
``transforms_lkj.py``).

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

from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import matmul
from ppgraph.tensor.reduction import logsumexp
from ppgraph.tensor.reduction import max as max_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import concatenate
from ppgraph.tensor.type import TensorConstant, TensorVariable, as_tensor_variable, constant

__all__ = [
    "TRANSFORMS", "Chain", "ChainedTransform", "Circular", "Interval", "Log", "LogOdds",
    "Ordered", "Simplex", "Transform", "circular", "get_transform", "log", "logodds", "ordered",
    "register_transform", "simplex",
]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Transform:
    """Base of the transforms. ``name`` gives the value variable's suffix
    (``{rv}_{name}__``); ``ndim_supp`` is 0 for an elementwise bijection and 1
    when the Jacobian couples the last axis (its log-determinant then has one
    dim less than the value)."""

    name: ClassVar[str] = "transform"
    ndim_supp: ClassVar[int] = 0

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        """Constrained -> unconstrained."""
        raise NotImplementedError

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        """Unconstrained -> constrained."""
        raise NotImplementedError

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        """``log |det d backward(value) / d value|``, at the unconstrained ``value``."""
        raise NotImplementedError


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
class Simplex(Transform):
    r"""The simplex, as PyMC's ``simplex`` transform (not stick-breaking): the
    value :math:`y \in \mathbb{R}^{K-1}` is completed with :math:`y_K = -\sum y`
    and mapped by softmax; forward is the centred log of the first K-1 parts.

    .. math:: \log|J| = \log K + K \textstyle\sum_k y_k
              - K \log\bigl(1 + \sum_k e^{y_k + \sum_j y_j}\bigr)

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms import simplex
        >>> y = pt.vector("y")
        >>> simplex.backward(y).eval({y: [0.0, 0.0]})
        array([0.33333333, 0.33333333, 0.33333333])
    """

    name: ClassVar[str] = "simplex"
    ndim_supp: ClassVar[int] = 1

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        log_value = m.log(value)
        shift = sum_(log_value, axis=-1, keepdims=True) / _last_size(log_value)
        return log_value[..., :-1] - shift

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        value = as_tensor_variable(value)
        full = concatenate([value, -sum_(value, axis=-1, keepdims=True)], axis=-1)
        e = m.exp(full - max_(full, axis=-1, keepdims=True))
        return e / sum_(e, axis=-1, keepdims=True)

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        value = as_tensor_variable(value)
        n = _last_size(value) + 1.0
        total = sum_(value, axis=-1, keepdims=True)
        expanded = concatenate([value + total, m.mul(total, 0.0)], axis=-1)
        res = m.log(n) + n * total - n * logsumexp(expanded, axis=-1, keepdims=True)
        return sum_(res, axis=-1)


def _last_size(x: TensorVariable) -> Any:
    """The last dim's size as a float (a constant when static)."""
    size = x.type.shape[-1]
    if size is not None:
        return constant(float(size), dtype=x.dtype)
    from ppgraph.tensor.elemwise import cast

    return cast(x.shape[-1], x.dtype)


@dataclasses.dataclass(frozen=True)
class Ordered(Transform):
    r"""Increasing vectors (opt-in, ``transform="ordered"``): :math:`y_0 = x_0`,
    :math:`y_i = \log(x_i - x_{i-1})`; :math:`\log|J| = \sum_{i>0} y_i`.
    The last axis must have a static size.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms import ordered
        >>> y = pt.tensor("float64", shape=(3,), name="y")
        >>> ordered.backward(y).eval({y: [1.0, 0.0, 0.0]})
        array([1., 2., 3.])
    """

    name: ClassVar[str] = "ordered"
    ndim_supp: ClassVar[int] = 1

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        x = as_tensor_variable(value)
        return concatenate([x[..., :1], m.log(x[..., 1:] - x[..., :-1])], axis=-1)

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        y = as_tensor_variable(value)
        k = y.type.shape[-1]
        if k is None:
            raise ValueError(
                f"the ordered transform needs a static size for the last dim of {y!r} "
                f"({y.type}); give the variable a shape"
            )
        steps = concatenate([y[..., :1], m.exp(y[..., 1:])], axis=-1)
        # cumulative sum along the last axis: x_j = sum_{i <= j} steps_i
        return matmul(steps, constant(np.triu(np.ones((k, k))), dtype=y.dtype))

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        y = as_tensor_variable(value)
        return sum_(y[..., 1:], axis=-1)


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


@dataclasses.dataclass(frozen=True)
class Chain(Transform):
    """Transforms applied in turn (``forward`` in list order, ``backward`` in
    reverse), e.g. ``Chain([log, ordered])`` for increasing positive vectors
    (PyMC's ``Chain`` / ``ChainedTransform``; the value variable is ``{name}_chain__``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms import Chain, log, ordered
        >>> y = pt.tensor("float64", shape=(2,), name="y")
        >>> Chain([log, ordered]).backward(y).eval({y: [0.0, 0.0]}).round(4)
        array([1.    , 2.7183])
    """

    name: ClassVar[str] = "chain"

    transforms: tuple[Transform, ...] = ()

    def __post_init__(self) -> None:
        items = tuple(self.transforms)
        bad = [t for t in items if not isinstance(t, Transform)]
        if bad:
            raise TypeError(f"Chain takes a list of Transform instances, got {bad[0]!r}")
        object.__setattr__(self, "transforms", items)

    @property
    def transform_list(self) -> list[Transform]:
        """The transforms, in ``forward`` order (PyMC's attribute name)."""
        return list(self.transforms)

    @property
    def ndim_supp(self) -> int:  # type: ignore[override]
        return max((t.ndim_supp for t in self.transforms), default=0)

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        out = as_tensor_variable(value)
        for t in self.transforms:
            out = t.forward(out, *params)
        return out

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        out = as_tensor_variable(value)
        for t in reversed(self.transforms):
            out = t.backward(out, *params)
        return out

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        # d backward = product of each step's Jacobian, evaluated along the way back
        y = as_tensor_variable(value)
        total: TensorVariable | None = None
        ndim = self.ndim_supp
        for t in reversed(self.transforms):
            term = t.log_jac_det(y, *params)
            extra = term.ndim - (y.ndim - ndim)
            if extra > 0:
                term = sum_(term, axis=tuple(range(-extra, 0)))
            total = term if total is None else total + term
            y = t.backward(y, *params)
        return total if total is not None else m.mul(y, 0.0)


ChainedTransform = Chain

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
