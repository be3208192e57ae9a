"""One module per group of figures; each has `measure(context) -> dict`."""
