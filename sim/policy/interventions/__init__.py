"""One module per policy instrument; importing this package registers every one of them."""

from sim.policy.interventions import (  # noqa: F401 - importing registers each instrument
    administration,
    credit_guarantee,
    extended_benefits,
    foreign_workforce,
    hiring_subsidy,
    infrastructure,
    interest_subsidy,
    investment,
    loans,
    local_currency,
    retention,
    retraining,
    social_economy,
    venture_fund,
)
