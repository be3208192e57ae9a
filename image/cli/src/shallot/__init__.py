"""shallot: a Docker-first development environment for onion-architecture Python REST APIs."""

__version__ = "0.1.0"
