"""The engine's messages on the page: a command-line option they name becomes the page's field, by its label.

The evaluator's messages speak to the command line (``give --event NAME=DATE``,
``--when X does not apply``). The page shows them with the labels of its forms
instead, and the API with the names of its parameters (``--electorate-size``
reads ``electorate_size``), both mapped here, in the web layer: the engine's
words are not changed. An option the page has no field for is left as it is.
"""

from __future__ import annotations

import re

#: A later event and its date: the timeline form's two fields for the command line's --event NAME=DATE.
_EVENT = re.compile(r"--event ([A-Za-z0-9_.-]+)=(\S+?)(?=[\s,;)]|$)")

#: Each option (with the words after it that the form also names) → the form's label for it.
FIELDS = {
    "--date-order dmy": "“Dates written like 05/02/2027 are” day/month/year",
    "--date-order mdy": "“Dates written like 05/02/2027 are” month/day/year",
    "--date-order": "“Dates written like 05/02/2027 are”",
    "--event": "“A later event”",
    "--when": "“Circumstances”",
    "--kind": "“Kind of meeting”",
    "--opens": "“First day”",
    "--closes": "“Last day”",
    "--opening-time": "“Opening session”",
    "--received": "“Date received”",
    "--earliest-from": "“the earliest opening if the circular goes out on”",
    "--procedure": "“Procedure”",
    "--start": "“Started on”",
    "--circulated": "“Circular sent on”",
    "--electorate-size": "“Participants”",
    "--requested-by": "“Asked for more time at the meeting”",
    "--attendance FILE": "“Attendance”",
    "--attendance": "“Attendance”",
    "--value": "“Number”",
    "--pages": "“Pages”",
    "--previous-pages": "“Pages of the previous version”",
    "--question-total": "“Pages of all the Question's new reports”",
    "--from": "“Agenda from”",
    "--to": "“Agenda to”",
    "--format json": "the API's JSON",
}
_OPTION = re.compile("|".join(re.escape(k) for k in sorted(FIELDS, key=len, reverse=True)) + r"(?![A-Za-z-])")


def page_words(message: str) -> str:
    """A message as the page shows it: each option it names replaced by the label of the form's field."""
    if "--" not in message:
        return message
    message = _EVENT.sub(lambda m: f"{FIELDS['--event']} {m.group(1)} on “Its date” {m.group(2)}", message)
    return _OPTION.sub(lambda m: FIELDS[m.group()], message)


#: A command-line option in a message: --name or --two-words, not part of a longer word.
_ANY_OPTION = re.compile(r"(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)")


def api_words(message: str) -> str:
    """A message as the API answers it: each option it names becomes the API's parameter (--opening-time -> opening_time)."""
    if "--" not in message:
        return message
    return _ANY_OPTION.sub(lambda m: m.group(1).replace("-", "_"), message)
