"""shallot: a Docker-first development environment for onion-architecture Python REST APIs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("shallot")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
