"""Dedup: copies grouped (cut, extended, edited, new furniture), other stories apart."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lagebild.dedup import Deduplicator, Signature, word_hashes

WORDS = (
    "Regierung Gespräche Frieden Ukraine Moskau Washington Gesandter Treffen Woche Plan "
    "Sicherheit Garantien Europa Präsident Minister Erklärung Verhandlungen Delegation "
    "Wahl Haushalt Bundestag Streik Hafen Schiff Wetter Sturm Flughafen Bahn Preise Markt"
).split()


def story(seed: int, paragraphs: int = 6, words: int = 45) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(WORDS) + str(rng.randrange(400)) for _ in range(words))
        for _ in range(paragraphs)
    ]


def test_dedup_word_hashes_fold_case_and_ignore_punctuation() -> None:
    a, b = word_hashes("Der Gesandte, sagte: «Frieden»!"), word_hashes("der gesandte sagte frieden")
    assert np.array_equal(a, b)
    assert word_hashes("").size == 0


def test_dedup_shortened_extended_and_edited_copies_join_the_original() -> None:
    dedup = Deduplicator()
    original = story(1)
    assert dedup.add("orig", "\n\n".join(original), "2025-12-22").canonical == "orig"
    cut = "\n\n".join(["Diesen Artikel teilen", *original[:3]])
    assert dedup.add("cut", cut, None).canonical == "orig"
    extended = "\n\n".join([*original, *story(2, paragraphs=2)])
    # Same date, longer: the extended copy becomes the group's canonical.
    assert "orig" in dedup.add("ext", extended, "2025-12-22").members
    rng = random.Random(3)
    edited = "\n\n".join(
        " ".join(w if rng.random() > 0.15 else "anders" for w in p.split()) for p in original
    )
    assert dedup.add("edit", edited, "2025-12-23").canonical == "ext"


def test_dedup_different_stories_of_one_site_stay_apart() -> None:
    dedup = Deduplicator()
    furniture = ["Diesen Artikel teilen", "Mehr zum Thema", "Jetzt den Newsletter abonnieren"]
    a = dedup.add("a", "\n\n".join([*furniture, *story(10)]), "2025-01-01")
    b = dedup.add("b", "\n\n".join([*furniture, *story(11)]), "2025-01-01")
    assert a.canonical == "a" and b.canonical == "b"


def test_dedup_earlier_copy_becomes_canonical_and_dates_undated_copy() -> None:
    dedup = Deduplicator()
    text = "\n\n".join(story(4))
    dedup.add("late", text, None)
    decision = dedup.add("early", text, "2025-12-22")
    assert decision.canonical == "early" and decision.published == "2025-12-22"
    assert sorted(decision.members) == ["early", "late"]


def test_dedup_bridging_article_merges_groups() -> None:
    dedup = Deduplicator()
    full = story(5, paragraphs=8)
    dedup.add("head", "\n\n".join(full[:3]), "2025-01-02")
    dedup.add("tail", "\n\n".join(full[5:]), "2025-01-02")
    decision = dedup.add("full", "\n\n".join(full), "2025-01-01")
    assert decision.canonical == "full"
    assert sorted(decision.members) == ["full", "head", "tail"]


def test_dedup_stored_signature_without_shingles_still_matches() -> None:
    dedup = Deduplicator()
    text = "\n\n".join(story(6))
    sig = dedup.signature(text)
    stored = Signature.from_stored(sig.stored_form(), sig.shingles, sig.whole)  # as in SQLite
    dedup.add("stored", "", "2025-01-01", stored)
    assert dedup.add("new", text[: len(text) // 2], None).canonical == "stored"


def test_dedup_stored_form_keeps_the_index_keys_whole_and_low_bytes_of_the_rest() -> None:
    dedup = Deduplicator()
    sig = dedup.signature("\n\n".join(story(7)))
    data = sig.stored_form()
    assert len(data) == 32 * 4 + 96
    back = Signature.from_stored(data, sig.shingles, sig.whole)
    assert np.array_equal(back.hashvalues[:32], sig.hashvalues[:32])
    assert np.array_equal(back.hashvalues[32:], sig.hashvalues[32:] & 0xFF)
    # A row stored before m012 keeps every value whole.
    old = Signature.from_stored(sig.hashvalues.astype("<u4").tobytes(), sig.shingles, None)
    assert np.array_equal(old.hashvalues, sig.hashvalues)


def test_dedup_estimate_from_stored_low_bytes_is_close_to_the_whole_values() -> None:
    dedup = Deduplicator()
    base = story(8, paragraphs=10)
    pairs = [(base, base[:k]) for k in (2, 5, 8)] + [(base, story(9 + n)) for n in range(5)]
    for a_text, b_text in pairs:
        a = dedup.signature("\n\n".join(a_text))
        b = dedup.signature("\n\n".join(b_text))
        whole = [Signature(s.hashvalues, s.shingles) for s in (a, b)]
        stored = [Signature.from_stored(s.stored_form(), s.shingles, s.whole) for s in (a, b)]
        exact = dedup.containment_of(a, b)
        assert abs(dedup.containment_of(*stored) - dedup.containment_of(*whole)) < 0.05
        assert abs(dedup.containment_of(*stored) - exact) < 0.15
        assert (dedup.containment_of(*stored) >= dedup.containment) == (exact >= dedup.containment)


def test_dedup_window_forgets_old_articles_and_groups() -> None:
    dedup = Deduplicator(window=5, window_days=3)
    for n in range(20):
        dedup.add(f"a{n}", "\n\n".join(story(100 + n)), f"2025-01-{1 + n:02d}")
    assert len(dedup.slots_) <= 5 and len(dedup.groups_) <= 5 and len(dedup.index_) <= 5 * 32


def test_dedup_article_older_than_the_window_gets_its_decision() -> None:
    # Found by a 100,000-page bench: once the slot ahead of them leaves by count, pages
    # dated long before the newest one seen are forgotten as soon as they are added,
    # the last one added included; its decision must still come back.
    dedup = Deduplicator(window=3, window_days=30)
    dedup.add("recent", "\n\n".join(story(1)), "2026-01-10")
    for n in range(2):
        dedup.add(f"old{n}", "\n\n".join(story(10 + n)), "2016-08-22")
    text = "\n\n".join(story(20))
    decision = dedup.add("old", text, "2016-08-22")
    assert decision.canonical == "old" and decision.members == ["old"]
    assert decision.published == "2016-08-22"
    assert "old" not in dedup.group_of_  # out of the window at once
    copy = dedup.add("old-copy", text, "2016-08-23")
    assert copy.canonical == "old-copy"


def test_dedup_rejects_bad_parameters() -> None:
    for kwargs in ({"containment": 0.0}, {"num_perm": 100}, {"index_keys": 0}, {"window": 0}):
        try:
            Deduplicator(**kwargs)  # type: ignore[arg-type]
        except ValueError:
            continue
        raise AssertionError(f"accepted {kwargs}")


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_dedup_containment_is_symmetric(a: int, b: int) -> None:
    dedup = Deduplicator()
    sa, sb = dedup.signature("\n\n".join(story(a))), dedup.signature("\n\n".join(story(b)[:3]))
    assert dedup.containment_of(sa, sb) == dedup.containment_of(sb, sa)


def test_dedup_decision_says_when_earlier_members_change() -> None:
    dedup = Deduplicator()
    text = "\n\n".join(story(11))
    assert not dedup.add("first", text, "2025-12-22").changed  # a group of one
    second = dedup.add("second", text[: len(text) * 3 // 4], "2025-12-23")
    assert second.canonical == "first" and not second.changed  # only the new copy to write
    earlier = dedup.add("earlier", text, "2025-12-21")
    assert earlier.canonical == "earlier" and earlier.changed  # every member's canonical moved
    assert not dedup.add("earlier", text, "2025-12-21").changed  # seen before
