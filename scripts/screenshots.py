"""Screenshots of the page for docs/web.md, taken with the browser the end-to-end test uses.

Starts `procedures serve` (with the example plan published) on a free port of
127.0.0.1, opens each shot's page in headless chromium through chromedriver
(Debian's `chromium` and `chromium-driver`, as tests/test_web_browser.py),
fills the upload forms with the example files, and writes one PNG per shot
to docs/images/. Retake them whenever the page changes:

    .venv/bin/python scripts/screenshots.py            # every shot
    .venv/bin/python scripts/screenshots.py plan check # some of them

Nothing here is drawn by hand: a shot is what the browser shows.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "images"
EXAMPLES = REPO / "docs" / "examples"
PLAN = REPO / "docs" / "example-plan-2026-2029.toml"
DESK = (1100, 900)
PHONE = (390, 844)


@dataclass(frozen=True)
class Shot:
    """One screenshot: the page's path (with its query and #result), or a form to fill there; the window's size."""

    name: str
    path: str
    size: tuple[int, int] = DESK
    #: Fields to fill on the page at ``path`` (element id → a file to upload or a value), and the button that submits them:
    #: uploads cannot go in a query.
    fields: dict = field(default_factory=dict)
    submit: str | None = None
    #: Unfold "How this was worked out".
    unfold: bool = False
    caption: str = ""


SHOTS = [
    Shot("page", "/", caption="The page: one form per job"),
    Shot("timetable", "/timetable?kind=study-group&name=SG1&opens=2026-09-14&closes=2026-09-18#result",
         caption="A meeting's timetable, with its calendar file"),
    Shot("check", "/check?kind=study-group&opens=2026-09-14&received_date=2026-08-01&received_time=10:12"
                  "&received_zone=Europe/Zurich#result", unfold=True,
         caption="A contribution received a day after the 45-day cut-off, and how that was worked out"),
    Shot("document", "/document?type=output-report&pages=48&question_total=75#result", caption="A report's length"),
    Shot("revision", "/revision?approved=2026-05-10&proposed=2027-09-15#result", unfold=True,
         caption="A revision of a Recommendation too soon after its approval (§ 7.1.2)"),
    Shot("tally", "/", fields={"tl-procedure": "question-approval", "tl-file": EXAMPLES / "question-replies.csv"}, submit="tl-submit",
         caption="A consultation's replies counted"),
    Shot("appointments", "/", fields={"ap-file": EXAMPLES / "appointments-sg1.csv", "ap-attendance": EXAMPLES / "attendance-sg1.csv"},
         submit="ap-submit",
         caption="A study group's appointments and attendance"),
    Shot("plan", "/", fields={"pl-file": PLAN, "pl-from": "2026-03-01", "pl-to": "2026-04-30"}, submit="pl-submit",
         caption="A plan's audit and agenda, and its calendar file"),
    Shot("timeline", "/timeline?procedure=recommendation-approval&start=2026-01-31&event_name=consultation-request-sent"
                     "&event_date=2026-03-10#result", caption="A procedure's dates, a later event sent late"),
    Shot("check-batch", "/", fields={"cb-file": EXAMPLES / "registry.csv"}, submit="cb-submit",
         caption="A registry's contributions, row by row"),
    Shot("limit", "/limit?rule_id=res1.5.2.4.questions-per-study-group&value=6#result", unfold=True,
         caption="A number against a limit"),
    Shot("calendar", "/calendar?year=2026#result", caption="The days ITU headquarters is closed"),
    Shot("rules", "/rules?applies_to=tdag#result", caption="The rules that apply to TDAG"),
    Shot("published-plan", "/plans/example-plan-2026-2029", caption="A published plan (serve --plan), with its feed to subscribe to"),
    Shot("phone-timetable", "/timetable?kind=study-group&name=SG1&opens=2026-09-14#result", size=PHONE,
         caption="On a phone: the answer first, the table's rows as blocks"),
    Shot("phone-check", "/check?kind=study-group&opens=2026-09-14&received_date=2026-09-03#result", size=PHONE,
         caption="On a phone: a contribution check"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "procedures", "serve", "--port", str(port), "--rules", str(REPO / "rules"),
                             "--plan", str(PLAN)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/api/rules", timeout=1).close()
            return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("screenshots: `procedures serve` did not start") from None
            time.sleep(0.2)


def browser(profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--force-device-scale-factor=1", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(15)
    driver.set_page_load_timeout(30)
    return driver


def fill(driver, shot: Shot) -> None:
    from selenium.webdriver.common.by import By

    for element_id, value in shot.fields.items():
        element = driver.find_element(By.ID, element_id)
        if isinstance(value, Path):
            element.send_keys(str(value))
        else:  # a date field takes its value in the browser's own format when typed: set it
            driver.execute_script("arguments[0].value = arguments[1]", element, value)
    driver.find_element(By.ID, shot.submit).click()
    driver.find_element(By.CSS_SELECTOR, "#result section")  # waits for the answer (the page before has none)


def take(driver, base: str, shot: Shot, out: Path) -> Path:
    width, height = shot.size
    # the viewport, not the window, is the shot's size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": shot.size == PHONE})
    driver.get(base + shot.path)
    if shot.submit:
        fill(driver, shot)
    if shot.unfold:
        driver.execute_script("document.querySelectorAll('#result details').forEach(d => d.open = true)")
    time.sleep(0.2)
    path = out / f"{shot.name}.png"
    path.write_bytes(driver.get_screenshot_as_png())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help=f"shots to take (default: all): {', '.join(s.name for s in SHOTS)}")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNG files (default: docs/images)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - {s.name for s in SHOTS})
    if unknown:
        parser.error(f"no shot named {', '.join(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    proc, base = serve()
    try:
        with tempfile.TemporaryDirectory() as profile:
            driver = browser(profile)
            try:
                for shot in SHOTS:
                    if not args.names or shot.name in args.names:
                        print(take(driver, base, shot, args.out).relative_to(REPO) if args.out.is_relative_to(REPO) else shot.name)
            finally:
                driver.quit()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
