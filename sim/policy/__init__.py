"""Policy interventions, their budgets and the packages that combine them."""
