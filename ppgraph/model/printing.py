r"""How registered variables and models print, as PyMC prints them.

A registered random variable prints as ``mu ~ N(0, 2)``: its name, the
family's short name and its parameters (a named variable by name, a scalar
constant by value, any other constant as ``<constant>``, an expression of
named variables as ``f(mu, sigma)``). Its ``.name`` stays ``"mu"``, so
``dprint`` still shows ``'mu'``. LaTeX forms are used by notebooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.random.op import is_random_variable
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable

if TYPE_CHECKING:
    from ppgraph.model.base import ModelState

__all__ = ["ModelVariable", "describe", "model_latex", "model_text"]


class ModelVariable(TensorVariable):
    """A variable registered in a model (random, deterministic or potential):
    a tensor variable that prints as ``x ~ N(mu, sigma)``.

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model():
        ...     x = pg.Normal("x", 0, 1)
        >>> x, x.name
        (x ~ N(0, 1), 'x')
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return describe(self, "plain")

    __str__ = __repr__

    def _repr_latex_(self) -> str:
        return f"$${describe(self, 'latex')}$$"


def mark(var: Variable, kind: str, distribution: Any = None) -> None:
    """Record what ``var`` is in the model (``"rv"``, ``"deterministic"``,
    ``"potential"``), and make it print so when it is a plain tensor variable."""
    var.tag["model_kind"] = kind
    var.tag["distribution"] = distribution
    if type(var) is TensorVariable:
        var.__class__ = ModelVariable


def _text(name: str, latex: bool) -> str:
    if not latex:
        return name
    return r"\text{" + name.replace("_", r"\_") + "}"


def _param_str(var: Variable, latex: bool) -> str:
    if isinstance(var, TensorConstant) and var.name is None:
        data = np.asarray(var.data)
        if data.ndim == 0 or (data.size == 1 and data.ndim == 1):
            return f"{data.reshape(()).item():.3g}"
        return _text("<constant>", latex)
    if var.name is not None:
        return _text(var.name, latex)
    if is_random_variable(var) and var.owner is not None:  # a .dist(...) parameter
        inner = ", ".join(_param_str(p, latex) for p in var.owner.inputs[2:])
        op_name = str(getattr(var.owner.op, "name", "rv"))
        return f"{_text(op_name, latex)}({inner})"
    return _depends(var, latex)


def _depends(var: Variable, latex: bool) -> str:
    """``f(a, b)``: the named variables an expression is computed from (the
    nearest ones: the walk stops at a name)."""
    names: list[str] = []
    seen: set[Variable] = set()
    stack = list(reversed(var.owner.inputs)) if var.owner is not None else []
    while stack:
        v = stack.pop()
        if v in seen or isinstance(v, TensorConstant):
            continue
        seen.add(v)
        if v.name is not None and isinstance(v.type, TensorType):
            names.append(v.name)
        elif v.owner is not None:
            stack.extend(reversed(v.owner.inputs))
    return "f(" + ", ".join(_text(n, latex) for n in sorted(set(names), key=names.index)) + ")"


def describe(var: Variable, formatting: str = "plain") -> str:
    """``name ~ Family(params)`` for a registered variable (LaTeX with ``"latex"``)."""
    latex = formatting == "latex"
    kind = var.tag.get("model_kind")
    name = var.name or "?"
    if kind == "rv" and var.owner is not None:
        dist = var.tag.get("distribution")
        op_name = str(getattr(var.owner.op, "name", var.owner.op))
        short, tex = getattr(dist, "print_name", (op_name, op_name))
        params = [_param_str(p, latex) for p in var.owner.inputs[2:]]
        family = tex if latex else short
    else:
        family = "Deterministic" if kind == "deterministic" else "Potential"
        if latex:
            family = r"\operatorname{" + family + "}"
        params = [_depends(var, latex)]
    sep = ",~" if latex else ", "
    if latex:
        return rf"{_text(name, True)} \sim {family}({sep.join(params)})"
    return f"{name} ~ {family}({sep.join(params)})"


def _rows(model: ModelState) -> list[tuple[str, Variable]]:
    rows: list[tuple[str, Variable]] = []
    for var in model.named_vars.values():
        if var.tag.get("model_kind") in ("rv", "deterministic", "potential"):
            rows.append((var.name or "?", var))
    return rows


def model_text(model: ModelState) -> str:
    """The model, one variable a line, names right-aligned on ``~``."""
    rows = _rows(model)
    if not rows:
        return "<empty model>"
    width = max(len(n) for n, _ in rows)
    return "\n".join(f"{name:>{width}} ~ {describe(var).split(' ~ ', 1)[1]}" for name, var in rows)


def model_latex(model: ModelState) -> str:
    r"""The model as a LaTeX ``array`` (``\text{z} &\sim & \operatorname{N}(...)``)."""
    lines = []
    for _, var in _rows(model):
        left, right = describe(var, "latex").split(r" \sim ", 1)
        lines.append(rf"{left} &\sim & {right}")
    body = r" \\" + "\n"
    return "$$\n\\begin{array}{rcl}\n" + body.join(lines) + "\n\\end{array}\n$$"
