"""Name folding and transliteration, so one name in any script gives one comparable key.

`fold` makes matching case- and accent-blind while keeping offsets into the original text;
`name_key` turns a person or organisation name into a Latin ASCII slug (`Путин` → `putin`,
`Zelenskyy` → `zelensky`, `Μητσοτάκης` → `mitsotakis`, `习近平` → `xijinping`) with the
rules of `data/gazetteer/translit.toml`: Cyrillic by its letter table, every other script
by `anyascii`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from anyascii import anyascii

WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold_char(char: str) -> str:
    """One character, case-folded with its accents dropped (`É` → `e`, `ё` → `е`)."""
    decomposed = unicodedata.normalize("NFD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Folded:
    """A folded copy of a text with, for each folded character, its offset in the original."""

    text: str
    origin: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the folded slice [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """Case- and accent-blind copy of `text`, offsets kept, for gazetteer and cue lookups."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = fold_char(char) if not char.isascii() else char.lower()
        out.append(folded)
        origin.extend([index] * len(folded))
    return Folded("".join(out), origin)


@lru_cache(maxsize=100_000)
def fold_word(word: str) -> str:
    """`fold(word).text`, remembered: names and cue words repeat across articles."""
    return fold(word).text


def fold_words(text: str) -> str:
    """Folded words joined by one space: the lookup form of a name (`Grande-Bretagne` → …)."""
    return " ".join(WORD.findall(fold(text).text))


@dataclass(frozen=True)
class Transliteration:
    letters: dict[str, str]
    rewrites: tuple[tuple[re.Pattern[str], str], ...]


@cache
def transliteration() -> Transliteration:
    """The Cyrillic→Latin table and spelling rewrites, loaded once from the package data."""
    path = resources.files("newstrace") / "data" / "gazetteer" / "translit.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    letters = {fold_char(k): str(v) for k, v in data.get("letters", {}).items()}
    if not isinstance(data.get("rewrites"), list):
        raise ValueError("translit.toml: `rewrites` must be a top-level list, above [letters]")
    rewrites = tuple((re.compile(str(rule[0])), str(rule[1])) for rule in data.get("rewrites", []))
    return Transliteration(letters, rewrites)


@lru_cache(maxsize=10_000)
def _ascii(char: str) -> str:
    """A folded non-Latin, non-Cyrillic character in ASCII letters (`μ` → `m`, `习` → `xi`)."""
    return "".join(c for c in anyascii(char).lower() if c.isalnum())


def to_latin(text: str) -> str:
    """Folded ASCII form of a name in any script (`Зеленський` → `zelenskyi`, `Ερντογάν` →
    `erntogan`): Cyrillic by the letter table, the rest by `anyascii`."""
    table = transliteration()
    folded = fold(text).text
    return "".join(
        c if c.isascii() else table.letters.get(c) or _ascii(c)
        for c in folded
        if c.isascii() or c in table.letters or c.isalnum() or c.isspace()
    )


def name_key(text: str) -> str:
    """Slug that spelling variants of one name share (`Zelenskyy`, `Зеленский` → `zelensky`)."""
    words: list[str] = []
    table = transliteration()
    for word in WORD.findall(to_latin(text)):
        for pattern, replacement in table.rewrites:
            word = pattern.sub(replacement, word)
        if word:
            words.append(word)
    return "-".join(words)
