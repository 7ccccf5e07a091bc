"""Error types. Every error the user can cause is one line that says what to change."""


class ProceduresError(Exception):
    """Base class for errors reported to the user as a single line."""


class RuleFileError(ProceduresError):
    """A rule file is malformed. Names the file, the rule and the fix."""

    def __init__(self, file: str, rule: str | None, problem: str, fix: str, label: str = "rule"):
        self.file = file
        self.rule = rule
        self.problem = problem
        self.fix = fix
        where = f"{file}: {label} '{rule}'" if rule else file
        super().__init__(f"{where}: {problem} — {fix}")


class RuleSetErrors(ProceduresError):
    """Several rule-file errors found in one pass over a rules folder."""

    def __init__(self, errors: list[RuleFileError]):
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more; run 'procedures rules validate')" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")


class InputError(ProceduresError):
    """Bad input from the user (a date, a kind, a file)."""


class CalendarError(ProceduresError):
    """A date falls outside the years the closure calendar covers."""


class EvaluationError(ProceduresError):
    """A rule cannot be evaluated for these inputs (e.g. a month end a rule refuses to clip)."""
