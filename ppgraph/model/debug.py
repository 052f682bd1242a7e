"""``model.debug()``: which variable's log-density is -inf or NaN at a point, and why.

For each term that is not finite it reports the Checks that fail (the
parameter conditions, by their message), the parameters' values, and, when
every Check holds, that the value is outside the support or that something
computed NaN.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

from ppgraph.compile import function
from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import clone_replace, toposort
from ppgraph.model.initial_point import InitialPointMethods
from ppgraph.tensor.check import Check
from ppgraph.tensor.type import TensorVariable


def _fmt(x: Any) -> str:
    arr = np.asarray(x)
    if arr.ndim == 0:
        return repr(arr.item())
    return np.array2string(arr, precision=4, threshold=8, separator=", ")


class DebugMethods(InitialPointMethods):
    """Diagnostics (mixed into ``pg.Model``)."""

    def debug(
        self, point: Mapping[str, Any] | None = None, file: IO[str] | str | None = None
    ) -> str | None:
        """Report the variables whose log-density is -inf or NaN at ``point`` (the
        initial point by default), which Check fails and the parameters' values.
        Printed, or returned with ``file="str"``.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     s = pg.Normal("s", 0.0, 1.0)
            ...     x = pg.Normal("x", 0.0, sigma=s)
            >>> m.debug({"s": -1.0, "x": 0.0})
            point: {'s': -1.0, 'x': 0.0}
            x ~ N(0, s): logp is -inf
              failing check: x: sigma > 0
              parameters: loc = 0.0, scale = -1.0
        """
        if point is None:
            point = self.initial_point()
        lines = ["point: {" + ", ".join(f"{k!r}: {_fmt(v)}" for k, v in point.items()) + "}"]
        terms_fn = self.compile_logp(sum=False, check_mode="-inf")
        terms = terms_fn(point)
        graphs = self.logp(sum=False)
        owners = [*self._rvs_in_order, *self.potentials]
        values = [point[n] for n in terms_fn.names]
        found = False
        for var, term, graph in zip(owners, terms, graphs, strict=True):
            term = np.asarray(term)
            checks = self._failing_checks(graph, values)
            if np.all(np.isfinite(term)) and not checks:
                continue
            found = True
            lines.extend(self._explain(var, term, checks, values))
        if not found:
            lines.append("every log-density term is finite and every check holds at this point")
        text = "\n".join(lines)
        if file == "str":
            return text
        stream = sys.stdout if file is None else file
        assert not isinstance(stream, str)
        print(text, file=stream)
        return None

    def _failing_checks(self, graph: Variable, values: list[Any]) -> list[str]:
        nodes = [n for n in toposort([graph]) if isinstance(n.op, Check)]
        if not nodes:
            return []
        conds = [c for n in nodes for c in n.inputs[1:]]
        oks = function(self.value_vars, conds, check_mode="off")(*values)
        failing, i = [], 0
        for node in nodes:
            k = len(node.inputs) - 1
            if not all(bool(np.all(ok)) for ok in oks[i : i + k]):
                assert isinstance(node.op, Check)
                failing.append(node.op.message())
            i += k
        return list(dict.fromkeys(failing))

    def _explain(
        self, var: TensorVariable, term: np.ndarray, checks: list[str], values: list[Any]
    ) -> list[str]:
        bad = "NaN" if np.isnan(term).any() else "-inf" if np.isneginf(term).any() else "+inf"
        where = ""
        if term.ndim and not np.all(~np.isfinite(term)):
            idx = np.argwhere(~np.isfinite(term))[:5].tolist()
            where = f" at {len(np.argwhere(~np.isfinite(term)))} of {term.size} elements {idx}"
        lines = [f"{var!r}: logp is {bad}{where}"]
        lines += [f"  failing check: {msg}" for msg in checks]
        if var in self.rvs_to_values and var.owner is not None:
            op = var.owner.op
            params = clone_replace(var.owner.inputs[2:], self.replacements())
            got = function(self.value_vars, params, check_mode="off")(*values)
            names = getattr(op, "params", ()) or [f"p{i}" for i in range(len(got))]
            shown = ", ".join(f"{n} = {_fmt(v)}" for n, v in zip(names, got, strict=False))
            lines.append(f"  parameters: {shown}")
            if not checks and bad == "-inf":
                value = self.compile_fn(var)(
                    dict(zip([str(v.name) for v in self.value_vars], values, strict=True))
                )
                lines.append(f"  the value {_fmt(value)} is outside the support")
        if not checks and bad == "NaN":
            lines.append("  a NaN was computed: check the point and the parameters for NaN or inf")
        return lines
