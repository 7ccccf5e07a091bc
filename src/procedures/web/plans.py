"""Published plans: `procedures serve --plan FILE` gives each plan a page and a calendar feed.

A plan is published under its file's name (``2026-2029.toml`` → ``/plans/2026-2029``):
the page shows its audit and its agenda; ``/plans/NAME.ics`` is a calendar
feed Outlook and other clients subscribe to. The events' UIDs come from the
ruleset, the meeting's name and the rule (``calfiles.uid_for``), never from a
date, so a meeting moved in the file moves its events in the subscribers'
calendars instead of duplicating them.

The file is read again when it changes on disk (its modification time,
size or inode). An edit that breaks it does not take the plan down: the last
good version is still served, and the page says what is wrong with the file.
Nothing is written anywhere.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from procedures.errors import InputError, ProceduresError

#: How often a subscribed client should fetch the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = dt.timedelta(hours=1)
_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Version:
    """One good reading of a plan file: the plan, its audit and its agenda."""

    plan: object
    ruleset: object
    audit: object
    agenda: object
    read_at: dt.datetime


class PublishedPlan:
    def __init__(self, name: str, path: Path, library) -> None:
        self.name = name
        self.path = path
        self.library = library
        self._lock = threading.Lock()
        self._seen: tuple | None = None
        self._good: Version | None = None
        self.error: str | None = None

    def _stamp(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read(self) -> Version:
        from procedures.agenda import agenda
        from procedures.audit import audit
        from procedures.plan import load_plan

        if not self.path.is_file():
            raise InputError(f"{self.path}: the plan file is missing")
        plan, rs = load_plan(self.path, self.library.in_force)
        return Version(plan, rs, audit(rs, plan), agenda(rs, plan), dt.datetime.now(dt.timezone.utc).replace(microsecond=0))

    def current(self) -> tuple[Version | None, str | None]:
        """The last good version (read again if the file changed) and what is wrong with the file now, if anything."""
        with self._lock:
            stamp = self._stamp()
            if stamp != self._seen or stamp is None:
                self._seen = stamp
                try:
                    self._good, self.error = self._read(), None
                except ProceduresError as exc:
                    self.error = str(exc)
            return self._good, self.error


def plan_name(path: Path) -> str:
    """The name a plan is published under: its file's stem in URL-safe characters (never ending '.ics', the feed's)."""
    name = _NAME.sub("-", path.stem).strip("-.") or "plan"
    return name[:-4] + "-ics" if name.lower().endswith(".ics") else name


def published(paths: list[Path], library, strict: bool = True) -> dict[str, PublishedPlan]:
    """Each plan under its name; a plan that does not read, or two with one name, stop the service before it starts.
    A worker process started later (``strict=False``) serves a plan broken since then with its error instead."""
    plans: dict[str, PublishedPlan] = {}
    for path in paths:
        name = plan_name(path)
        if name in plans:
            raise InputError(f"--plan {path}: another plan ({plans[name].path}) is published as '{name}'; rename one file")
        p = PublishedPlan(name, path.resolve(), library)
        good, error = p.current()
        if good is None and strict:
            raise InputError(error or f"--plan {path}: cannot be read")
        plans[name] = p
    return plans


def feed(p: PublishedPlan, version: Version) -> bytes:
    from procedures.calfiles import deadline_entry, to_ics

    rs = version.ruleset
    entries = [deadline_entry(rs.id, i.meeting, i.deadline, i.done) for i in version.agenda.items]
    return to_ics(entries, f"ITU-D {version.plan.study_period.name} — deadlines ({p.name})", stamp=version.read_at,
                  refresh=REFRESH)


def page_context(p: PublishedPlan, version: Version | None, error: str | None, today: dt.date) -> dict:
    from procedures.timetable import day_note

    items = []
    if version is not None:
        for i in version.agenda.items:
            d = i.deadline
            items.append({"date": d.date.isoformat(), "day": d.date.strftime("%a"), "meeting": i.meeting,
                          "due": d.rule.summary, "cite": d.cite, "modality": d.rule.modality,
                          "done": i.done.isoformat() if i.done else "", "past": d.date < today,
                          "note": day_note(version.ruleset, d)})
    return {"name": p.name, "version": version, "error": error, "items": items,
            "findings": [f.line() for f in version.audit.findings] if version else [],
            "undated": len(version.agenda.undated) if version else 0}


#: Where `serve` tells its worker processes which plans to publish (a JSON list of paths: a path may hold any character).
PLANS_ENV = "PROCEDURES_PLANS"


def publish(app, paths: list[Path], strict: bool = True) -> None:
    """Publish the plans on an app made by ``create_app`` (its rules folder is the plans' too)."""
    from procedures.web.pages import TEMPLATES

    add_routes(app, published(paths, app.state.library, strict), TEMPLATES)


def paths_for_workers(paths: list[Path]) -> str:
    import json

    return json.dumps([str(p.resolve()) for p in paths])


def paths_from_env(text: str) -> list[Path]:
    import json

    return [Path(p) for p in json.loads(text)] if text.strip() else []


def add_routes(app, plans: dict[str, PublishedPlan], templates) -> None:
    """The plans' pages and feeds, on an app made by ``create_app``."""
    def find(name: str) -> PublishedPlan:
        if name not in plans:
            raise HTTPException(404, f"no plan is published as '{name}'; published: {', '.join(sorted(plans)) or 'none'}")
        return plans[name]

    @app.get("/plans/{name}.ics", summary="A published plan's deadlines as a calendar feed to subscribe to")
    def plan_feed(name: str):
        p = find(name)
        version, error = p.current()
        if version is None:  # a worker started after the file broke has no good version to serve
            raise HTTPException(503, f"the plan '{name}' cannot be read now: {error}")
        return Response(feed(p, version), media_type="text/calendar; charset=utf-8",
                         headers={"Content-Disposition": f'inline; filename="{p.name}.ics"', "Cache-Control": "no-cache"})

    def plan_list_page(request: Request, missing: str | None = None):
        """The published plans; with ``missing``, the 404 page of a plan of that name (a feed's 404 stays JSON)."""
        rows = [{"name": n, "error": p.current()[1]} for n, p in sorted(plans.items())]
        return templates.TemplateResponse(request, "plan.html", {"plans": rows, "name": None, "missing": missing},
                                          status_code=404 if missing is not None else 200)

    @app.get("/plans", response_class=HTMLResponse, include_in_schema=False)
    def plan_list(request: Request):
        return plan_list_page(request)

    @app.get("/plans/{name}", response_class=HTMLResponse, include_in_schema=False)
    def plan_page(request: Request, name: str):
        if name not in plans:
            return plan_list_page(request, name)
        p = plans[name]
        version, error = p.current()
        from procedures.deadlines import zone

        today = dt.datetime.now(zone(version.ruleset if version else p.library.latest())).date()  # today at headquarters
        feed_url = str(request.url_for("plan_feed", name=p.name))
        context = {**page_context(p, version, error, today), "feed": feed_url,
                   "webcal": re.sub(r"^https?", "webcal", feed_url), "plans": None}
        return templates.TemplateResponse(request, "plan.html", context)
