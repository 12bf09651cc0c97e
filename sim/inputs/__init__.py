"""Scenario and package files: schemas, the TOML reader, key paths and one-line errors."""
