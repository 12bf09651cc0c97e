"""One module per policy instrument; importing this package registers every one of them."""

from sim.policy.interventions import (  # noqa: F401 - importing registers each instrument
    administration,
    credit_guarantee,
    foreign_workforce,
    hiring_subsidy,
    infrastructure,
    interest_subsidy,
    investment,
    loans,
    retention,
    retraining,
    social_economy,
)
