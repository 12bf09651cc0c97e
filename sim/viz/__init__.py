"""Figures and interactive views of model runs."""
