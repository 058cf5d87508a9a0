"""German speech verbs and Konjunktiv I, the words that signal reported speech.

Written for lagebild from German grammar, not learned: the verbs of saying, writing and
thinking that news reports use as a quotation's cue (sagte, schrieb, erklärte, betonte,
teilte mit, fügte hinzu, ...), every finite form and participle a news sentence needs,
with the separable particle where the verb has one; and the Konjunktiv I forms that mark
indirect speech ("Moskau setze sich ein", "es sei", "man habe").

Example::

    >>> CUE_FORMS["schrieb"].lemma, CUE_FORMS["teilte"].particle
    ('schreiben', 'mit')
    >>> is_subjunctive("setze"), is_subjunctive("große"), is_subjunctive("sei")
    (True, False, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import simplemma


@dataclass(frozen=True)
class CueVerb:
    """A speech verb form: its lemma, its separable particle (or None), participle or not.

    ``others`` are further particles the same form takes in other verbs ("gab" is
    "gab bekannt", "gab an" and "gab zu"); :func:`particles` lists them all.
    """

    lemma: str
    particle: str | None
    participle: bool = False
    others: tuple[str, ...] = ()


# Weak (regular) speech verbs as "stem particle": forms are generated.
WEAK = """
sag erklär beton bericht meld mein ergänz warn forder kritisier bestätig behaupt
argumentier erläuter antwort entgegn twitter post verkünd bezeichn hoff glaub befürcht
vermut kommentier bekräftig beklag bemängel dementier mahn appellier erinner
prognostizier frag wünsch informier äußer versicher zitier beteuer klag erzähl
zweifel spekulier berichtig präzisier resümier bilanzier unterstell erwider schilder
folger begründ rechtfertig verlang drängel dräng droh lob verteidig ankündig
teil:mit füg:hinzu kündig:an räum:ein deut:an merk:an stell:klar stell:fest leg:dar
sag:zu sag:voraus gib:an sich:aus wend:ein hol:aus sicher:zu
""".split()

# Strong or irregular speech verbs: lemma, particle ("-" for none), then their forms:
# present 3sg, present 3pl/inf, past 3sg, past 3pl, participle, Konjunktiv I 3sg.
STRONG = """
schreiben - schreibt schreiben schrieb schrieben geschrieben schreibe
sprechen - spricht sprechen sprach sprachen gesprochen spreche
unterstreichen - unterstreicht unterstreichen unterstrich unterstrichen unterstrichen unterstreiche
weisen hin weist weisen wies wiesen hingewiesen weise
geben bekannt gibt geben gab gaben bekanntgegeben gebe
geben zu gibt geben gab gaben zugegeben gebe
geben an gibt geben gab gaben angegeben gebe
verweisen - verweist verweisen verwies verwiesen verwiesen verweise
beschreiben - beschreibt beschreiben beschrieb beschrieben beschrieben beschreibe
bestreiten - bestreitet bestreiten bestritt bestritten bestritten bestreite
nennen - nennt nennen nannte nannten genannt nenne
denken - denkt denken dachte dachten gedacht denke
wissen - weiß wissen wusste wussten gewusst wisse
rufen auf ruft rufen rief riefen aufgerufen rufe
werfen vor wirft werfen warf warfen vorgeworfen werfe
nehmen an nimmt nehmen nahm nahmen angenommen nehme
gehen aus geht gehen ging gingen ausgegangen gehe
bitten - bittet bitten bat baten gebeten bitte
empfehlen - empfiehlt empfehlen empfahl empfahlen empfohlen empfehle
versprechen - verspricht versprechen versprach versprachen versprochen verspreche
widersprechen - widerspricht widersprechen widersprach widersprachen widersprochen widerspreche
heben hervor hebt heben hob hoben hervorgehoben hebe
schließen aus schließt schließen schloss schlossen ausgeschlossen schließe
finden - findet finden fand fanden gefunden finde
raten - rät raten riet rieten geraten rate
verraten - verrät verraten verriet verrieten verraten verrate
schätzen ein schätzt schätzen schätzte schätzten eingeschätzt schätze
lassen verlauten lässt lassen ließ ließen verlauten lasse
""".strip().splitlines()

INSEPARABLE = ("be", "er", "ver", "ent", "zer", "ge", "miss", "wider", "über", "hinter")
# Stems that take an -e- before the ending ("antwortete", "berichtet").
E_STEMS = ("d", "t", "chn", "gn", "ffn", "dm", "tm")


def _weak_forms(stem: str) -> tuple[list[str], str]:
    """Finite forms and the bare participle of a weak verb stem."""
    inf_stem = stem[:-1] if stem.endswith(("el", "er")) and stem[-3] not in "aeiou" else stem
    e = "e" if stem.endswith(E_STEMS) else ""
    finite = [stem + e + "t", stem + e + "te", stem + e + "ten"]
    # "äußern", "fordern": infinitive without the -e-, and no "äußere" (an adjective too)
    finite += [stem + "n"] if inf_stem != stem else [stem + "en", stem + "e"]
    participle = stem + e + "t"
    if not (stem.startswith(INSEPARABLE) or stem.endswith("ier")):
        participle = "ge" + participle
    return finite, participle


def _build() -> dict[str, CueVerb]:
    """The table from every form of every speech verb to its lemma and particle."""
    forms: dict[str, CueVerb] = {}
    for entry in WEAK:
        stem, _, particle = entry.partition(":")
        lemma = (particle or "") + stem + ("n" if stem.endswith(("el", "er")) else "en")
        finite, participle = _weak_forms(stem)
        for form in finite:
            forms.setdefault(form, CueVerb(lemma, particle or None))
        full = (particle + participle) if particle else participle
        forms.setdefault(full, CueVerb(lemma, None, participle=True))
        if particle:  # verb-final clauses: "wie die Polizei mitteilte"
            for form in finite[:3]:
                forms.setdefault(particle + form, CueVerb(lemma, None))
    for line in STRONG:
        lemma, particle, *rest = line.split()
        part = None if particle == "-" else particle
        full_lemma = (part or "") + lemma
        *finite, participle, konj = rest
        for form in [*finite, konj]:
            forms.setdefault(form, CueVerb(full_lemma, part))
            if part:  # verb-final clauses: "wie er bekanntgab"
                forms.setdefault(part + form, CueVerb(full_lemma, None))
        forms.setdefault(participle, CueVerb(full_lemma, None, participle=True))
    # Weak-table misfires: nouns and function words that happen to look like a form.
    for word in ("meine", "meinen", "post"):
        forms.pop(word, None)
    # One form, several separable verbs: "gab" is the finite form of "bekanntgeben",
    # "angeben" and "zugeben"; setdefault kept the first, so record the other particles.
    for line in STRONG:
        lemma, particle, *rest = line.split()
        for form in rest[:-2] + rest[-1:]:
            verb = forms.get(form)
            if (
                particle != "-"
                and verb is not None
                and verb.particle is not None
                and particle != verb.particle
                and particle not in verb.others
            ):
                forms[form] = CueVerb(
                    verb.lemma, verb.particle, verb.participle, (*verb.others, particle)
                )
    return forms


CUE_FORMS: dict[str, CueVerb] = _build()


def cue_verb(word: str) -> CueVerb | None:
    """The speech verb a word form is, or None; case-sensitive, so "Angaben" is no verb."""
    return CUE_FORMS.get(word)


def particles(verb: CueVerb) -> tuple[str, ...]:
    """Every separable particle a cue form may need ("gab" -> bekannt, an, zu)."""
    return (verb.particle, *verb.others) if verb.particle is not None else ()


def _label_forms() -> frozenset[str]:
    """Forms of the verbs that give something a name of the speaker's choosing, the frame
    of "bezeichnete den Plan als „Wortbruch“" and "sprach von einer „Gefahr“"."""
    forms: set[str] = set()
    for stem in """bezeichn wert kritisier verurteil würdig begrüß feier charakterisier lob
        titulier betracht brandmark geißel""".split():
        finite, participle = _weak_forms(stem)
        forms.update(finite, [participle])
    forms.update(
        """nennt nennen nannte nannten genannt wies wiesen weist zurückgewiesen beschrieb
        beschrieben beschreibt sah sahen sieht gesehen empfand empfanden sprach sprachen
        spricht sprechen gesprochen""".split()
    )
    return frozenset(forms)


LABEL_VERBS = _label_forms()
SPEAK_OF = frozenset("sprach sprachen spricht sprechen gesprochen".split())

# Nouns that name an utterance: "in seiner Erklärung", "laut einer Mitteilung".
UTTERANCE_NOUNS = frozenset(
    """Angaben Angabe Aussage Aussagen Worte Worten Erklärung Mitteilung Pressemitteilung
    Stellungnahme Interview Bericht Berichten Meldung Meldungen Ansicht Meinung Auffassung
    Einschätzung Darstellung Informationen Schätzung Schätzungen Auskunft Aussage
    Videobotschaft Botschaft Rede Ansprache Neujahrsansprache Pressekonferenz Brief
    Schreiben Sprecher Sprecherin Kreisen Quellen Medienberichten Berechnungen""".split()
)

# Konjunktiv I (and the Konjunktiv II forms news uses for indirect speech) that the
# lemma rule below would miss or that are irregular.
SUBJUNCTIVE_I = frozenset(
    """sei seien seiest seist habe werde könne müsse solle wolle dürfe möge wisse gebe
    komme stehe liege gehe bleibe handle handele sehe trage lasse brauche gelte gälte""".split()
)
SUBJUNCTIVE_II = frozenset(
    """wäre wären hätte hätten würde würden könnte könnten müsste müssten dürfte dürften
    möchte möchten gäbe gäben käme kämen stünde stünden läge lägen ginge gingen""".split()
)
# Words ending in -e whose lemma is a verb but that are not verb forms in news prose.
NOT_SUBJUNCTIVE = frozenset(
    """gerne bitte danke alle ohne eine keine meine deine seine ihre unsere eure jene
    diese jede welche solche manche einige andere beide ebene rede ende lage wende
    weise menge folge sorge frage klage""".split()
)


@lru_cache(maxsize=65536)
def is_subjunctive(word: str) -> bool:
    """Whether a lower-case word is a Konjunktiv I form (3rd person singular, or "seien").

    Beyond the listed forms, a lower-case word ending in -e whose lemma is the word plus
    -n ("setze" -> "setzen", "nehme" -> "nehmen") is a verb's Konjunktiv I (or 1st person,
    which news prose outside quotation marks hardly uses); adjectives fail the test
    ("große" -> "groß").
    """
    if word in SUBJUNCTIVE_I:
        return True
    if not word.endswith("e") or len(word) < 4 or not word.islower() or word in NOT_SUBJUNCTIVE:
        return False
    return bool(simplemma.lemmatize(word, lang="de") == word + "n")


def is_reporting_subjunctive(word: str) -> bool:
    """Konjunktiv I, or a Konjunktiv II form that news uses in indirect speech."""
    return word in SUBJUNCTIVE_II or is_subjunctive(word)
