"""Bounds on what an input may ask for, so that a validated input never exhausts the machine.

Every number of a scenario or package file must be below ``MAX_MAGNITUDE`` in size (money
in KRW included: 1e18 KRW is several hundred times Korea's yearly output); the schemas
bound counts (labour force, months) more tightly, and :mod:`sim.experiment.resources`
estimates a run's memory from its sizes before it is built.
"""

from __future__ import annotations

import math
from typing import Any

from sim.errors import ScenarioError

#: The largest size of any number in an input file.
MAX_MAGNITUDE = 1e18
#: The longest run, in months (a century).
MAX_MONTHS = 1200
#: The largest labour force of a region (South Korea's whole is about 29 million).
MAX_LABOUR_FORCE = 50_000_000
#: Calendar years a scenario's dates may fall in.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def check_magnitudes(raw: Any, source: str, path: str = "") -> None:
    """Refuse any number of ``raw`` (nested tables and lists) whose size is ``MAX_MAGNITUDE`` or more.

    Raises:
        ScenarioError: naming ``source``, the key path and the value.
    """
    if isinstance(raw, dict):
        for key, value in raw.items():
            check_magnitudes(value, source, f"{path}.{key}" if path else str(key))
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            check_magnitudes(value, source, f"{path}[{index}]")
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, float) and not math.isfinite(raw):
            return  # the schemas refuse infinities and NaN, naming the key
        if abs(raw) >= MAX_MAGNITUDE:
            raise ScenarioError(source, path, raw, f"allowed: a number of size below {MAX_MAGNITUDE:.0e}")
