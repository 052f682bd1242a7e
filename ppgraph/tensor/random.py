"""``pt.random``: random variables as graph nodes, each with its own key.

``eval()`` uses the stored key, so it returns the same value each time (as
PyTensor does); ``pg.draw`` gives fresh draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # ppgraph.random imports ppgraph.tensor: import it when called
    from ppgraph.random.op import RandomKeySharedVariable
    from ppgraph.tensor.type import TensorVariable


def normal(
    loc: Any = 0.0,
    scale: Any = 1.0,
    size: Any = None,
    name: str | None = None,
    rng: RandomKeySharedVariable | None = None,
    dtype: str = "floatX",
) -> TensorVariable:
    """A normal random variable.

    Example:
        >>> import ppgraph.tensor as pt
        >>> y = pt.random.normal(0, 1, name="y")
        >>> bool(y.eval() == y.eval())
        True
    """
    from ppgraph.random.basic import NormalRV
    from ppgraph.random.op import make_rv

    return make_rv(NormalRV(dtype), loc, scale, size=size, rng=rng, name=name)


__all__ = ["normal"]
