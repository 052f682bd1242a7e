"""``pg.Model``: the context that registers variables and gives each free random
variable a value variable.

``with pg.Model() as model:`` makes ``model`` the target of ``pg.Normal("x", ...)``,
``pg.Deterministic``, ``pg.Potential`` and ``pg.Data``. Registration order is
kept everywhere (a variable can only depend on variables made before it), so
``free_RVs``, ``value_vars`` and ``dlogp``'s flat vector follow it, as in PyMC.

A model made inside another is part of it, as in PyMC: its variables live in
the outer model (and count in its log-density). With a ``name`` it is a
namespace: its variables are named ``"{name}::x"`` (a named outermost model
prefixes its own variables too). A name used twice across nested models is
an error.
"""

from __future__ import annotations

import threading
from typing import Any

from ppgraph.model.debug import DebugMethods
from ppgraph.model.printing import model_latex, model_text
from ppgraph.model.register import RegisterMethods

__all__ = ["Model", "modelcontext"]

_context = threading.local()


def _stack() -> list[Model]:
    stack: list[Model] | None = getattr(_context, "models", None)
    if stack is None:
        stack = _context.models = []
    return stack


def modelcontext(
    model: Model | None, what: str | None = None, *, needs: str | None = None
) -> Model:
    """``model`` if given, else the model of the innermost ``with`` block.

    ``what`` names a variable being created (the error then says it must be
    created inside a model); ``needs`` names a function that needs a model.

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     pg.modelcontext(None) is m
        True
    """
    if model is not None:
        if not isinstance(model, Model):
            raise TypeError(f"expected a pg.Model, got {model!r}")
        return model
    stack = _stack()
    if not stack:
        if what is None:
            raise TypeError(
                f"{needs or 'this call'} needs a model: call it inside a `with model:` block "
                "or pass `model=model`"
            )
        raise TypeError(
            f"{what} must be created inside a model: `with pg.Model():` ... "
            "(for a variable outside any model, use the distribution's .dist(...))"
        )
    return stack[-1]


class Model(RegisterMethods, DebugMethods):
    """A probabilistic model: random variables, their value variables and
    transforms, deterministics, potentials, data and coordinates.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> with pg.Model() as model_2:
        ...     mu = pg.Normal("mu", mu=0, sigma=2)
        ...     sigma = pg.HalfNormal("sigma", sigma=3)
        ...     x = pg.Normal("x", mu=mu, sigma=sigma)
        >>> model_2.rvs_to_values
        {mu ~ N(0, 2): mu, sigma ~ N**+(0, 3): sigma_log__, x ~ N(mu, sigma): x}
        >>> model_2.value_vars
        [mu, sigma_log__, x]
        >>> print(model_2)
           mu ~ N(0, 2)
        sigma ~ N**+(0, 3)
            x ~ N(mu, sigma)
    """

    def __init__(self, coords: dict[str, Any] | None = None, name: str = "") -> None:
        if not isinstance(name, str):
            raise TypeError(f"a model's name is a str, got {name!r}")
        stack = _stack()
        # As in PyMC, a model made inside another is part of it (named: a namespace).
        self.parent: Model | None = stack[-1] if stack else None
        self.name = name
        outer = self.parent.prefix if self.parent is not None else ""
        self.prefix = f"{outer}{name}::" if name else outer
        if self.parent is not None:
            self._share(self.parent)
        else:
            self._init_registry()
        if coords:
            self.add_coords(coords)

    # --- context -------------------------------------------------------------

    def __enter__(self) -> Model:
        _stack().append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        stack = _stack()
        if stack and stack[-1] is self:
            stack.pop()

    @property
    def root(self) -> Model:
        """The outermost model this one belongs to."""
        return self if self.parent is None else self.parent.root

    # --- printing ------------------------------------------------------------

    def __repr__(self) -> str:
        return model_text(self)

    __str__ = __repr__

    def _repr_latex_(self) -> str:
        return model_latex(self)

    def str_repr(self, formatting: str = "plain") -> str:
        """The model as text (``"plain"``) or LaTeX (``"latex"``)."""
        return model_latex(self) if formatting == "latex" else model_text(self)
