"""Figures for grip: coverage of care per municipality × result × level (issue 16)."""
