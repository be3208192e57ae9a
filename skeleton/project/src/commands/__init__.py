"""manage.py's commands for maintenance windows and migrations (the db ones live in manage.py)."""
