"""Article summaries: a few central, non-redundant sentences, in the article's order.

Extractive and model-free, so a summary is cheap enough to make at ingest for every
article, in any language. Each sentence of `article.sentences` gets a score from a linear
model over language-independent features (position, length, similarity to the title and to
the rest of the article, quotation share, how sentence-like it is); the weights were fitted
on the OrangeSum dev file (`benchmarks/summaries.py --tune`), one set for a single sentence
or a word budget and one for several sentences. Sentences are then picked
greedily with an MMR penalty for overlap with what is already chosen. A chosen sentence
whose speaker is a pronoun shows the resolved name in brackets ("[Vladimir Rogov]
indicated that …").
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from itertools import islice

from newstrace import langdata
from newstrace.model import Article, Claim, Sentence, Summary, SummarySentence

# Bump whenever the choice of sentences can change: stored summaries of another version
# are recomputed.
SUMMARY_VERSION = "4"

_WORD = re.compile(r"\w+")
_LINE = re.compile(r"^[^\n]*\S[^\n]*", re.MULTILINE)  # anchored: one try per line
# A quotation: an opening mark, then everything up to the first closing mark.
_OPENING = re.compile(r"[\"«“„「『]")
_CLOSING = re.compile(r"[\"»”“」』]")
# What may end a sentence, once closing quotes and brackets are set aside.
_TERMINAL = frozenset(".!?…。！？؟।;")
_CLOSERS = frozenset("\"'»”’)]」』")

# Feature order; WEIGHTS follows it.
FEATURES = (
    "bias",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "early",
    "relative_position",
    "length",
    "length_squared",
    "short",
    "title_similarity",
    "centrality",
    "quoted_share",
    "unfinished",
    "digits",
    "capitals",
    "lexrank",
)

# Fitted by ridge regression (lambda 1) of each sentence's ROUGE-2 + ROUGE-L F1 against the
# newsroom abstract, on the 287 OrangeSum dev articles as `analyze` segments them
# (benchmarks/summaries.py --tune, 2026-11). Weights fitted on 4 folds and tested on the
# 5th: R2/RL 9.79/19.70 at 1 sentence (lead-1 6.27/15.46), 8.71/19.11 at 32 words (lead
# 7.84/17.46).
WEIGHTS = (
    -0.0053, 0.064, 0.1027, 0.0762, 0.0524, 0.0437, 0.0331, 0.0309, 0.0454, -0.0098,
    -0.0449, 0.2666, 0.4831, -0.0157, -0.0606, 0.0198, 0.0617, -0.0066,
)  # fmt: skip
# For several sentences: the same regression on each sentence's ROUGE-2 + ROUGE-L recall
# (what a sentence adds to a longer summary). 5-fold cross-validated R2/RL at 3 sentences
# 10.37/17.92 (lead-3 10.26/17.72; with WEIGHTS instead 10.22/17.90).
SEVERAL_WEIGHTS = (
    -0.0799, 0.0856, 0.1195, 0.0896, 0.0749, 0.0563, 0.0422, 0.051, 0.1214, -0.0123,
    0.0091, 0.298, 0.4439, -0.0105, -0.0686, 0.0231, 0.0429, -0.015,
)  # fmt: skip


# MMR trade-off between a sentence's own score and its overlap with the chosen ones;
# 0.3, 0.15 and 0.09 below: best R2 + RL at 3 sentences and 32 words over a
# 0.1/0.3 x 0.075/0.15/0.25 x 0/0.09/0.18 grid on all 287 articles (benchmarks/summaries.py
# --tune); 4 of the 5 cross-validation folds chose brevity 0.15, 4 lead 0.09.
REDUNDANCY = 0.3
# How much a long sentence is held back when several are asked for (see summarize_with).
BREVITY = 0.15
# How much the first three sentences are put forward when several are asked for.
LEAD = 0.09
# LexRank's usual damping; over this many sentences (0.3% of OrangeSum articles have more
# than 50) the quadratic graph is skipped and every sentence gets the same centrality.
DAMPING = 0.85
LEXRANK_MAX_SENTENCES = 120
# Sentences with fewer words are chosen only when nothing longer is left (bylines,
# datelines, "Lire aussi", one-word quotes).
MIN_WORDS = 4
# A summary is chosen from the first this many sentences: the most of any dev text is 378
# (5,706 ECB+, ITN, OrangeSum, SemEval, PolNeAR and seed texts), and the sentences a
# summary takes sit near the start. It bounds the work of a summary made on demand of a
# stored article of any length.
MAX_SENTENCES = 1000


# A sentence's first word and the one after it ("Das hat", "C'est", "celle-ci a").
_OPENING_WORDS = re.compile(r"[^\w\"«“„「『]*([^\W\d_]+(?:-[^\W\d_]+)*)(?:[\W\d_]*([^\W\d_]))?")


@cache
def _context_openers(language: str | None) -> frozenset[str]:
    data = langdata.for_language(language)
    if data is None:
        return frozenset()
    return frozenset(w.casefold() for w in data.strings("summary.context_openers"))


def leans_back(text: str, language: str | None) -> bool:
    """Whether a sentence opens with a word that needs the sentence before it.

    "Das hat sich geändert.", "But he said …", "C'est …": a pronoun, a demonstrative or a
    connective of the language's `[summary] context_openers`, followed by a lower-case word
    ("This decision" leans back; "Das Unternehmen", an article before a noun, does not).
    A quotation is someone's words, and a pronoun shown with its name ("[Méhana Mouhou]
    explique") names who it is: neither leans back.
    """
    openers = _context_openers(language)
    found = _OPENING_WORDS.match(text) if openers else None
    if found is None or found.group(1).casefold() not in openers:
        return False
    following = found.group(2)
    return following is None or following.islower()


@dataclass(frozen=True)
class _Unit:
    """One sentence as the scorer sees it."""

    start: int
    end: int
    text: str
    words: tuple[str, ...]


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _WORD.findall(text))


def _vector(words: tuple[str, ...], idf: dict[str, float]) -> dict[str, float]:
    vector: dict[str, float] = {}
    for word in words:
        vector[word] = vector.get(word, 0.0) + idf.get(word, 1.0)
    return vector


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(value * b.get(word, 0.0) for word, value in a.items())
    if dot == 0.0:
        return 0.0
    norm_a = math.sqrt(sum(v * v for v in a.values()))
    norm_b = math.sqrt(sum(v * v for v in b.values()))
    return dot / (norm_a * norm_b)


def _cosine_to_rest(
    vector: dict[str, float], total: dict[str, float], total_square: float
) -> float:
    """Cosine of a sentence with the sum of all the other sentences, in O(its words)."""
    dot_total = sum(v * total[w] for w, v in vector.items())
    own = sum(v * v for v in vector.values())
    dot_rest = dot_total - own
    rest_square = total_square - 2.0 * dot_total + own
    if dot_rest <= 0.0 or rest_square <= 1e-12 or own == 0.0:
        return 0.0
    return dot_rest / math.sqrt(own * rest_square)


def _capitals(text: str, words: int) -> float:
    """Share of words after the first that start with a capital (names, places)."""
    if words < 2:
        return 0.0
    named = sum(1 for m in _WORD.finditer(text) if m.start() > 0 and m.group()[0].isupper())
    return named / words


def _lexrank(vectors: list[dict[str, float]]) -> list[float]:
    """LexRank (PageRank over cosine similarity), scaled so the mean sentence has 1."""
    count = len(vectors)
    if count > LEXRANK_MAX_SENTENCES or count < 2:
        return [1.0] * count
    norms = [math.sqrt(sum(v * v for v in vector.values())) or 1.0 for vector in vectors]
    weights = [[0.0] * count for _ in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            small, large = sorted((vectors[i], vectors[j]), key=len)
            dot = sum(value * large.get(word, 0.0) for word, value in small.items())
            weights[i][j] = weights[j][i] = dot / (norms[i] * norms[j])
    out = [sum(row) or 1.0 for row in weights]
    rank = [1.0 / count] * count
    for _ in range(30):
        rank = [
            (1 - DAMPING) / count
            + DAMPING * sum(weights[j][i] / out[j] * rank[j] for j in range(count))
            for i in range(count)
        ]
    return [value * count for value in rank]


def _unfinished(text: str) -> bool:
    """True when the sentence does not end like one (headlines, furniture, cut lines)."""
    stripped = text.rstrip()
    while stripped and (stripped[-1] in _CLOSERS or unicodedata.category(stripped[-1]) == "Pf"):
        stripped = stripped[:-1].rstrip()
    return not stripped or stripped[-1] not in _TERMINAL


def _heading(text: str, title: str) -> bool:
    """The title again at the top of the text, with what the page set beside it ("Adblue
    nachfüllen: wo kaufen; Preis So wird Adblue richtig angewendet": a roofline and its
    headline in one line): no sentence, and the reader shows the title already."""
    folded = " ".join(title.split()).casefold()
    opens = " ".join(text.split()).casefold().startswith(folded)
    return bool(folded) and opens and _unfinished(text)


def _quoted_share(text: str) -> float:
    """Share of the sentence inside quotation marks.

    A scan, not one regex: with an opening mark left unclosed every later opening mark
    searched to the end of the sentence again (quadratic); here the first unclosed one stops.
    """
    inside = 0
    position = 0
    while (opening := _OPENING.search(text, position)) is not None:
        closing = _CLOSING.search(text, opening.end())
        if closing is None:
            break
        inside += closing.start() - opening.end()
        position = closing.end()
    return min(1.0, inside / max(1, len(text.strip())))


def _units(article: Article, within: int | None = None) -> list[_Unit]:
    """The article's sentences (or its lines, when no sentences were made), non-empty.

    At most MAX_SENTENCES, and only those ending by `within` when it is given.
    """
    limit = len(article.text) if within is None else within
    spans: list[Sentence] = [
        s for s in article.sentences[:MAX_SENTENCES] if within is None or s.end <= within
    ]
    if not spans and article.text.strip():
        lines = islice(_LINE.finditer(article.text, 0, limit), MAX_SENTENCES)
        spans = [Sentence(m.start(), m.end()) for m in lines]
    units: list[_Unit] = []
    for span in spans:
        start, end = max(0, span.start), min(len(article.text), span.end)
        if end <= start:
            continue
        raw = article.text[start:end]
        # Offsets of the stripped sentence, so a shown sentence never starts with a space.
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        if lead + trail >= len(raw):
            continue
        start, end = start + lead, end - trail
        text = article.text[start:end]
        units.append(_Unit(start, end, text, _tokens(text)))
    return units


def sentence_features(
    article: Article, within: int | None = None
) -> tuple[list[tuple[int, int]], list[list[float]]]:
    """Each sentence's (start, end) and its feature values, in FEATURES order."""
    units = _units(article, within)
    count = len(units)
    document_frequency: dict[str, int] = {}
    for unit in units:
        for word in set(unit.words):
            document_frequency[word] = document_frequency.get(word, 0) + 1
    idf = {w: math.log((count + 1) / (df + 0.5)) for w, df in document_frequency.items()}
    vectors = [_vector(unit.words, idf) for unit in units]
    title_vector = _vector(_tokens(article.title or ""), idf)
    total: dict[str, float] = {}
    for vector in vectors:
        for word, value in vector.items():
            total[word] = total.get(word, 0.0) + value
    total_square = sum(v * v for v in total.values())
    central = _lexrank(vectors)
    rows: list[list[float]] = []
    for index, (unit, vector) in enumerate(zip(units, vectors, strict=True)):
        length = len(unit.words) / 30.0
        rows.append(
            [
                1.0,
                float(index == 0),
                float(index == 1),
                float(index == 2),
                float(index == 3),
                float(index == 4),
                float(5 <= index <= 7),
                index / max(1, count - 1),
                length,
                length * length,
                float(len(unit.words) < MIN_WORDS),
                _cosine(vector, title_vector),
                _cosine_to_rest(vector, total, total_square),
                _quoted_share(unit.text),
                float(_unfinished(unit.text)),
                float(any(ch.isdigit() for ch in unit.text)),
                _capitals(unit.text, len(unit.words)),
                central[index],
            ]
        )
    return [(u.start, u.end) for u in units], rows


def _score(row: list[float], weights: tuple[float, ...]) -> float:
    return sum(w * x for w, x in zip(weights, row, strict=True))


def _speaker_named(article: Article, start: int, end: int, claims: list[Claim]) -> str:
    """The sentence text, with a pronoun speaker followed or replaced by the resolved name."""
    inserts: list[tuple[int, int, str]] = []
    for claim in claims:
        if claim.speaker is None or claim.speaker_start is None or claim.speaker_end is None:
            continue
        if not (start <= claim.speaker_start < claim.speaker_end <= end):
            continue
        surface = article.text[claim.speaker_start : claim.speaker_end]
        surface_words = set(_tokens(surface))
        if surface_words & set(_tokens(claim.speaker)):
            continue  # already named ("Rogov" for "Vladimir Rogov")
        glued = claim.speaker_start > 0 and article.text[claim.speaker_start - 1] in "-'’"
        name = f"[{claim.speaker}]"
        if glued or len(surface_words) > 1:
            # "a-t-il déclaré", "the Russian president": keep the words, add the name.
            inserts.append((claim.speaker_end, claim.speaker_end, f" {name}"))
        else:
            inserts.append((claim.speaker_start, claim.speaker_end, name))
    text = article.text[start:end]
    for left, right, replacement in sorted(set(inserts), reverse=True):
        text = text[: left - start] + replacement + text[right - start :]
    return text


def _dangling_starts(claims: list[Claim]) -> list[int]:
    """Where the speaker phrases that nobody resolved start, sorted."""
    return sorted(
        c.speaker_start for c in claims if c.speaker is None and c.speaker_start is not None
    )


def _dangling_speaker(start: int, end: int, dangling: list[int]) -> bool:
    """True when a claim in the sentence has a speaker phrase that nobody resolved."""
    index = bisect_left(dangling, start)  # a binary search: a scan per sentence was quadratic
    return index < len(dangling) and dangling[index] < end


def summarize(
    article: Article, *, sentences: int = 3, words: int | None = None, within: int | None = None
) -> Summary:
    """The article's summary: at most `sentences` sentences, within `words` words if given.

    The best sentence is always shown, even when it alone is longer than `words`. Only the
    sentences ending by character `within` are considered when it is given.
    """
    weights = SEVERAL_WEIGHTS if words is None and sentences > 1 else WEIGHTS
    features = sentence_features(article, within)
    return summarize_with(
        article,
        weights,
        REDUNDANCY,
        BREVITY,
        LEAD,
        sentences=sentences,
        words=words,
        features=features,
    )


def summarize_with(
    article: Article,
    weights: tuple[float, ...],
    redundancy: float,
    brevity: float,
    lead: float,
    *,
    sentences: int = 3,
    words: int | None = None,
    features: tuple[list[tuple[int, int]], list[list[float]]] | None = None,
) -> Summary:
    """`summarize` with other weights and trade-offs (for tuning them on data).

    `features` is `sentence_features(article)` when the caller already has it.
    """
    spans, rows = features if features is not None else sentence_features(article)
    if not spans or sentences < 1:
        return Summary(sentences=[], text="", version=SUMMARY_VERSION)
    scores = [_score(row, weights) for row in rows]
    # The weights score one sentence alone. In a summary of several sentences each extra
    # one costs precision, and the lead's sentences read on from each other: the more
    # sentences asked for, the more a long one is held back and the lead put forward.
    if words is None:
        several = 1.0 - 1.0 / sentences
        length = FEATURES.index("length")
        for index, row in enumerate(rows):
            scores[index] -= several * brevity * row[length]
            if index < 3:
                scores[index] += several * lead
    claims = list(article.claims)
    dangling = _dangling_starts(claims)
    short = FEATURES.index("short")
    title = article.title or ""
    for index, (start, end) in enumerate(spans):
        # A sentence whose speaker stays a bare pronoun loses to one that names them, and a
        # very short one, or the title's line, comes last: 1 and 10 exceed the whole range
        # of weighted scores (-0.1 to 0.6 on OrangeSum), so these act as ranks, not weights.
        if _dangling_speaker(start, end, dangling):
            scores[index] -= 1.0
        if rows[index][short] > 0.0 or _heading(article.text[start:end], title):
            scores[index] -= 10.0
    # A sentence that leans on the one before it ("Das hat sich geändert.") is read only
    # after that one. A summary of one sentence takes the best sentence that stands alone
    # (1 exceeds the range of scores: a rank, like the pronoun speaker above); in a longer
    # one the sentence it leans on is taken first, and it may follow. OrangeSum, 5-fold
    # CV, R2 against neither: 9.66 (9.80) at 1 sentence, 10.63 (10.35) at 3.
    alone = sentences == 1 and words is None
    named: dict[int, str] = {}

    def shown_text(index: int) -> str:
        """The sentence as shown, a pronoun speaker with its name; made once, on demand."""
        if index not in named:
            named[index] = _speaker_named(article, *spans[index], claims)
        return named[index]

    # The raw text first: only a sentence that leans back as written is read as shown.
    leaning = [
        index > 0
        and leans_back(article.text[start:end], article.language)
        and leans_back(shown_text(index), article.language)
        for index, (start, end) in enumerate(spans)
    ]
    # A word budget counts the words shown, resolved speakers' names included.
    word_counts = (
        [len(_tokens(shown_text(i))) for i in range(len(spans))]
        if words is not None
        else [0] * len(spans)
    )
    term_vectors = [_vector(_tokens(article.text[s:e]), {}) for s, e in spans]
    chosen: list[int] = []
    used_words = 0
    remaining = set(range(len(spans)))
    while remaining and len(chosen) < sentences:
        best, best_value = -1, -math.inf
        for index in sorted(remaining):
            overlap = max(
                (_cosine(term_vectors[index], term_vectors[c]) for c in chosen), default=0.0
            )
            value = scores[index] - redundancy * overlap
            if alone and leaning[index]:
                value -= 1.0
            if value > best_value:
                best, best_value = index, value
        while leaning[best] and best - 1 in remaining and best - 1 not in chosen:
            best -= 1  # the sentence it leans on comes first; it may follow
        remaining.discard(best)
        if words is not None and chosen and used_words + word_counts[best] > words:
            continue
        chosen.append(best)
        used_words += word_counts[best]
        if words is not None and used_words >= words:
            break
    chosen.sort()
    shown = [
        SummarySentence(text=shown_text(i), start=spans[i][0], end=spans[i][1]) for i in chosen
    ]
    return Summary(sentences=shown, text=" ".join(s.text for s in shown), version=SUMMARY_VERSION)
