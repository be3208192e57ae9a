"""Limits the domain and the API agree on."""

from datetime import timedelta

TITLE_MAX_LENGTH = 200

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Pages past this would ask PostgreSQL for an offset beyond any table this service keeps.
MAX_PAGE = 1_000_000

MAINTENANCE_REASON_MAX_LENGTH = 200
# A maintenance lease shorter than this could run out between two renewals.
MIN_LEASE = timedelta(seconds=1)
