"""Graph rewrites: pattern rules, a fixed-point engine, and the pass pipeline."""

from ppgraph.rewrite.algebra import ALGEBRA
from ppgraph.rewrite.engine import Rule, rewrite_fixed_point
from ppgraph.rewrite.pipeline import rewrite_graph
from ppgraph.rewrite.reductions import REDUCTIONS
from ppgraph.rewrite.stability import STABILITY

__all__ = ["ALGEBRA", "REDUCTIONS", "STABILITY", "Rule", "rewrite_fixed_point", "rewrite_graph"]
