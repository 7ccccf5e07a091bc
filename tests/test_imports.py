"""The evaluation path imports only what it uses (issue 17 item 3): no web server, workbook, locale or
calendar-file library for `check` or a CSV `check-batch` (docs/performance.md gives the start-up figures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: Libraries other commands need; `check` and a CSV `check-batch` must not pay for them.
NOT_FOR_CHECKS = ("fastapi", "starlette", "uvicorn", "openpyxl", "babel", "icalendar", "holidays", "hijridate", "httpx", "jinja2")


def test_check_and_a_csv_batch_import_no_web_workbook_or_calendar_file_library(tmp_path):
    registry = Path(__file__).resolve().parents[1] / "docs" / "examples" / "registry.csv"
    code = (
        "import sys\n"
        "from procedures.cli import run\n"
        "for args in (['check', '--kind', 'study-group', '--opens', '2026-09-14', '--received', '2026-09-03'],\n"
        f"             ['check-batch', {str(registry)!r}, '--out', {str(tmp_path / 'out.csv')!r}]):\n"
        "    try:\n"
        "        run(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({NOT_FOR_CHECKS!r})))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "ON-TIME" in proc.stdout or "LATE" in proc.stdout or "DELAYED" in proc.stdout, proc.stdout + proc.stderr
    assert (tmp_path / "out.csv").exists()
    assert proc.stdout.strip().splitlines()[-1] == "[]"
