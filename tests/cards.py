"""Reading a detail card back as a panel member reads it: field -> value."""

import re

RATING = re.compile(r"^\d+ · ")
FIELD = re.compile(r" {4}([A-Z][^:]{1,40}): ")


def card_fields(rows) -> dict[str, str]:
    """Field -> value from a card sheet's (A, B) rows: the rating row's chip and its parts
    ("Impact: …  · Likelihood: …"), and both fields of a row holding two."""
    fields: dict[str, str] = {}
    for label, value in rows:
        if not label or value is None:
            continue
        value = str(value)
        parts = FIELD.split(value) if "\n" not in value else [value]
        if RATING.match(str(label)):
            fields["Rating"] = str(label)
            for part in parts[0].split("; "):
                name, _, text = part.partition(": ")
                fields[name] = text or name
        else:
            fields[str(label)] = parts[0]
        for name, text in zip(parts[1::2], parts[2::2], strict=True):
            fields[name] = text
    return fields
