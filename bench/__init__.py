"""`make bench`: the whole workflow measured on this machine, with its baselines in the same run."""
