"""Reading a CSV or tab-separated text file: its encoding, its delimiter, and its rows, within a size limit."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from riskbook.errors import ReadError

_DELIMITERS = (",", ";", "\t")
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_ROWS = 50


def read_csv_rows(path: Path, display: str, max_bytes: int) -> list[list[Any]]:
    """The rows of a CSV file as lists of strings. Raises ReadError with a one-line reason.

    UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode Text") and Windows-1252
    are read; the delimiter is whichever of comma, semicolon and tab splits the opening rows
    most consistently. A file over max_bytes is refused before it is read.
    """
    raw = _read_bounded(path, display, max_bytes)
    text = _decode(raw, display)
    del raw
    if "\x00" in text:
        raise ReadError(f"{display}: not a CSV file (it holds binary data)")
    delimiter = _choose_delimiter(text)
    try:
        with _field_size_limit(len(text) + 1):
            return list(csv.reader(_lines(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ReadError(f"{display}: the CSV file is malformed ({exc})") from None


def _lines(text: str) -> Iterator[str]:
    """The text's lines, each with its line end, as csv.reader wants them. Unlike io.StringIO, which
    copies the whole text into a buffer of its own (four bytes a character), nothing is copied twice;
    unlike str.splitlines, only a line feed ends a line, so a form feed or U+2028 in a field stays in it."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _read_bounded(path: Path, display: str, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as fh:
            # Read no more than the file holds: asking for max_bytes would reserve it all at once.
            raw = fh.read(min(os.fstat(fh.fileno()).st_size, max_bytes) + 1)
    except OSError as exc:
        raise ReadError(f"{display}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise ReadError(
            f"{display}: the CSV file is larger than {max_bytes / 1024**2:,.0f} MB; "
            "refusing it (raise --max-size to allow it)"
        )
    return raw


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(f"{display}: the CSV file says it is UTF-16 but is not") from None
    bare_utf16 = _bare_utf16(raw)
    for encoding in ((bare_utf16,) if bare_utf16 else ()) + ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{display}: the CSV file is not UTF-8, UTF-16 or Windows-1252 text")


def _bare_utf16(raw: bytes) -> str | None:
    """UTF-16 without a byte-order mark: plain text in it has a zero in every other byte."""
    head = raw[:4096]
    if len(head) < 8 or len(head) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) * 0.4 and even == 0:
        return "utf-16-le"
    if even > len(head) * 0.4 and odd == 0:
        return "utf-16-be"
    return None


def _choose_delimiter(text: str) -> str:
    """The delimiter that gives the opening rows (title rows aside) one consistent number of fields."""
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in _sample_rows(sample, delimiter) if len(row) > 1]
        if not counts:
            continue
        width = max(set(counts), key=lambda n: (counts.count(n), n))
        score = (counts.count(width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sample_rows(sample: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    with contextlib.suppress(csv.Error), _field_size_limit(len(sample) + 1):
        for index, row in enumerate(reader):
            if index >= _SAMPLE_ROWS:
                break
            yield row


@contextlib.contextmanager
def _field_size_limit(limit: int) -> Iterator[None]:
    """csv refuses fields over 131,072 characters by default; a cell of narrative can be longer."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(limit, previous))
    try:
        yield
    finally:
        csv.field_size_limit(previous)
