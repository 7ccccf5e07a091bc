"""End to end: the page in a real headless browser (Debian's chromium and chromedriver).

Starts `procedures serve` on 127.0.0.1, fills every form of the page (the
timetable with its name, the contribution check with the received date, time
and zone, the document, the revision, the tally, the appointments and the
plan), reads the results, downloads the calendar files and parses them, and
subscribes to a published plan's feed. Skipped only where no browser is installed and
PROCEDURES_REQUIRE_BROWSER is unset; .ci/run installs one and sets it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_BROWSER = os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)

if not HAVE_BROWSER:
    if os.environ.get("PROCEDURES_REQUIRE_BROWSER"):
        raise RuntimeError(f"PROCEDURES_REQUIRE_BROWSER is set but {CHROMIUM} or {CHROMEDRIVER} is missing")
    pytest.skip("no chromium/chromedriver here (install Debian's chromium and chromium-driver)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    """A copy of the example plan, published by the server and edited by a test."""
    path = tmp_path_factory.mktemp("plans") / "study-period.toml"
    shutil.copy(REPO / "docs" / "example-plan-2026-2029.toml", path)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, plan_file):
    port = _free_port()
    log = open(tmp_path_factory.mktemp("serve") / "log", "w+b")  # a file, not a pipe nobody reads: the request log fills it
    proc = subprocess.Popen(
        [sys.executable, "-m", "procedures", "serve", "--host", "127.0.0.1", "--port", str(port), "--rules", str(REPO / "rules"),
         "--plan", str(plan_file)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/rules", timeout=1) as r:
                json.load(r)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.seek(0)
                raise RuntimeError(f"the server did not start: {log.read().decode(errors='replace')}") from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=420,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    downloads = tmp_path_factory.mktemp("downloads")
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(15)  # a form submission navigates: wait for the result page's elements
    yield driver
    driver.quit()


def _set(driver, element_id: str, value: str) -> None:
    # date inputs take their value in the browser's locale when typed; set it directly
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, element_id), value)


def test_timetable_form(server, browser):
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "tt-kind")).select_by_value("study-group")
    _set(browser, "tt-opens", "2026-09-14")
    browser.find_element(By.ID, "tt-submit").click()
    result = browser.find_element(By.ID, "timetable-result").text
    assert "Fri 31 Jul 2026" in result and "Res. 1 § 4.2.1.1" in result
    assert "Sat 15 Aug 2026 (Saturday; act by Fri 2026-08-14)" in result
    assert browser.find_element(By.ID, "ics-link").get_attribute("href").startswith(server + "/api/timetable.ics?")


def test_contribution_form(server, browser):
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "ck-kind")).select_by_value("study-group")
    _set(browser, "ck-opens", "2026-09-14")
    browser.find_element(By.ID, "ck-received").send_keys("2026-07-31T23:30:00-04:00")
    browser.find_element(By.ID, "ck-submit").click()
    assert browser.find_element(By.ID, "check-status").text == "delayed"
    assert "Res. 1 § 4.2.1.3" in browser.find_element(By.ID, "check-cite").text
    assert "to be published by Wed 5 Aug 2026" in browser.find_element(By.ID, "check-result").text


def test_a_bad_date_shows_the_field(server, browser):
    browser.get(server + "/check?kind=study-group&opens=soon&received=2026-09-03")
    assert "opens 'soon' is not a date" in browser.find_element(By.ID, "error-message").text


def test_tally_form_with_an_upload(server, browser):
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "tl-procedure")).select_by_value("question-approval")
    browser.find_element(By.ID, "tl-file").send_keys(str(REPO / "docs" / "examples" / "question-replies.csv"))
    browser.find_element(By.ID, "tl-submit").click()
    assert browser.find_element(By.ID, "tally-outcome").text == "approved"
    assert "not recognised as a Member State" in browser.find_element(By.ID, "tally-result").text


def test_document_form(server, browser):
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "dc-type")).select_by_value("revised-report")
    browser.find_element(By.ID, "dc-pages").send_keys("88")
    browser.find_element(By.ID, "dc-previous").send_keys("66")
    browser.find_element(By.ID, "dc-submit").click()
    result = browser.find_element(By.ID, "document-result").text
    assert "Not within its page limits" in result and "at most 86" in result and "Res. 1 § 3.10.5.3" in result


def test_the_pages_are_styled_under_their_content_security_policy(server, browser):
    """The policy allows the pages' own style sheets (by hash) and nothing else; the API's page needs no internet."""
    browser.get(server + "/")
    assert browser.execute_script("return getComputedStyle(document.body).maxWidth") == "960px"
    browser.get(server + "/docs")
    assert "POST /api/check-batch" in browser.find_element(By.TAG_NAME, "main").text
    assert browser.execute_script("return getComputedStyle(document.querySelector('table')).borderCollapse") == "collapse"
    assert browser.find_element(By.ID, "openapi-link").get_attribute("href") == server + "/openapi.json"


def _feed_events(url: str) -> dict[str, str]:
    """UID → DTSTART of each event of the feed, fetched as a calendar client does."""
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/calendar")
        text = r.read().decode("utf-8").replace("\r\n ", "")
    out = {}
    for block in text.split("BEGIN:VEVENT")[1:]:
        fields = dict(line.split(":", 1) for line in block.splitlines() if ":" in line)
        out[fields["UID"]] = fields["DTSTART;VALUE=DATE"] + " " + fields["SUMMARY"]
    return out


def test_a_published_plan_page_gives_a_feed_that_follows_an_edit_of_the_file(server, browser, plan_file):
    browser.get(server + "/plans")
    browser.find_element(By.LINK_TEXT, "study-period").click()
    assert "Clean" in browser.find_element(By.ID, "findings").text
    assert "§ 3.7.4" in browser.find_element(By.ID, "agenda").text
    feed = browser.find_element(By.ID, "feed-url").text
    assert feed == server + "/plans/study-period.ics"
    assert browser.find_element(By.ID, "feed-link").get_attribute("href") == feed.replace("http://", "webcal://")
    before = _feed_events(feed)
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("opens = 2027-10-18", "opens = 2027-10-25").replace("closes = 2027-10-22", "closes = 2027-10-29"), encoding="utf-8")
    st = os.stat(plan_file)
    os.utime(plan_file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    after = _feed_events(feed)
    assert set(after) == set(before)
    moved = [uid for uid in before if before[uid] != after[uid]]
    assert moved and all(" SG" in after[uid] and "2027" in after[uid] for uid in moved)
    browser.refresh()
    assert "The plan file has an error" not in browser.page_source



# --- every form (issue 19 items 2, 4, 5) -----------------------------------------------------------------


def _downloaded(browser, suffix: str) -> bytes:
    """The file the browser has just saved (a calendar file), once it is complete."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done = [p for p in browser.downloads.iterdir() if p.name.endswith(suffix)]
        if done:
            time.sleep(0.2)
            return done[0].read_bytes()
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file was downloaded; the folder holds {sorted(p.name for p in browser.downloads.iterdir())}")


def _empty_downloads(browser) -> None:
    """Empties the downloads folder before a download (the browser may reuse a file's name)."""
    for p in browser.downloads.iterdir():
        p.unlink()


def _result_is_in_view(browser, element_id: str) -> bool:
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", browser.find_element(By.ID, element_id))
    return -2 <= top < browser.execute_script("return window.innerHeight") / 2  # in the upper half of the screen (±2 px of rounding)


def test_the_timetable_names_the_meeting_in_the_calendar_file_the_browser_downloads(server, browser):
    from icalendar import Calendar

    browser.get(server + "/")
    Select(browser.find_element(By.ID, "tt-kind")).select_by_value("study-group")
    browser.find_element(By.ID, "tt-name").send_keys("SG1 September")
    _set(browser, "tt-opens", "2026-09-14")
    browser.find_element(By.ID, "tt-submit").click()
    assert browser.find_element(By.ID, "timetable-result-title").text.startswith("Deadlines of SG1 September, a study-group opening Mon 14 Sep 2026")
    _empty_downloads(browser)
    browser.find_element(By.ID, "ics-link").click()
    events = list(Calendar.from_ical(_downloaded(browser, ".ics")).walk("VEVENT"))
    assert events and all(str(e["SUMMARY"]).startswith("SG1 September: ") for e in events)
    assert any(e["DTSTART"].dt.isoformat() == "2026-07-31" and "§ 4.2.1.1" in str(e["DESCRIPTION"]) for e in events)


@pytest.mark.parametrize("zone,time_received,status", [
    ("", "23:59:59", "on-time"),                  # Geneva, the last second of the 45th day
    ("", "00:00:00", "delayed"),                  # the next day
    ("America/New_York", "17:59:59", "on-time"),  # 23:59:59 in Geneva
    ("America/New_York", "18:00:00", "delayed"),
])
def test_received_as_a_date_a_time_and_a_zone(server, browser, zone, time_received, status):
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "ck-kind")).select_by_value("study-group")
    _set(browser, "ck-opens", "2026-09-14")
    _set(browser, "ck-received-date", "2026-08-01" if time_received == "00:00:00" else "2026-07-31")
    _set(browser, "ck-received-time", time_received)
    zones = Select(browser.find_element(By.ID, "ck-received-zone"))
    assert zones.first_selected_option.get_attribute("value") == "Europe/Zurich"
    if zone:
        zones.select_by_value(zone)
    browser.find_element(By.ID, "ck-submit").click()
    assert browser.find_element(By.ID, "check-status").text == status
    assert _result_is_in_view(browser, "check-result")


def test_received_given_twice_is_refused_in_one_line(server, browser):
    browser.get(server + "/")
    _set(browser, "ck-opens", "2026-09-14")
    _set(browser, "ck-received-date", "2026-07-31")
    browser.find_element(By.ID, "ck-received").send_keys("2026-07-31T10:00:00+02:00")
    browser.find_element(By.ID, "ck-submit").click()
    message = browser.find_element(By.ID, "error-message").text
    assert "not both" in message and "\n" not in message
    assert browser.find_element(By.CSS_SELECTOR, "[role=alert]")


def test_revision_form(server, browser):
    browser.get(server + "/")
    _set(browser, "rv-approved", "2026-05-10")
    _set(browser, "rv-proposed", "2027-09-15")
    browser.find_element(By.ID, "rv-submit").click()
    result = browser.find_element(By.ID, "revision-result")
    assert "Too soon after its approval" in result.text and "Res. 1 § 7.1.2" in result.text
    assert "Sun 10 May 2026" in result.text
    assert _result_is_in_view(browser, "revision-result")
    details = result.find_element(By.TAG_NAME, "details")
    assert details.get_attribute("open") is None and details.text == "How this was worked out"  # folded
    details.find_element(By.TAG_NAME, "summary").click()
    assert "2027-09-15 < 2028-05-10" in details.text


def test_appointments_form_with_two_uploads(server, browser):
    browser.get(server + "/")
    browser.find_element(By.ID, "ap-file").send_keys(str(REPO / "docs" / "examples" / "appointments-sg1.csv"))
    browser.find_element(By.ID, "ap-attendance").send_keys(str(REPO / "docs" / "examples" / "attendance-sg1.csv"))
    browser.find_element(By.ID, "ap-submit").click()
    result = browser.find_element(By.ID, "appointments-result")
    assert browser.find_element(By.ID, "appointments-summary").text.startswith("21 posts of 16 people: 3 breaches, 2 warnings")
    assert "BREACH: Kofi Mensah" in result.text and "Res. 1 § 3.2.4" in result.text
    assert _result_is_in_view(browser, "appointments-result")


def test_plan_form_gives_findings_an_agenda_and_a_calendar_file(server, browser, tmp_path):
    from icalendar import Calendar

    plan = tmp_path / "late-tdag.toml"
    plan.write_text((REPO / "docs" / "example-plan-2026-2029.toml").read_text(encoding="utf-8")
                    .replace("opens = 2029-06-11\ncloses = 2029-06-14", "opens = 2029-09-03\ncloses = 2029-09-06"), encoding="utf-8")
    browser.get(server + "/")
    browser.find_element(By.ID, "pl-file").send_keys(str(plan))
    _set(browser, "pl-from", "2026-03-01")
    _set(browser, "pl-to", "2026-03-31")
    browser.find_element(By.ID, "pl-submit").click()
    assert browser.find_element(By.ID, "plan-status").text.endswith("breaches, 0 warnings in 66 checks")
    assert "BREACH: TDAG-29 opens 2029-09-03" in browser.find_element(By.ID, "plan-findings").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#plan-agenda tbody tr")
    assert len(rows) == 4 and "Fri 6 Mar 2026" in rows[0].text
    assert _result_is_in_view(browser, "plan-result")
    # phones: the agenda's rows reflow into blocks, each cell saying its column
    td = rows[0].find_element(By.TAG_NAME, "td")
    assert browser.execute_script("return getComputedStyle(arguments[0]).display", td) == "block"
    assert "Date" in browser.execute_script("return getComputedStyle(arguments[0], '::before').content", td)
    _empty_downloads(browser)
    browser.find_element(By.ID, "plan-ics-download").click()
    events = list(Calendar.from_ical(_downloaded(browser, ".ics")).walk("VEVENT"))
    assert len(events) == 4 and {str(e["SUMMARY"]).split(":")[0] for e in events} == {"SG1 RGs spring 2026", "SG2 RGs spring 2026"}
    # the form's own download button, straight from the upload
    browser.get(server + "/")
    browser.find_element(By.ID, "pl-file").send_keys(str(plan))
    _empty_downloads(browser)
    browser.find_element(By.ID, "pl-ics").click()
    assert _downloaded(browser, ".ics").count(b"BEGIN:VEVENT") > 100


def test_tables_reflow_on_a_phone_and_not_on_a_desk(server, browser):
    browser.get(server + "/timetable?kind=study-group&opens=2026-09-14")
    td = browser.find_element(By.CSS_SELECTOR, "#timetable-result td")
    assert browser.execute_script("return getComputedStyle(arguments[0]).display", td) == "block"
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")  # nothing wider than the phone
    browser.set_window_size(1280, 900)
    try:
        assert browser.execute_script("return getComputedStyle(arguments[0]).display", td) == "table-cell"
    finally:
        browser.set_window_size(420, 900)


def test_timeline_form_with_a_later_event(server, browser):
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "tn-procedure")).select_by_value("recommendation-approval")
    _set(browser, "tn-start", "2026-01-31")
    Select(browser.find_element(By.ID, "tn-event")).select_by_value("consultation-request-sent")
    _set(browser, "tn-event-date", "2026-03-10")
    browser.find_element(By.ID, "tn-submit").click()
    result = browser.find_element(By.ID, "timeline-result").text
    assert "the study group's adoption on Sat 31 Jan 2026" in result and "Wed 10 Jun 2026" in result
    assert "BREACH: consultation-request-sent" in result and "Res. 1 § 7.3.5.3" in result
    assert _result_is_in_view(browser, "timeline-result")


def test_registry_form_shows_the_rows_and_downloads_them(server, browser):
    registry = str(REPO / "docs" / "examples" / "registry.csv")
    browser.get(server + "/")
    browser.find_element(By.ID, "cb-file").send_keys(registry)
    browser.find_element(By.ID, "cb-submit").click()
    assert browser.find_element(By.ID, "batch-summary").text.startswith("8 rows read, 2 delayed")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#batch-rows tbody tr")) == 8
    assert _result_is_in_view(browser, "batch-result")
    browser.find_element(By.ID, "cb-file").send_keys(registry)
    _empty_downloads(browser)
    browser.find_element(By.ID, "cb-csv").click()
    rows = _downloaded(browser, ".csv").decode("utf-8-sig").splitlines()
    assert len(rows) == 9 and rows[0].startswith("id,kind,opens,received") and ",late-admitted," in rows[4]


def test_limit_calendar_and_rules_forms(server, browser):
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "lm-rule")).select_by_value("res1.5.2.4.questions-per-study-group")
    browser.find_element(By.ID, "lm-value").send_keys("6")
    browser.find_element(By.ID, "lm-submit").click()
    assert "WARNING: 6 study Questions: more than allowed (at most 5)" in browser.find_element(By.ID, "limit-result").text
    browser.get(server + "/")
    browser.find_element(By.ID, "cl-year").send_keys("2027")
    browser.find_element(By.ID, "cl-submit").click()
    result = browser.find_element(By.ID, "calendar-result").text
    assert "ITU headquarters, Geneva, 2027" in result and "Fri 1 Jan 2027" in result
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "rl-for")).select_by_value("tdag")
    browser.find_element(By.ID, "rl-submit").click()
    assert " rules that apply to tdag" in browser.find_element(By.ID, "rules-result").text
    browser.find_element(By.LINK_TEXT, "res31.6.last-tdag-before-wtdc").click()
    assert json.loads(browser.find_element(By.TAG_NAME, "body").text)["rule"]["id"] == "res31.6.last-tdag-before-wtdc"
