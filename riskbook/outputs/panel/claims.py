"""The counts a paper's own words may name, and the numbers its free text states.

A paper file's purpose and recommendation are reused quarter after quarter, so a number typed
into them goes stale: "the six risks proposed for archive" while Appendix B holds sixteen. They
may name a count instead (`{archive}`, `{high}` …), which the Cover fills from Appendix A; a
number still typed in that states a count riskbook knows is checked against the rows, and a
disagreement is a `paper-contradiction` error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from riskbook.check.findings import Finding, make
from riskbook.check.period import ARCHIVED, PROPOSED_ARCHIVE, Period
from riskbook.errors import RiskbookError

CHECKED_FIELDS = ("purpose", "recommendation")


@dataclass(frozen=True)
class NamedCount:
    name: str
    meaning: str  # "risks proposed for archive", as a finding says it
    value: int


def named_counts(period: Period) -> dict[str, NamedCount]:
    """Every count a paper's text may name, by name, with its value from the period."""
    proposed = sum(1 for r in period.archive if r.proposal == PROPOSED_ARCHIVE)
    top = period.scheme.top_band.name
    counts = [
        NamedCount("risks", "current risks", len(period.current)),
        NamedCount("high", f"{top} risks", period.band_count(top)),
        NamedCount("archive", "risks archived or proposed for archive", len(period.archive)),
        NamedCount("proposed", "risks proposed for archive", proposed),
        NamedCount("archived", "risks archived since the last period", len(period.archive) - proposed),
        NamedCount("changed", "risks whose score changed", len(period.changes)),
        NamedCount("new", "new risks", len(period.new)),
    ]
    counts += [
        NamedCount(band_key(band.name), f"{band.name} risks", period.band_count(band.name))
        for band in period.scheme.bands
        if band_key(band.name) not in {c.name for c in counts}
    ]
    return {c.name: c for c in counts}


def band_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def pieces(text: str, counts: dict[str, NamedCount], where: str) -> list[str | NamedCount]:
    """The text split into literal pieces and the counts it names; an unknown name is refused in one line."""
    parts: list[str | NamedCount] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1).strip()
        if name not in counts:
            raise RiskbookError(
                f"{where}: {{{match.group(1)}}} names no count; the text may name {', '.join('{' + n + '}' for n in counts)}"
            )
        parts += [text[last : match.start()], counts[name]]
        last = match.end()
    parts.append(text[last:])
    return [p for p in parts if p != ""]


def filled(text: str, counts: dict[str, NamedCount], where: str) -> str:
    return "".join(p if isinstance(p, str) else str(p.value) for p in pieces(text, counts, where))


# -- Numbers stated in words ----------------------------------------------------------------------

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
_UNITS += "seventeen eighteen nineteen"
_WORD_VALUES = {word: value for value, word in enumerate(_UNITS.split())}
_WORD_VALUES.update(
    {w: 10 * v for v, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if v >= 2}
)
_WORD_VALUES["no"] = 0
_MONTHS = set("january february march april may june july august september october november december".split())
_CLAUSE_END = re.compile(r"[.;:!?,()]|\band\b|\bbut\b|\bwhile\b|\bwhereas\b")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")
_COUNTED = {"risk", "risks", "score", "scores"}


@dataclass(frozen=True)
class Claim:
    words: str  # as written: "six risks proposed for archive"
    value: int
    count: str  # the name of the count it states


def claims(text: str, band_names: list[str]) -> list[Claim]:
    """Numbers the text states as counts of risks: "six risks proposed for archive", "15 High risks".

    A number counts risks when "risk(s)" or "score(s)" follows within three words; which count it
    states comes from the words of its clause (archive, new, change, a band's name), else the
    register's total. Dates, years and other numbers are left alone.
    """
    found = []
    folded = text.casefold()
    start = 0
    for clause_match in [*_CLAUSE_END.finditer(folded), None]:
        end = clause_match.start() if clause_match else len(folded)
        clause = folded[start:end]
        start = clause_match.end() if clause_match else end
        words = _WORD.findall(clause)
        for i, word in enumerate(words):
            value = _number(word, words[i + 1 : i + 2], words[i - 1 : i])
            if value is None:
                continue
            following = words[i + 1 : i + 4]
            counted = next((j for j, w in enumerate(following) if w in _COUNTED), None)
            if counted is None or any(_number(w, [], []) is not None for w in following[:counted]):
                continue
            found.append(Claim(" ".join(words[i : i + 6]), value, _which_count(clause, band_names)))
    return found


def _number(word: str, after: list[str], before: list[str]) -> int | None:
    if word.isdecimal():  # not "²", which int() refuses
        if len(word) >= 4 or (after and after[0] in _MONTHS) or (before and before[0] in _MONTHS):
            return None  # a year or a date
        return int(word)
    if "-" in word:
        tens, _, unit = word.partition("-")
        if tens in _WORD_VALUES and unit in _WORD_VALUES:
            return _WORD_VALUES[tens] + _WORD_VALUES[unit]
        return None
    return _WORD_VALUES.get(word)


def _which_count(clause: str, band_names: list[str]) -> str:
    if "archiv" in clause:
        if re.search(r"propos|recommend|consider|to archive|for archive", clause):
            return "proposed"
        return "archived"
    if re.search(r"\bnew\b", clause):
        return "new"
    if re.search(r"\bchang|re-?scor|\brais|\bdown|\bup\b|increas|decreas|reduc", clause):
        return "changed"
    for name in sorted(band_names, key=len, reverse=True):
        if re.search(rf"(?<![a-z]){re.escape(name.casefold())}(?![a-z])", clause):
            return name
    return "risks"


class PaperContradicts(RiskbookError):
    """The paper's text states counts the rows contradict: nothing is written. findings says which."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("; ".join(str(f) for f in findings))


def check_paper(paper_texts: dict[str, str], where: str, period: Period) -> dict[str, NamedCount]:
    """The named counts of the period, once the paper's texts are checked: an unknown name is refused
    (RiskbookError), a number that disagrees with the count it states raises PaperContradicts."""
    counts = named_counts(period)
    findings = []
    for name, text in paper_texts.items():
        pieces(text, counts, f"{where}: {name}")
        findings += contradictions(text, name, where, counts, period)
    if findings:
        raise PaperContradicts(findings)
    return counts


def contradictions(text: str, field: str, where: str, counts: dict[str, NamedCount], period: Period) -> list[Finding]:
    """A paper-contradiction finding for each number in the text that disagrees with the count it states."""
    bands = [b.name for b in period.scheme.bands]
    top = period.scheme.top_band.name
    findings = []
    for claim in claims(text, bands):
        key = "high" if claim.count == top else band_key(claim.count) if claim.count in bands else claim.count
        if claim.count == "archived" and not any(r.proposal == ARCHIVED for r in period.archive):
            key = "archive"  # a paper without --previous knows only proposals: "archived" means Appendix B
        count = counts[key]
        if claim.value != count.value:
            findings.append(
                make(
                    "paper-contradiction",
                    where,
                    field,
                    "",
                    -1,
                    words=claim.words,
                    stated=claim.value,
                    meaning=count.meaning,
                    actual=count.value,
                    placeholder=f"{{{count.name}}}",
                )
            )
    return findings
