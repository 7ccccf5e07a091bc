"""Reading tables as staff export them: one reader for every command that reads rows.

A table is an Excel workbook (``.xlsx``: the first sheet, or the one named;
read row by row by ``procedures.sheets``) or a CSV file (any of comma,
semicolon or tab, detected from the header line; UTF-8 with or without a
byte-order mark, UTF-16 with one, else Windows-1252, which the result names),
from a path, standard input, an upload or a text stream. Records come from the ``csv``
module or the workbook reader and nowhere else, one at a time, so memory
stays flat; a record the parser cannot read is a record with a problem and
its line number, never the end of the run.

The header is checked before any row is read: required columns present, no
column named twice, no control characters. Column names match case- and
space-insensitively, and each reader's columns have documented aliases
(``Member State`` or ``country`` for ``member_state``; ``resolve``). A
workbook's dates and times are read as dates and times; its numbers as numbers.

Values are read strictly: an enumerated value matches case-, space- and
hyphen-insensitively (``term``: "Study Group" is ``study-group``), and every
yes/no column is read by ``yes_no``.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import operator
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO, TextIO

from procedures.errors import InputError
from procedures.inputs import shown

#: The delimiters a header line is tried with, most usual first.
DELIMITERS = (",", ";", "\t")
#: The largest field the parser accepts; a quote never closed stops there, as one bad record.
FIELD_LIMIT = 1 << 20
#: The first bytes of a zip archive (an .xlsx workbook is one).
ZIP_MAGIC = b"PK\x03\x04"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: What bytes that the file's encoding does not allow are read as (a file named UTF-8 by its byte-order mark, or
#: UTF-16): a lone surrogate, which no decoding of a file gives, so a record holding one is known to be one whose
#: bytes could not be decoded, and is reported as such while the others are read.
UNDECODABLE = "\udcff"
_MARKING = "procedures.undecodable"
#: Runs of such bytes read in this process: lines read one by one (``_one``, ``_Feed``) are looked through for
#: UNDECODABLE only once there has been one (joining and looking through every record's fields cost a tenth of
#: reading a file of quoted records).
_marked = [0]


def _mark(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _marked[0] += 1
    return UNDECODABLE, exc.end


codecs.register_error(_MARKING, _mark)
#: How a record's problem names the encoding it was read in.
_ENCODING_NAMES = {"utf-8-sig": "UTF-8 (as the file's byte-order mark says)", "utf-16": "UTF-16 (as the file's byte-order mark says)",
                   "utf-8": "UTF-8", "cp1252": "Windows-1252"}


@dataclass(frozen=True)
class Record:
    """One record of the table: its first line (the header is line 1), its fields, or why it cannot be read."""

    line: int
    fields: list[str] | None
    problem: str | None = None


#: A row as the batch reads it: (first line, fields or None, why it cannot be read or None, the line as
#: written without its line feed when it was split on the delimiter, else None).
Row = tuple[int, "list[str] | None", "str | None", "str | None"]


@dataclass
class Table:
    name: str
    #: Column names, normalised (trimmed, lower case, inner spaces as '_').
    columns: list[str]
    encoding: str
    delimiter: str
    _records: Iterator[Row | Record] = field(repr=False, default=iter(()))
    _close: object = field(repr=False, default=None)
    #: Column names as the file writes them (trimmed), for echoing them back.
    header: list[str] = field(default_factory=list)

    def records(self) -> Iterator[Record]:
        return (r if r.__class__ is Record else Record(*r[:3]) for r in self.rows())

    def rows(self) -> Iterator[Row | Record]:
        """The records as the reader makes them: a CSV file's as ``Row`` tuples (with the line as written
        when it was split on the delimiter), a workbook's as ``Record`` objects."""
        return _one_by_one(self._records)

    def parts(self) -> Iterator[Row | Record | Lines]:
        """The records as ``rows`` gives them, but plain lines of a CSV file read together as ``Lines``."""
        return self._records

    def close(self) -> None:
        if self._close is not None:
            self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def describe_format(self) -> str:
        """How the file was read, when it was not plain comma-separated UTF-8 (else '')."""
        parts = []
        if self.encoding == "xlsx":
            return "read from a workbook"
        if self.delimiter != ",":
            parts.append({";": "semicolon", "\t": "tab"}[self.delimiter] + "-separated")
        if self.encoding == "cp1252":
            parts.append("read as Windows-1252 (not valid UTF-8)")
        elif self.encoding.startswith("utf-16"):
            parts.append("read as UTF-16")
        return ", ".join(parts)

    def encoding_warning(self) -> str | None:
        """A warning when the text was read as Windows-1252 (not valid UTF-8): its accents may be wrong."""
        if self.encoding == "cp1252":
            return f"{self.name} is not valid UTF-8: read as Windows-1252; check names with accents"
        return None


def normalise_column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def open_table(source: Path | BinaryIO | TextIO, name: str | None = None, sheet: str | None = None) -> Table:
    """Open a table from a path ('-' is standard input), a binary stream or a text stream; the header is read now.

    A workbook (recognised by its content, whatever its name) is read from
    ``sheet`` or its first sheet; ``sheet`` given for a CSV file is an error.
    A text stream (text already decoded, e.g. a form's field) is read as UTF-8 CSV.
    """
    if isinstance(source, Path):
        name = name or str(source)
        fh = _open_binary(source)
    elif isinstance(source, io.TextIOBase):
        with source:
            fh = io.BytesIO(source.read().encode("utf-8", errors="surrogateescape"))
    else:
        fh = source
    try:
        raw = _seekable(fh)
        if raw.read(4) == ZIP_MAGIC:
            from procedures.sheets import sheet_table

            return sheet_table(raw, name, sheet)
        raw.seek(0)
        if sheet is not None:
            raise InputError(f"sheet '{shown(sheet)}': {name} is not a workbook (.xlsx) but a text file; give no sheet")
        encoding = detect_encoding(raw, name)
        sample = raw.read(1 << 16).decode(encoding.replace("-sig", ""), errors="ignore")
        raw.seek(0)
        # Records end at a line feed (LF or CRLF); a carriage return alone inside a field is then a bad
        # record, not a record break. Only a file with no line feed at all (old Mac exports) ends them at CR.
        newline = "\n" if "\n" in sample else ""
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace" if encoding == "cp1252" else _MARKING, newline=newline)
        return _csv_table(text, name, encoding)
    except BaseException:
        fh.close()
        raise


def _open_binary(path: Path) -> BinaryIO:
    if str(path) == "-":
        return sys.stdin.buffer
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file")
    if path.exists() and not path.is_file():
        raise InputError(f"{path} is not a regular file (a device or a pipe); save the table to a file first")
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _seekable(fh: BinaryIO) -> BinaryIO:
    """The stream itself if it can be read twice, else a spooled copy (standard input, an upload)."""
    try:
        if fh.seekable():
            fh.seek(0)
            return fh
    except (OSError, ValueError):
        pass
    copy = tempfile.SpooledTemporaryFile(max_size=8 << 20)
    shutil.copyfileobj(fh, copy)
    copy.seek(0)
    return copy


def detect_encoding(raw: BinaryIO, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with BOM), else Windows-1252; the stream is left at its start."""
    head = raw.read(4)
    raw.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        raw.seek(0)


def _csv_table(text: IO[str], name: str, encoding: str) -> Table:
    first = text.readline()
    if not first.strip():
        raise InputError(f"{name} is empty: it needs a header line")
    if UNDECODABLE in first:
        raise InputError(f"{name}: the header line holds bytes that are not {_ENCODING_NAMES.get(encoding, encoding)}; "
                         "correct them, or export the file again")
    delimiter = max(DELIMITERS, key=lambda d: _count_outside_quotes(first, d))
    csv.field_size_limit(FIELD_LIMIT)
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"{name}: the header line cannot be read as CSV ({exc})") from None
    columns = check_columns(header, name)
    return Table(name, columns, encoding, delimiter, _parts(text, name, delimiter, encoding=encoding), text.close,
                 [h.strip() for h in header])


def _count_outside_quotes(line: str, delimiter: str) -> int:
    return sum(part.count(delimiter) for part in line.split('"')[::2])


def check_columns(header: list[str], name: str) -> list[str]:
    """The header's names, normalised; control characters and a column named twice are errors."""
    for h in header:
        if _CONTROL.search(h):
            raise InputError(f"{name}: the header has a control character in column {h!r}; remove it")
    columns = [normalise_column(h) for h in header]
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        raise InputError(f"{name}: the header names column(s) {', '.join(twice)} more than once; keep one of each")
    return columns


class _Feed:
    """The csv module's lines: one handed back by the reader of quote-free lines, then the file's. ``marked``: a
    line served since it was last set False held UNDECODABLE."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.back: str | None = None
        self.marked = False

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line = self.back
        if line is None:
            line = next(self.lines)
        else:
            self.back = None
        if _marked[0] and UNDECODABLE in line:
            self.marked = True
        return line


@dataclass(frozen=True)
class Lines:
    """Records read together, one per line: lines with no quote, no carriage return but in their line end, no
    blank one and none longer than FIELD_LIMIT, each split on the delimiter (what the csv module would make of
    it). ``lines`` are as written, without their line ends; the first is line ``first`` of the file, or each is
    the line of the file ``numbers`` gives (some of a block's lines, e.g. a worker's share)."""

    first: int
    lines: list[str]
    delimiter: str
    numbers: Sequence[int] | None = None

    def line_numbers(self) -> Sequence[int]:
        """Each line's number in the file."""
        return self.numbers if self.numbers is not None else range(self.first, self.first + len(self.lines))

    def rows(self) -> Iterator[Row]:
        """The records one by one, as ``Row`` tuples."""
        d = self.delimiter
        return ((n, raw.split(d), None, raw) for n, raw in zip(self.line_numbers(), self.lines))


#: Lines read at a time, to be taken together as ``Lines`` when every one of them is plain. The batch answers a
#: block's rows meeting by meeting: the larger the block, the more rows each meeting's memos serve while they are
#: in the processor's caches. On 200,000 rows in one process, 8,000 at a time took a tenth less time than 4,000,
#: and 16,000 no less than 8,000; with two worker processes (each answers about half of a block), 16,000 took
#: about 4 % less wall time than 8,000 and its workers about 8 % less CPU, with 80 MiB at the peak against 66;
#: 32,000 no less than 16,000. After a block that is not plain the next is half as large: with a quoted title
#: every 12,000 lines or so, blocks that only grew sent more than half of the lines one by one (a quarter of them
#: with 8,000), and these 38 %.
BLOCK = 16000
#: The lines read first: then twice as many after plain ones, up to BLOCK (a short file is then several blocks,
#: which the batch's workers share; a long one soon reads BLOCK at a time).
FIRST_BLOCK = 1000


def _one_by_one(parts) -> Iterator[Row | Record]:
    """Records read as ``_parts`` reads them (or a workbook's), ``Lines`` taken apart."""
    for part in parts:
        if part.__class__ is Lines:
            yield from part.rows()
        else:
            yield part


def _parts(text: IO[str], name: str, delimiter: str, header_lines: int = 1, block: int | None = None,
           encoding: str = "utf-8") -> Iterator[Row | Lines]:
    """Every record after the header, each with its first line (unreadable ones with their problem), the plain
    ones by the block (``Lines``).

    Lines are read FIRST_BLOCK at first, then twice as many after plain ones up to ``block`` (BLOCK), half as many after
    others (not fewer than FIRST_BLOCK). When all of them are plain (``_plain``)
    they are one ``Lines``; else they are read one by one: a line with no quote
    and no carriage return but at its end is one record, its fields split on
    the delimiter; any other line is handed to the csv module, which reads on
    (past the block if need be) as far as its record goes. A record holding
    bytes its ``encoding`` does not allow (``UNDECODABLE``) is one with that
    problem, and the records after it are read.
    """
    block = block or BLOCK
    size = first = min(FIRST_BLOCK, block)
    lines = iter(text)
    feed = _Feed(iter(()))
    reader = csv.reader(feed, delimiter=delimiter)
    number = header_lines  # lines read so far
    while True:
        read = list(itertools.islice(lines, size))
        if not read:
            return
        plain = _plain(read)
        if plain is not None:
            size = min(2 * size, block)
            yield Lines(number + 1, plain, delimiter)
            number += len(plain)
            continue
        size = max(size // 2, first)  # a file with a quote here and there: smaller blocks, more of them plain
        ahead = iter(read)
        feed.lines = itertools.chain(ahead, lines)
        while operator.length_hint(ahead):
            row, number = _one(feed, reader, number, delimiter, encoding)
            if row is not None:
                yield row


def _one(feed: _Feed, reader, number: int, delimiter: str, encoding: str = "utf-8") -> tuple[Row | None, int]:
    """The next record from the line-by-line feed (None: a blank line), which holds a line yet (``_parts`` asks
    while lines of its block are ahead), and the lines read so far."""
    line = next(feed)
    raw = line[:-2] if line[-2:] == "\r\n" else line[:-1] if line[-1:] == "\n" else None
    if raw is not None and '"' not in line and "\r" not in raw and len(line) <= FIELD_LIMIT:
        if _marked[0] and UNDECODABLE in raw:
            return (number + 1, None, _undecodable(number + 1, number + 1, encoding), None), number + 1
        return ((number + 1, raw.split(delimiter), None, raw) if raw else None), number + 1  # a blank line: no record
    feed.back = line
    before = reader.line_num
    row = _quoted(reader, number + 1, encoding, feed)
    return row, number + reader.line_num - before


def _plain(read: list[str]) -> list[str] | None:
    """Lines read as written without their line ends, when every one is plain (see ``Lines``); else None."""
    text = "".join(read)
    if text[-1:] != "\n" or '"' in text or UNDECODABLE in text or (len(text) > FIELD_LIMIT and max(map(len, read)) > FIELD_LIMIT):
        return None
    returns = text.count("\r")
    end = "\n"
    if returns:
        if text.count("\r\n") != returns:  # a carriage return that does not end a line
            return None
        if returns == len(read):  # every line ends with CRLF
            end = "\r\n"
        else:
            text = text.replace("\r\n", "\n")
    if text.startswith(end) or end + end in text:  # a blank line: no record, but a line counted
        return None
    return text[:-len(end)].split(end)


def _quoted(reader, first: int, encoding: str = "utf-8", feed: _Feed | None = None) -> Row | None:
    """The csv module's next record, from line ``first`` on (None: a blank line); a record over a line that holds
    UNDECODABLE (as ``feed`` saw) is one with that problem, whatever else is wrong with it."""
    before = reader.line_num
    if feed is not None:
        feed.marked = False
    try:
        fields = next(reader)
    except csv.Error as exc:
        if feed is not None and feed.marked:
            return first, None, _undecodable(first, first - 1 + reader.line_num - before, encoding), None
        return first, None, _problem(exc, first, first - 1 + reader.line_num - before), None
    if feed is not None and feed.marked:
        return first, None, _undecodable(first, first - 1 + reader.line_num - before, encoding), None
    return (first, fields, None, None) if fields else None


def _undecodable(first: int, last: int, encoding: str) -> str:
    """The problem of a record holding bytes that its file's encoding does not allow."""
    return (f"{_where(first, last)} cannot be decoded: {'it holds' if last <= first else 'they hold'} bytes that are not "
            f"{_ENCODING_NAMES.get(encoding, encoding)}; correct them, or export the file again")


def _where(first: int, last: int) -> str:
    return f"line {first}" if last <= first else f"lines {first}–{last}"


def _problem(exc: csv.Error, first: int, last: int) -> str:
    where = _where(first, last)
    if "new-line character" in str(exc):
        return f"{where}: a carriage return inside an unquoted field; remove it, or quote the field"
    return f"{where} cannot be read as CSV ({exc}; a quote that is never closed?)"


def open_resolved(source, name: str, sheet: str | None, required: tuple[str, ...], optional: tuple[str, ...],
                  aliases: dict[str, tuple[str, ...]] | None = None) -> tuple[Table, dict[str, int], list[str]]:
    """Open a table and find the reader's columns in it (``resolve``); the table is closed if they are not there."""
    table = open_table(source, name, sheet)
    try:
        at, ignored = resolve(table.columns, name, required, optional, aliases)
    except InputError:
        table.close()
        raise
    return table, at, ignored


def resolve(columns: list[str], name: str, required: tuple[str, ...], optional: tuple[str, ...],
            aliases: dict[str, tuple[str, ...]] | None = None) -> tuple[dict[str, int], list[str]]:
    """Where each column a reader reads is, by its name or one of its aliases; and the columns nobody reads.

    The column's own name wins over its aliases (an alias beside it is just
    another column); two aliases of one column, without the column itself, are
    an error, as is a required column that is missing.
    """
    aliases = aliases or {}
    at: dict[str, int] = {}
    for column in required + optional:
        found = _named(columns, name, column, aliases.get(column, ()))
        if found is not None:
            at[column] = found
    missing = [c for c in required if c not in at]
    if missing:
        others = "; ".join(f"{', '.join(aliases[c])} for {c}" for c in missing if aliases.get(c))
        raise InputError(f"{name}: the header lacks column(s) {', '.join(missing)}; it needs {', '.join(required)} "
                         f"(optional: {', '.join(optional)})" + (f"; other names it accepts: {others}" if others else ""))
    used = set(at.values())
    return at, [c for i, c in enumerate(columns) if i not in used]


def _named(columns: list[str], name: str, column: str, aliases: tuple[str, ...]) -> int | None:
    """Where a column is, by its own name or else its one alias present (two present: an error); None: absent."""
    if column in columns:
        return columns.index(column)
    found = [a for a in aliases if a in columns]
    if len(found) > 1:
        raise InputError(f"{name}: columns {' and '.join(found)} could both be {column}; rename the one meant to {column}")
    return columns.index(found[0]) if found else None


@functools.lru_cache(maxsize=4096)
def term(text: str) -> str:
    """An enumerated value as the rules spell it: 'Study Group', 'study_group' and 'STUDY-GROUP' are study-group."""
    return "-".join(re.split(r"[\s_\-]+", text.strip().casefold())).strip("-")


#: The words read as yes and as no, in every yes/no column (a workbook's TRUE/FALSE cells read as yes/no).
YES = ("yes", "y", "true", "1", "x", "oui", "vrai", "ja", "wahr", "si", "sí")
NO = ("no", "n", "false", "0", "non", "faux", "nein", "falsch")


def yes_no(value: str | None, what: str, blank: bool | None = False, yes: tuple[str, ...] = (), no: tuple[str, ...] = ()) -> bool:
    """Read a yes/no cell, case-insensitively; ``yes``/``no`` add a column's own words (present, absent).

    A blank cell is ``blank`` (None: it must be filled in); anything else is an error.
    """
    v = (value or "").strip().casefold()
    if not v:
        if blank is None:
            raise InputError(f"{what} is empty; write yes or no")
        return blank
    if v in YES or v in yes:
        return True
    if v in NO or v in no:
        return False
    words = ", ".join(dict.fromkeys(("yes", "no", "true", "false", "1", "0", *yes, *no)))
    raise InputError(f"{what} '{value.strip()}' is not yes or no (e.g. {words})")
