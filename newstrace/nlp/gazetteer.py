"""Gazetteers: known places, outlets, people and organisations, found in text of any language.

Countries come from CLDR (Babel) in many locales and from pycountry, so `États-Unis`,
`United States` and `США` all give `place:US`; the package data under `data/gazetteer/`
adds aliases, nationals, regions, outlets, people and organisations. Lookup is case- and
accent-blind on whole words, longest match first, with Slavic case endings stripped as a
second try ("России" → "Россия").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from newstrace import langdata
from newstrace.nlp.names import WORD, fold, fold_char, name_key

# Separators allowed between the words of one name: space, hyphen, apostrophe, period.
JOINER = re.compile(r"[ \u00a0\u202f\-‐’'.]{1,2}")
# Longest name, in words, that the lookup tries ("Radio Free Europe/Radio Liberty" is 6).
MAX_WORDS = 6
# A stem shorter than this is not tried: "США" must not lose a letter.
MIN_STEM = 3


@dataclass(frozen=True)
class Entry:
    """One gazetteer name: what it is, its cross-language key, how its case must look."""

    kind: str
    key: str
    name: str
    case: str  # "upper": all capitals only; "title": capitalised; "any"


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entry: Entry


def _case_of(variant: str) -> str:
    letters = [c for c in variant if c.isalpha()]
    if not letters or not letters[0].isupper():
        return "any"
    if len(letters) <= 5 and all(c.isupper() for c in letters):
        return "upper"
    return "title"


def case_fits(case: str, surface: str) -> bool:
    """Whether text as written may be this name ("AP" yes, "ap" no; "Poutine" not "poutine")."""
    letters = [c for c in surface if c.isalpha()]
    if not letters:
        return False
    if case == "upper":
        return all(c.isupper() or not c.isalpha() for c in letters)
    if case == "title":
        return letters[0].isupper() or not letters[0].islower()
    return True


class Stemmer:
    """`stem` with endings grouped by length and answers remembered: one dict probe a length."""

    def __init__(self, endings: tuple[str, ...]) -> None:
        self.by_length = sorted(
            ((n, frozenset(e for e in endings if len(e) == n)) for n in {len(e) for e in endings}),
            reverse=True,
        )
        self.known: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        found = self.known.get(word)
        if found is None:
            found = word
            for length, endings in self.by_length:
                if len(word) - length >= MIN_STEM and word[-length:] in endings:
                    found = word[:-length]
                    break
            if len(self.known) < 200_000:  # bounded: a hostile text cannot grow it forever
                self.known[word] = found
        return found


def _read(name: str) -> dict[str, Any]:
    path = resources.files("newstrace") / "data" / "gazetteer" / name
    return tomllib.loads(path.read_text(encoding="utf-8"))


class Gazetteer:
    """Every known name in one index, built once (see `gazetteer()`)."""

    def __init__(self, endings: tuple[str, ...]) -> None:
        self.endings = endings
        self.stem = Stemmer(endings)
        self.exact: dict[str, Entry] = {}
        self.stemmed: dict[str, Entry] = {}
        self.given_names: frozenset[str] = frozenset()
        self.surnames: dict[str, Entry] = {}

    def add(self, variant: str, kind: str, key: str, name: str) -> None:
        """Index one spelling; the first entry of a spelling wins (callers add by priority)."""
        words = WORD.findall(fold(variant).text)
        if not words:
            return
        entry = Entry(kind, key, name, _case_of(variant))
        self.exact.setdefault(" ".join(words), entry)
        self.stemmed.setdefault(" ".join(self.stem(w) for w in words), entry)

    def lookup(self, words: list[str], stems: list[str] | None = None) -> Entry | None:
        """The entry for folded words, exact first, then with case endings stripped."""
        found = self.exact.get(" ".join(words))
        if found is None and self.endings:
            found = self.stemmed.get(" ".join(stems or [self.stem(w) for w in words]))
        return found

    def find(self, text: str) -> list[Match]:
        """Every gazetteer name in `text`, longest first, not overlapping, in text order."""
        folded = fold(text)
        tokens = [(m.group(), m.start(), m.end()) for m in WORD.finditer(folded.text)]
        stems = [self.stem(t[0]) for t in tokens]
        matches: list[Match] = []
        index = 0
        while index < len(tokens):
            # How far the words starting here are joined by name separators only.
            last = index
            while (
                last + 1 < len(tokens)
                and last + 1 - index < MAX_WORDS
                and JOINER.fullmatch(folded.text[tokens[last][2] : tokens[last + 1][1]])
            ):
                last += 1
            found: Match | None = None
            for stop in range(last, index - 1, -1):
                words = [t[0] for t in tokens[index : stop + 1]]
                entry = self.lookup(words, stems[index : stop + 1])
                if entry is None:
                    continue
                start, end = folded.span(tokens[index][1], tokens[stop][2])
                if case_fits(entry.case, text[start:end]):
                    found = Match(start, end, entry)
                    index = stop
                    break
            if found is not None:
                matches.append(found)
            index += 1
        return matches


def _add_places(gaz: Gazetteer, places: dict[str, Any]) -> None:
    import pycountry
    from babel import Locale

    def country(code: str) -> str:
        return f"place:{code}"

    for code, variants in places.get("aliases", {}).items():
        for variant in variants:
            gaz.add(str(variant), "place", country(code), str(code))
    for region in places.get("region", []):
        for variant in region.get("names", []):
            gaz.add(str(variant), "place", f"place:{region['key']}", str(region["names"][0]))
    known = {c.alpha_2 for c in pycountry.countries}
    cldr_regions: dict[str, str] = places.get("cldr_regions", {})
    for record in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(record, attribute, None)
            if value:
                gaz.add(str(value), "place", country(record.alpha_2), record.name)
    locales = list(dict.fromkeys([*langdata.available(), *places.get("locales", [])]))
    for locale in locales:
        territories = Locale.parse(locale).territories
        for code, value in territories.items():
            if code in known:
                gaz.add(str(value), "place", country(code), str(value))
            elif code in cldr_regions:
                gaz.add(str(value), "place", f"place:{cldr_regions[code]}", str(value))
    # Nationals are people, not places: a group keyed to its country ("Lithuanians" →
    # group:LT), so that "les Lituaniens" and "литовцы" still meet across languages.
    for code, variants in places.get("nationals", {}).items():
        for variant in variants:
            gaz.add(str(variant), "group", f"group:{code}", str(code))


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built once per process from package data (about 0.3 s)."""
    endings = langdata.union("entities.inflection_endings")
    folded_endings = sorted({"".join(fold_char(c) for c in e) for e in endings}, key=len)
    gaz = Gazetteer(tuple(reversed(folded_endings)))
    for medium in _read("media.toml").get("medium", []):
        for variant in medium.get("variants", []):
            gaz.add(str(variant), "medium", f"medium:{name_key(medium['name'])}", medium["name"])
    for person in _read("persons.toml").get("person", []):
        key = f"person:{person['key']}"
        for variant in person.get("names", []):
            gaz.add(str(variant), "person", key, person["names"][0])
        for surname in person.get("surnames", []):
            gaz.add(str(surname), "person", key, person["names"][0])
            gaz.surnames[name_key(str(surname))] = Entry("person", key, person["names"][0], "title")
    for organization in _read("organizations.toml").get("organization", []):
        key = f"organization:{organization['key']}"
        for variant in organization.get("names", []):
            gaz.add(str(variant), "organization", key, organization["names"][0])
    _add_places(gaz, _read("places.toml"))
    path = resources.files("newstrace") / "data" / "gazetteer" / "given_names.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    gaz.given_names = frozenset(
        fold(line.strip()).text for line in lines if line.strip() and not line.startswith("#")
    )
    return gaz


def place_key(name: str) -> str | None:
    """The key of a place name in any language (`Allemagne` → `place:DE`), or None."""
    entry = gazetteer().lookup(WORD.findall(fold(name).text))
    return entry.key if entry is not None and entry.kind == "place" else None
