"""Background jobs (guide to follow)."""

from shallot_runtime.jobs.app import Jobs, TransactionalQueue, UnknownTask

__all__ = ["Jobs", "TransactionalQueue", "UnknownTask"]
