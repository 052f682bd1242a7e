"""Which transform a free variable's value variable goes through: PyMC 5's rule
for ``transform=`` and ``default_transform=``.

- ``default_transform`` is the family's (``log`` for a positive family, ...);
  ``default_transform=None`` samples the variable in its own space.
- ``transform=t`` is applied *on top of* the default: the value variable goes
  through ``Chain([default, t])`` (named ``{name}_chain__``), or ``t`` alone
  when there is no default (``cutpoints_ordered__``).
- ``transform=None`` turns every transform off. (PyMC 5 warns there that
  ``default_transform=None`` is the new spelling; ppgraph keeps ``transform=None``
  working without a warning.) A ``transform=`` equal to the default is not
  chained to itself.

A transform that does not fit the variable (``ordered`` on a scalar, a vector
transform on a variable without a static last dim) is a ``ValueError`` naming it.
"""

from __future__ import annotations

from typing import Any

from ppgraph.logprob.transforms import Chain, Transform, get_transform
from ppgraph.tensor.type import TensorVariable


def resolve_transform(
    name: str, rv: TensorVariable, distribution: Any, transform: Any, default_transform: Any,
    unset: Any,
) -> Transform | None:  # fmt: skip
    """The transform of the free variable ``rv`` named ``name`` (None for none);
    ``unset`` is the marker of a ``transform=`` that was not given.

    Example:
        >>> import ppgraph as pg
        >>> from ppgraph.logprob.transforms import ordered
        >>> x = pg.HalfNormal.dist(1.0, size=3)
        >>> resolve_transform("x", x, pg.HalfNormal, ordered, "log", None)
        Chain(transforms=(Log(), Ordered()))
    """
    default = None if default_transform is None else _get(name, default_transform, distribution)
    if transform is unset:
        tr = default
    elif transform is None:
        tr = None
    else:
        extra = _get(name, transform, distribution)
        # the default given again (Truncated's interval by name) is not chained to itself
        tr = extra if default is None or _same(default, extra) else Chain((default, extra))
    if tr is not None:
        _check_fits(name, rv, tr)
    return tr


def _same(a: Transform, b: Transform) -> bool:
    try:
        return bool(a == b)
    except Exception:  # fields holding arrays or graphs: only the same object is the same
        return a is b


def _get(name: str, spec: Any, distribution: Any) -> Transform:
    try:
        return get_transform(spec, distribution)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{name}: {err}") from err


def _check_fits(name: str, rv: TensorVariable, tr: Transform) -> None:
    if rv.ndim < tr.ndim_supp:
        raise ValueError(
            f"{name}: the {tr.name} transform acts on the last {tr.ndim_supp} dim(s) of a "
            f"variable, but {name} has shape {rv.type.shape} ({rv.ndim} dims)"
        )
    if not rv.dtype.startswith("float"):
        raise TypeError(f"{name}: a transform ({tr.name}) needs a float variable, not {rv.dtype}")
    params = rv.owner.inputs[2:] if rv.owner is not None else []
    try:
        tr.backward(tr.forward(rv, *params), *params)
    except (ValueError, TypeError, IndexError) as err:
        raise ValueError(
            f"{name}: the {tr.name} transform does not fit {name} ({rv.type}): {err}"
        ) from err
