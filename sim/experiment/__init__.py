"""Running the model: one run, its results folder, and (later) comparisons of many."""
