"""The request of `procedures check-batch` and POST /api/check-batch (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

from procedures.jobs import DateOrder, parse_batch_format, Request, Source, _read


class BatchRequest(Request):
    """A registry to check: its file (the command line's FILE, '-' for stdin; the web's upload) and how to read and write it."""

    OPTIONS = {"file": "FILE", "fmt": "--format"}
    FIELDS = {"fmt": "format"}
    file: Source
    #: csv, json or xlsx; None: the --out file's extension chooses (batch.output_format), else csv.
    fmt: Optional[Annotated[str, _read(parse_batch_format)]] = None
    #: Where the command line writes (None: stdout); the web answers in its own way.
    out: Optional[Path] = None
    sheet: Optional[str] = None
    date_order: DateOrder = "iso"
