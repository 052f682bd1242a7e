"""Drawing from graphs: ``draw`` (and, later, predictive sampling and samplers)."""

from ppgraph.sampling.draw import draw

__all__ = ["draw"]
