"""What every intervention shares: validated settings, dates, a budget, and the model's hooks.

An intervention is a plug-in, as Starsim and Covasim plug interventions into a sim: a
pydantic settings class (its table in a package file) and a runtime class with
``start(model)``, ``step(model, month)`` and ``finish(model)``. The model calls ``step`` at
its one policy point of the month: after production and finance (so firms short of cash
are known) and before failures are settled and the labour market runs. Interventions
change the model only through the model's own methods (pay a firm, pay a worker, shield
jobs, ...), and every payment goes through the intervention's :class:`Budget` into the
ledger.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sim.inputs.scenario import YearMonth, month_number
from sim.policy.ledger import Budget, Ledger

if TYPE_CHECKING:
    from sim.model import RegionModel

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_slug(text: str) -> str:
    if not _SLUG.match(text):
        raise ValueError("a lower-case identifier such as sme_loans (letters, digits, underscores)")
    return text


Slug = Annotated[str, AfterValidator(_check_slug)]


class InterventionSettings(BaseModel):
    """Settings every intervention has. Subclasses add their own and a ``type`` literal."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    name: Slug
    label: str = ""
    start: YearMonth
    end: YearMonth
    budget_krw: Annotated[float, Field(ge=0.0)]

    @model_validator(mode="after")
    def _dates_in_order(self) -> InterventionSettings:
        if month_number(self.end) < month_number(self.start):
            raise ValueError("end must not come before start")
        return self


REGISTRY: dict[str, type[Intervention]] = {}


def register(cls: type[Intervention]) -> type[Intervention]:
    """Class decorator: make an intervention available to package files by its ``type``."""
    tag = cls.Settings.model_fields["type"].annotation.__args__[0]
    cls.type = tag
    REGISTRY[tag] = cls
    return cls


class Intervention:
    """Runtime state of one intervention in one model run."""

    Settings: ClassVar[type[InterventionSettings]]
    type: ClassVar[str]

    def __init__(self, settings: InterventionSettings, ledger: Ledger, budget_scale: float) -> None:
        self.settings = settings
        self.name = settings.name
        # A sampled population gets the same share of the money as of the people.
        self.budget = Budget(settings.budget_krw * budget_scale, settings.name, ledger)
        self.budget_scale = budget_scale
        self.counts: dict[str, float] = {}
        self.started = False
        self.finished = False

    # ---------------------------------------------------------------- dates
    def first_month(self, model: RegionModel) -> int:
        """Model month in which the intervention opens."""
        return month_number(self.settings.start) - model.config.start_month + 1

    def last_month(self, model: RegionModel) -> int:
        """Model month after which it takes no new cases."""
        return month_number(self.settings.end) - model.config.start_month + 1

    def open_in(self, model: RegionModel, month: int) -> bool:
        return self.first_month(model) <= month <= self.last_month(model)

    # ---------------------------------------------------------------- hooks
    def check(self, model: RegionModel, source: str, index: int) -> None:
        """Check the settings against the scenario (sectors it has, ...); raise or warn."""

    def warn(self, source: str, index: int, problem: str) -> None:
        """A one-line warning naming the package file and the intervention."""
        warnings.warn(f"{source}: interventions[{index}] ({self.name}): {problem}", stacklevel=3)

    def start(self, model: RegionModel) -> None:
        """Called once, in the intervention's first month, before its first ``step``."""

    def step(self, model: RegionModel, month: int) -> None:
        """Called every month from the first month on (also after ``end``, to run out commitments)."""

    def finish(self, model: RegionModel) -> None:
        """Called once at the end of the run."""

    # ---------------------------------------------------------------- reporting
    @classmethod
    def count_columns(cls) -> dict[str, str]:
        """Names and meanings of this intervention's monthly counts (prefixed with its name)."""
        return {}

    def month_counts(self) -> dict[str, float]:
        """This month's values of ``count_columns`` (reset by the model each month)."""
        return {key: self.counts.get(key, 0.0) for key in self.count_columns()}

    def to_dict(self) -> dict[str, Any]:
        """The settings as written in a package file."""
        return self.settings.model_dump(mode="json")


def sector_codes(sectors: list[str]) -> np.ndarray:
    from sim.inputs.scenario import SECTORS

    return np.array([SECTORS.index(sector) for sector in sectors], dtype=np.int8)


def eligible_firms(model: RegionModel, sectors: list[str], sme_only: bool) -> np.ndarray:
    """Mask of active firms of the given sectors (SMEs only if asked)."""
    from sim.region.firms import ACTIVE

    firms = model.firms
    mask = (firms.status == ACTIVE) & np.isin(firms.sector, sector_codes(sectors))
    return mask & firms.is_sme if sme_only else mask


def extend_to(array: np.ndarray, count: int) -> np.ndarray:
    """The array padded with zeros to ``count`` elements (per-firm state as firms arrive)."""
    extra = count - len(array)
    return np.concatenate([array, np.zeros(extra, dtype=array.dtype)]) if extra > 0 else array
