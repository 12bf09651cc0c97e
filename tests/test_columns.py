"""The column table's defaults: what a row gets when it is added (sim/region/state.py)."""

from __future__ import annotations

import numpy as np

from sim import RegionModel
from sim.region.random_streams import agent_keys
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


def test_reserving_room_keeps_the_rows_and_adds_none() -> None:
    """``reserve`` makes room without adding rows; rows added into it get their defaults as ``grow``'s own room
    does; a smaller room than the table has is a no-op (benchmarks/row_cost.py reserves before padding)."""
    workforce = Workforce(capacity=4)
    workforce.grow(3, {"quit_month": np.array([5, 6, 7], dtype=np.int32)})
    workforce.reserve(100)
    assert workforce.count == 3 and list(workforce.quit_month) == [5, 6, 7]
    assert workforce._capacity == 100 and len(workforce._data["employer"]) == 100
    workforce.reserve(10)  # less than there is: nothing changes
    assert workforce._capacity == 100
    workforce.grow(50)
    assert workforce._capacity == 100  # grown into the reserved room, not copied again
    assert (workforce.quit_month[3:] == NEVER).all() and (workforce.employer[3:] == NO_EMPLOYER).all()
    assert (workforce.wage[3:] == 0.0).all() and (workforce.search_boost[3:] == 1.0).all()


def test_rows_of_people_who_moved_out_change_no_figure_of_a_run() -> None:
    """Rows of people who left (status MOVED_OUT, nothing scheduled) are inert: a run with 5,000 of them added
    before month 1 gives the same monthly table to the bit, but for ``moved_out``. So every pass over whole columns
    gives the same sums whatever the columns' length, the premise of dropping such rows (a compaction) and of
    benchmarks/row_cost.py's cost per row."""
    plain = RegionModel(None, rng=3, scale=0.02, months=12)
    padded = RegionModel(None, rng=3, scale=0.02, months=12)
    padded.workforce.reserve(padded.workforce._capacity + 5_000)
    rows = padded.workforce.grow(5_000)
    padded.workforce.key[rows] = agent_keys("row_cost_padding", 0, 5_000)
    expected, table = plain.run(), padded.run()
    assert (table["moved_out"].iloc[1:] - expected["moved_out"].iloc[1:] == 5_000).all()  # row 0: before them
    others = [column for column in expected.columns if column != "moved_out"]
    assert expected[others].equals(table[others])
