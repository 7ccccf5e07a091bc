"""The command line: a thin layer over the library.

Each command parses its options into its job's request (procedures.jobs), runs the job, and prints the
text, or the job's JSON document (procedures.results: the API answers the same one). Heavy modules
(pydantic and the models; holidays only for `calendar generate`) are imported inside the commands so that
``procedures --help`` stays quick. Every user error is one line on stderr and
exit code 2; nothing here knows a deadline or a threshold.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from procedures.cliparse import install as _quick_options
from procedures.inputs import one_line

try:  # typer ships its own copy of click; its usage errors are what the command line raises
    from typer._click import exceptions as clicks
except ImportError:  # pragma: no cover - an older typer on plain click
    from click import exceptions as clicks


def _plain_arguments() -> None:
    """typer 0.2x writes a required argument '{PLAN}' in the usage line and 'PLAN <path>' in the help; write it PLAN,
    as click and every manual do (a metavar names what to give; the type is in the help text)."""
    from typer import core

    argument = getattr(core, "TyperArgument", None)
    if argument is None or not hasattr(argument, "_usage_display_name"):
        return

    def usage(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")

    argument._usage_display_name = usage
    if hasattr(argument, "display_type_rich"):
        argument.display_type_rich = lambda self, ctx: None


_plain_arguments()
_quick_options()

app = typer.Typer(
    name="procedures",
    help="Deadlines and votes of ITU-D, computed from the rules of Resolution 1 (Rev. Baku, 2025).\n\n"
    "Example: procedures schedule --kind study-group --opens 2026-09-14",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="List, show and validate the rule files.\n\nExample: procedures rules show res1.4.2.1.1.translation-deadline", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
plan_app = typer.Typer(help="Audit a study period's plan of meetings and list everything it makes due.\n\nExample: procedures plan check docs/example-plan-2026-2029.toml", no_args_is_help=True)
app.add_typer(plan_app, name="plan")
document_app = typer.Typer(help="Check a document's length against the page limits of §§ 4.1.3.6, 4.2.1.2, 3.10.5, Annex 2 and the threshold of § 2.1.2.2.\n\nExample: procedures document check --type contribution --pages 7", no_args_is_help=True)
app.add_typer(document_app, name="document")
recommendation_app = typer.Typer(help="Check a proposed revision of a Recommendation against § 7.1.2.\n\nExample: procedures recommendation check-revision --approved 2026-05-10 --proposed 2027-09-15", no_args_is_help=True)
app.add_typer(recommendation_app, name="recommendation")
appointments_app = typer.Typer(help="Check appointments (§§ 3.2.1, 3.2.4, 3.3.1, 3.3.5, 11.11, 12.3) and officers' attendance.\n\nExample: procedures appointments check docs/examples/appointments-sg1.csv", no_args_is_help=True)
app.add_typer(appointments_app, name="appointments")


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


class CalendarFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    ics = "ics"


class TextFormat(str, Enum):
    text = "text"
    json = "json"


class BatchFormat(str, Enum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class DateOrder(str, Enum):
    iso = "iso"
    dmy = "dmy"
    mdy = "mdy"


SheetOption = Annotated[Optional[str], typer.Option("--sheet", help="The workbook's sheet to read (default: the first).", show_default=False, metavar="NAME")]
DateOrderOption = Annotated[DateOrder, typer.Option(
    "--date-order", help="How to read dates written 05/02/2027 or 5.2.2027: day first (dmy) or month first (mdy); iso: only YYYY-MM-DD.")]


def whole_number(least: int, most: int, example: str):
    """A typer parser for a whole number (procedures.inputs.parse_whole), whose errors are usage errors."""

    def parse(value) -> int:
        from procedures.errors import InputError
        from procedures.inputs import parse_whole

        if isinstance(value, int):
            return value
        try:
            return parse_whole(value, "", least, most)
        except InputError as exc:
            text = str(exc).strip()
            raise typer.BadParameter(text.replace("e.g. 7", f"e.g. {example}") if "e.g." in text else f"{text}; e.g. {example}") from None

    return parse


TodayOption = Annotated[Optional[str], typer.Option(
    "--today", help="The day to count days left from (default: today in Geneva, or $PROCEDURES_TODAY); e.g. 2026-06-01.",
    metavar="DATE", show_default=False)]
RulesOption = Annotated[
    Optional[Path],
    typer.Option("--rules", help="Rules folder to use instead of the built-in one (e.g. a copy written by 'procedures rules init'); "
                 "without it, the folder in the environment variable PROCEDURES_RULES, else the built-in rules.", show_default=False, metavar="FOLDER"),
]


@contextmanager
def reporting():
    """Turn the library's errors into one line on stderr and exit code 2."""
    from procedures.errors import ProceduresError

    try:
        yield
    except ProceduresError as exc:
        typer.echo(f"error: {one_line(str(exc))}", err=True)
        raise typer.Exit(2) from None




def _library(rules: Path | None):
    """The rules library for --rules, $PROCEDURES_RULES or the built-in rules."""
    from procedures.loader import load_library

    return load_library(rules)


def _json(job: str, data: object, lib, request=None) -> str:
    """A job's JSON document (procedures.jobs.document: as the API answers it), with the rules folder that gave it;
    in ASCII, characters past it as \\u escapes (the same JSON), where standard output is not UTF-8 (a command
    redirected to a file on Windows writes the system's code page, which has no '≤' or '−')."""
    from procedures.jobs import document
    from procedures.outfiles import json_in_ascii
    from procedures.output import to_json

    return to_json(document(job, data, lib, request), ascii=json_in_ascii(sys.stdout))


def _request(model: str, **given):
    """The job's request (procedures.jobs) from the options as given; a bad value is one line naming its option."""
    from procedures import jobs

    return getattr(jobs, model).parse(jobs.CLI, **given)


@app.command()
def schedule(
    kind: Annotated[Optional[str], typer.Option("--kind", help="Meeting kind, e.g. study-group, rapporteur-group, tdag, wtdc (the ruleset's kinds; another value lists them all).", metavar="KIND")] = None,
    opens: Annotated[Optional[str], typer.Option("--opens", help="First day of the meeting (YYYY-MM-DD).", metavar="DATE")] = None,
    closes: Annotated[Optional[str], typer.Option("--closes", help="Last day of the meeting (YYYY-MM-DD).", metavar="DATE")] = None,
    opening_time: Annotated[Optional[str], typer.Option("--opening-time", help="Time of the opening session, Geneva time (HH:MM).", metavar="HH:MM")] = None,
    event: Annotated[list[str], typer.Option("--event", help="Date of another event the rules hang on, NAME=DATE (repeatable).", metavar="NAME=DATE")] = [],
    fmt: Annotated[CalendarFormat, typer.Option("--format", help="Output format (ics: a calendar file to import).")] = CalendarFormat.table,
    name: Annotated[Optional[str], typer.Option("--name", help="The meeting's name, for calendar entries (e.g. SG1).", metavar="NAME")] = None,
    today: TodayOption = None,
    earliest_from: Annotated[Optional[str], typer.Option("--earliest-from", help="Instead of --opens: the earliest opening for which every 'shall' lead time counted from this date (YYYY-MM-DD) can still be met, with the rule that binds.", metavar="DATE")] = None,
    rules: RulesOption = None,
) -> None:
    """Every deadline of a meeting, in date order, with its paragraph.

    Without --opens, shows the example meeting declared in the ruleset.

    Example: procedures schedule --kind study-group --opens 2026-09-14 --closes 2026-09-18
    """
    with reporting():
        from procedures import jobs

        lib = _library(rules)
        request = _request("ScheduleRequest", kind=kind, opens=opens, closes=closes, opening_time=opening_time, event=event, today=today,
                           earliest_from=earliest_from)
        result, note = jobs.schedule(lib, request)
        rs, meeting = result.ruleset, result.meeting
        if note:  # the earliest opening is the answer asked for (in a table's head; JSON has it as "earliest"); the example meeting is a remark
            answer = result.earliest is not None and fmt in (CalendarFormat.table, CalendarFormat.markdown)
            typer.echo(f"{note}\n" if answer else f"note: {note}", err=not answer)
        if fmt == CalendarFormat.json:
            typer.echo(_json("schedule", result, lib, request))
            return
        if fmt == CalendarFormat.ics:
            from procedures.calfiles import deadline_entry, to_ics

            from procedures.inputs import plain_text

            label = plain_text(name, "--name", 80) if name is not None else f"{meeting.kind} {meeting.opens.isoformat()}"
            sys.stdout.buffer.write(to_ics([deadline_entry(rs.id, label, d) for d in result.deadlines], f"{label} — deadlines"))
            return
        _timetable_text(fmt.value, result, jobs.today(lib, request.today))


def _timetable_text(fmt: str, result, day) -> None:
    """A timetable as a table or a Markdown annex: the meeting, the day's end, the deadlines, the other reading once."""
    rs, m = result.ruleset, result.meeting
    annex = fmt == "markdown"
    kind_words = rs.spec.meeting_kinds[m.kind]
    title = f"{kind_words[0].upper()}{kind_words[1:]}, opening {m.opens:%a %Y-%m-%d}" + (f", closing {m.closes:%a %Y-%m-%d}" if m.closes else "")
    reading = _counting_words(rs, len(result.other_reading)) if result.other_reading else None
    typer.echo(f"{'## ' if annex else ''}{title}{'[^1]' if reading and annex else ''}\n")
    if annex:
        typer.echo(f"Ruleset {rs.id}; each deadline ends at {rs.head.cutoff}, {rs.head.time_zone} time.\n")
    else:
        typer.echo(f"Ruleset {rs.id}; deadlines end {rs.head.cutoff} {rs.head.time_zone}; today is {day:%a %Y-%m-%d}.\n")
    _dated_table(fmt, result.deadlines, day, rs, with_when=not annex)
    if result.skipped:  # beside an annex, not in it
        typer.echo(("note: " if annex else "\n") + "Not dated here (another date is needed):", err=annex)
        for rule_id, cite, reason in result.skipped:
            typer.echo(f"- {rule_id} ({cite}): {reason}", err=annex)
    _reading_footer(fmt, reading)
    for w in result.meeting_warnings:
        typer.echo(f"warning: {w}", err=True)
    for w in result.calendar_notes:
        typer.echo(f"note: {w}", err=True)


def _counting_words(rs, n: int) -> str:
    """The other day-counting reading, in words, when it moves ``n`` of the dates (SEMANTICS § 6)."""
    from procedures.deadlines import other_counting

    return (f"days are counted '{rs.head.day_counting}' (the date N days before the event); counted "
            f"'{other_counting(rs)}' (N whole days between them), {'1 of these dates' if n == 1 else f'{n} of these dates'} "
            f"would differ")


def _dated_table(fmt: str, deadlines, day, rs, with_when: bool = True, meetings=None, done=None) -> None:
    """Deadlines as a table: date, day, (how far from today,) (meeting,) what is due, paragraph, modality, non-working
    day (, done). A 'shall' passed and not recorded done reads PASSED (red on a terminal); a note under the table
    says so once. ``meetings`` and ``done`` run beside ``deadlines`` (a plan's agenda)."""
    from procedures.output import colour_wanted, table, terminal_width

    colour = fmt != "markdown" and colour_wanted(sys.stdout)
    headers = (["Date", "Day"] + (["When"] if with_when else []) + (["Meeting"] if meetings else [])
               + ["What is due", "Paragraph", "Modality"] + (["Done"] if done else []) + ["Not a working day"])
    rows = [_dated_row(d, day, rs, with_when, meetings[n] if meetings else _NO_COLUMN, done[n] if done else _NO_COLUMN)
            for n, d in enumerate(deadlines)]
    missed = sum(flagged for _, flagged in rows)
    typer.echo(table(fmt, headers, [row for row, _ in rows], width=terminal_width(sys.stdout) if fmt != "markdown" else None,
                     paint=_when_painter(with_when, colour)), color=colour)
    if missed:
        typer.echo(f"\nPASSED: {missed} 'shall' deadline{'s are' if missed != 1 else ' is'} before today ({day:%a %Y-%m-%d})"
                   f"{' and not recorded done' if done else ''}.")


#: A column a table does not have (``_dated_row``'s meeting or done).
_NO_COLUMN = object()


def _dated_row(d, day, rs, with_when: bool, meeting, finished) -> tuple[list[str], bool]:
    """One deadline's row of ``_dated_table``, and whether it is a 'shall' passed and not recorded done."""
    from procedures.timetable import day_note
    from procedures.today import standing

    rule = d.rule
    s = standing(d.date, day, rule.modality)
    flagged = s.missed and finished in (None, _NO_COLUMN)
    when = ("PASSED " + s.words().removeprefix("passed ")) if flagged else s.words()
    due = rule.summary + (f" (only if {rs.spec.conditions[rule.only_if]})" if rule.only_if else "")
    done = [] if finished is _NO_COLUMN else [finished.isoformat() if finished else ""]
    return ([d.date.isoformat(), d.date.strftime("%a")] + ([when] if with_when else []) + ([] if meeting is _NO_COLUMN else [meeting])
            + [due, d.cite, rule.modality] + done + [day_note(rs, d)]), flagged


def _when_painter(with_when: bool, colour: bool):
    """The table's paint: the 'When' column red when PASSED, dim when passed (on a terminal)."""
    from procedures.output import styled

    def paint(column: int, text: str) -> str:
        if with_when and column == 2:
            return styled(text, "bad" if text.startswith("PASSED") else "dim" if text.startswith("passed") else None, colour)
        return text

    return paint


def _reading_footer(fmt: str, reading: str | None) -> None:
    """The other reading of the text, once per output: a footnote in Markdown, a closing note in a table."""
    if not reading:
        return
    if fmt == "markdown":
        typer.echo(f"\n[^1]: {reading[0].upper()}{reading[1:]}.")
    else:
        typer.echo(f"\nReading: {reading} (--format json gives them as other_reading_date).")


calendar_app = typer.Typer(help="The Geneva closure calendar: a year's closures with their sources (--year), the covered years' closures "
                           "written as data (generate), ITU's published list for a year recorded (import).\n\n"
                           "Example: procedures calendar --year 2026")
app.add_typer(calendar_app, name="calendar")


def _calendar_ruleset(lib, year: int):
    from procedures.jobs import calendar_ruleset

    return calendar_ruleset(lib, year)


@calendar_app.callback(invoke_without_command=True)
def calendar_cmd(
    ctx: typer.Context,
    year: Annotated[Optional[int], typer.Option("--year", help="Calendar year to list (default: this year, as --today gives it).", parser=whole_number(1, 9999, "2026"), metavar="YEAR")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table,
    today: TodayOption = None,
    rules: RulesOption = None,
) -> None:
    """Days ITU headquarters in Geneva is closed in a year, with their source.

    Example: procedures calendar --year 2026
    """
    if ctx.invoked_subcommand is not None:
        return
    with reporting():
        from procedures import jobs
        from procedures.output import table
        from procedures.timestamps import parse_date

        lib = _library(rules)
        if year is None:
            year = jobs.today(lib, parse_date(today, "--today") if today else None).year
        found = jobs.calendar(lib, _request("CalendarRequest", year=year))
        if fmt == TableFormat.json:
            typer.echo(_json("calendar", found, lib))
            return
        typer.echo(f"{found['calendar']}, {year}{' (provisional: not yet checked against ITU’s published list)' if found['provisional'] else ''}\n")
        typer.echo(table(fmt.value, ["Date", "Day", "Closed for", "Source"], [(c["date"], c["weekday"][:3], c["name"], c["source"]) for c in found["closed_days"]]))


@calendar_app.command("generate")
def calendar_generate(
    years: Annotated[Optional[str], typer.Option("--years", help="The years to cover, e.g. 2025-2031 (default: the calendar's first_year-last_year); first_year and last_year are set to them.", metavar="FIRST-LAST")] = None,
    rules: RulesOption = None,
) -> None:
    """Write each covered year's closures into the calendar file as data: the public holidays (holidays package) and the feasts (Umm al-Qura calendar).

    Example: procedures calendar generate --years 2025-2031 --rules my-rules
    """
    with reporting():
        from procedures.calendar_edit import calendar_files, generate_file, parse_years
        from procedures.loader import forget_loaded, rules_location

        span = parse_years(years) if years is not None else None
        root, _ = rules_location(rules)
        forget_loaded()
        for path in calendar_files(root):
            done = generate_file(path, span)
            what = f"{done.public_holidays} public holidays, {done.feasts} feasts"
            typer.echo(f"{path}: {done.first}–{done.last}, {what}{'' if done.changed else ' (unchanged)'}")


@calendar_app.command("import")
def calendar_import(
    file: Annotated[Path, typer.Argument(help="ITU's published list for the year: a CSV file (or workbook) with columns date (YYYY-MM-DD) and name.", show_default=False, metavar="FILE")],
    year: Annotated[int, typer.Option("--year", help="The year the list is for.", parser=whole_number(1, 9999, "2026"), metavar="YEAR")],
    note: Annotated[Optional[str], typer.Option("--note", help="Where the list was published, for each correction's note (default: the file's name).", metavar="TEXT")] = None,
    rules: RulesOption = None,
) -> None:
    """Record ITU's published list of closures for a year: write the corrections that make the year's closures that list, and mark the year official.

    Example: procedures calendar import itu-closures-2026.csv --year 2026 --rules my-rules
    """
    with reporting():
        from procedures.calendar_edit import import_list, read_published_list
        from procedures.errors import InputError
        from procedures.loader import forget_loaded

        if note is not None and (not note.strip() or not note.isprintable()):
            raise InputError("--note must be one line of text")
        cal = _calendar_ruleset(_library(rules), year).calendar
        cal.closed_days(year)  # a year the calendar does not cover is an error before the file is read
        listed = read_published_list(file, year)
        written = import_list(Path(cal.file), cal, year, listed, note or f"ITU's published list for {year} ({file.name})")
        forget_loaded()
        from procedures.output import count

        typer.echo(f"{cal.file}: {year} is official ({count(len(listed), 'closure')} listed); {count(len(written), 'correction')} written")
        for c in written:
            typer.echo(f"{c.action:<6}  {c.date.isoformat()}  {c.date:%a}  {c.name}")


@app.command()
def check(
    kind: Annotated[str, typer.Option("--kind", help="Meeting kind, e.g. study-group, rapporteur-group, tdag, wtdc (the ruleset's kinds; another value lists them all).", metavar="KIND")],
    opens: Annotated[str, typer.Option("--opens", help="First day of the meeting (YYYY-MM-DD).", metavar="DATE")],
    received: Annotated[str, typer.Option("--received", help="When the contribution was received: ISO 8601 timestamp (with or without offset) or a date.", metavar="WHEN")],
    purpose: Annotated[str, typer.Option("--purpose", help="action or information.", metavar="PURPOSE")] = "action",
    opening_time: Annotated[Optional[str], typer.Option("--opening-time", help="Time of the opening session, Geneva time (HH:MM).", metavar="HH:MM")] = None,
    closes: Annotated[Optional[str], typer.Option("--closes", help="Last day of the meeting (YYYY-MM-DD): TDAG's written proposals are admitted only until its end (§ 11.8).", metavar="DATE")] = None,
    chair_admitted: Annotated[bool, typer.Option("--chair-admitted", help="The chair admitted it, and it is available at the opening (§ 4.2.1.4); during TDAG, a written proposal the chair accepted (§ 11.8).")] = False,
    fmt: Annotated[TextFormat, typer.Option("--format", help="Output format.")] = TextFormat.text,
    rules: RulesOption = None,
) -> None:
    """Is this contribution on time, delayed, late or refused, and what follows?

    Example: procedures check --kind study-group --opens 2026-09-14 --received 2026-09-03T10:12:00+02:00
    """
    with reporting():
        from procedures import jobs

        request = _request("CheckRequest", kind=kind, opens=opens, received=received, purpose=purpose, opening_time=opening_time,
                           closes=closes, chair_admitted=chair_admitted)
        lib = _library(rules)
        result = jobs.check(lib, request)
        if fmt == TextFormat.json:
            typer.echo(_json("check", result, lib))
            return
        from procedures.output import colour_wanted, styled

        sentence = result.sentence()
        head, sep, rest = sentence.partition(":")
        weight = "good" if result.translated and result.on_agenda else "warn" if result.on_agenda else "bad"
        colour = colour_wanted(sys.stdout)
        typer.echo(styled(head, weight, colour) + sep + rest, color=colour)
        for w in result.warnings:
            typer.echo(f"warning: {w}")


@app.command("check-batch")
def check_batch(
    file: Annotated[Path, typer.Argument(help="A table (CSV, or an .xlsx workbook) with a header: id, kind, opens, received [, purpose, opening_time, chair_admitted, closes]. '-' reads stdin.", metavar="FILE")],
    fmt: Annotated[Optional[BatchFormat], typer.Option("--format", help="Output format (default: the --out file's extension, .xlsx, .json or .csv; else csv).", show_default=False)] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the results to this file instead of stdout (written whole or not at all; never the input file).", metavar="FILE")] = None,
    sheet: SheetOption = None,
    date_order: DateOrderOption = DateOrder.iso,
    rules: RulesOption = None,
) -> None:
    """Check every contribution of a registry export; one output row per input row: the input's
    columns, then the check's.

    A summary goes to stderr; exit code 1 when any row had an error. Registries over 1,000 rows are checked by
    worker processes (one per core, at most 4); PROCEDURES_BATCH_WORKERS=N sets their number, 1 for one process.

    Example: procedures check-batch registry.xlsx --out results.xlsx
    """
    with reporting():
        from procedures import jobs

        request = _request("BatchRequest", file=file, fmt=fmt.value if fmt else None, out=out, sheet=sheet, date_order=date_order.value)
        lib = _library(rules)
        summary = jobs.check_batch(lib, request)
        typer.echo(f"{summary.describe()}; {lib.describe()}", err=True)
        if summary.errors:
            raise typer.Exit(1)


@app.command("timeline")
def timeline_cmd(
    procedure: Annotated[str, typer.Option("--procedure", help="The procedure, e.g. question-approval, recommendation-approval, consultation-decision (another value lists them all).", metavar="PROCEDURE")],
    start: Annotated[str, typer.Option("--start", help="Date of the starting event: TDAG adoption, SG adoption, the circular, or the meeting's last day (YYYY-MM-DD).", metavar="DATE")],
    event: Annotated[list[str], typer.Option("--event", help="Actual date of a later event, NAME=DATE, e.g. consultation-request-sent=2026-02-20 (repeatable).", metavar="NAME=DATE")] = [],
    fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table,
    today: TodayOption = None,
    rules: RulesOption = None,
) -> None:
    """A procedure's dates from its starting event, with their paragraphs.

    An event given with --event later than its last day is reported with its
    paragraph and the days late. Exit code: 0 in time, 1 warnings only
    ("should"), 3 breaches ("shall"), 2 bad input.

    Example: procedures timeline --procedure recommendation-approval --start 2026-01-31
    """
    with reporting():
        from procedures import jobs

        request = _request("TimelineRequest", procedure=procedure, start=start, event=event, today=today)
        lib = _library(rules)
        result = jobs.timeline(lib, request)
        rs, day = result.ruleset, request.start
        if fmt == TableFormat.json:
            typer.echo(_json("timeline", result, lib, request))
            _exit_for(result.breaches, result.late_warnings)
            return
        now = jobs.today(lib, request.today)
        typer.echo(f"{'## ' if fmt == TableFormat.markdown else ''}{rs.spec.procedures[procedure][0].upper()}{rs.spec.procedures[procedure][1:]}: {rs.spec.words(result.start_event)} on {day:%a %Y-%m-%d}\n")
        if fmt != TableFormat.markdown:
            typer.echo(f"Today is {now:%a %Y-%m-%d}.\n")
        from procedures.timeline import event_of

        given = dict(request.event)  # an event given is the deadline done, on that day: not flagged as passed
        done = [given.get(event_of(rs, d.id)) for d in result.deadlines]
        _dated_table(fmt.value, result.deadlines, now, rs, with_when=fmt != TableFormat.markdown, done=done if any(done) else None)
        for a in result.assumptions:
            typer.echo(f"\nnote: {a}")
        for rule_id, cite, reason in result.skipped:
            typer.echo(f"not dated: {rule_id} ({cite}): {reason}")
        for f in result.findings:
            typer.echo(f.line())
        _exit_for(result.breaches, result.late_warnings)


def _exit_for(breaches: list, warnings: list) -> None:
    """Exit 3 when there is a breach ("shall" missed), 1 for warnings only ("should"), else 0."""
    if breaches:
        raise typer.Exit(3)
    if warnings:
        raise typer.Exit(1)


@app.command("tally")
def tally_cmd(
    procedure: Annotated[str, typer.Option("--procedure", help="The procedure, e.g. question-approval, recommendation-approval, recommendation-adoption (another value lists them all).", metavar="PROCEDURE")],
    replies: Annotated[Path, typer.Option("--replies", help="A table (CSV, or an .xlsx workbook) with a header: member_state, answer[, received][, participant].", metavar="FILE")],
    circulated: Annotated[Optional[str], typer.Option("--circulated", help="Date the circular or request went out (for consultation-decision: the meeting's last day); replies outside the window are excluded.", metavar="DATE")] = None,
    electorate_size: Annotated[Optional[int], typer.Option("--electorate-size", help="Number of participants at the meeting, for a share of the electorate (information-translation).", parser=whole_number(1, 999_999, "120"), metavar="N")] = None,
    no_meeting_before_wtdc: Annotated[bool, typer.Option("--no-meeting-before-wtdc", help="No study group meeting remains before WTDC (§ 7.2.6).")] = False,
    requested_by: Annotated[Optional[list[str]], typer.Option("--requested-by", help="consultation-decision: a Member State that asked for more time at the meeting (§ 7.3.5.2); repeat it, or separate names with ';'; 'none' if nobody did.", metavar="NAME")] = None,
    sheet: SheetOption = None,
    date_order: DateOrderOption = DateOrder.iso,
    fmt: Annotated[TextFormat, typer.Option("--format", help="Output format.")] = TextFormat.text,
    rules: RulesOption = None,
) -> None:
    """Count a consultation's replies (or a meeting's positions) into an outcome.

    Answers: approve, disapprove, abstain (Recommendations); object, no-objection
    (Questions, adoption at a meeting; approve/disapprove accepted as synonyms);
    request, no-request (information-translation); support, no-support (question-support).

    Example: procedures tally --procedure recommendation-approval --replies replies.csv --circulated 2026-02-28
    """
    with reporting():
        from procedures import jobs

        lib = _library(rules)
        request = _request("TallyRequest", procedure=procedure, replies=replies, circulated=circulated, electorate_size=electorate_size,
                           no_meeting_before_wtdc=no_meeting_before_wtdc, requested_by=requested_by, sheet=sheet, date_order=date_order.value)
        result = jobs.tally(lib, request)
        if fmt == TextFormat.json:
            typer.echo(_json("tally", result, lib))
        else:
            typer.echo(tally_text(result))
    if result.provisional:
        raise typer.Exit(1)


def tally_text(result) -> str:
    """The result as a circular announcing it would need it."""
    lines = []
    if result.provisional:
        rows = [e["row"] for e in result.excluded if e.get("unreadable")]
        from procedures.output import count

        lines.append(f"PROVISIONAL: {count(len(rows), 'row')} could not be read ({'line' if len(rows) == 1 else 'lines'} {', '.join(map(str, rows))}) and are not counted; "
                     "correct them and tally again — the outcome below may change.")
    lines.append(f"{result.outcome.outcome.upper()}: {result.what_follows} ({', '.join(result.cite)}).")
    counts = ", ".join(f"{n} {a}" for a, n in result.counts.items())
    lines.append(f"Replies counted: {result.replies_counted} ({counts}).")
    lines.append(f"Passes when {result.threshold_text()}. {result.comparison[:1].upper()}{result.comparison[1:]}.")
    if result.window:
        lines.append(f"Reply window: {result.window['opens']} to {result.window['cutoff']} ({result.window['cite']}).")
    if result.requested_by is not None:
        after = result.rule.after_event
        lines.append(f"{after.only[0].upper()}{after.only[1:]} ({after.cite.label()}): {', '.join(result.requested_by) or 'none'}.")
    if result.excluded:
        lines.append(f"Excluded ({len(result.excluded)} of {result.rows_read} replies; lines of the file):")
        lines += [f"  line {e['row']}: {e['member_state'] or '(none)'} — {e['reason']}" for e in result.excluded]
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)


@plan_app.command("check")
def plan_check(
    plan: Annotated[Path, typer.Argument(help="The plan file (TOML); see docs/plan-format.md.", metavar="PLAN")],
    fmt: Annotated[TextFormat, typer.Option("--format", help="Output format.")] = TextFormat.text,
    rules: RulesOption = None,
) -> None:
    """Check a study period's plan against the rules that span meetings.

    Exit code: 0 clean, 1 warnings only ("should"), 3 breaches ("shall"), 2 bad input.

    Example: procedures plan check docs/example-plan-2026-2029.toml
    """
    with reporting():
        from procedures import jobs

        lib = _library(rules)
        result = jobs.plan_check(lib, _request("PlanRequest", plan=plan))
        name, rs = result.plan.study_period.name, result.ruleset
        if fmt == TextFormat.json:
            typer.echo(_json("plan-check", result, lib))
        elif not result.breaches and not result.warnings:
            typer.echo(f"clean: {name} passes all {result.checked} checks of ruleset {rs.id}")
        else:
            from procedures.output import count

            warned = len(result.warnings) + len(getattr(result, "calendar_warnings", []))
            typer.echo(f"{name}: {count(len(result.breaches), 'breach', 'breaches')}, {count(warned, 'warning')} in {result.checked} checks")
        if fmt != TextFormat.json:
            for f in result.findings:
                typer.echo(f.line())
            for line in result.not_checked:
                typer.echo(f"not checked: {line}")
            for w in result.calendar_warnings:
                typer.echo(f"warning: {w}")
        _exit_for(result.breaches, result.warnings)


@plan_app.command("agenda")
def plan_agenda(
    plan: Annotated[Path, typer.Argument(help="The plan file (TOML); see docs/plan-format.md.", metavar="PLAN")],
    start: Annotated[Optional[str], typer.Option("--from", help="First date to list (YYYY-MM-DD).", metavar="DATE")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="Last date to list (YYYY-MM-DD).", metavar="DATE")] = None,
    fmt: Annotated[CalendarFormat, typer.Option("--format", help="Output format (ics: a calendar file to import; markdown: a table for a circular's annex).")] = CalendarFormat.table,
    today: TodayOption = None,
    rules: RulesOption = None,
) -> None:
    """Every deadline of every meeting in a plan, in date order: what is due, and when.

    Example: procedures plan agenda docs/example-plan-2026-2029.toml --from 2026-03-01 --to 2026-03-31
    """
    with reporting():
        from procedures import jobs

        request = _request("AgendaRequest", plan=plan, start=start, end=end, today=today)
        lib = _library(rules)
        result = jobs.plan_agenda(lib, request)
        rs, items = result.ruleset, result.items
        if fmt == CalendarFormat.json:
            typer.echo(_json("plan-agenda", result, lib, request))
            return
        if fmt == CalendarFormat.ics:
            from procedures.calfiles import deadline_entry, to_ics

            sys.stdout.buffer.write(to_ics([deadline_entry(rs.id, i.meeting, i.deadline, i.done) for i in items], f"ITU-D {result.study_period} — deadlines"))
            return
        now = jobs.today(lib, request.today)
        if fmt != CalendarFormat.markdown:
            typer.echo(f"ITU-D {result.study_period}: today is {now:%a %Y-%m-%d}.\n")
        _dated_table(fmt.value, [i.deadline for i in items], now, rs, with_when=fmt != CalendarFormat.markdown,
                     meetings=[i.meeting for i in items], done=[i.done for i in items])
        for w in result.warnings:
            typer.echo(f"warning: {w}", err=True)
        if result.undated:
            from procedures.output import count

            n = len(result.undated)
            typer.echo(f"\n{count(n, 'deadline')} {'hangs' if n == 1 else 'hang'} on a date a plan does not give (e.g. a contribution's receipt) and {'is' if n == 1 else 'are'} not listed.")


@app.command("limit")
def limit_cmd(
    rule_id: Annotated[str, typer.Argument(help="The limit or role rule's id ('procedures rules list' shows them, kinds 'limit' and 'role').", metavar="RULE_ID")],
    value: Annotated[str, typer.Option("--value", help="The number to check: pages, posts, Questions, years, absences.", metavar="N")],
    when: Annotated[list[str], typer.Option("--when", help="A circumstance the rule names as an exception, e.g. chair-consulted, revision (repeatable).", metavar="CIRCUMSTANCE")] = [],
    fmt: Annotated[TextFormat, typer.Option("--format", help="Output format.")] = TextFormat.text,
    rules: RulesOption = None,
) -> None:
    """Check a number against a limit: within it, or a breach ("shall") or warning ("should").

    Exit code 1 when the limit is not kept.

    Example: procedures limit res1.4.1.3.6.contribution-pages --value 7 --when chair-consulted
    """
    with reporting():
        from procedures import jobs

        lib = _library(rules)
        result = jobs.limit(lib, _request("LimitRequest", rule_id=rule_id, value=value, when=when))
        if fmt == TextFormat.json:
            typer.echo(_json("limit", result, lib))
        else:
            _limit_lines([result], warnings=result.warnings)
        if not result.within:
            raise typer.Exit(1)


def _limit_lines(results, not_checked=(), warnings=()) -> None:
    for r in results:
        typer.echo(r.line())
    for n in not_checked:
        typer.echo(f"not checked: {n}")
    for w in warnings:
        typer.echo(f"warning: {w}")


@document_app.command("check")
def document_check(
    doc_type: Annotated[str, typer.Option("--type", help="contribution, output-report (new) or revised-report.", metavar="TYPE")],
    pages: Annotated[str, typer.Option("--pages", help="Pages of the document, annexes and appendices excluded; a contribution's cover page included (Annex 2).", metavar="N")],
    previous_pages: Annotated[Optional[str], typer.Option("--previous-pages", help="revised-report: pages of the version being revised.", show_default=False, metavar="N")] = None,
    question_total: Annotated[Optional[str], typer.Option("--question-total", help="output-report: pages of all new output reports of the Question, this one included.", show_default=False, metavar="N")] = None,
    when: Annotated[list[str], typer.Option("--when", help="A circumstance a limit names as an exception, e.g. chair-consulted (§ 4.2.1.2) (repeatable).", metavar="CIRCUMSTANCE")] = [],
    fmt: Annotated[TextFormat, typer.Option("--format", help="Output format.")] = TextFormat.text,
    rules: RulesOption = None,
) -> None:
    """Is the document within its page limits, and if not, what can its author do?

    Exit code 1 when a limit is not kept.

    Example: procedures document check --type output-report --pages 48 --question-total 75
    """
    with reporting():
        from procedures import jobs

        lib = _library(rules)
        request = _request("DocumentRequest", type=doc_type, pages=pages, previous_pages=previous_pages, question_total=question_total, when=when)
        result = jobs.document_check(lib, request)
        if fmt == TextFormat.json:
            typer.echo(_json("document-check", result, lib))
        else:
            _limit_lines(result.results, result.not_checked, result.warnings)
        if not result.within:
            raise typer.Exit(1)


@recommendation_app.command("check-revision")
def recommendation_check_revision(
    approved: Annotated[str, typer.Option("--approved", help="When the Recommendation in force was approved (YYYY-MM-DD).", metavar="DATE")],
    proposed: Annotated[str, typer.Option("--proposed", help="When the revision comes up for approval (YYYY-MM-DD).", metavar="DATE")],
    complements: Annotated[bool, typer.Option("--complements", help="The revision complements rather than changes the Recommendation (§ 7.1.2).")] = False,
    fmt: Annotated[TextFormat, typer.Option("--format", help="Output format.")] = TextFormat.text,
    rules: RulesOption = None,
) -> None:
    """Does § 7.1.2 advise against approving this revision so soon after the Recommendation's approval?

    Exit code 1 when it does.

    Example: procedures recommendation check-revision --approved 2026-05-10 --proposed 2027-09-15
    """
    with reporting():
        from procedures import jobs

        request = _request("RevisionRequest", approved=approved, proposed=proposed, complements=complements)
        lib = _library(rules)
        result = jobs.check_revision(lib, request)
        if fmt == TextFormat.json:
            typer.echo(_json("check-revision", result, lib))
        else:
            _limit_lines(result.results, warnings=[w for r in result.results for w in r.warnings])
        if not result.within:
            raise typer.Exit(1)


@appointments_app.command("check")
def appointments_check(
    file: Annotated[Path, typer.Argument(help="A table (CSV, or an .xlsx workbook) of posts: person, nominated_by, role, study_group [, question, regional_organization].", metavar="FILE")],
    attendance: Annotated[Optional[Path], typer.Option("--attendance", help="A table of attendance: person, meeting, attended [, date]; adds the two-consecutive-absences reminders.", show_default=False, metavar="FILE")] = None,
    sheet: SheetOption = None,
    attendance_sheet: Annotated[Optional[str], typer.Option("--attendance-sheet", help="The attendance workbook's sheet to read (default: the first).", show_default=False, metavar="NAME")] = None,
    date_order: DateOrderOption = DateOrder.iso,
    fmt: Annotated[TextFormat, typer.Option("--format", help="Output format.")] = TextFormat.text,
    rules: RulesOption = None,
) -> None:
    """Findings per person, per Question, per study group and in all: posts held, Questions per
    rapporteur, rapporteurs per Question, vice-chairs per regional organization, ISCG vice-chairs,
    CCT experts, consecutive absences.

    Exit code: 0 clean, 1 warnings ("should") or rows in error, 3 breaches ("shall"), 2 bad input.

    Example: procedures appointments check docs/examples/appointments-sg1.csv --attendance docs/examples/attendance-sg1.csv
    """
    with reporting():
        from procedures import jobs
        from procedures.appointments import SECTIONS

        lib = _library(rules)
        request = _request("AppointmentsRequest", appointments=file, attendance=attendance, sheet=sheet, attendance_sheet=attendance_sheet,
                           date_order=date_order.value)
        result = jobs.appointments_check(lib, request)
        if fmt == TextFormat.json:
            typer.echo(_json("appointments-check", result, lib))
        else:
            from procedures.output import count

            typer.echo(f"{count(result.appointments, 'post')} of {count(result.people, 'person', 'people')}: "
                       f"{count(len(result.breaches), 'breach', 'breaches')}, "
                       f"{count(len(result.findings) - len(result.breaches), 'warning')} in {count(len(result.checks), 'check')}; "
                       f"{count(len(result.errors), 'row')} in error")
            for title, per in SECTIONS.values():
                found = result.per(*per)
                if found:
                    typer.echo(f"\n{title}:")
                    _limit_lines(found)
            if result.errors:
                typer.echo("\nRows in error (not counted):")
                for e in result.errors:
                    typer.echo(f"  {e}")
            if result.not_checked or result.warnings:
                typer.echo("")
            _limit_lines([], result.not_checked, result.warnings)
        if result.breaches:
            raise typer.Exit(3)
        if result.findings or result.errors:
            raise typer.Exit(1)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.", metavar="ADDRESS")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", parser=whole_number(1, 65535, "8000"), metavar="PORT")] = 8000,
    rules: RulesOption = None,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes, each answering requests on its own (e.g. one per core).", min=1, max=64, metavar="N")] = 1,
    plans: Annotated[Optional[list[Path]], typer.Option("--plan", help="Publish a plan: a page at /plans/NAME and a calendar feed at /plans/NAME.ics (NAME: the file's name); repeatable. Re-read when the file changes.", metavar="FILE")] = None,
) -> None:
    """Start the web page and the HTTP API (OpenAPI documentation at /docs).

    Example: procedures serve --port 8000 --plan docs/example-plan-2026-2029.toml
    """
    with reporting():
        from procedures.web.serving import serve as run

        run(host, port, rules, workers, plans or [])


@rules_app.command("list")
def rules_list(
    kind: Annotated[Optional[str], typer.Option("--applies-to", help="Only rules that apply to this meeting kind or procedure.", metavar="NAME")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table,
    rules: RulesOption = None,
) -> None:
    """List the rules of every ruleset: id, kind, paragraph, modality, summary.

    Example: procedures rules list --applies-to tdag
    """
    with reporting():
        from procedures import jobs
        from procedures.output import table

        lib = _library(rules)
        found = jobs.rules_list(lib, _request("RulesListRequest", applies_to=kind))
        rows = found["list"]
        if fmt == TableFormat.json:
            typer.echo(_json("rules-list", found, lib))
            return
        from procedures.output import terminal_width

        typer.echo(table(fmt.value, ["Id", "Kind", "Paragraph", "Modality", "Summary"], [(r["id"], r["kind"], r["cite"], r["modality"], r["summary"]) for r in rows],
                         width=terminal_width(sys.stdout) if fmt == TableFormat.table else None))


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="The rule's id, as 'procedures rules list' shows it.", metavar="RULE_ID")],
    fmt: Annotated[TextFormat, typer.Option("--format", help="Output format.")] = TextFormat.text,
    rules: RulesOption = None,
) -> None:
    """Show one rule: its paragraph, modality, what it applies to and its parameters.

    Example: procedures rules show res1.4.2.1.1.translation-deadline
    """
    with reporting():
        from procedures import jobs
        from procedures.rulesdoc import describe_rule

        lib = _library(rules)
        try:
            found, rs, rule = jobs.rules_show(lib, _request("RuleShowRequest", rule_id=rule_id))
        except jobs.UnknownRule as exc:
            raise jobs.UnknownRule(f"{exc}; 'procedures rules list' shows the ids") from None
        if fmt == TextFormat.json:
            typer.echo(_json("rules-show", found, lib))
        else:
            typer.echo(describe_rule(rs, rule))
            typer.echo(lib.describe())


@rules_app.command("docs")
def rules_docs(
    out: Annotated[Path, typer.Option("--out", help="Where to write the reference ('-', the default: standard output).", metavar="FILE")] = Path("-"),
    scenarios: Annotated[Optional[Path], typer.Option("--scenarios", help="A folder of scenario files, for the coverage counts (without it, no counts).", metavar="FOLDER")] = None,
    provisions: Annotated[Optional[Path], typer.Option("--provisions", help="Another inventory of provisions than the ruleset's own.", metavar="FILE")] = None,
    rules: RulesOption = None,
) -> None:
    """Write the rule reference from the rule files, with a coverage table of the ruleset's inventory at its head.

    In the repository, after changing a rule or a scenario:
    procedures rules docs --rules rules --scenarios tests/scenarios --out docs/rules.md

    Example: procedures rules docs --out rules.md
    """
    with reporting():
        from procedures.coverage import coverage_rows, load_provisions, scenario_cases
        from procedures.outfiles import is_stdout, write_text
        from procedures.rulesdoc import rules_markdown

        lib = _library(rules)
        rs = lib.latest()
        inventory = load_provisions(provisions) if provisions else rs.provisions
        cases = scenario_cases(lib, scenarios) if scenarios else None
        rows = coverage_rows(rs, inventory, cases)
        text = rules_markdown(rs, rows, GENERATE_RULES_DOCS if scenarios else "procedures rules docs")
        if is_stdout(out):
            typer.echo(text, nl=False)
            return
        write_text(out, text, [p for p in (provisions,) if p])
        missing = [r["cite"] for r in rows if not r["rules"]]
        typer.echo(f"wrote {out}: {len(rs.rules)} rules, {len(rows)} provisions" + (f"; without a rule: {', '.join(missing)}" if missing else ""))


#: How the repository's docs/rules.md is made (it names itself in its first lines).
GENERATE_RULES_DOCS = "procedures rules docs --rules rules --scenarios tests/scenarios --out docs/rules.md"


@rules_app.command("validate")
def rules_validate(
    folder: Annotated[Optional[Path], typer.Argument(help="Rules folder to check (default: --rules, else $PROCEDURES_RULES, else the built-in rules).", metavar="FOLDER")] = None,
    rules: RulesOption = None,
) -> None:
    """Load a rules folder and report every error, one line each; exit 2 if there is any.

    Example: procedures rules validate ./my-rules
    """
    with reporting():
        from procedures.loader import rules_location, validate_folder

        root, source = rules_location(folder or rules)
        typer.echo(f"rules: {root} ({'argument' if folder else source})")
        rulesets, errors = validate_folder(root)
        for e in errors:
            typer.echo(f"error: {e}")
        if errors:
            from procedures.output import count

            typer.echo(f"error: {count(len(errors), 'problem')} in {root}; each is listed above", err=True)
            raise typer.Exit(2)
        n = sum(len(rs.rules) for rs in rulesets)
        from procedures.output import count

        typer.echo(f"ok: {count(len(rulesets), 'ruleset')}, {count(n, 'rule')} in {root}")


@rules_app.command("init")
def rules_init(
    folder: Annotated[Path, typer.Argument(help="A new (or empty) folder to write the copy to.", metavar="FOLDER")],
) -> None:
    """Write an editable copy of the built-in rules to a folder; use it with --rules or PROCEDURES_RULES.

    Example: procedures rules init my-rules
    """
    with reporting():
        from procedures.loader import init_rules

        written = init_rules(folder)
        typer.echo(f"wrote an editable copy of the rules to {folder} ({len(written)} files)")
        typer.echo(f"edit them, check with 'procedures rules validate {folder}', and use them with --rules {folder} (or PROCEDURES_RULES={folder})")


def _whole_short_help(typer_app: typer.Typer) -> None:
    """Each command's line in the list of commands is its description's whole first sentence, never cut with '...'."""
    for command in typer_app.registered_commands:
        if command.short_help is None and command.callback is not None and command.callback.__doc__:
            command.short_help = " ".join(command.callback.__doc__.strip().split("\n\n")[0].split())
    for group in typer_app.registered_groups:
        info = group.typer_instance.info
        text = group.help or info.help
        if isinstance(text, str) and not isinstance(info.short_help, str):
            info.short_help = " ".join(text.strip().split("\n\n")[0].split())
        _whole_short_help(group.typer_instance)


_whole_short_help(app)


def main() -> None:
    """Console entry point: a usage or library error is one line; an unexpected one says how to see more."""
    caller = sys._getframe(1) if hasattr(sys, "_getframe") else None
    started = caller is not None and caller.f_globals.get("__name__") == "__main__" and caller.f_code.co_name == "<module>"
    leaving = _leave_quickly() if started else {}  # the process was started for this command (not a program calling main)
    leaving["code"] = run(sys.argv[1:])
    sys.exit(leaving["code"])


def _leave_quickly() -> dict:
    """Once the command is done, end the process without tearing the interpreter down (issue 17: start-up).

    Freeing every module and object at exit cost one `check` about a fifth of its time, and serves nothing: the
    system takes a finished process's memory back. The handler registered here runs after every exit handler
    registered while the command ran (the last registered runs first) and after Python has waited for the
    command's threads; it flushes the standard streams and ends the process with the command's code. It is
    registered only when no handler was registered before it (which it would skip); it does nothing when the
    command gave no code (an exception on its way to a traceback) or a stream cannot be flushed (Python's own
    exit then says so, as before).
    """
    import atexit

    outcome: dict = {}
    registered = getattr(atexit, "_ncallbacks", None)
    if registered is None or registered():
        return outcome

    def leave() -> None:
        code = outcome.get("code")
        if not isinstance(code, int):
            return
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except (OSError, ValueError):
            return
        os._exit(code)

    atexit.register(leave)
    return outcome


def run(argv: list[str]) -> int:
    """Run the command line on ``argv`` and return the exit code (the tests call this in-process)."""
    _stop_on_termination()
    try:
        code = _command(argv)(args=argv, prog_name="procedures", standalone_mode=False)
    except SystemExit:
        # typer catches a closed pipe (| head) itself: it wraps stdout in click's PacifyFlushWrapper and exits 1;
        # say 141 instead, as other tools do when their reader goes away
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            return 141
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        return _stopped(exc)
    if code == INTERRUPTED:  # typer makes an interruption (Ctrl-C; SIGTERM and SIGHUP, see above) this code, silently
        print("error: interrupted", file=sys.stderr)
    return code if isinstance(code, int) else 0


def _command(argv: list[str]):
    """typer's click group for ``argv``, holding only the command it runs (issue 17: start-up).

    typer makes a click command of every command of an app, reading each function's options, before it looks at
    the arguments: 19 commands, about 18 ms for the one that runs. The command named first (and in a group, the
    command that follows it) is the only one a run can reach, so the group is made of that one alone; nothing
    else reads the others but the help of the group and the message for an unknown command, which keep the
    whole app (argv naming no command, or a group followed by an option). What ``app(...)`` adds around the
    group is typer's traceback hook, which does nothing here (``pretty_exceptions_enable=False``).
    """
    from typer.main import get_group

    return get_group(_only(app, argv))


def _only(typer_app: typer.Typer, argv: list[str]) -> typer.Typer:
    """A copy of ``typer_app`` holding only the command or group named by ``argv[0]`` (a group pruned alike by what
    follows it); ``typer_app`` itself when ``argv`` names none."""
    import copy

    from typer.main import get_command_name, solve_typer_info_defaults

    if not argv:
        return typer_app
    kept = copy.copy(typer_app)
    for info in typer_app.registered_commands:
        if (info.name or get_command_name(info.callback.__name__)) == argv[0]:
            kept.registered_commands, kept.registered_groups = [info], []
            return kept
    for info in typer_app.registered_groups:
        if solve_typer_info_defaults(info).name == argv[0]:
            group = copy.copy(info)
            group.typer_instance = _only(info.typer_instance, argv[1:])
            kept.registered_commands, kept.registered_groups = [], [group]
            return kept
    return typer_app


def _stop_on_termination() -> None:
    """SIGTERM and SIGHUP stop a command as Ctrl-C does, so no partial file is left (where nothing else handles them)."""
    import signal

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) is signal.SIG_DFL:
            try:
                signal.signal(getattr(signal, name), interrupted)
            except ValueError:  # not the main thread (a test runner): leave it
                pass


def _stopped(exc: Exception) -> int:
    """The exit code of a command stopped by ``exc``, with its one line on stderr (called while ``exc`` is handled)."""
    if isinstance(exc, clicks.NoArgsIsHelpError):
        exc.show()
        return exc.exit_code
    if isinstance(exc, clicks.UsageError):
        print(f"error: {one_line(usage_line(exc))}", file=sys.stderr)
        return 2
    if isinstance(exc, OSError):  # a file the system refuses (a name too long, a full disk): one line, as bad input is
        if isinstance(exc, BrokenPipeError):  # the reader went away (| head): stop quietly, as other tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {one_line(where + (exc.strerror or str(exc)))}", file=sys.stderr)
        return 2
    if isinstance(exc, typer.Abort):
        print("error: interrupted", file=sys.stderr)
        return INTERRUPTED
    if isinstance(exc, UnicodeEncodeError) and _unwritable(char := exc.object[exc.start:exc.start + 1]):
        # not exit 2 (bad input, nothing done): the command may have done its work (written a file) before printing
        print(f"error: standard output is {sys.stdout.encoding}, which cannot write {char!r} (U+{ord(char):04X}), so what it "
              "shows is incomplete; set PYTHONIOENCODING=utf-8, or give --out FILE (written in UTF-8) where the command "
              "takes it", file=sys.stderr)
        return OUTPUT_ERROR
    from procedures.batchpool import WorkerFailed

    if isinstance(exc, WorkerFailed):  # a worker process killed (out of memory, by hand), not a fault found in it
        print(f"error: {one_line(str(exc))}; run the command again (PROCEDURES_BATCH_WORKERS=1: in one process)", file=sys.stderr)
        return 70
    if os.environ.get("PROCEDURES_DEBUG"):
        raise  # the exception being handled, with its traceback
    print(f"internal error: {type(exc).__name__}: {exc} (set PROCEDURES_DEBUG=1 to see the traceback)", file=sys.stderr)
    return 70


#: The exit code of a command whose output could not be written (sysexits' EX_IOERR).
OUTPUT_ERROR = 74
#: The exit code of a command interrupted (128 + SIGINT, as shells give).
INTERRUPTED = 130


def _unwritable(char: str) -> bool:
    """Whether standard output's encoding (not UTF-8: a system set to another) cannot write ``char``, a character
    UTF-8 writes (not a lone surrogate: the undecodable bytes of a file name, which no setting would write)."""
    from procedures.outfiles import writes_utf8

    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if "\ud800" <= char <= "\udfff" or writes_utf8(encoding):
        return False
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return True
    except LookupError:
        pass
    return False


def usage_line(exc: clicks.UsageError) -> str:
    """click's usage error as one line: the option, what is wrong, where to read more."""
    command = exc.ctx.command_path if exc.ctx else "procedures"
    if isinstance(exc, clicks.BadParameter) and not isinstance(exc, clicks.MissingParameter) and exc.param is not None:
        opts = "/".join(getattr(exc.param, "opts", None) or [exc.param.human_readable_name])
        text = f"{opts}: {exc.message.removeprefix('Value error, ')}"
        import re

        found = re.match(r"'(.*?)' is not one of (.*)$", exc.message.removeprefix('Value error, ').strip())  # a closed set of values: name the nearest
        if found:
            from procedures.vocabulary import did_you_mean

            text = text.rstrip(".") + did_you_mean(found.group(1), re.findall(r"'([^']*)'", found.group(2)))
    else:
        text = exc.format_message()
    return f"{' '.join(text.split())} (see '{command} --help')"
