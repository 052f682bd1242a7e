"""Samplers of the discrete families (registered with ``sampler``)."""
