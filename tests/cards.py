"""Reading a detail card back as a panel member reads it: field -> value."""

import re

RATING = re.compile(r"^\d+ · ")
PAIR = re.compile(r"^(.*?) {4}([A-Z][^:]{1,40}): (.*)$", re.S)


def card_fields(rows) -> dict[str, str]:
    """Field -> value from a card sheet's (A, B) rows: the rating row's chip and its parts
    ("Impact: …  · Likelihood: …"), and both fields of a row holding two."""
    fields: dict[str, str] = {}
    for label, value in rows:
        if not label or value is None:
            continue
        value = str(value)
        if RATING.match(str(label)):
            fields["Rating"] = str(label)
            for part in value.split("; "):
                name, _, text = part.partition(": ")
                if text:
                    fields[name] = text
                elif name:
                    fields[name] = name
            continue
        pair = PAIR.match(value)
        if pair and "\n" not in value:
            fields[str(label)] = pair.group(1)
            fields[pair.group(2)] = pair.group(3)
        else:
            fields[str(label)] = value
    return fields
