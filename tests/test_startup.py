"""The command line's options are read without typer's pydantic adapters (procedures.cliparse, issue 17: start-up),
and read exactly as typer's own coercion reads them: the same value, or the same error. And a finished command leaves
without tearing the interpreter down (cli.main), keeping its code, its output and the exit handlers it registered."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import typer.core
import typer.main
from typer._click import Context

from procedures.cli import app

#: Values a front end may hand to an option's coercion, by the option's kind (click passes text; defaults are values).
TEXTS = ["x", "", "  2026-09-14 ", "é", "-", "~/x", "a/b", "TABLE", "table", "json", "Json", "nope", "7", "0", "-1", "99999", "1e3", "٣"]
VALUES = [None, True, False, 7, Path("a"), ("a", "b"), (), ["c"], b"bytes"]


def _parameters():
    found = []

    def walk(command, path):
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))
        for p in command.params:
            if hasattr(p, "get_runtime_param"):
                found.append((" ".join(path), command, p))

    walk(typer.main.get_command(app), ())
    return found


PARAMETERS = _parameters()


def _outcome(coerce):
    try:
        value = coerce()
    except Exception as exc:  # noqa: BLE001 - the kind and words of the error are what is compared
        return ("error", type(exc).__name__, str(getattr(exc, "message", exc)))
    return ("value", type(value).__name__, value)


@pytest.mark.parametrize("where,command,param", PARAMETERS, ids=[f"{w} {p.name}" for w, _, p in PARAMETERS])
def test_each_option_reads_every_value_as_typers_own_coercion_does(where, command, param):
    quick = param.get_runtime_param()
    own = typer.core.build_runtime_param.original(param.type_descriptor)
    ctx = Context(command)
    for value in [*TEXTS, *VALUES, *([c for c in param.type_descriptor.choices or ()])]:
        given = (value,) if param.multiple and isinstance(value, str) else value
        assert _outcome(lambda: quick.coerce(given, param=param, ctx=ctx)) == _outcome(lambda: own.coerce(given, param=param, ctx=ctx)), (where, param.name, value)


def test_the_options_of_the_commands_that_start_often_are_read_without_an_adapter():
    kinds = {type(p.get_runtime_param()).__name__ for _, _, p in PARAMETERS}
    assert "AdapterRuntimeParam" in kinds  # serve --workers (a number with bounds) keeps typer's own
    quick = {f"{w} {p.name}" for w, _, p in PARAMETERS if type(p.get_runtime_param()).__name__ == "QuickRuntimeParam"}
    assert {"check kind", "check received", "check fmt", "check rules", "check chair_admitted", "schedule event",
            "calendar year", "check-batch file", "serve plans"} <= quick


def test_check_builds_no_pydantic_adapter_for_its_options():
    code = (
        "import sys\n"
        "from procedures.cli import run\n"
        "run(['check', '--kind', 'study-group', '--opens', '2026-09-14', '--received', '2026-09-03', '--format', 'json'])\n"
        "print('typer._adapters' in sys.modules)\n"
    )
    assert _printed(code)[-1] == "False"


def test_a_value_outside_the_choices_is_refused_in_typers_words():
    proc = subprocess.run([sys.executable, "-m", "procedures", "check", "--kind", "study-group", "--opens", "2026-09-14",
                           "--received", "2026-09-03", "--format", "jsno"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "error: --format: 'jsno' is not one of 'text', 'json' (did you mean 'json'?) (see 'procedures check --help')\n"


def _printed(code: str) -> list[str]:
    """The lines a fresh Python process running ``code`` prints, once it has succeeded."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()


def _main(body: str, *args: str) -> subprocess.CompletedProcess:
    """Run procedures.cli.main in a fresh process, after ``body`` (Python run first)."""
    code = f"import sys\nfrom procedures import cli\n{body}\nsys.argv = ['procedures', *{list(args)!r}]\ncli.main()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_a_finished_command_leaves_without_tearing_the_interpreter_down():
    torn = "class Torn:\n    def __del__(self):\n        print('torn down', flush=True)\ncli._torn = Torn()"
    proc = _main(torn, "check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-03")
    assert proc.returncode == 0 and proc.stdout.startswith("LATE: ") and "torn down" not in proc.stdout
    proc = _main(torn, "check", "--kind", "study-group", "--opens", "2026-09-14")
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "torn down" not in proc.stdout


def test_exit_handlers_registered_while_the_command_ran_still_run_and_the_code_is_kept():
    body = ("import atexit\n"
            "def run(argv):\n"
            "    atexit.register(print, 'handler ran', flush=True)\n"
            "    print('partial output without a newline', end='')\n"
            "    return 3\n"
            "cli.run = run")
    proc = _main(body)
    assert proc.returncode == 3
    assert proc.stdout == "partial output without a newlinehandler ran\n"


def test_with_a_handler_registered_before_the_command_the_interpreter_exits_as_usual():
    body = "import atexit\natexit.register(print, 'registered first', flush=True)\n" + \
           "class Torn:\n    def __del__(self):\n        print('torn down', flush=True)\ncli._torn = Torn()"
    proc = _main(body, "check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-03")
    assert proc.returncode == 0 and "registered first" in proc.stdout and "torn down" in proc.stdout


def test_a_program_that_calls_main_from_a_function_exits_as_usual():
    code = ("import sys\nfrom procedures import cli\n"
            "def host():\n"
            "    sys.argv = ['procedures', 'check', '--kind', 'study-group', '--opens', '2026-09-14', '--received', '2026-09-03']\n"
            "    try:\n"
            "        cli.main()\n"
            "    except SystemExit as exc:\n"
            "        print('main said', exc.code)\n"
            "host()\n"
            "sys.exit(5)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 5 and "main said 0" in proc.stdout


def _paths(command, path=()):
    """Every command's path in the whole app (['rules', 'list'], ['check'], ...), groups included."""
    yield list(path)
    for name, sub in getattr(command, "commands", {}).items():
        yield from _paths(sub, (*path, name))


WHOLE = typer.main.get_command(app)
PATHS = [p for p in _paths(WHOLE) if p]


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) for p in PATHS])
def test_a_command_run_alone_has_the_help_it_has_in_the_whole_app(path, capsys):
    from procedures.cli import _command

    alone = _command([*path, "--help"])
    assert alone(args=[*path, "--help"], prog_name="procedures", standalone_mode=False) in (0, None)
    quick = capsys.readouterr()
    WHOLE(args=[*path, "--help"], prog_name="procedures", standalone_mode=False)
    assert quick == capsys.readouterr()


def test_check_makes_its_own_command_only_and_the_help_of_the_app_makes_them_all(monkeypatch):
    from procedures import cli

    made = []
    original = typer.main.get_command_from_info
    monkeypatch.setattr(typer.main, "get_command_from_info", lambda *a, **k: made.append(1) or original(*a, **k))
    cli._command(["check", "--kind", "study-group"])
    assert len(made) == 1
    made.clear()
    cli._command(["rules", "list"])
    assert len(made) == 1
    made.clear()
    typer.main.get_command(app)
    every = len(made)
    for argv, count in (([], every), (["--help"], every), (["chek"], every), (["rules"], len(WHOLE.commands["rules"].commands)),
                        (["rules", "--help"], len(WHOLE.commands["rules"].commands))):
        made.clear()
        cli._command(argv)
        assert len(made) == count, argv


def test_an_unknown_command_is_still_met_with_the_nearest_names():
    proc = subprocess.run([sys.executable, "-m", "procedures", "chek"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "error: No such command 'chek'. Did you mean 'check'? (see 'procedures --help')\n"


# --- requests read without building pydantic's validator (procedures.plainread) -------------------------------------

def _requests():
    from procedures import jobs

    return [getattr(jobs, name) for name in sorted(jobs.REQUESTS)]


SAMPLES = ["study-group", "2026-09-14", " 2026-09-14 ", "2026-13-01", "10:00", "25:00", "7", "-1", "1/2", "2.5", "x", "", " ",
           "iso", "dmy", "json", "a=2026-09-14", True, False, 0, 7, 2.5, dt.date(2026, 9, 14), dt.datetime(2026, 9, 14, 10),
           dt.time(10), Fraction(1, 2), Path("a.csv"), b"x", ["a"], ("a",), ("a=2026-09-14",), (("a", dt.date(2026, 9, 14)),), None]


def _outcome_of(read, *args):
    """What reading gives: the request, None (pydantic's validation error, or left to pydantic), or the error raised."""
    from pydantic import ValidationError

    try:
        return read(*args)
    except ValidationError:
        return None
    except Exception as exc:  # noqa: BLE001 - our parsers' errors pass through pydantic: the kind and words are compared
        return (type(exc), str(exc))


def _good(model, context) -> dict:
    """One value pydantic accepts for each required field of ``model``."""
    from pydantic import ValidationError

    good = {}
    for name, info in model.model_fields.items():
        if info.is_required():
            for sample in SAMPLES:
                try:
                    model.model_validate({name: sample}, context=context)
                except ValidationError as exc:
                    if any(e["loc"][:1] == (name,) for e in exc.errors()):
                        continue
                except Exception:  # noqa: BLE001 - our parser refused it
                    continue
                good[name] = sample
                break
    return good


def _same(quick, slow) -> bool:
    return (type(quick) is type(slow) and quick.model_fields_set == slow.model_fields_set and quick.__pydantic_private__ == slow.__pydantic_private__
            and all(type(getattr(quick, f)) is type(getattr(slow, f)) and getattr(quick, f) == getattr(slow, f) for f in type(slow).model_fields))


@pytest.mark.parametrize("model", _requests(), ids=lambda m: m.__name__)
def test_a_request_read_plainly_is_the_one_pydantic_makes_or_is_left_to_pydantic(model):
    from procedures.plainread import read

    for front in ("cli", "web"):
        context = {"front": front, "model": model}
        good = _good(model, context)
        trials = [good, {}, {**good, "unknown": "x"}]
        trials += [{**good, name: sample} for name in model.model_fields for sample in SAMPLES]
        for values in trials:
            quick = _outcome_of(read, model, values, context)
            if quick is not None:
                slow = _outcome_of(lambda: model.model_validate(values, context=context))
                assert slow is not None, (model.__name__, values)
                assert quick == slow if isinstance(quick, tuple) else _same(quick, slow), (model.__name__, values)


def test_the_request_of_check_is_read_plainly():
    from procedures import jobs
    from procedures.plainread import read

    values = {"kind": " study-group ", "opens": "2026-09-14", "received": "2026-09-03", "opening_time": "10:00", "closes": "2026-09-18",
              "chair_admitted": True}
    quick = read(jobs.CheckRequest, values, {"front": "cli", "model": jobs.CheckRequest})
    assert quick is not None and _same(quick, jobs.CheckRequest.model_validate(values, context={"front": "cli", "model": jobs.CheckRequest}))
    assert quick.kind == "study-group" and quick.opens == dt.date(2026, 9, 14)


UNNEEDED = ("pydantic.plugin._loader", "importlib.metadata", "tomllib", "dateutil", "html")


def test_check_with_its_rules_in_the_cache_validates_nothing_parses_no_toml_and_counts_no_months(tmp_path):
    """No pydantic validation (whose first one looks for plugins in every distribution's metadata), no TOML parser,
    no month arithmetic, no Markdown escaping: one check needs none of them."""
    code = (
        "import sys\n"
        "from procedures.cli import run\n"
        "run(['check', '--kind', 'study-group', '--opens', '2026-09-14', '--received', '2026-09-03'])\n"
        f"print([m for m in {UNNEEDED!r} if m in sys.modules])\n"
    )
    env = {**os.environ, "PROCEDURES_CACHE_DIR": str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)  # writes the cache
    assert first.returncode == 0, first.stderr
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == "[]"


def test_a_bad_value_is_still_worded_by_pydantic_as_before():
    from procedures import jobs
    from procedures.errors import InputError

    for given, message in ((dict(opens="2026-13-14"), "--opens '2026-13-14' is not a date; write it as YYYY-MM-DD, e.g. 2026-09-14"),
                           (dict(opening_time="25:00"), "--opening-time")):
        with pytest.raises(InputError) as caught:
            jobs.CheckRequest.parse(jobs.CLI, **{"kind": "study-group", "opens": "2026-09-14", "received": "2026-09-03", **given})
        assert message in str(caught.value)


def test_a_command_makes_its_own_request_model_alone_and_every_one_is_there_when_asked_for():
    code = (
        "import sys\n"
        "from procedures.cli import run\n"
        "run(['check', '--kind', 'study-group', '--opens', '2026-09-14', '--received', '2026-09-03'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('procedures.requests.')))\n"
        "from procedures import jobs\n"
        "from procedures.jobs import ScheduleRequest\n"
        "print(all(issubclass(getattr(jobs, n), jobs.Request) and getattr(jobs, n).__name__ == n for n in jobs.REQUESTS), "
        "ScheduleRequest is jobs.ScheduleRequest, set(jobs.REQUESTS) <= set(dir(jobs)))\n"
    )
    assert _printed(code)[-2:] == ["['procedures.requests.check']", "True True True"]
    from procedures import jobs

    with pytest.raises(AttributeError):
        jobs.NoSuchRequest  # noqa: B018 - an unknown name is still an AttributeError
