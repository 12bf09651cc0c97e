"""Common random numbers: draws depend on (seed, purpose, month, id) only."""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim.region.random_streams import RandomStreams


def test_a_draw_does_not_depend_on_which_other_ids_are_drawn():
    streams = RandomStreams(7)
    everyone = streams.uniform("layoff", 3, np.arange(10_000))
    some = np.array([5, 17, 9_999])
    np.testing.assert_array_equal(streams.uniform("layoff", 3, some), everyone[some])


def test_purposes_months_and_seeds_give_different_draws():
    ids = np.arange(1_000)
    base = RandomStreams(7).uniform("quit", 1, ids)
    assert not np.array_equal(base, RandomStreams(7).uniform("quit", 2, ids))
    assert not np.array_equal(base, RandomStreams(7).uniform("match", 1, ids))
    assert not np.array_equal(base, RandomStreams(8).uniform("quit", 1, ids))


def test_uniform_and_normal_draws_have_the_right_distribution():
    streams = RandomStreams(123)
    uniform = streams.uniform("u", 0, np.arange(200_000))
    normal = streams.normal("n", 0, np.arange(200_000))
    assert stats.kstest(uniform, "uniform").pvalue > 0.001
    assert stats.kstest(normal, "norm").pvalue > 0.001
    assert abs(np.corrcoef(uniform[:-1], uniform[1:])[0, 1]) < 0.01
