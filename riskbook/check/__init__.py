"""Check: a Register (and last period's) becomes a Report of findings from one catalogue."""
