"""Multivariate distributions: parameters as PyMC names them, maths beside each."""

__all__: list[str] = []
