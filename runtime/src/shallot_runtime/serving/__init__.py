"""How a project's app is served in its container: `shallot-serve` (see `serve.py`)."""
