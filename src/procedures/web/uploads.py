"""What the service takes in and gives back, bounded: uploads, form values, JSON answers."""

from __future__ import annotations

import json

from fastapi import UploadFile
from fastapi.responses import Response

from procedures.errors import InputError, ProceduresError
from procedures.tables import ZIP_MAGIC

#: Upload bounds: bytes per file and data rows per file.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
#: A request's body: two uploads and their form fields.
MAX_BODY_BYTES = 2 * MAX_UPLOAD_BYTES + 64 * 1024
#: A calendar file's name (the `name` of /api/timetable.ics), in characters.
MAX_NAME_CHARS = 80


class TooLarge(ProceduresError):
    """An upload past the bounds (413)."""


async def read_upload(upload: UploadFile | None, name: str, what: str = "a CSV file or an .xlsx workbook") -> bytes:
    """An uploaded file as its bytes, bounded: the same files the command line reads (procedures.tables):
    a workbook (.xlsx), or CSV with any delimiter, in UTF-8, UTF-16 or Windows-1252; or a plan (TOML)."""
    if upload is None:
        raise InputError(f"{name}: a file is required ({what})")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(f"{name}: the file is larger than {MAX_UPLOAD_BYTES // 1024} KiB")
    if not data.startswith(ZIP_MAGIC) and data.count(b"\n") > MAX_ROWS + 1:
        raise TooLarge(f"{name}: more than {MAX_ROWS} rows")
    return data


def given(upload: UploadFile | None) -> bool:
    """An optional file field that holds a file (a form sends an empty one when none is chosen)."""
    return upload is not None and bool(upload.filename)


def json_answer(data: object) -> Response:
    """An answer as JSON, encoded where it is built (a worker thread, not the event loop); values as the command line writes them."""
    return Response(json.dumps(data, ensure_ascii=False, default=str), media_type="application/json")
