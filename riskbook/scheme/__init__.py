"""The scheme: an organisation's way of scoring, as data — loaded from TOML, or drafted from a register."""
