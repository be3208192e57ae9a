"""Background jobs in the runtime's tests: a project's tasks, and workers to run them."""
