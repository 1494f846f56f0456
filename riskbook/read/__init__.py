"""Read: the cells of a register's sheet (from source/) become a Register of risks under a scheme.

Which sheet, which header row, which columns (by header words or by content), which rows are
risks, and each cell's value: every inference is said in the Register, never silently.
"""
