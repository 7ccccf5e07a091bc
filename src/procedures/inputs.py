"""Whole numbers and free text from users, checked before they are used.

One parser for every whole number a user types (the web service's fields;
the command line's options may use it too): ASCII digits only, at most
``len(str(most))`` significant digits, within bounds. The length is checked
before the text is converted, so a 5,000-digit number or a superscript '²'
is a one-line error, never a crash.

Free text that goes into a file (a calendar's name) is refused when it has a
control character or a line or paragraph separator, or is too long: such a
character would end a line of an iCalendar file or a CSV cell.
"""

from __future__ import annotations

import unicodedata

from procedures.errors import InputError

#: The largest whole number any field accepts unless it says otherwise (9 digits).
MOST = 999_999_999
#: How much of a refused value an error message repeats.
SHOWN = 40
#: Unicode categories refused in text that goes into files: controls, line and paragraph separators,
#: and surrogates (bytes that were not UTF-8, as Python receives them from a command line).
REFUSED_CATEGORIES = ("Cc", "Zl", "Zp", "Cs")


def one_line(text: str) -> str:
    """Text with its control characters and line breaks written as \\xNN or \\uNNNN (a message stays one line)."""
    return "".join((f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") if unicodedata.category(c) in REFUSED_CATEGORIES else c
                   for c in text)


def shown(text: object) -> str:
    """A value as an error message may repeat it: on one line (``one_line``), cut after SHOWN characters."""
    s = str(text)
    return one_line(s[:SHOWN]) + (f"… ({len(s)} characters)" if len(s) > SHOWN else "")


def parse_whole(text: object, what: str, least: int = 0, most: int = MOST) -> int:
    """A whole number between ``least`` and ``most``, from text of ASCII digits (spaces around allowed)."""
    s = str(text).strip()
    if not (s.isascii() and s.isdigit()):
        raise InputError(f"{what} '{shown(text)}' is not a whole number; write digits 0-9 only, e.g. 7")
    significant = s.lstrip("0") or "0"
    if len(significant) > len(str(most)):
        raise InputError(f"{what} '{shown(s)}' is too large; at most {most}")
    value = int(significant)
    if value > most:
        raise InputError(f"{what} {value} is too large; at most {most}")
    if value < least:
        raise InputError(f"{what} {value} is below {least}; give {least} or more")
    return value


def plain_text(text: str, what: str, most: int) -> str:
    """Text without control characters or line breaks, at most ``most`` characters once trimmed."""
    s = text.strip()
    bad = next((c for c in s if unicodedata.category(c) in REFUSED_CATEGORIES), None)
    if bad is not None:
        raise InputError(f"{what} '{shown(s)}' has a control character or line break (U+{ord(bad):04X}); remove it")
    if len(s) > most:
        raise InputError(f"{what} is {len(s)} characters long; at most {most}")
    return s
