"""One module per policy instrument (each registers itself with the intervention registry)."""
