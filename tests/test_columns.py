"""The column table's defaults: what a row gets when it is added (sim/region/state.py)."""

from __future__ import annotations

import numpy as np

from sim.region.state import NEVER, NO_EMPLOYER, Column, Workforce


def test_rows_added_get_their_defaults_and_given_values() -> None:
    """A default that is not zero bytes is written into rows as they are added (not into spare
    capacity); values given to grow override it; the table's growth keeps the old rows; a column
    registered later gives the existing rows its default, and rows added after it too."""
    workforce = Workforce(capacity=10)
    workforce.grow(3, {"quit_month": np.array([5, 6, 7], dtype=np.int32)})
    assert list(workforce.employer) == [NO_EMPLOYER] * 3
    assert list(workforce.search_month) == [NEVER] * 3
    assert list(workforce.quit_month) == [5, 6, 7]
    assert (workforce.wage == 0.0).all() and (workforce.search_boost == 1.0).all()
    workforce.grow(20)  # beyond the capacity
    assert list(workforce.quit_month[:3]) == [5, 6, 7] and (workforce.quit_month[3:] == NEVER).all()
    assert len(workforce.employer) == 23 and (workforce.employer == NO_EMPLOYER).all()
    workforce.register("later", Column(np.int32, -7, "a test column", "test"))
    assert len(workforce.later) == 23 and (workforce.later == -7).all()
    workforce.grow(2, {"employer": 4})
    assert (workforce.later == -7).all() and list(workforce.employer[-2:]) == [4, 4]
