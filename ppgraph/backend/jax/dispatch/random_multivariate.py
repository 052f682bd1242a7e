"""Samplers of the multivariate families (registered with ``sampler``)."""
