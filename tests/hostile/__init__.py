"""Hostile and odd workbooks made byte for byte by the tests themselves: nothing binary is committed."""
