"""Screenshots of the web page for docs/web.md, taken with the browser the end-to-end test uses.

Rerun whenever the page changes:

    .venv/bin/python scripts/screenshots.py          # writes docs/images/web-*.png

Needs Debian's chromium and chromium-driver (as tests/test_web_browser.py) and
the test extra (selenium). Starts `procedures serve` with the example plan
published, fills each form with the docs' example inputs, and saves one PNG per
answer, at a desktop width and, for the first, a phone's.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "images"
PLAN = REPO / "docs" / "example-plan-2026-2029.toml"

#: (file name, path and query of the page, window width). Each is an answer a user gets from a form.
SHOTS = [
    ("web-timetable", "/timetable?kind=study-group&opens=2026-09-14&name=SG1+2026#result", 1100),
    ("web-timetable-phone", "/timetable?kind=study-group&opens=2026-09-14&name=SG1+2026#result", 400),
    ("web-check", "/check?kind=study-group&opens=2026-09-14&received_date=2026-09-03&received_time=10:12&received_zone=Europe/Zurich#result", 1100),
    ("web-document", "/document?type=revised-report&pages=88&previous_pages=66#result", 1100),
    ("web-revision", "/revision?approved=2024-03-01&proposed=2025-09-01#result", 1100),
    ("web-plan", f"/plans/{PLAN.stem}", 1100),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "procedures", "serve", "--port", str(port), "--plan", str(PLAN)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(base + "/api/rules", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            options = webdriver.ChromeOptions()
            options.binary_location = chromium
            for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                         "--disable-dev-shm-usage", f"--user-data-dir={profile}"):
                options.add_argument(flag)
            driver = webdriver.Chrome(service=Service(driver_path), options=options)
            try:
                for name, path, width in SHOTS:
                    driver.set_window_size(width, 900)
                    driver.get(base + path)
                    height = driver.execute_script("return document.documentElement.scrollHeight")
                    driver.set_window_size(width, min(max(height, 600), 2400))
                    driver.get(base + path)
                    driver.save_screenshot(str(OUT / f"{name}.png"))
                    print(f"wrote {OUT.relative_to(REPO) / (name + '.png')}")
            finally:
                driver.quit()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
