"""The user-facing distribution classes: ``pg.Normal.dist(...)`` outside a model,
``pg.Normal("x", ...)`` inside one.

A family is a subclass that names its RandomVariable op, turns the user's
parameters (PyMC's names and alternative parametrizations) into the op's
parameters in ``parametrize``, and states its maths beside it: ``logp``,
``logcdf``, ``icdf`` (static methods of the op's parameters), the support and
the default transform for the model layer. Defining the subclass registers its
maths with ``ppgraph.logprob``'s dispatch.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from ppgraph.logprob.basic import _icdf, _logcdf, _logprob
from ppgraph.random.op import RandomKeySharedVariable, RandomVariable, make_rv
from ppgraph.tensor.type import TensorVariable

MODEL_KWARGS = ("observed", "dims", "initval", "transform", "default_transform", "total_size")
_RV_KWARGS = ("size", "shape", "rng", "dtype")


class Distribution:
    """Base of the user-facing distributions.

    Subclasses set these class attributes:

    - ``rv_op``: the RandomVariable op class.
    - ``print_name``: (short name, LaTeX name) used in ``str(rv)``, e.g.
      ``("N", r"\\mathcal{N}")``.
    - ``support``: "real", "positive", "unit", "interval", "nonnegative_int", ...
      (informs the default transform and ``initial_point``).
    - ``default_transform``: name of the model layer's default transform ("log",
      "logodds", "interval", "simplex", ...) or None.

    and implement ``parametrize(cls, ...)`` (user parameters -> op parameters),
    ``logp(value, *params)`` and, where they exist, ``logcdf`` and ``icdf``.
    """

    rv_op: ClassVar[type[RandomVariable]]
    print_name: ClassVar[tuple[str, str]] = ("?", "?")
    support: ClassVar[str] = "real"
    default_transform: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        op = cls.__dict__.get("rv_op")
        if op is None:
            return
        for name, table in (("logp", _logprob), ("logcdf", _logcdf), ("icdf", _icdf)):
            fn = cls.__dict__.get(name)
            if fn is not None:
                table.register(op)(_adapt(fn.__func__ if isinstance(fn, staticmethod) else fn))

    @classmethod
    def parametrize(cls, *args: Any, **kwargs: Any) -> list[Any]:
        """The op's parameters from the user's (PyMC's names)."""
        raise NotImplementedError

    @classmethod
    def accepted(cls) -> list[str]:
        """The parameter keywords ``dist`` accepts."""
        names = [
            p.name
            for p in inspect.signature(cls.parametrize).parameters.values()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        return [*names, *_RV_KWARGS]

    @classmethod
    def dist(
        cls,
        *args: Any,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
        dtype: str | None = None,
        **kwargs: Any,
    ) -> TensorVariable:
        """A random variable of this family outside any model.

        Example:
            >>> import ppgraph as pg
            >>> x = pg.Normal.dist(mu=0.0, sigma=1.0, size=3)
            >>> x.type
            TensorType(float64, shape=(3,))
        """
        unknown = [k for k in kwargs if k not in cls.accepted()]
        if unknown:
            raise TypeError(
                f"{cls.__name__}: unknown parameter {unknown[0]!r}; "
                f"accepted: {', '.join(cls.accepted())}"
            )
        params = cls.parametrize(*args, **kwargs)
        op = cls.rv_op(dtype or "floatX")
        if shape is not None and size is not None:
            raise TypeError(f"{cls.__name__}: give shape= or size=, not both")
        if shape is not None:
            shape_t = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
            size = shape_t[: len(shape_t) - op.ndim_supp] if op.ndim_supp else shape_t
        try:
            return make_rv(op, *params, size=size, rng=rng)
        except ValueError as err:
            # name the user's parameters and their shapes, not only the op's
            names = list(inspect.signature(cls.parametrize).parameters)
            given = {**dict(zip(names, args, strict=False)), **kwargs}
            shown = ", ".join(f"{k} of shape {_static_shape(v)}" for k, v in given.items())
            raise ValueError(f"{cls.__name__}.dist({shown}): {err}") from err

    def __new__(cls, name: str, *args: Any, **kwargs: Any) -> Any:
        """A random variable registered in the model of the enclosing ``with`` block."""
        from ppgraph.model.core import modelcontext

        if not isinstance(name, str):
            raise TypeError(
                f"{cls.__name__}(...): the first argument is the variable's name (a str), "
                f"got {name!r}; use {cls.__name__}.dist(...) for a variable outside a model"
            )
        model = modelcontext(None, what=f"pg.{cls.__name__}({name!r}, ...)")
        model_kwargs = {k: kwargs.pop(k) for k in MODEL_KWARGS if k in kwargs}
        full_name = model.prefix + name
        if kwargs.get("shape") is not None:
            if not _int_shape(kwargs["shape"]):
                # a symbolic shape (x.shape[0] of a pg.Data) that follows set_data, or
                # a wrong one (2.5), which rv_shape names
                kwargs["shape"] = model.rv_shape(shape=kwargs["shape"], name=full_name)
        elif kwargs.get("size") is None:
            # dims= (or else the observed data) gives the shape, as in PyMC
            shape = model.rv_shape(model_kwargs.get("dims"), model_kwargs.get("observed"))
            if shape is not None:
                kwargs["shape"] = shape
        try:
            rv = cls.dist(*args, **kwargs)
        except (TypeError, ValueError) as err:
            if type(err) not in (TypeError, ValueError) or full_name in str(err):
                raise
            raise type(err)(f"{full_name}: {err}") from err
        model_kwargs.setdefault("default_transform", cls.default_transform)
        if model_kwargs.get("observed") is None:
            # PyMC 5's rule: transform= goes on top of the default (see transform_spec)
            from ppgraph.model.register import UNSET
            from ppgraph.model.transform_spec import resolve_transform

            spec = model_kwargs.pop("transform", UNSET)
            default = model_kwargs.pop("default_transform")
            model_kwargs["transform"] = resolve_transform(
                model.prefix + name, rv, cls, spec, default, UNSET
            )
        return model.register_rv(rv, name, distribution=cls, **model_kwargs)


def _int_shape(shape: Any) -> bool:
    ints = (int, np.integer)
    if isinstance(shape, ints) and not isinstance(shape, bool):
        return True
    return isinstance(shape, tuple | list) and all(
        isinstance(s, ints) and not isinstance(s, bool) for s in shape
    )


def _static_shape(x: Any) -> tuple[int | None, ...]:
    shape = getattr(getattr(x, "type", None), "shape", None)
    return tuple(shape) if shape is not None else np.shape(x)


def _adapt(fn: Callable[..., Any]) -> Callable[..., Any]:
    # wraps sets __wrapped__: error messages take the parameters' names (PyMC's
    # ``sigma``, not the op's ``scale``) from the family's own signature.
    @functools.wraps(fn)
    def dispatched(op: RandomVariable, value: Any, *params: Any) -> Any:
        return fn(value, *params)

    return dispatched


class Continuous(Distribution):
    """A distribution over real values."""


class Discrete(Distribution):
    """A distribution over integers."""

    support: ClassVar[str] = "integers"


def resolve_alternative(
    dist: str, pairs: Sequence[tuple[str, Any]], default: Any = None, convert: Any = None
) -> tuple[str, Any]:
    """The one parametrization given among alternatives (``sigma`` or ``tau``).

    Both given is an error naming them; none given uses ``default`` for the first.
    """
    given = [(n, v) for n, v in pairs if v is not None]
    if len(given) > 1:
        names = " and ".join(n for n, _ in given)
        raise TypeError(f"{dist}: give only one of {', '.join(n for n, _ in pairs)}; got {names}")
    if not given:
        if default is None:
            raise TypeError(f"{dist}: one of {', '.join(n for n, _ in pairs)} is required")
        return pairs[0][0], default
    return given[0]
