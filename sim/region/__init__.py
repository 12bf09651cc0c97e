"""The economy: firms, supply chain, workforce, labour market, shocks and demographics."""
