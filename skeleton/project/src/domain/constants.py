"""Paging limits the services and the API agree on."""

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Pages past this would ask PostgreSQL for an offset beyond any table this service keeps.
MAX_PAGE = 1_000_000
