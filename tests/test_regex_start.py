"""The start filter gives the same matches as a plain scan, only faster."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagebild.annotate.regex_start import finditer, start_filter
from lagebild.annotate.timex import tag_timexes
from lagebild.annotate.timex_rules import RULES

PATTERNS = [
    r"(?:(?P<rel>(?i:nächsten|kommenden))\s+)?(?P<wd>Montag|Dienstag)",
    r"(?:[Gg]egen\s+)?(?:Anfang|Ende)\s+\d{4}",
    r"\b(?i:heute|morgen)\b",
    r"(?i:straße)",  # ß has case variants the engine knows (ẞ)
    r"[^a-z]\d+",
    r"(?:\d+\.)?\s*(?:Jänner|Januar)",
    r"(?<=am\s)Wochenende",
]
ALPHABET = "abcdefghijklmnopqrstuvwxyzAMDEJ0123456789 .ẞßſKÄäüÜ\n-"


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, max_size=80),
    insert=st.sampled_from(
        ["nächsten Montag", "Ende 2015", "HEUTE", "STRAẞE", "Jänner", "am Wochenende", "x42"]
    ),
)
def test_same_matches_as_finditer(pattern: str, text: str, insert: str) -> None:
    compiled = re.compile(pattern)
    starts = start_filter(compiled)
    assert starts is not None
    for sample in (text, text[: len(text) // 2] + insert + text[len(text) // 2 :]):
        expected = [m.span() for m in compiled.finditer(sample)]
        assert [m.span() for m in finditer(compiled, starts, sample)] == expected


def test_word_start_skips_matches_inside_words() -> None:
    pattern = re.compile(r"(?:letzten\s+)?Monat")
    starts = start_filter(pattern, word_start=True)
    text = "im vorletzten Monat und im letzten Monat"
    assert [m.group() for m in finditer(pattern, starts, text)] == ["Monat", "letzten Monat"]


def test_patterns_that_match_nothing_keep_the_plain_scan() -> None:
    # A pattern that can match the empty string has no set of first characters.
    assert start_filter(re.compile(r"(?:Montag)?")) is None
    assert start_filter(re.compile(r"(a)\1")) is not None
    assert start_filter(re.compile(r".Montag")) is None
    pattern = re.compile(r"\d*")
    assert [m.span() for m in finditer(pattern, None, "a1")] == [
        m.span() for m in pattern.finditer("a1")
    ]


def test_every_timex_rule_gets_a_filter() -> None:
    # A rule without one would silently fall back to the slow scan.
    assert all(start_filter(rule.pattern, word_start=True) is not None for rule in RULES)


def test_no_expression_from_the_middle_of_a_word() -> None:
    found = tag_timexes("Die Wahl fand im vorletzten Monat statt.", date(2025, 3, 3))
    assert all(t.text != "letzten Monat" for t in found)
    assert tag_timexes("Er feierte am Rosenmontag.", date(2025, 3, 3)) == []
