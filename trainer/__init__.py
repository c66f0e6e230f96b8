"""Model, data, training and reports for ASL Desktop (no Qt imports here)."""
