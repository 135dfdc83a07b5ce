"""The `language` stage: the ISO 639-1 code of the clean body, with py3langid.

The body is classified without its quotations when enough text is left (an English article
quoting French is English), and a language the document declares (a JSONL field, an HTML
`lang` attribute) wins when the text is too short for the model to be sure. A language the
model gives less than MIN_CONFIDENCE is no language: the article's is unknown (None, shown
as `und`).

The stage also decides what counts as prose: a text with fewer than
`analysis.min_prose_words` distinct words (a host name, "404 Not Found", one word repeated
for megabytes) is recorded as a failure, "not news prose: …" (docs/reliability.md).
"""

from __future__ import annotations

import importlib.metadata
import re
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newstrace.analysis.base import AnalysisError, Context, stage
from newstrace.model import Article

# Key under which a caller may hand in its own identifier through `Context.models`.
MODEL_KEY = "language"

# Codes py3langid returns that have no ISO 639-1 code of their own, folded into the
# macrolanguage (ISO 639-3) or the language they are written as; "zxx" is "no linguistic
# content". On stories_itn.jsonl, folding wuu/yue into zh takes Chinese from 72% to 100%.
MACROLANGUAGE: dict[str, str | None] = {
    "wuu": "zh",
    "yue": "zh",
    "cmn": "zh",
    "lzh": "zh",
    "sdh": "ku",
    "ckb": "ku",
    "kmr": "ku",
    "uzs": "uz",
    "ary": "ar",
    "arz": "ar",
    "gug": "gn",
    "fuv": "ff",
    "nb": "no",
    "zxx": None,
}

# Below this probability (normalised, py3langid) a declared language is preferred when the
# model also gives it some weight. On stories_itn.jsonl (one-sentence blurbs) with the
# right language declared, accuracy is 96.0% at 0.5, 97.6% at 0.7, 97.9% at 0.9, 98.0% at
# 0.97; with no declaration 94.7%.
CONFIDENT = 0.9
# A declared language needs at least this probability to override the model. With a wrong
# language declared (en/fr/ru/de at random) ITN accuracy is 92.3% at 0.001, 94.5% at 0.01,
# 94.6% at 0.05, and 97.9% → 97.8% with the right one: 0.01 keeps both near the optimum.
HINT_FLOOR = 0.01
# Quotations are left out of the classified text only when the rest keeps this many
# letters and this share of them: a short headline made of a quote stays whole.
MIN_BODY_LETTERS = 40
MIN_BODY_SHARE = 0.25
# Only the start of a very long body is read: 20,000 characters is ~4x the longest
# article of the dev corpus, and the answer does not change past a few hundred.
MAX_CHARS = 20_000

# Below this probability the best language is a guess: the text's language is unknown. Over
# the 5,727 dev texts (ECB+, ITN, OrangeSum, SemEval, PolNeAR, seeds, extraction pages) the
# lowest is 0.083 (a SemEval blog page, English, right) and the next 0.126 (an ITN
# blurb); "404 Not Found" gets 0.027 and "localhost" 0.08 (Portuguese).
MIN_CONFIDENCE = 0.05
# Letters of the scripts written without spaces between words (Thai, Lao, Burmese, Khmer,
# kana, CJK ideographs): each counts as a word of its own for `distinct_words`.
UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
LETTER_RUN = re.compile(r"[^\W\d_]+")

QUOTATION = re.compile(
    r"«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|‹[^‹›]*›|「[^「」]*」|『[^『』]*』|\"[^\"\n]*\""
)


@cache
def shared_identifier() -> LanguageIdentifier:
    """py3langid's bundled model with normalised probabilities, loaded once per process."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def iso_code(code: str | None) -> str | None:
    """A language tag ("en-US", "fr_FR", "wuu", "zxx") as newstrace's code, or None."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if not primary.isalpha():
        return None
    return MACROLANGUAGE.get(primary, primary)


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def body_without_quotations(text: str) -> str:
    """The text minus its quotations, or the whole text when too little would be left."""
    body = QUOTATION.sub(" ", text)
    kept, total = _letters(body), _letters(text)
    if kept >= MIN_BODY_LETTERS and kept >= MIN_BODY_SHARE * total:
        return body
    return text


def detect_language(
    text: str, declared: str | None = None, identifier: LanguageIdentifier | None = None
) -> str | None:
    """The language of `text`; `declared` wins only where the model is unsure."""
    if not any(ch.isalpha() for ch in text):
        return None
    model = identifier or shared_identifier()
    scores: dict[str, float] = {}
    for label, probability in model.rank(body_without_quotations(text)[:MAX_CHARS]):
        code = iso_code(label)
        if code is not None:
            scores[code] = scores.get(code, 0.0) + float(probability)
    if not scores:
        return iso_code(declared)
    best = max(scores, key=lambda code: scores[code])
    hint = iso_code(declared)
    if scores[best] < MIN_CONFIDENCE:
        return hint if hint is not None and scores.get(hint, 0.0) >= HINT_FLOOR else None
    if (
        hint is not None
        and hint != best
        and scores[best] < CONFIDENT
        and scores.get(hint, 0.0) >= HINT_FLOOR
    ):
        return hint
    return best


def distinct_words(text: str, enough: int) -> int:
    """Distinct words (case-folded) in the first MAX_CHARS characters, counted up to `enough`."""
    seen: set[str] = set()
    for match in LETTER_RUN.finditer(text, 0, MAX_CHARS):
        word = match.group().casefold()
        if UNSPACED.search(word):
            seen.update(word)
        else:
            seen.add(word)
        if len(seen) >= enough:
            break
    return len(seen)


@stage("language", reads=["text", "language"], writes=["language"])
def language(article: Article, context: Context) -> Article:
    """Set `article.language` from the clean body, helped by the declared one (from extract).

    Raises AnalysisError ("not news prose") for a text of too few distinct words.
    """
    needed = context.settings.analysis.min_prose_words
    found = distinct_words(article.text, needed)
    if found < needed:
        plural = "" if found == 1 else "s"
        raise AnalysisError(
            f"not news prose: {found} distinct word{plural}, at least {needed} needed "
            "(analysis.min_prose_words)"
        )
    declared = article.language
    given = context.models.get(MODEL_KEY)
    with context.deadline.paused():  # loaded once per process: not this document's time
        identifier = given if isinstance(given, LanguageIdentifier) else shared_identifier()
    article.language = detect_language(article.text, declared, identifier)
    context.used("language", f"py3langid {_py3langid_version()}")
    return article


@cache
def _py3langid_version() -> str:
    try:
        return importlib.metadata.version("py3langid")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
