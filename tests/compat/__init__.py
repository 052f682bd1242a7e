"""Model files written the PyMC way (``import ppgraph as pm``), each checked
against an outside oracle (scipy densities summed by hand)."""
