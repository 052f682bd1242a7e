"""What the time-series distributions share: ``steps`` from ``shape``, the
``init_dist`` checks and default, and the base class whose ``__new__`` gives a
registered series its support point.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.distribution import Distribution
from ppgraph.graph.basic import Variable
from ppgraph.random.op import RandomVariable, is_random_variable
from ppgraph.tensor.shape import broadcast_to
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable


def get_steps(dist: str, steps: Any, shape: Any, offset: int, ndim_core: int = 0) -> int:
    """The number of steps: ``steps``, or the time axis of ``shape`` less the
    ``offset`` initial values. Both given must agree; neither is an error.

    Example:
        >>> get_steps("GaussianRandomWalk", None, (3, 10), offset=1)
        9
    """
    from_shape = None
    if shape is not None:
        shape_t = (shape,) if isinstance(shape, int | np.integer | Variable) else tuple(shape)
        shape_t = tuple(known_now(dist, "shape", s) if isinstance(s, Variable) else s
                        for s in shape_t)  # fmt: skip
        if len(shape_t) < 1 + ndim_core:
            raise ValueError(
                f"{dist}: shape {shape_t} has no time axis (it needs {1 + ndim_core} dims or more)"
            )
        from_shape = int(shape_t[len(shape_t) - 1 - ndim_core]) - offset
    if steps is None:
        if from_shape is None:
            raise ValueError(f"{dist}: Must specify steps or shape parameter")
        steps = from_shape
    if isinstance(steps, Variable):
        steps = known_now(dist, "steps", steps)
    if not float(steps).is_integer() or int(steps) < 1:
        raise ValueError(f"{dist}: steps must be an int >= 1, got {steps!r}")
    if from_shape is not None and int(steps) != from_shape:
        raise ValueError(
            f"{dist}: steps={int(steps)} disagrees with shape {shape_t}: its time axis has "
            f"{from_shape + offset} values = steps + {offset}"
        )
    return int(steps)


def known_now(dist: str, what: str, value: Variable) -> int:
    """The current value of a symbolic int that the graph can compute alone (a
    constant, or from shapes: ``x.shape[0] - 1`` of a ``pg.Data``). The series'
    length is fixed when it is built, as XLA compiles for static shapes.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> with pg.Model():
        ...     d = pg.Data("d", np.zeros(10))
        >>> known_now("GaussianRandomWalk", "steps", d.shape[0] - 1)
        9
    """
    from ppgraph.compile import function
    from ppgraph.errors import MissingInputError

    t = value.type
    if not (isinstance(t, TensorType) and t.ndim == 0 and t.dtype.startswith(("int", "uint"))):
        raise TypeError(f"{dist}: {what} must be an int scalar, got {value!r} of type {t}")
    if isinstance(value, TensorConstant):
        return int(value.data)
    try:
        return int(function([], value, check_mode="off")())
    except MissingInputError as err:
        raise TypeError(
            f"{dist}: {what} must be known when the series is built (an int, or computed "
            f"from shapes, e.g. x.shape[0] - 1 of a pg.Data): XLA compiles for static "
            f"shapes, but {value!r} depends on inputs ({err})"
        ) from None


def batch_size(shape: Any, size: Any, ndim_supp: int) -> Any:
    """``size`` from ``shape`` (its dims before the core ones), or ``size`` as given."""
    if shape is not None and size is not None:
        raise TypeError("give shape= or size=, not both")
    if shape is None:
        return size
    shape_t = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    return shape_t[: len(shape_t) - ndim_supp]


def check_dist_not_registered(dist: Any) -> None:
    """PyMC's error for a model variable passed where a ``.dist`` one is wanted."""
    from ppgraph.model.core import _stack

    stack = _stack()
    if stack and dist in stack[-1].basic_RVs:
        raise ValueError(
            f"The dist {getattr(dist, 'name', None) or dist} was already registered in the "
            "current model.\n"
            "You should use an unregistered (unnamed) distribution created via "
            "the `.dist()` API instead, such as:\n`dist=pm.Normal.dist(0, 1)`"
        )


def unpack_dist(rv: Any, what: str) -> tuple[RandomVariable, list[TensorVariable]]:
    """The op of a ``.dist`` variable and its parameters, their batch dims
    broadcast to the variable's when it was given a size (its key is not used).

    Example:
        >>> import ppgraph as pg
        >>> op, ps = unpack_dist(pg.Normal.dist(0.0, 1.0, size=2), "init_dist")
        >>> [p.type.shape for p in ps]
        [(2,), (2,)]
    """
    if not is_random_variable(rv):
        raise TypeError(
            f"{what} must be a distribution variable made with .dist "
            f"(e.g. pg.Normal.dist(0, 1)), got {rv!r}"
        )
    check_dist_not_registered(rv)
    op = rv.owner.op
    _, size, *params = rv.owner.inputs
    if isinstance(size, TensorConstant) and size.data.size:
        batch = rv.type.shape[: rv.ndim - op.ndim_supp]
        out = []
        for p, n_core in zip(params, op.ndims_params, strict=True):
            shape = (*batch, *p.type.shape[p.ndim - n_core :])
            out.append(p if p.type.shape == shape else broadcast_to(p, shape))
        params = out
    return op, params


def warn_default_init(default: str, stacklevel: int = 3) -> None:
    """PyMC's UserWarning when ``init_dist`` is not given."""
    warnings.warn(
        f"Initial distribution not specified, defaulting to `{default}`."
        "You can specify an init_dist manually to suppress this warning.",
        UserWarning,
        stacklevel=stacklevel,
    )


def normal_init(init_dist: Any, shown: str = "Normal.dist(0, 100, shape=...)") -> Any:
    """``init_dist``, or PyMC's default ``Normal.dist(0, 100)`` with its UserWarning
    (which shows the default as ``shown``, PyMC's words for each series).

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True):
        ...     warnings.simplefilter("always")
        ...     normal_init(None).owner.op.name
        'normal'
    """
    if init_dist is not None:
        return init_dist
    from ppgraph.distributions.continuous import Normal

    warn_default_init(shown, stacklevel=4)
    return Normal.dist(0.0, 100.0)


class TimeSeries(Distribution):
    """A distribution over series, time axis last before the support dims.

    In a model, a free series starts at its family's support point (PyMC's
    ``support_point``), which needs the op's fields as well as its parameters:
    ``series_support_point(op, *params)`` is given as the variable's default
    ``initval`` unless one is given.
    """

    default_transform: ClassVar[str | None] = None

    @staticmethod
    def series_support_point(op: Any, *params: Any) -> TensorVariable | None:
        """The support point of a series of ``op`` (None for zeros)."""
        return None

    def __new__(cls, name: str, *args: Any, **kwargs: Any) -> Any:
        rv = super().__new__(cls, name, *args, **kwargs)
        from ppgraph.model.core import modelcontext

        model = modelcontext(None)
        if rv in model.free_RVs and rv not in model.rvs_to_initial_values:
            start = cls.series_support_point(rv.owner.op, *rv.owner.inputs[2:])
            if start is not None:
                model.rvs_to_initial_values[rv] = start
        return rv


__all__: list[str] = []
