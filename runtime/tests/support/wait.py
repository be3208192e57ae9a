"""Waiting in tests for what another thread or process brings about."""

import time


def wait_until(condition, timeout: float) -> float:
    """Seconds until `condition()` held, checking every millisecond; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout}s")
        time.sleep(0.001)
    return time.monotonic() - started
