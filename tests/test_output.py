"""Terminal tables: fitted to a width by wrapping the widest column; colour only on a terminal."""

from __future__ import annotations

import io

from hypothesis import given, strategies as st

from procedures.output import colour_wanted, styled, terminal_width, text_table

LONG = "Invitation circular sent and posted on the ITU-D webpage (only if the meeting was not planned in advance)"


def test_a_table_wider_than_the_terminal_wraps_its_widest_column():
    out = text_table(["Date", "What is due", "Paragraph"], [("2026-06-14", LONG, "Res. 1 § 3.7.2")], width=70)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 70
    assert len(lines) > 3  # the description runs over several lines
    assert lines[2].startswith("2026-06-14") and lines[2].endswith("Res. 1 § 3.7.2")
    assert " ".join(line[12:].split("Res. 1")[0].strip() for line in lines[2:]) == LONG  # nothing lost


def test_a_table_that_fits_is_unchanged_and_no_width_means_no_wrapping():
    rows = [("2026-06-14", "short", "§ 1")]
    assert text_table(["A", "B", "C"], rows, width=200) == text_table(["A", "B", "C"], rows)
    assert "\n" not in text_table(["A", "B"], [("x", LONG)]).splitlines()[2]


@given(st.lists(st.text(alphabet="abc de", min_size=0, max_size=60), min_size=1, max_size=5), st.integers(40, 120))
def test_wrapping_never_loses_a_word(words, width):
    rows = [("2026-01-01", w, "§ 1") for w in words]
    def words(table):
        return sorted(w for line in table.splitlines() if not line.startswith("---") for w in line.split())

    assert words(text_table(["Date", "Text", "Cite"], rows, width=width)) == words(text_table(["Date", "Text", "Cite"], rows))


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert colour_wanted(Tty()) and not colour_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Tty())
    assert styled("LATE", "bad", on=False) == "LATE"
    assert styled("LATE", "bad", on=True).startswith("\x1b[") and "LATE" in styled("LATE", "bad", on=True)


def test_the_width_is_columns_when_set_else_the_terminal_s_else_none(monkeypatch):
    monkeypatch.setenv("COLUMNS", "90")
    assert terminal_width(io.StringIO()) == 90
    monkeypatch.delenv("COLUMNS")
    assert terminal_width(io.StringIO()) is None
