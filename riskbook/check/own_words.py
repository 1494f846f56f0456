"""A register that writes a column entirely in its own words: references in a form of its own (1, 2, 3 or
R-001 where the scheme's are STR0449), statuses from a vocabulary the scheme does not have (Открыт, Chiuso).

One finding for the column says so, where a finding on every row would only repeat it: the register is
read as written, and `riskbook scheme --from` drafts a scheme in its words. A register with some values in
the scheme's form and some not keeps its finding per row: those are slips, not a form of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter

from riskbook.model import EMPTY_COLUMN_RISKS, Register
from riskbook.scheme.load import resolve_status
from riskbook.scheme.types import Scheme

_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class OwnWords:
    """A column written wholly in the register's own words: how many distinct values, and the first few."""

    count: int
    examples: tuple[str, ...]

    def shown(self) -> str:
        more = f", … ({self.count} in all)" if self.count > len(self.examples) else ""
        return ", ".join(repr(e) for e in self.examples) + more


def own_references(register: Register, matches: Callable[[str], object]) -> OwnWords | None:
    """The register's references, when none of them is in the scheme's form."""
    return _own(register, "reference", lambda text: bool(matches(text)))


def own_statuses(register: Register, scheme: Scheme) -> OwnWords | None:
    """The register's statuses, when none of them is one of the scheme's (or its aliases, or a near spelling)."""
    if not scheme.statuses:
        return None
    return _own(register, "status", lambda text: resolve_status(text, scheme)[0] is not None)


def _own(register: Register, name: str, known: Callable[[str], bool]) -> OwnWords | None:
    cells = list(map(dict.get, map(attrgetter("values"), register.risks), repeat(name)))
    texts = list(compress(cells, map(isinstance, cells, repeat(str))))
    if len(texts) < EMPTY_COLUMN_RISKS or known(texts[0]):  # the first in the scheme's words: not the register's own
        return None
    distinct = list(dict.fromkeys(texts))
    if any(known(text) for text in distinct):
        return None
    return OwnWords(len(distinct), tuple(distinct[:_EXAMPLES]))
