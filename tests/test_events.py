"""Events from sentences: kind, status, participants, place, date, merging."""

from __future__ import annotations

from datetime import date

from lagebild.events import find_events, merge_across
from lagebild.events.triggers import find_triggers, status_of
from lagebild.model import EntityLabel, Event, Mention, Timex


def _mentions(text: str, names: dict[str, EntityLabel]) -> list[Mention]:
    """Mentions of every occurrence of each name (whole words) in ``text``."""
    found = []
    for name, label in names.items():
        start = text.find(name)
        while start >= 0:
            found.append(Mention(name, start, start + len(name), label))
            start = text.find(name, start + 1)
    return sorted(found, key=lambda m: m.start)


def _timex(text: str, phrase: str, value: str) -> Timex:
    start = text.index(phrase)
    return Timex(phrase, start, start + len(phrase), "DATE", value)


def test_events_triggers_kind_and_status() -> None:
    cases = {
        "Das geplante Treffen war am 25. Oktober von Trump abgesagt worden.": (
            "meeting",
            "cancelled",
        ),
        "Das für Mittwoch geplante Treffen wurde verschoben.": ("meeting", "postponed"),
        "Am 6. Jänner solle dann in Paris ein Treffen der Staatschefs folgen.": (
            "meeting",
            "planned",
        ),
        "Am Dienstag hatte Witkoff bei seinem sechsten Treffen mit Putin erläutert.": (
            "meeting",
            "happened",
        ),
        "Putin hatte bei seinem Gipfeltreffen mit Trump in Alaska gesagt, es gebe Fortschritte.": (
            "summit",
            "happened",
        ),
        "Die USA haben am Mittwoch mit der Ukraine telefoniert.": ("call", "happened"),
        "Der Kanzler will am Freitag Kiew besuchen.": ("visit", "planned"),
    }
    for sentence, (kind, status) in cases.items():
        triggers = find_triggers(sentence)
        assert triggers, sentence
        assert (triggers[0].kind, status_of(sentence, triggers[0])) == (kind, status), sentence


def test_events_no_trigger_in_ordinary_sentences() -> None:
    assert find_triggers("Die Preise für Strom stiegen im Herbst deutlich.") == []
    assert find_triggers("Ein Gesprächspartner wollte anonym bleiben.") == []


def test_events_no_meeting_in_idioms_matches_and_court_hearings() -> None:
    # A 4,000-article store: "Im Gespräch sind auch Kooperationsangebote" (under
    # discussion) was a meeting, "Auf Deutschland trifft Ecuador" (a match) and "treffen
    # mit der Schweiz ... auf ihren Traumgegner" too, and a court's "mündliche
    # Verhandlung" a meeting of the man who expected it.
    for sentence in (
        "Im Gespräch sind auch Kooperationsangebote an den Iran.",
        "Der Plan brachte ihn wieder ins Gespräch.",
        "Auf Deutschland trifft Ecuador am 20. Juni in Berlin.",
        "Diese treffen mit der Schweiz als Kontrahenten auf ihren Traumgegner.",
        "Der Vorschlag traf auf heftigen Widerstand der Opposition.",
        "Feldmann rechne mit einer mündlichen Verhandlung in zehn Tagen.",
        "Die Hauptverhandlung gegen Müller beginnt im Mai.",
        # Football's "treffen" (to score) and "eine Entscheidung treffen" (to make one).
        "Julian Wießmeier erzielte das 2:0 (44.) und traf in der 74. Minute erneut.",
        "Keita traf in der 28. Minute für Salzburg.",
        "André Ayew versuchte sich aus 20 Metern, traf jedoch knapp über das Tor.",
        "Je eher wir eine Entscheidung treffen, desto besser.",
        "Die Regierung will rasch Vorkehrungen treffen.",
        # "getroffen" as hit, "treffen auf" as to meet with (a reaction, a rival).
        "Am Dienstag wurde in Liesing ein Arbeiter von einer Betonplatte getroffen.",
        "Der Tunesier Abu al-Hija wurde am Mittwochabend tödlich getroffen.",
        "Innerhalb der CDU trafen die Äußerungen auf einhellige Ablehnung.",
        "Der Portugiese trifft in Lissabon auf einen alten Rivalen.",
        "Gegen Chelsea traf der 34-Jährige im Hinspiel per Freistoß zum 1:0.",
        "1899 Hoffenheim empfing den SC Freiburg zu einer umkämpften Partie.",
        "Sollte sich Thiem durchsetzen, trifft er auf den Sieger der Partie.",
        "Er gewann 6:4, 6:2 und trifft nun auf den topgesetzten Spanier.",
        "Dies trifft die Japaner hart.",
        "Dort trifft er am Mittwoch auf den kroatischen Champion Cilic.",
        "Nach dem Corner trifft Andreas Ulmer mit einem herrlichen Schuss ins Kreuzeck.",
        "Nach Beginn des Schlussdrittels traf aber Kozek zum Ausgleich.",
        # "eintreffen" is to arrive.
        "Der Papst traf am Sonntag in Quito ein.",
        "Im März trafen 18.234 Migranten in Süditalien ein.",
        "Der Niederösterreicher trifft in der ersten Runde auf den Slowaken Martin Klizan.",
        "Messi traf zwar nach 120 torlosen Minuten vom Punkt.",
        "Mayr meinte, dies sei eine Entscheidung, die von der Stadtpartei zu treffen sei.",
        # Interviews are no meetings.
        "Die Frage ist eine Identitätsfrage, sagt er im STANDARD-Gespräch.",
        "Der Fotograf bestätigt im Gespräch mit dem STANDARD, dass er klagt.",
        "Das sagte er im Gespräch mit der Finanz-Nachrichtenagentur dpa-AFX.",
        "Der beim Pressegespräch anwesende Ingo Mayr meinte das.",
    ):
        assert [t for t in find_triggers(sentence) if t.kind == "meeting"] == [], sentence
    # A possible or feared attack is none that happened.
    for sentence in (
        "Die Taten wurden von der Angst vor einem möglichen Anschlag überschattet.",
        "Sicherheitsgarantien für den Iran vor militärischen Angriffen sind im Angebot.",
        "Kenia: USA warnen von drohendem Anschlag",
    ):
        assert find_triggers(sentence) == [], sentence
    assert find_triggers("Bei einem Anschlag in Kabul starben zehn Menschen.")[0].kind == "attack"
    # A meeting is still one: with "sich", and a talk "im Gespräch mit" a person.
    assert [t.text for t in find_triggers("Merz traf sich auf Schloss Elmau mit Macron.")] == [
        "traf"
    ]
    assert find_triggers("Putin traf Witkoff am Dienstag.")[0].kind == "meeting"
    assert find_triggers("Sie sollen im März einen Agenten getroffen haben.")[0].kind == "meeting"
    assert find_triggers("Merz traf Macron auf Schloss Elmau.")[0].kind == "meeting"
    # Words of matches and decisions that are other words too.
    for sentence in (
        "Merkel traf Obama am Brandenburger Tor.",
        "In kleiner Runde trafen sich die Minister in Brüssel.",
        "Merkel traf Macron vor der Wahl in Paris.",
    ):
        assert [t.kind for t in find_triggers(sentence)] == ["meeting"], sentence
    assert [t for t in find_triggers("Im Angriff klappte es schon.") if t.kind == "attack"] == []
    assert find_triggers("Im Gespräch mit Macron sagte Merz das.")[0].kind == "meeting"


def test_events_participants_place_and_date_from_the_sentence() -> None:
    text = "Der US-Sondergesandte Steve Witkoff war am Dienstag vom russischen Präsident Wladimir Putin in Moskau empfangen worden."
    mentions = _mentions(text, {"Steve Witkoff": "PER", "Wladimir Putin": "PER", "Moskau": "LOC"})
    events = find_events(
        text, mentions, [_timex(text, "am Dienstag", "2025-12-02")], date(2025, 12, 4)
    )
    assert len(events) == 1
    event = events[0]
    assert (event.type, event.date, event.place) == ("meeting", "2025-12-02", "Moskau")
    assert event.participants == ["Steve Witkoff", "Wladimir Putin"]


def test_events_reporters_and_role_possessors_are_no_participants() -> None:
    text = (
        "Der US-Sondergesandte Steve Witkoff und der Schwiegersohn von US-Präsident Donald Trump, "
        "Jared Kushner, wollen die Delegation in Florida treffen, wie die New York Times und der "
        "Sender CBS News berichteten."
    )
    names: dict[str, EntityLabel] = {
        "Steve Witkoff": "PER",
        "Donald Trump": "PER",
        "Jared Kushner": "PER",
        "Florida": "LOC",
        "New York Times": "ORG",
        "CBS News": "ORG",
    }
    events = find_events(text, _mentions(text, names), [], date(2025, 12, 4))
    assert len(events) == 1
    assert events[0].participants == ["Steve Witkoff", "Jared Kushner"]
    assert (events[0].type, events[0].place, events[0].date) == ("meeting_planned", "Florida", None)


def test_events_speaker_of_a_report_is_no_participant() -> None:
    text = 'Trump sagte am Mittwoch, Putin hätte ein "sehr gutes Treffen" mit Witkoff und Kushner gehabt.'
    names: dict[str, EntityLabel] = {
        "Trump": "PER",
        "Putin": "PER",
        "Witkoff": "PER",
        "Kushner": "PER",
    }
    events = find_events(text, _mentions(text, names), [], date(2025, 12, 4))
    assert events[0].participants == ["Putin", "Witkoff", "Kushner"]


def test_events_past_event_without_a_date_takes_the_articles() -> None:
    text = "Witkoff traf in Miami den russischen Unterhändler Dmitrijew zu langen Gesprächen."
    names: dict[str, EntityLabel] = {"Witkoff": "PER", "Dmitrijew": "PER", "Miami": "LOC"}
    events = find_events(
        text, _mentions(text, names), [], date(2025, 12, 22), precision="2025-12-22"
    )
    assert [(e.type, e.date, e.place) for e in events] == [("meeting", "2025-12-22", "Miami")]


def test_events_same_event_in_two_sentences_and_two_articles_is_one() -> None:
    text = (
        "Ein Gespräch mit Putin endete am Dienstag ohne Durchbruch. "
        "Am Dienstag hatte Witkoff bei seinem sechsten Treffen mit Putin in Moskau den Plan erläutert."
    )
    names: dict[str, EntityLabel] = {"Putin": "PER", "Witkoff": "PER", "Moskau": "LOC"}
    timexes = [
        Timex(
            "am Dienstag",
            text.index("am Dienstag"),
            text.index("am Dienstag") + 11,
            "DATE",
            "2025-12-02",
        ),
        Timex(
            "Am Dienstag",
            text.index("Am Dienstag"),
            text.index("Am Dienstag") + 11,
            "DATE",
            "2025-12-02",
        ),
    ]
    events = find_events(text, _mentions(text, names), timexes, date(2025, 12, 4))
    assert len(events) == 1
    assert set(events[0].participants) == {"Putin", "Witkoff"} and events[0].place == "Moskau"
    other = find_events(text, _mentions(text, names), timexes, date(2025, 12, 4))
    merged = merge_across([("a1", events), ("a2", other)])
    assert len(merged) == 1 and merged[0].articles == ["a1", "a2"]


class _Frames:
    """The store's side of the events stage: frames, printed names, the events kept."""

    def __init__(
        self, frames: list[tuple[str, Event]], names: dict[tuple[str, str], tuple[str, str]]
    ) -> None:
        self.frames, self.names, self.kept = frames, names, []

    def event_frames(self) -> list[tuple[str, Event]]:
        return self.frames

    def printed_names(self) -> dict[tuple[str, str], tuple[str, str]]:
        return self.names

    def replace_events(self, events: list[Event]) -> None:
        self.kept = events


def test_events_stage_drops_events_left_with_no_one_and_nowhere() -> None:
    # A 4,000-article store kept "attack" and "meeting" events with no participants and
    # no place: the frame's only names were places or tagger noise, left out once
    # resolved ("Sicherheitsgarantien für den Iran vor militärischen Angriffen").
    from lagebild.pipeline import _events

    store = _Frames(
        [
            ("a", Event("attack", "2006-05-31", None, ["Iran"])),
            ("a", Event("meeting", "2006-05-31", "Wien", ["Noise"])),
            ("b", Event("meeting", "2006-06-01", None, ["Putin"])),
        ],
        {("a", "Iran"): ("Iran", "LOC"), ("b", "Putin"): ("Wladimir Putin", "PER")},
    )
    _events(store)  # type: ignore[arg-type]
    assert [(e.type, e.place, e.participants) for e in store.kept] == [
        ("meeting", "Wien", []),
        ("meeting", None, ["Wladimir Putin"]),
    ]


def test_events_a_reference_to_now_is_no_date() -> None:
    # Events were stored with the date "PRESENT_REF" (TIMEX3's "now", from "derzeit"):
    # now is the article's own date; "früher" (PAST_REF) says no day at all.
    text = "Derzeit trifft Merkel den US-Präsidenten Barack Obama in Berlin."
    mentions = _mentions(text, {"Merkel": "PER", "Barack Obama": "PER", "Berlin": "LOC"})
    now = Timex("Derzeit", 0, 7, "DATE", "PRESENT_REF")
    (event,) = find_events(text, mentions, [now], date(2016, 4, 24))
    assert (event.date, event.date_from_text) == ("2016-04-24", False)
    before = Timex("Derzeit", 0, 7, "DATE", "PAST_REF")
    (event,) = find_events(text, mentions, [before], date(2016, 4, 24))
    assert event.date is None


def test_events_who_condemns_an_attack_takes_no_part_in_it() -> None:
    # A 4,000-article store had Ban Ki-moon and Heiko Maas as participants of the
    # attacks they condemned.
    for text, who in (
        (
            "UNO-Generalsekretär Ban Ki-moon verurteilte die Angriffe auf ein Krankenhaus in Aleppo.",
            "Ban Ki-moon",
        ),
        (
            "Bundesjustizminister Heiko Maas hat den Anschlag in Hanau scharf verurteilt.",
            "Heiko Maas",
        ),
    ):
        place = "Aleppo" if "Aleppo" in text else "Hanau"
        mentions = _mentions(text, {who: "PER", place: "LOC"})
        (event,) = find_events(text, mentions, [], date(2016, 2, 20))
        assert (event.kind, event.place, event.participants) == ("attack", place, []), text
    # Who carried it out still does.
    text = "Die PKK bekannte sich zu dem Anschlag in Ankara."
    (event,) = find_events(
        text, _mentions(text, {"PKK": "ORG", "Ankara": "LOC"}), [], date(2016, 2, 20)
    )
    assert event.participants == ["PKK"]
    # At a meeting, who criticises may well be there.
    text = "Merz kritisierte beim Treffen mit Macron in Paris die Pläne."
    (event,) = find_events(
        text,
        _mentions(text, {"Merz": "PER", "Macron": "PER", "Paris": "LOC"}),
        [],
        date(2016, 2, 20),
    )
    assert event.participants == ["Merz", "Macron"]
