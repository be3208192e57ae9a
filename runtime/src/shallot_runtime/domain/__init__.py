"""The maintenance domain: windows, their modes and leases, and what an open window refuses."""
