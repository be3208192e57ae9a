"""English words for the generator (singulars, "a" or "an"), from inflect.

inflect wraps its methods in typeguard's @typechecked, whose instrumentation compiles every one
again as the module is imported: seconds, on each run of the CLI. The generator gives it plain
strings only, so inflect is imported with that decorator as a no-op (checked against inflect
7.6.0 and typeguard 4.6.1).
"""

import importlib
from functools import cache
from typing import Any
from unittest import mock


@cache
def english() -> Any:
    """inflect's engine (imported on first use)."""
    import typeguard

    with mock.patch.object(typeguard, "typechecked", _unchecked):
        inflect = importlib.import_module("inflect")
    return inflect.engine()


def _unchecked(target: Any = None, **_options: Any) -> Any:
    return target if target is not None else _unchecked
