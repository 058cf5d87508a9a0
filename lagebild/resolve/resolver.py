"""The grouping: every kept mention of a batch of articles to one canonical entity.

A numbered cascade, each step using what the earlier ones settled:

1. Clean mentions, repair spans, find the batch's multi-word names where the tagger
   missed them (``Resolution.added``), read roles (:mod:`lagebild.resolve.clean`).
2. Multi-word names are grouped by their folded key (Kirill Dmitrijew = Kirill
   Dmitriew); each group is a person or not by the votes of its tagger labels, the kinds
   of its roles (a "Präsident" is a person, a "Sender" an organisation) and whether its
   first word opens person names elsewhere. The tagger's labels alone are too noisy
   ("Wolodymyr Selenskyj" came out ORG in all three seed articles).
3. Person names merge across spellings: same surname key (or one within
   ``SURNAME_SIMILARITY``) and compatible given names; Vitali and Wladimir Klitschko
   stay two people, as do Donald and Donald Trump Jr.
4. A one-word mention joins a person named in full in the same article (the nearest
   before it, else the first after it): within an article a surname means the person
   introduced there.
5. Other one-word mentions join a person by surname across articles: the only
   candidate, or the one whose articles share the most co-occurring names and roles
   with this one, or by far the most frequent. A key that the batch mostly tags as
   place or organisation ("Washington") keeps its non-person mentions apart; a near key
   or a word that is mostly a given name in the batch needs shared context, and an
   acronym joins no person.
6. The rest are places, organisations and others, grouped by an inflection-free key
   ("Weißen Hauses" = "Weiße Haus"); a genitive joins its base form when that is seen.
   An acronym's key is its letters (OSZE is not the Ostsee). Spellings of one key stay
   apart when one opens with g and the other with h (Gießen, Hessen), and when the
   tagger calls one a person and the other not (Hanna, Ghana).
7. Entities get a canonical name (the fullest most frequent form, in the nominative),
   a type by vote, a readable id, their forms, roles (with article and date), mention
   counts and co-occurrence counts.

Example::

    >>> from lagebild.model import Mention
    >>> text = "Kremlchef Wladimir Putin traf Witkoff. Putins Berater schwieg."
    >>> doc = MentionDoc("a1", text, [Mention("Wladimir Putin", 10, 24, "PER"),
    ...     Mention("Witkoff", 30, 37, "PER"), Mention("Putins", 39, 45, "PER")], "2025-12-02")
    >>> result = resolve([doc])
    >>> [(e.id, e.forms, e.roles) for e in result.entities]  # doctest: +NORMALIZE_WHITESPACE
    [('per:wladimir-putin', ['Wladimir Putin', 'Putins'], ['Kremlchef']),
     ('per:witkoff', ['Witkoff'], [])]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from lagebild.model import Entity, EntityLabel, Mention
from lagebild.resolve.clean import DocHead, Occ, collect
from lagebild.resolve.inflect import (
    Gender,
    adjective_stem,
    gender_of_article,
    gender_of_noun,
    head_index,
    lemmatize,
    looks_adjectival,
    nominative,
    strip_genitive,
)
from lagebild.resolve.names import (
    GLUED_PARTICLE,
    NAME_PARTICLES,
    SUFFIX_KEY,
    SURNAME_SIMILARITY,
    ascii_fold,
    fold,
    full_key,
    given_compatible,
    given_names,
    jaro_winkler,
    slug,
    surname_index,
)
from lagebild.resolve.nouns import is_common_noun
from lagebild.resolve.records import Dropped, MentionDoc, Resolution, RoleSighting
from lagebild.resolve.roles import RoleMatch

# A role's kind counts this many label votes: roles are rarer than labels but surer.
ROLE_VOTE = 2
# A one-word mention whose key is the given name of more than this many times as many
# people as it is the surname of is read as a given name: a surname only with context.
GIVEN_RATIO = 3
# A capital vowel with a small e: an umlaut written out inside an acronym (OeNB, ÖNB).
_UMLAUT_E = re.compile(r"([AOU])e(?=[A-Z])")
# A surname alone goes to the most frequent of several people with it only when that
# one has this many times the mentions of the next (Donald vs Melania Trump in news).
DOMINANCE = 3.0
# A one-word key is a place or organisation, not a person's surname, when its non-person
# votes exceed this many times its person votes ("Washington" city vs the president).
NON_PERSON_RATIO = 2.0
# Across articles, a one-word mention tagged as no person joins a person only when the
# batch has its key as a person this many times more often than as anything else.
PERSON_RATIO = 3.0
# A one-word mention whose key is only near a person's surname joins the person when its
# article shares this many names or roles with the person's (or half its other names).
NEAR_CONTEXT = 2
# Of that context only names in at most this share of the batch's articles count (or in
# RARE_MIN_DOCS, for small batches).
RARE_SHARE = 0.01
RARE_MIN_DOCS = 5
# A form ending in s this many times as frequent as its base, and mostly another kind of
# entity, is a name of its own, not the base's genitive.
GENITIVE_RATIO = 3
LABELS: tuple[EntityLabel, ...] = ("PER", "ORG", "LOC", "OTH")


@dataclass
class _Cluster:
    """The mentions of one entity under construction."""

    occs: list[Occ] = field(default_factory=list)
    person: bool = False


class _UnionFind:
    """Union-find over integers, for merging name groups."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def resolve(
    docs: Iterable[MentionDoc], texts: Iterable[tuple[str, str]] | None = None
) -> Resolution:
    """Group the mentions of ``docs`` into canonical entities (see the module docstring).

    Runs over a whole batch at once: the more articles, the more spellings, first names
    and contexts it can tie together. ``texts`` streams the docs' texts in a second pass
    (see :func:`~lagebild.resolve.clean.collect`), for batches too large to hold.
    Mentions that are not names are reported in ``Resolution.dropped`` with a reason;
    every other mention is linked to an entity.
    """
    by_doc, dropped, heads = collect(docs, texts)
    clusters = _group(by_doc)
    return _build(heads, clusters, dropped)


def _is_short(occ: Occ) -> bool:
    """True for a surname alone: one word, or a person's particles and surname ("Le Pen")."""
    if len(occ.tokens) == 1:
        return True
    return occ.label == "PER" and not given_names(occ.tokens) and occ.tokens[-1][:1].isupper()


# What one mention says of its type: its article, its tagger label, its roles.
_Evidence = tuple[int, str, list[RoleMatch]]
Votes = defaultdict[str, float]


def _tally(evidence: Iterable[_Evidence]) -> Votes:
    """Type votes: each article's tagger labels of a name together count one vote, shared
    in proportion; each role kind printed in an article counts ROLE_VOTE once.

    The tagger's labels of one name in one article are one piece of evidence, not one per
    mention: its errors repeat ("Axios" tagged a person three times in seed 004, next to
    "das Nachrichtenportal Axios"), while the majority of an article's labels still wins
    there (four ORG, one PER: ORG).
    """
    items = list(evidence)
    per_doc = Counter(doc for doc, _, _ in items)
    votes: Votes = defaultdict(float)
    seen: set[tuple[int, str]] = set()
    for doc, label, roles in items:
        votes[label] += 1.0 / per_doc[doc]
        for role in roles:
            if (doc, role.kind) not in seen:
                seen.add((doc, role.kind))
                votes[role.kind] += ROLE_VOTE
    return votes


def _votes(occs: Iterable[Occ]) -> Votes:
    """Type votes of mentions (see :func:`_tally`)."""
    return _tally((occ.doc, occ.label, occ.roles) for occ in occs)


def _is_person(votes: Votes, bonus: float = 0.0) -> bool:
    """True when person votes (plus ``bonus``) beat every other type's."""
    per = votes["PER"] + bonus
    return per > max(votes["ORG"], votes["LOC"], votes["OTH"])


def _group(by_doc: list[list[Occ]]) -> list[_Cluster]:
    """Steps 2-6: the clusters of mentions, one per entity."""
    multi: dict[str, list[Occ]] = defaultdict(list)
    single: list[Occ] = []
    for occs in by_doc:
        for occ in occs:
            if not _is_short(occ):
                multi[full_key(occ.tokens)].append(occ)
            else:
                single.append(occ)
    first_names = {o.tokens[0] for occs in multi.values() for o in occs if o.label == "PER"}

    # Step 2: person or not, per multi-word key.
    person_keys: list[str] = []
    other_keys: list[str] = []
    for key, occs in multi.items():
        in_doc = Counter(o.doc for o in occs)
        bonus = sum(1.0 / in_doc[o.doc] for o in occs if o.tokens[0] in first_names)
        (person_keys if _is_person(_votes(occs), bonus) else other_keys).append(key)

    # Step 3: merge person names across spellings.
    person_of_key = _merge_people(person_keys, multi)
    people: dict[int, _Cluster] = defaultdict(lambda: _Cluster(person=True))
    occ_person: dict[int, int] = {}
    for key, pid in person_of_key.items():
        for occ in multi[key]:
            people[pid].occs.append(occ)
            occ_person[id(occ)] = pid

    # Indexes of people by surname key and by first given name key.
    by_surname: dict[str, set[int]] = defaultdict(set)
    by_given: dict[str, set[int]] = defaultdict(set)
    for person, cluster in people.items():
        for occ in cluster.occs:
            s = surname_index(occ.tokens)
            by_surname[fold(occ.tokens[s])].add(person)
            given = given_names(occ.tokens)
            if given:
                by_given[fold(given[0])].add(person)

    # Votes per surname key of the one-word mentions: is the key mostly a place?
    evidence: dict[str, list[_Evidence]] = defaultdict(list)
    for occ in single:
        evidence[fold(occ.tokens[-1])].append((occ.doc, occ.label, occ.roles))
    for cluster in people.values():
        for occ in cluster.occs:
            evidence[fold(occ.tokens[surname_index(occ.tokens)])].append((occ.doc, "PER", []))
    key_votes: dict[str, Votes] = defaultdict(lambda: defaultdict(float))
    key_votes.update((key, _tally(items)) for key, items in evidence.items())

    # Step 4: one-word mentions to a person named in full in the same article.
    rest: list[Occ] = []
    single_by_doc: dict[int, list[Occ]] = defaultdict(list)
    for occ in single:
        single_by_doc[occ.doc].append(occ)
    for doc_index, singles in single_by_doc.items():
        full = [o for o in by_doc[doc_index] if id(o) in occ_person]
        for occ in singles:
            linked = None
            if not _place_like(occ, key_votes):
                linked = _same_article_person(occ, full, occ_person, by_given)
            if linked is None:
                rest.append(occ)
            else:
                people[linked].occs.append(occ)

    # Step 5: one-word mentions to a person across articles.
    context = _Context(by_doc, occ_person)
    surnames = _NearKeys(by_surname)
    leftover: list[Occ] = []
    for occ in rest:
        found = _cross_article_person(
            occ, surnames, by_surname, by_given, people, context, key_votes
        )
        if found is None:
            leftover.append(occ)
        else:
            people[found].occs.append(occ)

    # Step 6: everything else by inflection-free key.
    others = _group_others(leftover, [o for k in other_keys for o in multi[k]], first_names)
    return [*people.values(), *others]


def _merge_people(keys: list[str], multi: dict[str, list[Occ]]) -> dict[str, int]:
    """Person ids for the multi-word person keys, merged across spellings (step 3)."""
    parts: list[tuple[str, list[str], str]] = []
    raw_surnames: list[str] = []
    for key in keys:
        tokens = Counter(tuple(o.tokens) for o in multi[key]).most_common(1)[0][0]
        token_list = list(tokens)
        s = surname_index(token_list)
        suffix = " ".join(SUFFIX_KEY.get(t.lower(), t.lower()) for t in token_list[s + 1 :])
        raw_surnames.append(token_list[s])
        parts.append((fold(token_list[s]), given_names(token_list), suffix))
    # A full name in the genitive ("Ursula von der Leyens") keys on its base surname.
    known = {surname for surname, _, _ in parts}
    for i, raw in enumerate(raw_surnames):
        base = strip_genitive(raw)
        if base is not None and fold(base) in known:
            parts[i] = (fold(base), parts[i][1], parts[i][2])
    union = _UnionFind(len(keys))
    by_surname: dict[str, list[int]] = defaultdict(list)
    for i, (surname, _, _) in enumerate(parts):
        by_surname[surname].append(i)
    near = _NearKeys(by_surname)
    for a in sorted(by_surname):
        _merge_block(by_surname[a], parts, union)
        for b in near.near(a):
            if a < b:
                _merge_block(by_surname[a] + by_surname[b], parts, union)
    return {key: union.find(i) for i, key in enumerate(keys)}


def _merge_block(
    members: list[int], parts: list[tuple[str, list[str], str]], union: _UnionFind
) -> None:
    """Union the names of one surname block whose given names are compatible.

    Full given names merge pairwise; a name with an initial only ("S. Witkoff") joins
    only when one person with a full given name fits, so it never bridges two people.
    """
    full = [i for i in members if parts[i][1] and len(parts[i][1][0].rstrip(".")) > 1]
    initials = [i for i in members if i not in full]
    for x_index, x in enumerate(full):
        for y in full[x_index + 1 :]:
            if parts[x][2] == parts[y][2] and given_compatible(parts[x][1], parts[y][1]):
                union.union(x, y)
    for i in initials:
        fits = {
            union.find(j)
            for j in full
            if parts[i][2] == parts[j][2] and given_compatible(parts[i][1], parts[j][1])
        }
        if len(fits) == 1:
            union.union(i, fits.pop())


class _NearKeys:
    """Keys within SURNAME_SIMILARITY of a key, found in blocks of one 3-letter prefix.

    Spelling variants that folding leaves apart differ late in the word (Lukaschenko,
    Lukaschenka), so a shared prefix loses few of them and keeps the comparisons few;
    and by a letter at most in length: two letters more make another name (Simon,
    Simeoni; Rosenberg, Rosenberger), a difference the variant set never needs.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self.blocks: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            self.blocks[key[:3]].append(key)
        self.memo: dict[str, list[str]] = {}

    def near(self, key: str) -> list[str]:
        """The other keys close to ``key`` (none for keys shorter than 5 letters)."""
        found = self.memo.get(key)
        if found is None:
            found = [
                other
                for other in self.blocks.get(key[:3], ())
                if other != key
                and len(key) >= 5
                and len(other) >= 5
                and abs(len(other) - len(key)) <= 1
                and jaro_winkler(other, key) >= SURNAME_SIMILARITY
            ]
            self.memo[key] = found
        return found


def _surname_keys(token: str) -> list[str]:
    """The keys a one-word mention may have as a surname: itself, then without genitive."""
    keys = [fold(token)]
    base = strip_genitive(token)
    if base is not None:
        keys.append(fold(base))
    return keys


def _same_article_person(
    occ: Occ, full: list[Occ], occ_person: dict[int, int], by_given: dict[str, set[int]]
) -> int | None:
    """The person named in full in the same article whom a one-word mention names."""
    if not full:
        return None
    for key in _surname_keys(occ.tokens[-1]):
        matches = [o for o in full if fold(o.tokens[surname_index(o.tokens)]) == key]
        if not matches:
            continue
        before = [o for o in matches if o.start < occ.start]
        chosen = before[-1] if before else matches[0]
        return occ_person[id(chosen)]
    if occ.label == "PER" and len(occ.tokens) == 1:
        # Names written family name first ("Xi Jinping ... Xi sagte").
        key = fold(occ.tokens[0])
        for o in full:
            if fold(o.tokens[0]) == key and occ_person[id(o)] in by_given.get(key, ()):
                return occ_person[id(o)]
    return None


class _Context:
    """The names around each article, and around each person, to tell people apart."""

    def __init__(self, by_doc: list[list[Occ]], occ_person: dict[int, int]) -> None:
        self.doc_keys = [{fold(o.tokens[-1]) for o in occs} for occs in by_doc]
        self.doc_freq: Counter[str] = Counter(k for keys in self.doc_keys for k in keys)
        self.doc_named = [{fold(o.tokens[-1]) for o in occs if o.label != "LOC"} for occs in by_doc]
        self.rare_docs = max(RARE_MIN_DOCS, RARE_SHARE * len(by_doc))
        self.person_keys: dict[int, Counter[str]] = defaultdict(Counter)
        self.person_roles: dict[int, set[str]] = defaultdict(set)
        seen: set[tuple[int, int]] = set()
        for occs in by_doc:
            for occ in occs:
                pid = occ_person.get(id(occ))
                if pid is None:
                    continue
                self.person_roles[pid].update(r.text for r in occ.roles)
                if (pid, occ.doc) not in seen:
                    seen.add((pid, occ.doc))
                    self.person_keys[pid].update(self.doc_keys[occ.doc])

    def alone(self, occ: Occ) -> bool:
        """True when the mention's article names nothing but it."""
        return self.doc_keys[occ.doc] <= {fold(occ.tokens[-1])}

    def ties(self, occ: Occ, pid: int) -> bool:
        """True when the mention's article shares enough with the person's articles to
        take a spelling that is only near the person's: ``NEAR_CONTEXT`` rare names or
        roles, or half the other names of a short article. One shared name of twenty made the
        city "Havanna" a form of David Gavant and the probe "Nemesis" one of László Nemes.
        """
        own = fold(occ.tokens[-1])
        shared, roles = self._shared(occ, pid)
        # Names in many articles ("Twitter") tell little of a person; places neither: a
        # team's article and a premier's share countries, which made the football team
        # "Kamerun" David Cameron's.
        if self._rare_named(occ, shared) + roles >= NEAR_CONTEXT:
            return True
        others = len(self.doc_keys[occ.doc]) - (own in self.doc_keys[occ.doc])
        return bool(shared) and 2 * (len(shared) + roles) >= others

    def named(self, occ: Occ, pid: int) -> bool:
        """True when the mention's article shares a role or a rare name other than a
        place with the person's articles: countries are shared by any two articles on
        one country's news ("Frankreich" made the politician Getz a form of the
        pétanque player Muriel Hess, one key), and names in many articles by many
        others ("Ian" was Li Yan's)."""
        shared, roles = self._shared(occ, pid)
        return bool(roles) or self._rare_named(occ, shared) > 0

    def score(self, occ: Occ, pid: int) -> float:
        """Shared names of the mention's article and the person's articles, plus roles."""
        shared, roles = self._shared(occ, pid)
        return float(len(shared) + roles)

    def _rare_named(self, occ: Occ, shared: list[str]) -> int:
        """How many of the ``shared`` keys the mention's article has as a name other than
        a place and at most ``rare_docs`` articles print."""
        named = self.doc_named[occ.doc]
        return sum(1 for k in shared if k in named and self.doc_freq[k] <= self.rare_docs)

    def _shared(self, occ: Occ, pid: int) -> tuple[list[str], int]:
        """The names (keys) the mention's article shares with the person's articles, its
        own aside, and the votes of the roles it shares with the person."""
        own = fold(occ.tokens[-1])
        keys = self.person_keys.get(pid, Counter())
        shared = [k for k in self.doc_keys[occ.doc] if k != own and keys[k]]
        roles = sum(ROLE_VOTE for r in occ.roles if r.text in self.person_roles.get(pid, ()))
        return shared, roles


def _cross_article_person(
    occ: Occ,
    surnames: _NearKeys,
    by_surname: dict[str, set[int]],
    by_given: dict[str, set[int]],
    people: dict[int, _Cluster],
    context: _Context,
    key_votes: dict[str, Votes],
) -> int | None:
    """The person a one-word mention names when no full name is in its article.

    A candidate found by a near key or by a given name, or by the key of a word that the
    batch has as more people's given name than as anyone's surname ("Josef"), is taken
    only when the article shares names or roles with the person's articles: a sole
    candidate by spelling alone made "Kamerun" David Cameron and "Prince" Rodney Price.
    """
    token = occ.tokens[-1]
    if _is_acronym(token):  # CERN folds like Kern: letters, not a transliteration
        return None
    key = fold(token)
    votes = key_votes[key]
    if _mostly_no_person(votes):
        # The batch mostly has the word as no person: "Reuters" (35 times an
        # organisation, 6 times a person) is no genitive of the footballer Reuter.
        return None
    own = _votes([occ])
    # Tagged as no person and no full name beside it: only a key the batch all but
    # always has as a person's surname may join that person.
    if own["PER"] <= max(own["ORG"], own["LOC"], own["OTH"]) and (
        votes["PER"] < PERSON_RATIO * _non_person(votes)
    ):
        return None
    candidates: set[int] = set()
    genitive = False
    for surname_key in _surname_keys(token):
        candidates = set(by_surname.get(surname_key, ()))
        if candidates:
            genitive = surname_key != key
            break
    # A word that is mostly a given name in the batch ("Josef") is a surname only with
    # context; so is a near key ("Kamerun" for Cameron), a genitive whose base no
    # candidate's surname spells ("Moodys" of a "Moody" keyed like Modi), and any word
    # that no candidate's surname spells (the town "Aalen" for Allen, "Haha" for Lady
    # Gaga, "Mutti" for Riccardo Muti, "Xi" for Gregor XII).
    sure = bool(candidates) and len(by_given.get(key, ())) <= GIVEN_RATIO * len(candidates)
    if sure:
        base = _letters(strip_genitive(token) or token if genitive else token)
        # As printed, or without the person's glued particle: "Assad" of "al-Assad" (but
        # the party "Al-Nour" is no spelling of Ayman Nour). Of several people with the
        # key only those spelled so are left, and held to context: "Wolf" ("als Wolf im
        # Schafspelz") went to Rupert Wolff by the parties both articles name, while
        # Manfred Wolf is the one spelled so.
        spelled = {
            p
            for p in candidates
            for o in people[p].occs
            if base in _spellings_of(o.tokens[surname_index(o.tokens)])
        }
        if spelled:
            sure = spelled == candidates
            candidates = spelled
        else:
            # A person's name spelled otherwise in an article with no other name to
            # compare ("Laut Dmitriew ist das so"): the key alone decides.
            sure = occ.label == "PER" and not genitive and context.alone(occ)
    if not candidates:
        near = {pid for near in surnames.near(key) for pid in by_surname[near]}
        candidates = {p for p in near if context.ties(occ, p)}
        sure = True  # held to context just now
    if not candidates and occ.label == "PER" and len(occ.tokens) == 1:
        for given_key in _surname_keys(token):
            candidates = {
                p for p in by_given.get(given_key, ()) if _given_first_person(people[p], given_key)
            }
            if candidates:
                sure = True
                break
    if not sure:
        candidates = {p for p in candidates if context.named(occ, p)}
    if not candidates:
        return None
    if len(candidates) == 1:
        return next(iter(candidates))
    ranked = sorted(candidates, key=lambda p: (-context.score(occ, p), -len(people[p].occs), p))
    best, second = ranked[0], ranked[1]
    if context.score(occ, best) > context.score(occ, second):
        return best
    if len(people[best].occs) >= DOMINANCE * len(people[second].occs):
        return best
    return None


def _spellings_of(surname: str) -> tuple[str, str]:
    """A surname's letters as printed and without a glued particle ("al-Assad")."""
    return _letters(surname), _letters(GLUED_PARTICLE.sub("", surname))


def _non_person(votes: Votes) -> float:
    """The votes of a key for anything but a person."""
    return votes["ORG"] + votes["LOC"] + votes["OTH"]


def _place_like(occ: Occ, key_votes: dict[str, Votes]) -> bool:
    """True for a mention not marked as a person whose key the batch mostly tags as non-person.

    "Washington" tagged LOC stays the city even in an article about George Washington;
    "Umjerow" tagged ORG once, where the batch mostly has it as a person, joins him.
    """
    own = _votes([occ])
    if own["PER"] > max(own["ORG"], own["LOC"], own["OTH"]):
        return False
    return _mostly_no_person(key_votes[fold(occ.tokens[-1])])


def _mostly_no_person(votes: Votes) -> bool:
    """True when a key's votes for anything but a person exceed NON_PERSON_RATIO times
    its person votes."""
    return _non_person(votes) > NON_PERSON_RATIO * max(votes["PER"], 0.5)


def _given_first_person(cluster: _Cluster, key: str) -> bool:
    """True for a person written family name first, whose first word is ``key``: every
    full name opens with it, and an article that names the person in full calls them by
    it alone ("Xi Jinping ... Xi"), which a given name alone ("Sylvester") is not."""
    full = [o for o in cluster.occs if len(o.tokens) >= 2]
    return all(fold(o.tokens[0]) == key for o in full) and any(
        len(o.tokens) == 1 and fold(o.tokens[0]) == key for o in cluster.occs
    )


def other_key(tokens: list[str], acronyms: Collection[str] = ()) -> str:
    """The inflection-free key of a place or organisation name ("Weißen Hauses").

    ``acronyms`` are the batch's one-word acronyms in small letters: German writes some
    as words (Nato, Unicef), and such a one-word name meets its capitals.
    """
    if len(tokens) == 1 and tokens[0].lower() in acronyms:
        return _acronym_key(tokens[0])
    parts = []
    for i, token in enumerate(tokens):
        if _is_acronym(token):
            parts.append(_acronym_key(token))
            continue
        if i < len(tokens) - 1 and token[:1].isupper() and looks_adjectival(token):
            # An adjective is a German word, not a transliteration: its stem is keyed by
            # its letters ("Baader Bank" is no "Bad Bank", though "Baad" folds like it).
            parts.append(_letters(adjective_stem(token)))
            continue
        parts.append(fold(token))
    return " ".join(parts)


def _is_acronym(token: str) -> bool:
    """True for a token of capitals ("OSZE", "U.S.A", "OeNB" with its umlaut written out):
    its key is its letters, since the transliteration key would make OSZE the Ostsee and
    BBC the BBK."""
    letters = [c for c in _UMLAUT_E.sub(r"\1", token) if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _acronym_key(token: str) -> str:
    """An acronym's key: its letters, an umlaut written out read as the umlaut (OeNB =
    ÖNB), marked so that it meets only acronyms (DEL is not Dell, BEL not Biel)."""
    return "#" + _letters(_UMLAUT_E.sub(r"\1", token))


def _group_others(
    single: list[Occ], multi: list[Occ], given_names: Collection[str] = ()
) -> list[_Cluster]:
    """Step 6: places, organisations, others and unplaced names by inflection-free key
    (``given_names``: the first words of the batch's multi-word person mentions)."""
    groups: dict[str, list[Occ]] = defaultdict(list)
    occs_all = [*multi, *single]
    acronyms = {
        o.surface.lower() for o in occs_all if len(o.tokens) == 1 and _is_acronym(o.surface)
    }
    for occ in occs_all:
        groups[other_key(occ.tokens, acronyms)].append(occ)
    # A genitive joins its base form when the batch has that form.
    for key in sorted(groups, key=len, reverse=True):
        occs = groups.get(key)
        if not occs:
            continue
        tokens = occs[0].tokens
        base = strip_genitive(tokens[-1])
        head = tokens[-1][:-2] if tokens[-1].endswith("es") else None
        # An organisation named by an adjective, inflected: "der Grünen" is "Grüne".
        weak = tokens[-1][:-1] if len(tokens) == 1 and tokens[-1].endswith("en") else None
        if weak is not None and not _mostly(occs, "ORG"):
            weak = None
        # A given name alone, tagged as a person, is no genitive: "Hans" is none of "Haan"
        # (by key), "Andreas" none of "Andrea", "Hannes" none of "Hann" ("Kurdistans",
        # once first word of a person mention, is a place's).
        if len(tokens) == 1 and tokens[0] in given_names and _mostly(occs, "PER"):
            head = base = None
        for candidate in (head, base, weak):
            if candidate is None:
                continue
            if candidate != weak and _name_on_a_noun(tokens[-1], candidate):
                continue
            target = other_key([*tokens[:-1], candidate], acronyms)  # "Europas", EUROPA
            if candidate == weak and target in groups and not _mostly(groups[target], "ORG"):
                continue
            if target != key and target in groups and not _other_kind(occs, groups[target]):
                groups[target].extend(groups.pop(key))
                break
    return [
        _Cluster(occs=part, person=False)
        for occs in groups.values()
        for opened in _by_opening(occs)
        for noun_or_not in _by_noun(opened)
        for part in _by_kind(noun_or_not)
    ]


def _other_kind(inflected: list[Occ], base: list[Occ]) -> bool:
    """True when a form read as a genitive is printed far more often than its base
    (``GENITIVE_RATIO`` times) and most often tagged as another kind of entity: "Hamas"
    (32 times an organisation) is no genitive of the city "Hama" (5 times a place). A
    genitive is the rarer form; "Osttimors" (4 places) is still one of "Osttimor"
    (twice tagged a person)."""
    if len(inflected) < GENITIVE_RATIO * len(base):
        return False
    return _top_label(inflected) != _top_label(base)


def _top_label(occs: list[Occ]) -> str:
    """The tagger label most of the mentions have (ties by label order)."""
    counts = Counter(o.label for o in occs)
    return max(LABELS, key=lambda label: counts[label])


def _name_on_a_noun(word: str, base: str) -> bool:
    """True when ``word`` is no common noun but ``base`` (it without a genitive ending)
    is an inflected one, which takes no genitive "s": "Wales" is none of "Wale" (whales,
    plural of "Wal"); "Teslas" is one of "Tesla", "Deutschlands" of "Deutschland"."""
    return is_common_noun(base) and lemmatize(base) != base and not is_common_noun(word)


def _mostly(occs: list[Occ], label: str) -> bool:
    """True when more than half of the mentions have the tagger label ``label``."""
    return 2 * sum(1 for o in occs if o.label == label) > len(occs)


def _by_opening(occs: list[Occ]) -> list[list[Occ]]:
    """One key's mentions, split where some spellings open with g and others with h.

    The key folds h into g for names from Cyrillic (Hryhorij, Grigori), which makes one
    place of Gießen and Hessen, Hall and Gal; German and English spellings of Ukrainian
    places keep the h (Horliwka, Horlivka), so only the older Russian-based Gorlowka no
    longer meets them. Ch and kh count as h (Cherson, Kherson).
    """
    opens_g = [_letters(o.surface).startswith("g") for o in occs]
    if all(opens_g) or not any(opens_g):
        return [occs]
    if not any(_letters(o.surface).startswith(("h", "ch", "kh")) for o in occs):
        return [occs]
    return [
        [o for o, g in zip(occs, opens_g, strict=True) if g],
        [o for o, g in zip(occs, opens_g, strict=True) if not g],
    ]


def _by_noun(occs: list[Occ]) -> list[list[Occ]]:
    """One key's mentions, split where some are a German common noun and others not.

    The key folds double letters and vowels for transliterations, but a common noun is
    no spelling of a name: "Spital" (hospital) and the town "Spittal", the clubs "Dynamo"
    and "Dinamo".
    """
    is_noun = [len(o.tokens) == 1 and is_common_noun(o.surface) for o in occs]
    if not any(is_noun):
        return [occs]  # most keys: asked before the spellings, which cost more
    of_occ = _spellings(occs)
    if of_occ is None:
        return [occs]
    # Per spelling (case, accents and inflection aside: "SPIEGEL", "Chinas", "Linken" are
    # spellings of "Spiegel", "China", "Linke"): a noun when every one-word mention is one.
    spelled = set(of_occ)  # "Linken" is an inflection of "Linke", as in step 6
    of_occ = [sp[:-1] if sp.endswith("n") and sp[:-1] in spelled else sp for sp in of_occ]
    nouns: dict[str, bool] = {}
    for spelling, noun in zip(of_occ, is_noun, strict=True):
        nouns[spelling] = nouns.get(spelling, True) and noun
    return _apart(occs, [nouns[spelling] for spelling in of_occ])


def _by_kind(occs: list[Occ]) -> list[list[Occ]]:
    """One key's mentions, split into the spellings that read as a person and the rest.

    The transliteration key equates spellings, not kinds: it folds the first name "Hanna"
    and the country "Ghana" alike (h = g, double letters single), "Can" and "Cannes",
    "McClaren" and "McLaren". A spelling is its letters without case, accents and
    punctuation, a genitive counted with its base form when the key has that form
    ("Boliviens", which the tagger often calls a person, stays with "Bolivien"). Its kind
    is the vote of its tagger labels alone: a role before a genitive belongs to someone
    else ("der Trainer Ghanas", "Gouverneur Kaliforniens").
    """
    of_occ = _spellings(occs)
    if of_occ is None:
        return [occs]
    spellings: dict[str, list[Occ]] = defaultdict(list)
    for occ, spelling in zip(occs, of_occ, strict=True):
        spellings[spelling].append(occ)
    if len(spellings) == 1:
        return [occs]
    person = {
        spelling
        for spelling, members in spellings.items()
        if _is_person(_tally((o.doc, o.label, []) for o in members))
    }
    return _apart(occs, [spelling in person for spelling in of_occ])


def _spellings(occs: list[Occ]) -> list[str] | None:
    """Each mention's spelling (see :func:`_by_kind`), or None when all have one."""
    letters = {_letters(o.surface) for o in occs}
    if len(letters) == 1:
        return None
    return [_spelling(o, letters) for o in occs]


def _apart(occs: list[Occ], flags: list[bool]) -> list[list[Occ]]:
    """The mentions with the flag set, then the others; an empty part left out."""
    parts = [
        [o for o, flag in zip(occs, flags, strict=True) if flag],
        [o for o, flag in zip(occs, flags, strict=True) if not flag],
    ]
    return [part for part in parts if part]


def _letters(surface: str) -> str:
    return "".join(c for c in ascii_fold(surface) if c.isalnum())


def _spelling(occ: Occ, known: set[str]) -> str:
    """The mention's spelling (see :func:`_by_kind`): its base form's, for a genitive."""
    last = occ.tokens[-1]
    for base in (strip_genitive(last), last[:-2] if last.endswith("es") else None):
        if base:
            letters = _letters(" ".join([*occ.tokens[:-1], base]))
            if letters in known:
                return letters
    return _letters(occ.surface)


def _build(docs: list[DocHead], clusters: list[_Cluster], dropped: list[Dropped]) -> Resolution:
    """Step 7: entities, links, sightings, counts."""
    result = Resolution()
    result.dropped = list(dropped)
    named: list[tuple[_Cluster, str, EntityLabel]] = []
    for cluster in clusters:
        if not cluster.occs:
            continue
        label: EntityLabel
        if cluster.person:
            label = "PER"
        else:
            votes = _votes(cluster.occs)
            label = max(LABELS, key=lambda lab: (votes[lab], -LABELS.index(lab)))
        named.append((cluster, _canonical(cluster), label))
    named.sort(key=lambda item: (-len(item[0].occs), item[1]))
    used: set[str] = set()
    for cluster, name, label in named:
        entity_id = base_id = f"{label.lower()}:{slug(name)}"
        n = 2
        while entity_id in used:
            entity_id = f"{base_id}-{n}"
            n += 1
        used.add(entity_id)
        forms: list[str] = []
        roles: Counter[str] = Counter()
        seen: set[tuple[str, str]] = set()
        for occ in sorted(cluster.occs, key=lambda o: (o.doc, o.start)):
            if occ.surface not in forms:
                forms.append(occ.surface)
            doc = docs[occ.doc]
            result.links[(doc.article_id, occ.key_start)] = entity_id
            if occ.recovered:
                mention = Mention(occ.surface, occ.start, occ.end, occ.label)
                result.added.append((doc.article_id, mention))
            for role in occ.roles:
                # A role of the wrong kind was read off a neighbouring name.
                if (role.kind == "PER") != (label == "PER"):
                    continue
                roles[role.text] += 1
                # One sighting per role and article, however often the article prints it.
                if (role.text, doc.article_id) not in seen:
                    seen.add((role.text, doc.article_id))
                    result.sightings.append(
                        RoleSighting(entity_id, role.text, doc.article_id, doc.published)
                    )
        ordered_roles = [r for r, _ in sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))]
        result.entities.append(Entity(entity_id, name, label, forms, ordered_roles))
        result.mention_counts[entity_id] = len(cluster.occs)
    return result


def _canonical(cluster: _Cluster) -> str:
    """The fullest most frequent form, in the nominative, without a genitive ending."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    surfaces = {o.surface for o in cluster.occs}
    lasts = {o.tokens[-1] for o in cluster.occs}
    for index, occ in enumerate(cluster.occs):
        form = occ.surface
        base = strip_genitive(occ.tokens[-1])
        if base is None or not (base in lasts or " ".join([*occ.tokens[:-1], base]) in surfaces):
            # Not seen without the ending: only a clear genitive loses it.
            base = None if cluster.person else _genitive_head(occ)
        if base is not None:
            form = " ".join([*occ.tokens[:-1], base])
        counts[form] += 1
        first_seen.setdefault(form, index)
    if cluster.person:
        # "Thor bjorn Jagland" is no fuller name of Thorbjørn Jagland: a small word that is
        # no name particle ("von", "bin") is a broken spelling.
        clean = {f: n for f, n in counts.items() if not _stray_small_word(f)}
        counts = Counter(clean) if clean else counts
    longest = max(len(f.split()) for f in counts)
    best = min(
        (f for f in counts if len(f.split()) == longest),
        key=lambda f: (-counts[f], first_seen[f]),
    )
    if cluster.person or len(best.split()) < 2:
        return best
    tokens = best.split()
    if not any(t[:1].isupper() and looks_adjectival(t) for t in tokens[:-1]):
        return best
    return nominative(tokens, _gender(cluster, tokens), known_heads=lasts)


def _stray_small_word(form: str) -> bool:
    """True for a person's form with a word in small letters that is no name particle
    and no particle glued to a name ("al-Assad")."""
    return any(
        t[:1].islower() and t.lower() not in NAME_PARTICLES and "-" not in t
        for t in form.split()[1:]
    )


def _genitive_head(occ: Occ) -> str | None:
    """The head noun of "des Europäischen Rates" without its genitive ending, or None.

    Only where the words before make it a genitive singular ("des" or "eines", then an
    adjective in -en) and the German dictionary has the noun without the ending, so a
    name seen once in the genitive is named in the nominative all the same.
    """
    if occ.before not in ("des", "eines") or len(occ.tokens) < 2:
        return None
    head, adjective = occ.tokens[-1], occ.tokens[-2]
    if not (adjective[:1].isupper() and adjective.endswith("en")) or not head.endswith("s"):
        return None
    lemma = lemmatize(head)
    spelled = lemma.replace("ß", "ss")
    if lemma != head and head in (spelled + "s", spelled + "es"):
        return spelled
    return None


def _gender(cluster: _Cluster, tokens: list[str]) -> Gender:
    """The gender of a name's head noun, from the articles printed before its mentions,
    else from the head noun of ``tokens`` (the chosen form, genitive ending taken off)."""
    seen: Counter[Gender] = Counter()
    for occ in cluster.occs:
        if len(occ.tokens) < 2:
            continue
        gender = gender_of_article(occ.before, occ.tokens[0])
        if gender is not None:
            seen[gender] += 1
    if seen:
        return seen.most_common(1)[0][0]
    return gender_of_noun(tokens[head_index(tokens)])
