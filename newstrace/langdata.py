"""Language knowledge, loaded from one TOML file per language under `newstrace/lang/`.

A stage never tests `if lang == "fr"`: it asks this module for the data of a language
(`for_language("fr")`) or for the union over every language (`all_languages()`), for text
whose language is not known yet (page furniture is often in another language than the
article). Adding a language is adding `lang/<iso>.toml`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class LanguageData:
    code: str
    name: str
    data: dict[str, Any]

    def get(self, dotted: str, default: Any = None) -> Any:
        """`get("furniture.lines")` → the value at that path, or `default`."""
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def strings(self, dotted: str) -> list[str]:
        value = self.get(dotted, [])
        return [str(v) for v in value] if isinstance(value, list) else []


@cache
def available() -> tuple[str, ...]:
    """ISO 639-1 codes that have a data file, sorted."""
    root = resources.files("newstrace") / "lang"
    return tuple(sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml")))


@cache
def for_language(code: str | None) -> LanguageData | None:
    """The data of one language, or None when newstrace has no file for it."""
    if not code or code not in available():
        return None
    path = resources.files("newstrace") / "lang" / f"{code}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return LanguageData(code=code, name=str(data.get("name", code)), data=data)


@cache
def all_languages() -> tuple[LanguageData, ...]:
    return tuple(d for c in available() if (d := for_language(c)) is not None)


def union(dotted: str) -> list[str]:
    """Every language's strings at `dotted`, deduplicated, in a stable order."""
    seen: dict[str, None] = {}
    for lang in all_languages():
        for value in lang.strings(dotted):
            seen.setdefault(value, None)
    return list(seen)
