"""``Check``: a parameter constraint that stays in the graph and survives jit.

``Check{sigma > 0}(value, cond)`` passes ``value`` through when every ``cond``
holds. What it does otherwise is the compiled function's check mode
(``ppgraph.config.check_mode``): raise ``ParameterValueError``, turn the value
into -inf, or nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ppgraph.graph.basic import Apply, Op
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


@dataclasses.dataclass(frozen=True)
class Check(Op):
    """Pass ``value`` through if all conditions hold. ``msg`` is the condition as
    a person reads it; ``var`` names the variable it guards, for error messages.

    ``nan`` names parameters whose "is not NaN" flags are the last ``len(nan)``
    conditions. In "raise" mode a NaN parameter is reported as ``sigma is NaN``,
    not as the failed ``msg``; in "-inf" mode they are conditions like the others.
    """

    msg: str
    var: str | None = None
    nan: tuple[str, ...] = ()

    def make_node(self, value: Any, *conds: Any) -> Apply:
        if len(conds) < len(self.nan):
            raise ValueError(f"{self}: {len(self.nan)} NaN flags need as many conditions")
        value = as_tensor_variable(value)
        cs = [cast(as_tensor_variable(c), "bool") for c in conds]
        return Apply(self, [value, *cs], [value.type])

    def props_str(self) -> str:
        return self.msg

    def message(self) -> str:
        """The text of the error raised when the check fails."""
        return f"{self.var}: {self.msg}" if self.var else self.msg

    def nan_message(self, param: str) -> str:
        """The text of the error raised when ``param`` is NaN."""
        return f"{self.var}: {param} is NaN" if self.var else f"{param} is NaN"


def check(value: Any, *conds: Any, msg: str, var: str | None = None) -> TensorVariable:
    """``value`` guarded by boolean conditions (each reduced with ``all``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> sigma = pt.scalar("sigma")
        >>> out = pt.check(2.0 * sigma, sigma > 0, msg="sigma > 0")
        >>> str(out.owner.op)
        'Check{sigma > 0}'
    """
    from ppgraph.tensor.reduction import all as all_

    reduced = [c if as_tensor_variable(c).ndim == 0 else all_(c) for c in conds]
    out = Check(msg, var)(value, *reduced)
    assert isinstance(out, TensorVariable)
    return out
