"""Outputs: what a Report becomes — the panel workbook, the owners' template, the marked copy,
the text or JSON a command prints — each writing through xlsx/ below it, never reopening an input."""
