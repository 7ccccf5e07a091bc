"""A published plan: its page, a calendar feed with stable UIDs, re-read when the file changes,
and the last good version kept when an edit breaks it (`procedures serve --plan FILE`)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from conftest import REPO
from procedures.errors import InputError
from procedures.web.app import create_app
from procedures.web.plans import publish

PLAN = REPO / "docs" / "example-plan-2026-2029.toml"
MEETING = "SG1 2027"


def _events(ics: str) -> dict[str, tuple[str, str]]:
    """UID → (DTSTART, SUMMARY) of each event of a calendar file."""
    out = {}
    for block in ics.replace("\r\n ", "").split("BEGIN:VEVENT")[1:]:
        fields = dict(line.split(":", 1) for line in block.splitlines() if ":" in line)
        out[fields["UID"]] = (fields["DTSTART;VALUE=DATE"], fields["SUMMARY"])
    return out


def _touch(path, text):
    path.write_text(text, encoding="utf-8")
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a later time, as an editor's save gives


@pytest.fixture()
def published(tmp_path):
    plan = tmp_path / "study-period.toml"
    shutil.copy(PLAN, plan)
    app = create_app(REPO / "rules")
    publish(app, [plan])
    return TestClient(app, raise_server_exceptions=False), plan


def test_the_feed_is_a_calendar_to_subscribe_to(published):
    client, _ = published
    r = client.get("/plans/study-period.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in r.text and "X-PUBLISHED-TTL:PT1H" in r.text
    events = _events(r.text)
    assert len(events) > 50
    assert all(uid.endswith("@procedures.itu-d.invalid") for uid in events)


def _moved_a_week_later(text: str, meeting: str) -> str:
    """The plan with one meeting's opening and closing days a week later."""
    head, rest = text.split(f'name = "{meeting}"', 1)
    block, sep, tail = rest.partition("[[meeting]]")

    def later(match):
        return f"{match.group(1)} = {dt.date.fromisoformat(match.group(2)) + dt.timedelta(days=7)}"

    return head + f'name = "{meeting}"' + re.sub(r"^(opens|closes) = (\d{4}-\d\d-\d\d)", later, block, flags=re.M) + sep + tail


def test_moving_a_meeting_in_the_file_moves_its_events_under_the_same_uids(published):
    client, plan = published
    before = _events(client.get("/plans/study-period.ics").text)
    _touch(plan, _moved_a_week_later(plan.read_text(encoding="utf-8"), MEETING))
    after = _events(client.get("/plans/study-period.ics").text)
    assert set(after) == set(before)  # nothing duplicated, nothing lost
    changed = {uid for uid in before if before[uid][0] != after[uid][0]}
    assert changed and all(after[uid][1].startswith(MEETING) for uid in changed)


def test_a_broken_edit_keeps_serving_the_last_good_version_and_the_page_says_why(published):
    client, plan = published
    good = client.get("/plans/study-period.ics").text
    _touch(plan, plan.read_text(encoding="utf-8") + "\nnot toml = [\n")
    page = client.get("/plans/study-period")
    assert page.status_code == 200
    assert "The plan file has an error" in page.text and "not valid TOML" in page.text
    assert _events(client.get("/plans/study-period.ics").text) == _events(good)
    assert "the file has an error" in client.get("/plans").text
    _touch(plan, PLAN.read_text(encoding="utf-8"))
    assert "The plan file has an error" not in client.get("/plans/study-period").text


def test_the_page_shows_the_audit_and_the_agenda_with_the_feed_address(published):
    client, _ = published
    page = client.get("/plans/study-period").text
    assert "webcal://testserver/plans/study-period.ics" in page
    assert 'id="findings"' in page and 'id="agenda"' in page and "§ 3.7.4" in page


def test_an_unknown_plan_is_a_404():
    app = create_app(REPO / "rules")
    publish(app, [])
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/plans/none.ics").status_code == 404
    assert "No plan is published" in client.get("/plans").text


def test_two_plans_with_one_name_or_a_broken_plan_stop_the_service_before_it_starts(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        shutil.copy(PLAN, tmp_path / d / "plan.toml")
    with pytest.raises(InputError, match="published as 'plan'"):
        publish(create_app(REPO / "rules"), [tmp_path / "a" / "plan.toml", tmp_path / "b" / "plan.toml"])
    broken = tmp_path / "broken.toml"
    broken.write_text("study_period = 3\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "procedures", "serve", "--port", "8999", "--plan", str(broken)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "broken.toml" in r.stderr and r.stdout == ""


def test_worker_processes_get_every_path_whole_even_with_a_colon(tmp_path):
    from procedures.web.plans import paths_for_workers, paths_from_env

    odd = [tmp_path / "c:d.toml", tmp_path / "a;b, c.toml"]
    assert paths_from_env(paths_for_workers(odd)) == [p.resolve() for p in odd]
    assert paths_from_env("") == []


def test_a_worker_started_after_the_file_broke_shows_the_error_instead_of_crashing(tmp_path):
    plan = tmp_path / "broken.toml"
    plan.write_text("not toml = [\n", encoding="utf-8")
    app = create_app(REPO / "rules")
    publish(app, [plan], strict=False)
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/plans/broken")
    assert page.status_code == 200 and "The plan file has an error" in page.text
    feed = client.get("/plans/broken.ics")
    assert feed.status_code == 503 and "cannot be read now" in feed.text


def test_a_file_named_like_a_feed_gets_a_name_of_its_own():
    from pathlib import Path

    from procedures.web.plans import plan_name

    assert plan_name(Path("x.ics.toml")) == "x-ics"
    assert plan_name(Path("2026-2029.toml")) == "2026-2029"


def test_the_agenda_gives_the_act_by_date_as_the_command_line_does(published):
    client, _ = published
    assert "act by" in client.get("/plans/study-period").text


def test_the_content_security_policy_names_each_style_once():
    client = TestClient(create_app(REPO / "rules"))
    policy = client.get("/").headers["content-security-policy"]
    hashes = [w for w in policy.replace(";", " ").split() if w.startswith("'sha256-")]
    assert hashes and len(hashes) == len(set(hashes))
