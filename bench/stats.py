"""Figures: the median of several runs, with min and max, and ratios against a baseline."""

import statistics
import time
from collections.abc import Callable


def summary(values: list[float], unit: str) -> dict:
    return {
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "runs": len(values),
        "unit": unit,
    }


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def repeat(runs: int, action: Callable[[], object], before: Callable[[], object] = lambda: None) -> dict:
    """Seconds taken by ACTION, RUNS times, with BEFORE (untimed) ahead of each run."""
    values = []
    for _ in range(runs):
        before()
        values.append(timed(action))
    return summary(values, "s")


def with_baseline(figure: dict, baseline: dict, label: str) -> dict:
    """FIGURE beside its BASELINE; ratio > 1 means the figure is larger (slower, bigger)."""
    ratio = round(figure["median"] / baseline["median"], 3) if baseline["median"] else None
    return {**figure, "baseline": {**baseline, "what": label}, "ratio": ratio}
