"""Looking at the file: its kind, its safety, and its sheets as grids of cells (no risks here)."""
