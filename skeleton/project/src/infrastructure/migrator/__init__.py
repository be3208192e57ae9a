"""The migrate sidecar: applies pending migrations in a maintenance window (see migrator.py)."""
