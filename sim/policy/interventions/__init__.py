"""One module per policy instrument; importing this package registers every one of them."""

from sim.policy.interventions import (  # noqa: F401 - importing registers each instrument
    administration,
    commercialisation,
    contribution_deferral,
    credit_guarantee,
    employment_services,
    extended_benefits,
    foreign_workforce,
    hiring_subsidy,
    infrastructure,
    interest_subsidy,
    investment,
    loans,
    local_currency,
    public_construction,
    public_jobs,
    retention,
    retraining,
    social_economy,
    venture_fund,
)
