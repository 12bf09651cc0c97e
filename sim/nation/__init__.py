"""Several regions run together, linked by trade (issue 16): see :class:`sim.nation.model.NationModel`."""

from sim.nation.model import NationModel

__all__ = ["NationModel"]
