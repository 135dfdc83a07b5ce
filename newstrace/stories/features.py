"""What story assignment looks at in one article: lead, entity keys, numbers, media, words, time."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from newstrace.model import Article
from newstrace.stories.encoders import Encoder, Vectors

# Characters of title + lead handed to the encoder: the first ~3 sentences of a news text
# carry its event (inverted pyramid); USE truncates long inputs anyway.
LEAD_CHARS = 600
# Characters of body the lexical signal reads: ECB+ articles are ~1,500 characters, and the
# body past the first few paragraphs drifts into background.
BODY_CHARS = 3000
# Words shorter than this are mostly function words in alphabetic scripts.
MIN_WORD = 3
# Shingles of this many words find near-copies (5-word shingles: Broder's choice for
# near-duplicate web pages); a sample of 1 in SKETCH_SAMPLE keeps at most SKETCH_MAX of them.
SHINGLE_WORDS = 5
SKETCH_SAMPLE = 2
SKETCH_MAX = 400
# Unsegmented scripts (Han, kana, Thai, …): words become overlapping character pairs.
UNSEGMENTED = re.compile(r"[\u0e00-\u0eff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
WORD = re.compile(r"\w+")
NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d{3})*(?:[.,]\d+)?")
# Numbers below this say little on their own (dates of the month, small counts).
MIN_NUMBER = 10.0
# The encoder of a stored vector without identity, by its dimension, where only one fits.
LEGACY_ENCODERS = {384: "e5"}


@dataclass(frozen=True)
class LeadVector:
    """An article's `lead_vector` and the identity of the encoder that made it."""

    encoder: str
    vector: Vectors


@dataclass
class StoryFeatures:
    """One article as story assignment sees it; plain data, stored as JSON with the vector."""

    article_id: str
    language: str | None
    time: float | None
    title: str
    keys: dict[str, float] = field(default_factory=dict)
    numbers: frozenset[str] = frozenset()
    media: frozenset[str] = frozenset()
    words: dict[str, int] = field(default_factory=dict)
    sketch: frozenset[int] = frozenset()
    vector: Vectors = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # The identity of the encoder of `vector` (`Encoder.identity`); None when unknown: built
    # by hand, or stored before identities were (see `legacy_encoder`).
    encoder: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "article_id": self.article_id,
                "language": self.language,
                "time": self.time,
                "title": self.title,
                "keys": self.keys,
                "numbers": sorted(self.numbers),
                "media": sorted(self.media),
                "words": self.words,
                "sketch": sorted(self.sketch),
                "vector": base64.b64encode(self.vector.astype(np.float16).tobytes()).decode(),
                "encoder": self.encoder,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> StoryFeatures:
        data: dict[str, Any] = json.loads(text)
        raw = base64.b64decode(data.get("vector", ""))
        return cls(
            article_id=str(data["article_id"]),
            language=data.get("language"),
            time=data.get("time"),
            title=str(data.get("title") or ""),
            keys={str(k): float(v) for k, v in (data.get("keys") or {}).items()},
            numbers=frozenset(data.get("numbers") or []),
            media=frozenset(data.get("media") or []),
            words={str(k): int(v) for k, v in (data.get("words") or {}).items()},
            sketch=frozenset(int(h) for h in data.get("sketch") or []),
            vector=np.frombuffer(raw, dtype=np.float16).astype(np.float32),
            encoder=data.get("encoder"),
        )

    def legacy_encoder(self) -> str | None:
        """The encoder name a vector stored without identity must come from, when only one
        could have made it: story vectors of 384 dimensions were e5's (of a version not
        recorded); 512 were USE's or hashed, which cannot be told apart."""
        return LEGACY_ENCODERS.get(len(self.vector))


def parse_time(value: str | None) -> float | None:
    """Seconds since 1970 of an ISO 8601 date or date-time (UTC when no zone), else None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def iso_time(seconds: float | None) -> str | None:
    """ISO 8601 in UTC of seconds since 1970 (the inverse of `parse_time`), None for None."""
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat()


def words(text: str) -> list[str]:
    """Lower-cased words of at least MIN_WORD letters; unsegmented scripts as character pairs."""
    found: list[str] = []
    for word in WORD.findall(text.casefold()):
        if UNSEGMENTED.search(word):
            found.extend(word[i : i + 2] for i in range(max(len(word) - 1, 1)))
        elif len(word) >= MIN_WORD and not word.isdigit():
            found.append(word)
    return found


def sketch(text: str) -> frozenset[int]:
    """A sample of the text's word shingles, as hashes: two sketches estimate text overlap."""
    tokens = WORD.findall(text.casefold())
    if any(UNSEGMENTED.search(t) for t in tokens):
        tokens = [c for c in "".join(tokens)]
    hashes: list[int] = []
    for i in range(max(len(tokens) - SHINGLE_WORDS + 1, 1)):
        shingle = " ".join(tokens[i : i + SHINGLE_WORDS])
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")
        if value % SKETCH_SAMPLE == 0:
            hashes.append(value >> 1)
    return frozenset(sorted(hashes)[:SKETCH_MAX])


def numbers(article: Article) -> frozenset[str]:
    """Values of the article's quantities (or of the numbers in its text when none were found)."""
    values = [q.value for q in article.quantities if q.value is not None]
    if not article.quantities:
        for match in NUMBER.finditer(article.text[:BODY_CHARS]):
            digits = re.sub(r"[.,\u00a0 ](?=\d{3}\b)", "", match.group())
            try:
                values.append(float(digits.replace(",", ".")))
            except ValueError:
                continue
    return frozenset(f"{v:g}" for v in values if abs(v) >= MIN_NUMBER)


def lead(article: Article) -> str:
    """Title and the first sentences: what the encoder reads."""
    body = article.text[:LEAD_CHARS]
    if article.sentences:
        end = next((s.end for s in article.sentences if s.end >= LEAD_CHARS), None)
        body = article.text[: min(end or len(article.text), LEAD_CHARS * 2)]
    title = (article.title or "").strip()
    return f"{title}\n{body}" if title and not body.startswith(title) else body


def lead_vector(article: Article) -> LeadVector:
    """The story encoder's vector of an article's title and lead (one row), with the
    encoder's identity: computed where the article is analysed (a pool worker), so the one
    writer only assigns."""
    from newstrace.stories.encoders import story_encoder

    model = story_encoder()
    return LeadVector(model.identity, encode_leads(model, [article])[0])


def encode_leads(encoder: Encoder, articles: Sequence[Article]) -> Vectors:
    """The vectors of the articles' leads, each with its language (which a centred story
    encoder takes its mean from)."""
    return encoder.encode([lead(a) for a in articles], [a.language for a in articles])


def features_of(
    article: Article, vector: Vectors, when: float | None = None, encoder: str | None = None
) -> StoryFeatures:
    """The story features of an analysed article, with its lead already encoded (by the
    encoder whose identity is `encoder`)."""
    keys: Counter[str] = Counter(e.key for e in article.entities if e.key and e.kind != "medium")
    text = article.text[:BODY_CHARS]
    title = (article.title or "").strip() or (article.sentence_texts() or [text])[0][:200]
    return StoryFeatures(
        article_id=article.id,
        language=article.language,
        time=parse_time(article.published) if when is None else when,  # undated: caller's clock
        title=title.strip(),
        keys={k: float(v) for k, v in keys.items()},
        numbers=numbers(article),
        media=frozenset(article.media),
        words=dict(Counter(words(f"{article.title or ''}\n{text}"))),
        sketch=sketch(article.text),
        vector=vector,
        encoder=encoder,
    )


def featurize(
    articles: Sequence[Article], encoder: Encoder, times: Sequence[float | None] | None = None
) -> list[StoryFeatures]:
    """Features of many articles, their leads encoded in one batch."""
    vectors = encode_leads(encoder, articles)
    found: list[StoryFeatures] = []
    for position, article in enumerate(articles):
        when = times[position] if times is not None else None
        found.append(features_of(article, vectors[position], when, encoder.identity))
    return found
