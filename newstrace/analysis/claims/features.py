"""Token features for the learned attribution model: one spaCy parse, the rules' own reading.

`read_tokens` turns a text and its sentences into `Tokens`: spaCy tokens with offsets into the
text, their parse (head, dependency, part of speech, lemma), whether they sit inside a quote,
where the reporting-verb lexicon and the rules (`newstrace.analysis.claims.rules`) put cues, sources
and contents. `cue_features` describes each token for finding cues; `role_features` describes
the tokens around one cue for finding its source and its content.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from newstrace.analysis.claims.lexicon import ClaimLexicon
from newstrace.analysis.claims.parsed import MAX_SENTENCE_CHARS
from newstrace.analysis.claims.quotes import find_quotes
from newstrace.analysis.claims.rules import Extractor, Found
from newstrace.nlp.docs import docs as shared_docs

Span = tuple[int, int]
# The sentences around a cue its source and content are looked for in: one before, three
# after, in its paragraph. On PolNeAR train 99 % of contents lie there (88 % in the cue's
# own sentence, 9.5 % running into the next ones, 1.7 % starting in the sentence before).
WINDOW_BEFORE = 1
WINDOW_AFTER = 3


def _shape(word: str) -> str:
    if word.isalpha():
        if word.isupper():
            return "XX" if len(word) > 1 else "X"
        if word[:1].isupper():
            return "Xx"
        return "x"
    if word.isdigit():
        return "d"
    if any(c.isalnum() for c in word):
        return "mixed"
    return word if len(word) == 1 else "punct"


def _bucket(distance: int) -> str:
    """A signed token distance, coarsened: 0, ±1, ±2, ±3, ±4-5, ±6-10, ±11-20, far."""
    size = abs(distance)
    if size <= 3:
        name = str(size)
    elif size <= 5:
        name = "4-5"
    elif size <= 10:
        name = "6-10"
    elif size <= 20:
        name = "11-20"
    else:
        name = "far"
    return ("-" if distance < 0 else "+") + name


@dataclass
class Tokens:
    """The tokens of one text, parsed per sentence; heads are indexes into these lists."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    lower: list[str] = field(default_factory=list)
    lemma: list[str] = field(default_factory=list)
    pos: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    dep: list[str] = field(default_factory=list)
    head: list[int] = field(default_factory=list)
    shape: list[str] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    # Per sentence: first token, token after the last, paragraph number.
    sentence_tokens: list[Span] = field(default_factory=list)
    sentence_paragraph: list[int] = field(default_factory=list)
    quoted: list[bool] = field(default_factory=list)
    lexicon_cue: list[bool] = field(default_factory=list)
    # The rules' reading: per token "cue", "source", "content" or "" (cue wins).
    rule_role: list[str] = field(default_factory=list)
    rules: list[Found] = field(default_factory=list)
    # Each token's own features and its neighbours', made once (`described`).
    features: list[list[str]] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def tokens_of(self, span: Span) -> list[int]:
        """Indexes of the tokens overlapping a character span."""
        first = max(0, bisect_right(self.ends, span[0]))
        result = []
        for index in range(first, len(self.starts)):
            if self.starts[index] >= span[1]:
                break
            if self.ends[index] > span[0]:
                result.append(index)
        return result


@cache
def _tagging(nlp: Any) -> tuple[dict[str, str], Any]:
    """The pipeline's tag → part-of-speech map (its attribute ruler's one-tag patterns) and
    its lemmatizer: read once, so that a parse can skip both components, which cost about as
    much as the parser itself (docs/claims.md, Speed)."""
    pos: dict[str, str] = {}
    if "attribute_ruler" in getattr(nlp, "pipe_names", []):
        for pattern in nlp.get_pipe("attribute_ruler").patterns:
            tokens = pattern["patterns"]
            if "POS" in pattern["attrs"] and all(
                len(t) == 1 and set(t[0]) == {"TAG"} for t in tokens
            ):
                for token in tokens:
                    pos[token[0]["TAG"]] = pattern["attrs"]["POS"]
    names = getattr(nlp, "pipe_names", [])
    return pos, nlp.get_pipe("lemmatizer") if "lemmatizer" in names else None


def parse(text: str, sentences: list[Span], nlp: Any) -> list[tuple[Span, Any]]:
    """Each sentence parsed once by the tagger and the parser: (span, doc). Parts of speech
    come from the tags, lemmas from the lemmatizer's rules, both remembered per word. The
    docs are shared with the entities stage (`newstrace.nlp.docs`): one tokenization."""
    pieces = [(s, min(e, s + MAX_SENTENCE_CHARS)) for s, e in sentences]
    pos, lemmatizer = _tagging(nlp)
    docs = shared_docs(nlp, text, pieces, ("tagger", "parser"))
    for doc in docs:
        for token in doc:
            key = (token.lower_, token.tag_)
            known = _LEMMAS.get(key)
            if known is None:
                token.pos_ = pos.get(token.tag_, "X")
                lemma = lemmatizer.rule_lemmatize(token)[0] if lemmatizer else token.lower_
                known = _LEMMAS[key] = (token.pos_, lemma.lower())
                if len(_LEMMAS) > MAX_LEMMAS:
                    _LEMMAS.clear()
            token.pos_, token.lemma_ = known
    return list(zip(pieces, docs, strict=True))


# (word, tag) → (part of speech, lemma), shared by every parse of the process.
_LEMMAS: dict[tuple[str, str], tuple[str, str]] = {}
MAX_LEMMAS = 200_000


def read_tokens(
    text: str, parsed: list[tuple[Span, Any]], lexicon: ClaimLexicon, rules: list[Found]
) -> Tokens:
    """The tokens of a parsed text with the quote, lexicon and rule marks."""
    tokens = Tokens()
    paragraph = 0
    previous_end = 0
    for number, ((start, _), doc) in enumerate(parsed):
        paragraph += "\n" in text[previous_end:start]
        previous_end = start
        first = len(tokens.starts)
        index_of: dict[int, int] = {}
        for token in doc:
            if token.is_space:
                continue
            index_of[token.i] = len(tokens.starts)
            word = token.text
            tokens.starts.append(start + token.idx)
            tokens.ends.append(start + token.idx + len(word))
            tokens.lower.append(token.lower_)
            tokens.lemma.append(token.lemma_.lower())
            tokens.pos.append(token.pos_)
            tokens.tag.append(token.tag_)
            tokens.dep.append(token.dep_)
            tokens.head.append(token.head.i)
            tokens.shape.append(_shape(word))
            tokens.sentence.append(number)
        for index in range(first, len(tokens.starts)):
            head = tokens.head[index]
            tokens.head[index] = index_of.get(head, index)
        previous_end = tokens.ends[-1] if len(tokens.starts) > first else start
        tokens.sentence_tokens.append((first, len(tokens.starts)))
        tokens.sentence_paragraph.append(paragraph)
    size = len(tokens.starts)
    tokens.quoted = [False] * size
    for quote in find_quotes(text, lexicon.quote_pairs):
        for index in tokens.tokens_of((quote.start, quote.end)):
            tokens.quoted[index] = True
    tokens.lexicon_cue = [False] * size
    for span, _ in parsed:
        for hit in lexicon.verbs.finditer(text, span[0], span[1]):
            for index in tokens.tokens_of((hit.start(), hit.end())):
                tokens.lexicon_cue[index] = True
    tokens.rule_role = [""] * size
    tokens.rules = [f for f in rules if f.cue is not None and f.type != "unattributed"]
    for found in tokens.rules:
        for span in found.parts:
            for index in tokens.tokens_of(span):
                tokens.rule_role[index] = tokens.rule_role[index] or "content"
        if found.speaker is not None:
            for index in tokens.tokens_of(found.speaker.span()):
                tokens.rule_role[index] = "source"
    for found in tokens.rules:
        assert found.cue is not None
        for index in tokens.tokens_of(found.cue):
            tokens.rule_role[index] = "cue"
    return tokens


def rules_of(text: str, sentences: list[Span], lexicon: ClaimLexicon) -> list[Found]:
    """What the rules (without a parse) find: the model's features and its fallback."""
    return Extractor(text, sentences, lexicon, frozenset()).run()


def _token_features(tokens: Tokens, index: int) -> list[str]:
    """What one token is, independent of any cue."""
    return [
        "w=" + tokens.lower[index],
        "l=" + tokens.lemma[index],
        "p=" + tokens.pos[index],
        "t=" + tokens.tag[index],
        "d=" + tokens.dep[index],
        "s=" + tokens.shape[index],
        "hl=" + tokens.lemma[tokens.head[index]],
        "hp=" + tokens.pos[tokens.head[index]],
        "dp=" + tokens.dep[index] + "|" + tokens.pos[tokens.head[index]],
        "q=" + str(tokens.quoted[index]),
        "x=" + str(tokens.lexicon_cue[index]),
        "r=" + tokens.rule_role[index],
    ]


# What a neighbour contributes to a token's description: these places of `_token_features`
# (word, part of speech, dependency, quoted, lexicon cue, rules' role).
_NEIGHBOUR = (0, 2, 4, 9, 10, 11)


def _with_neighbours(base: list[list[str]], first: int, last: int, index: int) -> list[str]:
    features = list(base[index - first])
    for offset in (-2, -1, 1, 2):
        other = index + offset
        if other < first or other >= last:
            features.append(f"{offset}:edge")
            continue
        near = base[other - first]
        prefix = f"{offset}:"
        features.extend([prefix + near[place] for place in _NEIGHBOUR])
    return features


def described(tokens: Tokens) -> list[list[str]]:
    """Each token's features with its neighbours' in its sentence, made once per text."""
    if tokens.features is None:
        features: list[list[str]] = []
        for first, last in tokens.sentence_tokens:
            base = [_token_features(tokens, i) for i in range(first, last)]
            features.extend(_with_neighbours(base, first, last, i) for i in range(first, last))
        tokens.features = features
    return tokens.features


def _nearest_lexicon_cue(tokens: Tokens, first: int, last: int) -> list[int | None]:
    """Per token of a sentence, the signed distance to the nearest lexicon cue in it."""
    cues = [i for i in range(first, last) if tokens.lexicon_cue[i]]
    result: list[int | None] = []
    for index in range(first, last):
        result.append(min((c - index for c in cues), key=abs) if cues else None)
    return result


# What the cue step reads at a verb: its subject ("Trump believes", "they hope") and the
# clause it opens ("that ...", "to ...").
_SUBJECTS = ("nsubj", "nsubjpass")
_CLAUSES = ("ccomp", "xcomp", "advcl")
_PERSONS = frozenset(("he", "she", "they", "we", "i", "you"))
_THINGS = frozenset(("it", "this", "that", "there", "which", "what"))
_CAPITALS = ("XX", "Xx", "X")


def _subject_kind(tokens: Tokens, subject: int | None) -> str:
    """A subject as a kind: a personal pronoun, "who", a thing, a name, a noun, or none."""
    if subject is None:
        return "none"
    word = tokens.lower[subject]
    if word in _PERSONS:
        return "pron"
    if word == "who":
        return "who"
    if word in _THINGS:
        return "it"
    pos = tokens.pos[subject]
    return {"PROPN": "propn", "NOUN": "noun"}.get(pos, pos.lower())


def _clause_kind(tokens: Tokens, kids: list[int], children: dict[int, list[int]]) -> str:
    """The clause a token opens: a complement led by "that", else its clausal dependency."""
    for kid in kids:
        if tokens.dep[kid] == "ccomp" and any(
            tokens.dep[k] == "mark" and tokens.lower[k] == "that" for k in children.get(kid, [])
        ):
            return "that"
    deps = {tokens.dep[kid] for kid in kids}
    return next((dep for dep in _CLAUSES if dep in deps), "none")


def _quoted_below(tokens: Tokens, first: int, last: int) -> list[bool]:
    """Per token of a sentence, whether a token of its subtree's stretch of the sentence
    (from its leftmost to its rightmost descendant) other than itself is inside quotes."""
    bounds = [[index, index] for index in range(first, last)]
    for index in range(first, last):
        child = index
        for _ in range(40):
            parent = tokens.head[child]
            if parent == child:
                break
            bound = bounds[parent - first]
            bound[0], bound[1] = min(bound[0], index), max(bound[1], index)
            child = parent
    counts = [0]
    for index in range(first, last):
        counts.append(counts[-1] + tokens.quoted[index])
    return [
        counts[high - first + 1] - counts[low - first] > tokens.quoted[index]
        for index, (low, high) in zip(range(first, last), bounds, strict=True)
    ]


def _speaker_colon(tokens: Tokens, first: int, last: int) -> dict[int, str]:
    """A transcript's or a headline's speaker ("PENCE:", "Pat Caddell:"): up to five
    capitalised words opening the sentence (after its quotation marks), then a colon."""
    start = first
    while start < last and tokens.shape[start] not in ("X", "XX", "Xx", "x", "mixed", "d"):
        start += 1
    end = start
    while end < last and end - start < 5:
        if not (tokens.shape[end] in _CAPITALS or (tokens.lower[end] == "." and end > start)):
            break
        end += 1
    if end in (start, last) or tokens.lower[end] != ":":
        return {}
    caps = all(tokens.shape[i] in ("XX", "X") or tokens.lower[i] == "." for i in range(start, end))
    marks = dict.fromkeys(range(start, end), "name")
    marks[end] = "colon-caps" if caps else "colon"
    return marks


def _has_rule_cue(tokens: Tokens, sentence: int, paragraph: int) -> str:
    """Whether a sentence of the paragraph holds a cue of the rules ("x": no such sentence)."""
    if not 0 <= sentence < len(tokens.sentence_tokens):
        return "x"
    if tokens.sentence_paragraph[sentence] != paragraph:
        return "x"
    first, last = tokens.sentence_tokens[sentence]
    return str("cue" in tokens.rule_role[first:last])


def cue_features(tokens: Tokens, sentence: int) -> list[list[str]]:
    """Features of each token of a sentence, for finding cues."""
    first, last = tokens.sentence_tokens[sentence]
    own = described(tokens)
    nearest = _nearest_lexicon_cue(tokens, first, last)
    children: dict[int, list[int]] = {}
    for index in range(first, last):
        if tokens.head[index] != index:
            children.setdefault(tokens.head[index], []).append(index)
    subjects = {
        index: next((k for k in children.get(index, []) if tokens.dep[k] in _SUBJECTS), None)
        for index in range(first, last)
    }
    quoted_below = _quoted_below(tokens, first, last)
    speaker = _speaker_colon(tokens, first, last)
    # Around the sentence: the rules' cues in its neighbours, whether it opens a paragraph.
    paragraph = tokens.sentence_paragraph[sentence]
    opens = str(sentence == 0 or tokens.sentence_paragraph[sentence - 1] != paragraph)
    context = [
        "pc=" + _has_rule_cue(tokens, sentence - 1, paragraph),
        "ncue=" + _has_rule_cue(tokens, sentence + 1, paragraph),
        "pf=" + opens,
    ]
    quoted = str(any(tokens.quoted[first:last]))
    result = []
    for index in range(first, last):
        features = list(own[index])
        distance = nearest[index - first]
        lemma = tokens.lemma[index]
        head = tokens.head[index]
        features.append("nc=" + (_bucket(distance) if distance is not None else "none"))
        kids = children.get(index, [])
        deps = sorted({tokens.dep[kid] for kid in kids})
        features.extend("c=" + dep for dep in deps)
        features.append("l|c=" + lemma + "|" + ("ccomp" if "ccomp" in deps else "-"))
        features.append("l|d=" + lemma + "|" + tokens.dep[index])
        features.append("hl|d=" + tokens.lemma[head] + "|" + tokens.dep[index])
        # Lemma pairs with each neighbour ("say|friday", "accord|to"), their lemma × dependency.
        before = tokens.lemma[index - 1] if index > first else "<s>"
        after = tokens.lemma[index + 1] if index + 1 < last else "</s>"
        features.append("l-1|l=" + before + "|" + lemma)
        features.append("l|l+1=" + lemma + "|" + after)
        for offset in (-1, 1):
            other = index + offset
            if first <= other < last:
                features.append(f"{offset}:l|d=" + tokens.lemma[other] + "|" + tokens.dep[other])
        features.append("hx=" + str(tokens.lexicon_cue[head]))
        features.append("pos=" + ("first" if index == first else _bucket(index - first)))
        features.append("end=" + _bucket(last - 1 - index))
        features.append("root=" + str(head == index))
        features.append("sq=" + quoted)
        # The subject, the clause, a quotation under the token: "they hope that", "X believes".
        subject = subjects[index]
        kind = ""
        if subject is None and tokens.dep[index] in ("conj", "xcomp") and head != index:
            subject = subjects.get(head)  # "... and added", "declined to comment"
            kind = "^" if subject is not None else ""
        kind += _subject_kind(tokens, subject)
        clause = _clause_kind(tokens, kids, children)
        features += [
            "sk=" + kind,
            "cl=" + clause,
            "sk|cl=" + kind + "|" + clause,
            "p|sk|cl=" + tokens.pos[index] + "|" + kind + "|" + clause,
            "l|sk=" + lemma + "|" + kind,
            "qt=" + str(quoted_below[index - first]),
            "spk=" + speaker.get(index, "-"),
        ]
        features += context
        result.append(features)
    return result


def window(tokens: Tokens, cue: list[int]) -> Span:
    """The tokens a cue's source and content are looked for in (see WINDOW_BEFORE/AFTER)."""
    sentence = tokens.sentence[cue[0]]
    paragraph = tokens.sentence_paragraph[sentence]
    low = sentence
    while low > sentence - WINDOW_BEFORE and low > 0:
        if tokens.sentence_paragraph[low - 1] != paragraph:
            break
        low -= 1
    high = sentence
    while high < sentence + WINDOW_AFTER and high + 1 < len(tokens.sentence_tokens):
        if tokens.sentence_paragraph[high + 1] != paragraph:
            break
        high += 1
    return tokens.sentence_tokens[low][0], tokens.sentence_tokens[high][1]


def cue_head(tokens: Tokens, cue: list[int]) -> int:
    """The cue token the others hang on (its head lies outside the cue)."""
    inside = set(cue)
    for index in cue:
        outside = tokens.head[index] not in inside or tokens.head[index] == index
        if outside and (tokens.pos[index] in ("VERB", "AUX", "NOUN", "ADP") or len(cue) == 1):
            return index
    return cue[-1]


def _relation(tokens: Tokens, index: int, head: int) -> str:
    """How a token stands to the cue's head in the parse: under which child, or above."""
    if tokens.sentence[index] != tokens.sentence[head]:
        return "other"
    if index == head:
        return "head"
    child = index
    for _ in range(40):
        parent = tokens.head[child]
        if parent == head:
            return "under:" + tokens.dep[child]
        if parent == child:
            break
        child = parent
    climb = head
    for _ in range(40):
        parent = tokens.head[climb]
        if parent == index:
            return "above"
        if parent == climb:
            break
        climb = parent
    return "apart"


def role_features(tokens: Tokens, cue: list[int], span: Span) -> list[list[str]]:
    """Features of each token of a cue's window, for finding that cue's source and content."""
    first, last = span
    head = cue_head(tokens, cue)
    inside = set(cue)
    cue_lemma = tokens.lemma[head]
    cue_sentence = tokens.sentence[head]
    cue_dep = tokens.dep[head] + "|" + str(tokens.quoted[head])
    sentence_ends = {
        tokens.sentence_tokens[n][1] - 1
        for n in range(tokens.sentence[first], tokens.sentence[last - 1] + 1)
    }
    rule = _rule_for(tokens, cue)
    rule_marks: dict[int, str] = {}
    if rule is not None:
        for part in rule.parts:
            for index in tokens.tokens_of(part):
                rule_marks[index] = "content"
        if rule.speaker is not None:
            for index in tokens.tokens_of(rule.speaker.span()):
                rule_marks[index] = "source"
    relations = [_relation(tokens, i, head) for i in range(first, last)]
    own = described(tokens)
    result = []
    for index in range(first, last):
        if index in inside:
            where = "cue"
        elif index < cue[0]:
            where = "before"
        else:
            where = "after"
        relation = relations[index - first]
        features = list(own[index])
        distance = index - cue[0] if index < cue[0] else max(0, index - cue[-1])
        quoted = str(tokens.quoted[index])
        features += [
            "at=" + where,
            "dist=" + _bucket(distance),
            "sent=" + str(tokens.sentence[index] - cue_sentence),
            "rel=" + relation,
            "rel|at=" + relation + "|" + where,
            "cl|at=" + cue_lemma + "|" + where,
            "cl|rel=" + cue_lemma + "|" + relation,
            "q|at=" + quoted + "|" + where,
            "rule=" + rule_marks.get(index, "none" if rule is None else "out"),
            "cd|at=" + cue_dep + "|" + where,
            "last=" + str(index in sentence_ends),
        ]
        for offset in (-1, 1):
            other = index + offset
            if first <= other < last:
                features.append(f"{offset}:rel=" + relations[other - first])
        result.append(features)
    return result


def _rule_for(tokens: Tokens, cue: list[int]) -> Found | None:
    """The rules' attribution whose cue overlaps this one, if any."""
    start, end = tokens.starts[cue[0]], tokens.ends[cue[-1]]
    for found in tokens.rules:
        if found.cue is not None and found.cue[0] < end and start < found.cue[1]:
            return found
    return None


__all__ = [
    "Tokens",
    "cue_features",
    "cue_head",
    "parse",
    "read_tokens",
    "role_features",
    "rules_of",
    "window",
]
