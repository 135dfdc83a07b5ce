"""After extraction: pronouns to names, one key per person, inherited media, verification marks."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from importlib import resources

from newstrace.analysis.claims.lexicon import ClaimLexicon
from newstrace.analysis.claims.plausible import plausible
from newstrace.analysis.claims.quotes import find_quotes
from newstrace.analysis.claims.rules import Found
from newstrace.analysis.claims.speakers import MAX_ROLE_BEFORE_NAME, Speaker
from newstrace.model import Claim, Entity

# A pronoun resolves to a named speaker at most this many paragraphs back; further, the
# reader has lost the thread and so would newstrace.
PRONOUN_REACH_PARAGRAPHS = 3
# A verification statement marks an earlier claim when they share this many content stems
# (5-letter prefixes of words of 5+ letters). 3: on the seeds, Newsweek's "could not
# confirm US citizens" shares 3 with Rogov's list of countries and at most 2 with any
# other claim of either seed.
VERIFICATION_SHARED_STEMS = 3
STEM = 5

_STEM_WORD = re.compile(rf"\w{{{STEM},}}")


def name_key(name: str) -> str:
    """A plain key for a name newstrace has no entity for: accents off, case folded."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare.casefold()).strip()


def _stems(text: str) -> set[str]:
    return {w.casefold()[:STEM] for w in _STEM_WORD.findall(text)}


def _paragraph(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def _is_medium(name: str, media: frozenset[str], entities: list[Entity]) -> bool:
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) >= 2:
        return True
    if any(m and m in name for m in media):
        return True
    return any(e.kind in ("medium", "organization") and e.text in name for e in entities)


Names = dict[str, str]


_POSSESSIVE = re.compile(r"(?:[’']s|(?<=s)[’'])$")


def _bare(name: str) -> str:
    """A name without the possessive it was written with ("Meghan's admission" → "Meghan")."""
    return _POSSESSIVE.sub("", name.strip())


def _surname(name: str) -> str:
    words = name.split()
    return _bare(words[-1]) if words else name


def name_index(names: list[str]) -> Names:
    """Last word → the longest name ending with it in this article (without a possessive)."""
    index: Names = {}
    for name in map(_bare, names):
        last = _surname(name)
        if len(name) > len(index.get(last, "")):
            index[last] = name
    return index


def _full_name(short: str, names: Names) -> str:
    """ "Rogov" → "Vladimir Rogov" when the article named him in full."""
    short = _bare(short)
    full = names.get(_surname(short), short)
    return full if len(full) > len(short) else short


def _entity_key(start: int, end: int, entities: list[Entity]) -> str | None:
    for entity in entities:
        if entity.start < end and start < entity.end and entity.key:
            return entity.key
    return None


@cache
def given_name_genders() -> dict[str, str]:
    """Given name (case-folded) → "f" or "m", from newstrace/data/gazetteer/genders.toml."""
    path = resources.files("newstrace") / "data" / "gazetteer" / "genders.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    genders = {name.casefold(): "f" for name in data.get("female", [])}
    genders.update({name.casefold(): "m" for name in data.get("male", [])})
    return genders


def name_gender(name: str, lexicon: ClaimLexicon) -> str | None:
    """The gender a name shows: its given name, else its surname's ending; None if unknown."""
    words = re.findall(r"[^\W\d_][\w’'-]*", name)
    if not words:
        return None
    for word in words[:-1] or words:
        gender = given_name_genders().get(word.casefold())
        if gender is not None:
            return gender
    last = words[-1].casefold()
    for ending, gender in sorted(lexicon.name_endings, key=lambda e: -len(e[0])):
        if last.endswith(ending) and len(last) > len(ending) + 1:
            return gender or None
    return None


Candidate = tuple[str, int, str]


# Words looked back from a name for the preposition that makes it an object ("with her son
# Archie": 3).
OBJECT_REACH_WORDS = 3
_BACK_WORD = re.compile(r"([^\W\d_][\w’'-]*)\s*$")


def object_position(text: str, start: int, lexicon: ClaimLexicon) -> bool:
    """Whether a name at `start` is a preposition's object ("her interview with Winfrey",
    "pregnant with her son Archie"): up to OBJECT_REACH_WORDS lower-case words back, within
    the clause, one of the language's `object_prepositions`."""
    if not lexicon.object_prepositions:
        return False
    end = start
    for _ in range(OBJECT_REACH_WORDS):
        found = _BACK_WORD.search(text, max(0, end - 40), end)
        if found is None or not found.group(1)[:1].islower():
            return False
        if found.group(1).casefold() in lexicon.object_prepositions:
            return True
        end = found.start()
    return False


def _antecedent(
    candidates: list[Candidate],
    pronoun: str,
    lexicon: ClaimLexicon,
    objects: set[int],
    weak: set[int],
) -> Candidate | None:
    """The latest candidate whose gender does not clash with the pronoun's; but when that one
    is a preposition's object (`objects`: their offsets), an earlier subject whose gender is
    known to be the pronoun's: "during her interview with Oprah Winfrey she spoke" is
    Meghan's, named before. Without such a subject, the object stays ("Police spoke with
    Anna Berg. She said …"). A possessive (`weak`: "Madonna's excursions") is never that
    earlier subject."""
    wanted = dict(lexicon.pronoun_genders).get(pronoun.casefold())
    genders = [(c, name_gender(c[0], lexicon)) for c in sorted(candidates, key=lambda c: -c[1])]
    fitting = [(c, gender) for c, gender in genders if wanted in (None, gender) or gender is None]
    if not fitting:
        return None
    latest = fitting[0][0]
    if latest[1] in objects and wanted is not None:
        for candidate, gender in fitting[1:]:
            if candidate[1] not in objects | weak and gender == wanted:
                return candidate
    return latest


def resolve(
    found: list[Found],
    text: str,
    lexicon: ClaimLexicon,
    media: frozenset[str],
    entities: list[Entity],
) -> list[Claim]:
    """Turn found attributions into Claims: names resolved, media inherited, statuses set."""
    found = [
        f
        for f in found
        if not f.headline or can_speak(f.speaker, text, entities, media, lexicon.nouns_capitalised)
    ]
    found = _without_own_voice(found, text, lexicon)
    persons = sorted((e for e in entities if e.kind == "person"), key=lambda e: e.start)
    named_speakers = name_index(
        [f.speaker.text for f in found if f.speaker is not None and f.speaker.kind == "named"]
        + [e.text for e in persons if plausible(e.text, lexicon)]  # not "Fixers: Eddie Mannix"
    )
    named: list[Candidate] = []
    quoted = [part for f in found if f.type == "direct" for part in f.parts]
    # Every person mention that may be a pronoun's antecedent, with its kind of position:
    # the same for every pronoun, so read once.
    mentions: list[tuple[Entity, Candidate]] = []
    objects: set[int] = set()
    weak: set[int] = set()
    for person in persons:
        name = _full_name(person.text, named_speakers)
        if not plausible(name, lexicon):
            continue
        mentions.append((person, (name, person.start, person.key or name_key(name))))
        possessive = _POSSESSIVE.search(person.text) or _POSSESSIVE.search(
            text, person.end, person.end + 2
        )
        if possessive:
            weak.add(person.start)  # "Madonna's excursions"
        elif object_position(text, person.start, lexicon):
            objects.add(person.start)
    for claim in found:
        speaker = claim.speaker
        if speaker is None:
            continue
        if speaker.kind == "named" and not _is_medium(speaker.text, media, entities):
            name = _full_name(speaker.text, named_speakers)
            key = _entity_key(speaker.start, speaker.end, entities) or name_key(name)
            named.append((name, speaker.start, key))
        elif (
            speaker.kind == "pronoun" and speaker.text.casefold() not in lexicon.unresolved_pronouns
        ):
            candidates = [c for c in named if c[1] < speaker.start]
            candidates += [c for person, c in mentions if person.end <= speaker.start]
            reach = _paragraph(text, speaker.start) - PRONOUN_REACH_PARAGRAPHS
            # A name inside what was said is what the speaker talks about ("“We were sold
            # on Gold Standard BRT …,” he said"), never who "he" is; nor is a name inside
            # another quote ("“I'm sad that Catherine is not continuing,” she wrote").
            said = [*claim.parts, *quoted]
            candidates = [
                c
                for c in candidates
                if _paragraph(text, c[1]) >= reach
                and not any(start <= c[1] < end for start, end in said)
            ]
            subjects = {c[1] for c in named}  # a speaker of a claim is a subject
            candidate = _antecedent(candidates, speaker.text, lexicon, objects - subjects, weak)
            if candidate is not None:
                claim.resolved, claim.resolved_key = candidate[0], candidate[2]
    _inherit_media(found, text, named_speakers)
    _mark_verified(found, text)
    claims = []
    for claim in found:
        claims.append(_to_claim(claim, text, lexicon, named_speakers, entities))
    return claims


# Entity kinds that speak: a headline's "Name: …" is an attribution only for one of them.
SPEAKING_KINDS = frozenset({"person", "organization", "medium"})
# Labels news pages put before a colon in headlines and teasers, in the languages newstrace
# has data for: sections, formats and the running topics of the years in the dev data.
HEADLINE_LABELS = frozenset(
    {
        "live",
        "liveblog",
        "liveticker",
        "ticker",
        "newsblog",
        "update",
        "breaking",
        "exclusive",
        "exklusiv",
        "exclusif",
        "exclusivo",
        "esclusiva",
        "analysis",
        "analyse",
        "análisis",
        "analisi",
        "análise",
        "kommentar",
        "comment",
        "opinion",
        "meinung",
        "tribune",
        "éditorial",
        "editorial",
        "video",
        "vidéo",
        "vídeo",
        "fotos",
        "photos",
        "foto",
        "bilder",
        "bildergalerie",
        "fotostrecke",
        "galerie",
        "gallery",
        "galería",
        "galleria",
        "diaporama",
        "tel",
        "tel.",
        "telefon",
        "téléphone",
        "teléfono",
        "phone",
        "fax",
        "e-mail",
        "email",
        "mail",
        "adresse",
        "address",
        "label",
        "interview",
        "entretien",
        "entrevista",
        "intervista",
        "podcast",
        "quiz",
        "faq",
        "direct",
        "brexit",
        "corona",
        "coronavirus",
        "covid",
        "covid-19",
        "ukraine-krieg",
    }
)


def can_speak(
    speaker: Speaker | None,
    text: str,
    entities: list[Entity],
    media: frozenset[str],
    nouns_capitalised: bool = False,
) -> bool:
    """Whether a headline's "Name:" may be a speaker. Yes for a crowd or role of the lexicon,
    a medium, or a person or organization found there or elsewhere with these words
    ("Graham:" and "Lindsey Graham" in the text). No for a place or other entity ("Ukraine:"),
    a label of news pages ("Live:", "Brexit:", "Coronavirus:"), or a word the text also writes
    in lower case (a common noun). A name nothing says more about keeps the benefit of the
    doubt ("Graham: …" alone), except where every noun is capitalised (German)."""
    if speaker is None or speaker.kind not in ("named", "crowd"):
        return False
    if speaker.kind == "crowd" or speaker.text in media:
        return True
    folded = speaker.text.casefold()
    words = set(folded.split())
    for entity in entities:
        overlaps = entity.start < speaker.end and speaker.start < entity.end
        if entity.kind in SPEAKING_KINDS and (
            overlaps or words <= set(entity.text.casefold().split())
        ):
            return True
        if entity.kind != "other" and (overlaps or entity.text.casefold() == folded):
            return False  # a place: what the headline is about ("other": unknown, no say)
    if folded in HEADLINE_LABELS or nouns_capitalised:
        # Where every noun is capitalised, "Prognose:", "Lizenz:", "Atemmeditation:" look
        # like "Habeck:": only an entity of the text vouches for a name.
        return False
    return re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", text) is None


def _speaker_name(claim: Found, names: Names) -> str | None:
    if claim.speaker is None:
        return None
    if claim.resolved:
        return claim.resolved
    if claim.speaker.kind == "named":
        return _full_name(claim.speaker.text, names)
    return claim.speaker.text


def _inherit_media(found: list[Found], text: str, names: Names) -> None:
    """A speaker's next claims in the same paragraph came through the same medium."""
    last: dict[str, tuple[tuple[str, int, int], int]] = {}
    for claim in found:
        name = _speaker_name(claim, names)
        if name is None:
            continue
        paragraph = _paragraph(text, claim.start)
        if claim.medium is not None:
            last[name] = (claim.medium, paragraph)
        elif name in last and last[name][1] == paragraph and claim.type != "verification":
            claim.medium = (last[name][0][0], -1, -1)


def _mark_verified(found: list[Found], text: str) -> None:
    """A verification statement gives its status to the earlier claim it qualifies."""

    def stems_of(claim: Found) -> set[str]:
        return set().union(*(_stems(text[s:e]) for s, e in claim.parts))

    for index, check in enumerate(found):
        if check.type != "verification" or check.status == "attributed":
            continue
        stems = stems_of(check)
        best: tuple[int, Found] | None = None
        for claim in found[:index]:
            if claim.type in ("verification", "unattributed") or claim.status != "attributed":
                continue
            shared = len(stems & stems_of(claim))
            if shared >= VERIFICATION_SHARED_STEMS and (best is None or shared > best[0]):
                best = (shared, claim)
        if best is not None:
            best[1].status = check.status


_QUOTE_OPENERS = frozenset("\"“„«»‘‚‹'")
_QUOTE_CLOSERS = frozenset("\"”“»«’‘›'")


def _quoted_whole(text: str, claim: Found) -> bool:
    """Whether what was said opens and closes with quotation marks."""
    said = text[claim.start : claim.end].rstrip(" .,;:")
    return said[:1] in _QUOTE_OPENERS and said[-1:] in _QUOTE_CLOSERS


def _without_own_voice(found: list[Found], text: str, lexicon: ClaimLexicon) -> list[Found]:
    """Without what the writer says in their own voice: "I think it was the right call", "we
    found that …", "You say that …" (an interviewer's question) outside any quotation. It is
    the page speaking, not someone it reports. The writer quoting themselves ("“…,” I said")
    stays a direct quote; a phrase in quotation marks inside their own sentence ("I called
    them “collectively intelligent systems”") does not make one."""
    quotes: list[tuple[int, int]] | None = None
    kept = []
    for claim in found:
        speaker = claim.speaker
        if (
            speaker is not None
            and speaker.text.casefold() in lexicon.first_person
            and not (claim.type == "direct" and _quoted_whole(text, claim))
        ):
            if quotes is None:
                quotes = [(q.start, q.end) for q in find_quotes(text, lexicon.quote_pairs)]
            if not any(start <= speaker.start < end for start, end in quotes):
                continue
        kept.append(claim)
    return kept


def _role(text: str, speaker: Speaker, lexicon: ClaimLexicon, entities: list[Entity]) -> str | None:
    """The speaker's role: the one written beside the name ("Rogov, président du mouvement
    …"), else a title or role written before a person's name in the speaker's span
    ("Bundeskanzler Olaf Scholz", "le ministre Gérald Darmanin": "Bundeskanzler",
    "ministre"), without its determiners; the span itself stays whole."""
    if speaker.role is not None or speaker.kind != "named":
        return speaker.role
    person = next(
        (
            e
            for e in entities
            if e.kind == "person" and speaker.start < e.start < speaker.end and e.end <= speaker.end
        ),
        None,
    )
    if person is None:
        return None
    found = [
        m
        for m in re.finditer(r"\S+", text[speaker.start : person.start])
        if m.group().casefold() not in lexicon.determiners  # cue_blockers included
    ]
    if (
        not found
        or len(found) > MAX_ROLE_BEFORE_NAME
        or not all(m.group()[:1].isalpha() for m in found)
    ):
        return None
    others = [e for e in entities if e is not person]
    if all(any(e.start <= speaker.start + m.start() < e.end for e in others) for m in found):
        return None  # "Reuters' John Smith": a name before the name, no role
    first = speaker.start + found[0].start()
    return text[first : person.start].strip(" ,")


def _to_claim(
    claim: Found, text: str, lexicon: ClaimLexicon, names: Names, entities: list[Entity]
) -> Claim:
    speaker = claim.speaker
    content = text[claim.start : claim.end]
    cue_text = text[claim.cue[0] : claim.cue[1]] if claim.cue else None
    hedges = sorted({m.group().casefold() for m in lexicon.hedges.finditer(content)})
    name = _speaker_name(claim, names)
    key = None
    if claim.resolved_key is not None:
        key = claim.resolved_key
    elif speaker is not None and name is not None and speaker.kind == "named":
        key = _entity_key(speaker.start, speaker.end, entities) or name_key(name)
    return Claim(
        speaker=name,
        speaker_key=key,
        speaker_start=speaker.start if speaker else None,
        speaker_end=speaker.end if speaker else None,
        role=_role(text, speaker, lexicon, entities) if speaker else None,
        cue=cue_text,
        cue_start=claim.cue[0] if claim.cue else None,
        cue_end=claim.cue[1] if claim.cue else None,
        medium=claim.medium[0] if claim.medium else None,
        type=claim.type,
        # Attributed to no one is unattributed ("…, adding “…”" without a source found).
        status="unattributed" if claim.status == "attributed" and name is None else claim.status,
        text=content,
        start=claim.start,
        end=claim.end,
        hedges=hedges,
    )
