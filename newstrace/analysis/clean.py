"""The clean stage: page furniture, related headlines, repeated lines, byline and bio out.

Every line taken out of the body goes to `article.removed` with its reason (furniture,
related_headline, duplicate, byline, metadata, copyright, credit, url, author_bio, title,
breadcrumb, obfuscated); kept lines are never altered, but for pieces cut out of them, also
recorded: a headline glued to the first paragraph (`title`), a hover card inside a sentence
("Ilhan OmarIlhan OmarHillicon Valley: … MORE", `hover_card`), a teaser between sentences
("… he said. READ MORE: Boris faces revolt. The vote…", `teaser`), a sentence in which
the site describes itself ("Le site Web Newsweek diffuse les nouvelles.", `site_description`)
or speaks to its reader about the page ("We use cookies to …", `notice`), and an
advertisement's label between sentences ("… Ursache? Anzeige Anzeige Krefeld.", `ad_label`).
The words come from the `[furniture]`, `[related]`, `[byline]`, `[copyright]` and `[bio]`
sections of every `lang/<iso>.toml` at once: furniture is often in another language than
the article, and the language stage runs after this one.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from newstrace import langdata
from newstrace.analysis.base import Context, stage
from newstrace.analysis.extract import TITLE_SEPARATOR
from newstrace.model import Article, Removed
from newstrace.nlp.gazetteer import gazetteer

# A furniture line found by prefix or phrase is a label, a teaser or a notice, not a
# paragraph: on the dev extraction pages (benchmarks/extraction.py) every such line is
# under 200 characters, while paragraphs that merely contain a phrase run longer.
MAX_FURNITURE_CHARS = 200
# A line of at most this many words that contains a `short_words` word ("Newsletter",
# "Werbung") is a label ("PC Gamer Newsletter", "WERBUNG für Plantur Farbshampoo");
# on the dev pages, 5-word lines with such a word were headings ("Was ist denn jetzt
# Werbung?"), and so are questions.
MAX_LABEL_WORDS = 4
# A repeated line is taken out only when it is a sentence or a paragraph: on the dev pages,
# shorter repeats were code, lyrics, table cells and sub-headings, all content.
MIN_DUPLICATE_WORDS = 6
MIN_DUPLICATE_CHARS = 40
# A headline (first line, related headline): news headlines run 5-15 words; 20 words
# and 160 characters leave room for long ones and stop before ordinary paragraphs.
MAX_HEADLINE_WORDS = 20
MAX_HEADLINE_CHARS = 160
# A byline is a name or two: "Auteur : Petr Plateník", "By Jane Doe and John Roe".
MAX_BYLINE_WORDS = 8
# An author bio is a string of short fragments ("Fan d'alcool incurable. Fier praticien
# du web. Joueur en herbe."): at least 3 fragments of 6 words or fewer on average;
# sentences of news prose average 15-25 words.
MIN_BIO_FRAGMENTS = 3
MAX_BIO_FRAGMENT_WORDS = 6.0
# A bio follows a closing byline (one with at most this many lines after it); otherwise
# it is only looked for in the last lines of the text, and must carry a bio phrase too.
BIO_AFTER_BYLINE_LINES = 2
BIO_TAIL_LINES = 2

# The title may be repeated below a date or byline line: the first lines looked at.
TITLE_LINES = 3
# A first line that is the start of the title is the headline when it is at least this share
# of the title (the rest, a site's name glued on without a separator).
TITLE_PREFIX_SHARE = 0.6
# A title found as one segment of a longer line must have this many words: a one-word title
# ("Baumgutachten") is also an item of the site's menu ("Einleitung - Baumgutachten - …").
MIN_TITLE_SEGMENT_WORDS = 3
# A metadata line ("05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde") is
# fields split by dashes, bars or dots; a field is a date, a "Label: value" or a byline.
METADATA_SPLIT = re.compile(r"\s+[-–—|·•/]\s+|\s*\|\s*")
NUMERIC_DATE = re.compile(
    r"^\W*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}[:h]\d{2})"
    r"(?:,?\s*\S{0,3}\s*\d{1,2}[:h.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?\W*$",
    re.IGNORECASE,
)
# A line opening with "©" or "Copyright" is a notice however long its legal text runs.
MAX_COPYRIGHT_CHARS = 500
# "News date : 04/21/2022": a date under a label of its own, of a few words.
LABELLED_DATE = re.compile(r"^[^\W\d_][\w ]{0,30}?\s*[:：]\s*(?P<value>.+)$")
# A written date in a metadata line ("May 20, 2019", "20 de mayo de 2019, 10:15"): month
# names (`[quantities] months`), numbers and short words, at most this many words.
MAX_DATE_WORDS = 6
MAX_DATE_FILLER_CHARS = 3
# A field's value after its label is a name, a category or a few tags, not a sentence.
MAX_FIELD_WORDS = 8
# A line that is a URL, or a URL with a word or two ("Source: https://…"): links are no prose.
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
MAX_URL_LINE_WORDS = 3
# A hover card: a name glued to itself, then the card's text up to its "MORE" link.
HOVER_CARD = re.compile(
    r"(?P<name>\b[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})(?P=name)[^\n]{0,300}? MORE\b"
)
# A repeated line is content, not furniture, when it is a question (put to each person
# interviewed) or a list item (an ingredient of each recipe): it starts with a number, a
# fraction or a bullet, or is a short line without final punctuation.
LIST_ITEM = re.compile(r"^\s*(?:[\d½¼¾⅓⅔⅛]|[-–•*·▪])")
MAX_ITEM_WORDS = 12

# An inline teaser ("… he said. READ MORE: Boris faces revolt. The vote…") ends at a closing
# bracket, at the end of its line, or at its own final punctuation before a capitalised
# word; a teaser without such an end is left in (a paragraph is worth more than a cut).
TEASER_SEPARATOR = r"\s*(?:[:：|»>]+|[-–—]+|\.{3}|…)\s*"
TEASER_END = re.compile(r"[.!?…][\"»”’']?\s+(?=[\"«“„']?[^\W\d_])")
CLOSING = {"[": "]", "(": ")"}
# A site self-description is a short sentence: "Le site Web Newsweek diffuse les nouvelles."
MAX_SITE_DESCRIPTION_WORDS = 12
# Sentences inside a line, for the cuts above (the segment stage splits properly later).
SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"»”’']?\s+(?=[\"«“„']?[^\W\d_])")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# Text written with look-alike letters of two scripts inside its words ("Аdvеrtіѕе wіth thе
# most visited news site", Cyrillic а/е/і/ѕ among Latin letters) is hidden from search
# and copy, which sites do for their own ads, never for the story: a line where at least
# this many words, and at least this share of its words, mix Latin, Cyrillic or Greek.
MIN_MIXED_WORDS = 3
# A breadcrumb: steps split by ">" or "›" (not "»", a quotation mark in French and German),
# opening with the home page's name, or at least this many steps of a few words each.
BREADCRUMB_SPLIT = re.compile(r"\s+[>›]\s+")
MIN_BREADCRUMB_STEPS = 3
MAX_BREADCRUMB_STEP_WORDS = 4
MIN_MIXED_SHARE = 0.25
SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")

SENTENCE_END = (".", "!", "?", "…", ".»", ".”", '."', "!»", "?»")
SENTENCE_END_CHARS = (".", "!", "?", "…", "»", "”", '"', "’", ")", "]")
# A figure or a quotation mark: a sentence with one tells something, not what the site is.
NOT_DESCRIPTION = re.compile(r'[\d«»“”„"‹›]')
QUOTATION = re.compile(r'[«»“”„"‹›]')
# A page notice is a sentence or two of its own; a longer "sentence" holding notice words is
# story text glued to a widget's words (no full stop between them), and a cut would take the
# story with it: on the dev corpora notices ran 4-31 words, glued runs 60 and more.
MAX_NOTICE_WORDS = 40
_FRAGMENT_SPLIT = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class CleanRules:
    """The union of every language's clean data, compiled once."""

    lines: frozenset[str]
    markers: frozenset[str]
    prefix: re.Pattern[str] | None
    phrase: re.Pattern[str] | None
    short_words: re.Pattern[str] | None
    byline: re.Pattern[str] | None
    particles: frozenset[str]
    bio: re.Pattern[str] | None
    labels: re.Pattern[str] | None
    copyright: re.Pattern[str] | None
    copyright_phrase: re.Pattern[str] | None
    labels_inside: re.Pattern[str]
    months: frozenset[str]
    teaser: re.Pattern[str] | None
    site_words: frozenset[str]
    news_words: frozenset[str]
    publish_verbs: frozenset[str]
    site_filler: frozenset[str]
    openers: frozenset[str]
    home: frozenset[str]
    notice: re.Pattern[str] | None
    reader_words: frozenset[str]
    ad_label: re.Pattern[str] | None


class _Blanks(dict[int, int | str]):
    """`str.translate` table: punctuation, symbols, separators and controls become a space.

    Filled as characters are met (a per-character Python loop was 60% of the stage); at most
    MAX_BLANKS characters are remembered, the rest are looked up each time.
    """

    def __missing__(self, code: int) -> int | str:
        value: int | str = " " if unicodedata.category(chr(code))[0] in "PSZC" else code
        if len(self) < MAX_BLANKS:
            self[code] = value
        return value


MAX_BLANKS = 100_000
_BLANKS = _Blanks()


def line_key(line: str) -> str:
    """A line as furniture is matched: NFKC, case-folded, punctuation and symbols gone."""
    text = unicodedata.normalize("NFKC", line).casefold()
    return " ".join(text.translate(_BLANKS).split())


def _words_pattern(entry: str) -> str:
    """A data entry as a regex: its words in order, any punctuation or space between."""
    words = line_key(entry).split()
    return r"[\W_]+".join(re.escape(w) for w in words)


def _prefix_pattern(entries: list[str]) -> re.Pattern[str] | None:
    """Line starts: "Lire aussi" (then a word boundary), "Tags:" (then a colon or dash)."""
    parts = []
    for entry in entries:
        if not line_key(entry):
            if entry.strip():  # a symbol such as "©"
                parts.append(re.escape(entry.strip()))
            continue
        # "Tags:", "Tags :", "Photo | AFP", "Bild – oben:", but not "Stand-" in a word.
        tail = r"(?:\s*[:：|»>]|\s+[-–—]\s)" if entry.rstrip().endswith(":") else r"(?!\w)"
        parts.append(_words_pattern(entry) + tail)
    if not parts:
        return None
    return re.compile(r"^[\W_]*(?:" + "|".join(parts) + ")", re.IGNORECASE)


def _anywhere_pattern(entries: list[str]) -> re.Pattern[str] | None:
    """Whole-word phrases found anywhere in a line's key."""
    parts = [_words_pattern(e) for e in entries if line_key(e)]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


@cache
def rules() -> CleanRules:
    """Compile the clean data of every language (loaded once per process)."""
    markers = frozenset(line_key(m) for m in langdata.union("related.markers"))
    return CleanRules(
        lines=frozenset(line_key(x) for x in langdata.union("furniture.lines")) | markers,
        markers=markers,
        prefix=_prefix_pattern(langdata.union("furniture.prefixes")),
        phrase=_anywhere_pattern(langdata.union("furniture.phrases")),
        short_words=_anywhere_pattern(langdata.union("furniture.short_words")),
        byline=_prefix_pattern(langdata.union("byline.prefixes")),
        particles=frozenset(line_key(p) for p in langdata.union("byline.particles")),
        bio=_anywhere_pattern(langdata.union("bio.phrases")),
        labels=_label_pattern(langdata.union("byline.labels")),
        copyright=_prefix_pattern(langdata.union("copyright.prefixes")),
        copyright_phrase=_anywhere_pattern(langdata.union("copyright.phrases")),
        labels_inside=_labels_inside(langdata.union("byline.labels")),
        months=frozenset(line_key(m) for m in langdata.union("quantities.months")),
        teaser=_teaser_pattern(langdata.union("related.inline")),
        site_words=_word_set("furniture.site_words"),
        news_words=_word_set("furniture.news_words"),
        publish_verbs=_word_set("furniture.publish_verbs"),
        site_filler=_word_set("furniture.site_filler"),
        openers=frozenset(w for w in langdata.union("entities.not_names") if w.istitle()),
        home=frozenset(line_key(h) for h in langdata.union("furniture.breadcrumb_home")),
        notice=_anywhere_pattern(langdata.union("furniture.notice_words")),
        reader_words=frozenset(langdata.union("furniture.reader_words")),
        ad_label=_ad_label_pattern(langdata.union("furniture.ad_labels")),
    )


def _ad_label_pattern(entries: list[str]) -> re.Pattern[str] | None:
    """An advertisement's label, once or repeated ("Anzeige Anzeige"), at the start of a line
    or after a sentence's end, before the next word (`_cut_ad_labels` checks its capital)."""
    words = sorted({re.escape(e.strip()) for e in entries if e.strip()}, key=len, reverse=True)
    if not words:
        return None
    label = "(?:" + "|".join(words) + ")"
    return re.compile(
        r"(?:^|(?<=[.!?…\"»”’]))\s*(" + label + r"(?:\s+" + label + r")*)\s+(?=[\"«“„']?(\w))"
    )


def _word_set(dotted: str) -> frozenset[str]:
    """Every word of every language's entries at `dotted`, folded as `line_key` folds."""
    return frozenset(w for entry in langdata.union(dotted) for w in line_key(entry).split())


def _teaser_pattern(entries: list[str]) -> re.Pattern[str] | None:
    """A teaser marker, after an optional opening bracket, then its separator (if any)."""
    parts = sorted((_words_pattern(e) for e in entries if line_key(e)), key=len, reverse=True)
    if not parts:
        return None
    return re.compile(
        # at a line's start or after a sentence's end (checked first: it rules out most
        # positions before the markers are tried)
        r"(?:^\s*|(?<=[.!?…»”\"’)\]])\s+)"
        r"(?P<open>[\[(]\s*)?(?P<marker>(?<!\w)(?:" + "|".join(parts) + r")(?!\w))"
        r"(?P<separator>" + TEASER_SEPARATOR + r")?",
        re.IGNORECASE,
    )


def _labels_inside(entries: list[str]) -> re.Pattern[str]:
    """Where a labelled field starts after a date ("04/21/2022 Category : Press Releases")."""
    parts = sorted((_words_pattern(e) for e in entries if line_key(e)), key=len, reverse=True)
    return re.compile(r"(?<=\d)\s+(?=(?:" + "|".join(parts) + r")\s*[:：])", re.IGNORECASE)


def _label_pattern(entries: list[str]) -> re.Pattern[str] | None:
    """A whole field label, then a colon: "Publicado por:", "Tags :"."""
    parts = sorted((_words_pattern(e) for e in entries if line_key(e)), key=len, reverse=True)
    if not parts:
        return None
    return re.compile(r"^(?:" + "|".join(parts) + r")\s*[:：]\s*(?P<value>.*)$", re.IGNORECASE)


def is_furniture(line: str, current: CleanRules) -> bool:
    """A whole furniture line, a furniture prefix or phrase on a short line, or a label."""
    key = line_key(line)
    if not key:
        return False
    if key in current.lines:
        return True
    if len(line.strip()) > MAX_FURNITURE_CHARS:
        return False
    if current.prefix is not None and current.prefix.match(line.strip()):
        return True
    if current.phrase is not None and current.phrase.search(key):
        return True
    return (
        current.short_words is not None
        and len(key.split()) <= MAX_LABEL_WORDS
        and not line.rstrip().endswith("?")
        and current.short_words.search(key) is not None
    )


def is_headline(line: str) -> bool:
    """Short, title-like, without final sentence punctuation."""
    text = line.strip()
    words = text.split()
    return (
        0 < len(words) <= MAX_HEADLINE_WORDS
        and len(text) <= MAX_HEADLINE_CHARS
        and not text.endswith(SENTENCE_END)
        and any(c.isalpha() for c in text)
    )


def byline_name(line: str, current: CleanRules) -> str | None:
    """The name in a byline line ("Par Jean Dupont" → "Jean Dupont"), else None."""
    text = line.strip()
    if current.byline is None or len(text) > MAX_HEADLINE_CHARS:
        return None
    found = current.byline.match(text)
    if found is None:
        return None
    name = text[found.end() :].strip(" \t:–—-|,")
    words = name.replace(",", " ").split()
    if not 1 < len(words) <= MAX_BYLINE_WORDS or name.endswith(SENTENCE_END):
        return None
    for word in words:
        if not word[0].isupper() and line_key(word) not in current.particles:
            return None
    return name


def is_copyright(line: str, current: CleanRules) -> bool:
    """A copyright line: "Copyright 2014", "© 2019 Associated Press", "Tous droits réservés"."""
    text = line.strip()
    if not text or len(text) > MAX_COPYRIGHT_CHARS:
        return False
    if current.copyright is not None and current.copyright.match(text):
        return True
    return (
        len(text) <= MAX_FURNITURE_CHARS
        and current.copyright_phrase is not None
        and bool(current.copyright_phrase.search(line_key(text)))
    )


def credited_agency(line: str) -> str | None:
    """The news agency or outlet a copyright line names, if any ("Associated Press")."""
    for match in gazetteer().find(line):
        if match.entry.kind == "medium":
            return match.entry.name
    return None


def _is_date(field: str) -> bool:
    if NUMERIC_DATE.match(field):
        return True
    labelled = LABELLED_DATE.match(field)
    return labelled is not None and bool(NUMERIC_DATE.match(labelled.group("value")))


def _is_written_date(field: str, current: CleanRules) -> bool:
    """ "May 20, 2019", "20 de mayo de 2019 10:15": a month name, a number, little else."""
    words = line_key(field).split()
    if not 1 < len(words) <= MAX_DATE_WORDS:
        return False
    has_month = has_number = False
    for word in words:
        if word in current.months:
            has_month = True
        elif word.isdigit():
            has_number = True
        elif len(word) > MAX_DATE_FILLER_CHARS:
            return False
    return has_month and has_number


def metadata_fields(line: str, current: CleanRules) -> list[str] | None:
    """The fields of a date/byline/category/tags line, or None when it is not one."""
    text = line.strip()
    if not text or len(text) > MAX_FURNITURE_CHARS or current.labels is None:
        return None
    fields = [
        part.strip()
        for f in METADATA_SPLIT.split(text)
        for part in current.labels_inside.split(f)
        if part.strip()
    ]
    labelled = 0
    for field in fields:
        if _is_date(field) or (len(fields) > 1 and _is_written_date(field, current)):
            continue
        found = current.labels.match(field)
        if found is not None and len(found.group("value").split()) <= MAX_FIELD_WORDS:
            labelled += 1
        elif byline_name(field, current) is None:
            return None
    # A lone date, or fields of which one is labelled: a date alone with a label-less
    # byline ("12.03.2020 | Von Anna Schmidt") counts too.
    if labelled or len(fields) >= 2 or (len(fields) == 1 and _is_date(fields[0])):
        return fields
    return None


def is_breadcrumb(line: str, current: CleanRules) -> bool:
    """The site's navigation path: "Accueil > Actualités et humeurs > Décisions de l’AG"."""
    text = line.strip()
    if len(text) > MAX_FURNITURE_CHARS:
        return False
    steps = BREADCRUMB_SPLIT.split(text)
    if len(steps) < 2 or any(not is_headline(step) for step in steps):
        return False
    if line_key(steps[0]) in current.home:
        return True
    return len(steps) >= MIN_BREADCRUMB_STEPS and all(
        len(step.split()) <= MAX_BREADCRUMB_STEP_WORDS for step in steps[:-1]
    )


def _script(letter: str) -> str:
    name = unicodedata.name(letter, "")
    return next((script for script in SCRIPTS if name.startswith(script)), "")


def is_obfuscated(line: str) -> bool:
    """A line whose words mix look-alike letters of two scripts (see MIN_MIXED_WORDS)."""
    if line.isascii():
        return False
    words = re.findall(r"[^\W\d_]+", line)
    mixed = sum(1 for word in words if len({_script(c) for c in word} - {""}) > 1)
    return mixed >= MIN_MIXED_WORDS and mixed >= MIN_MIXED_SHARE * len(words)


def url_line(line: str, url: str | None) -> bool:
    """A URL on its own line, with at most a label ("Source: https://…")."""
    text = line.strip()
    if url and url in text and len(text) <= MAX_FURNITURE_CHARS:
        return len(line_key(text.replace(url, " ")).split()) <= MAX_URL_LINE_WORDS
    if len(text) > MAX_FURNITURE_CHARS or not URL.search(text):
        return False
    return len(line_key(URL.sub(" ", text)).split()) <= MAX_URL_LINE_WORDS


def is_bio(line: str) -> bool:
    """A string of short self-describing fragments ("Fier praticien du web. Explorateur.")."""
    fragments = [f for f in _FRAGMENT_SPLIT.split(line.strip()) if line_key(f)]
    if len(fragments) < MIN_BIO_FRAGMENTS:
        return False
    mean_words = sum(len(line_key(f).split()) for f in fragments) / len(fragments)
    return mean_words <= MAX_BIO_FRAGMENT_WORDS


@stage(
    "clean",
    reads=["text", "title", "byline", "url"],
    writes=["text", "title", "byline", "removed"],
)
def clean(article: Article, context: Context) -> Article:
    """Take furniture, related headlines, repeats, byline, bio and title out of the body."""
    with context.deadline.paused():  # every language's data, read once per process
        current = rules()
        gazetteer()
    lines = article.text.split("\n")
    reasons: dict[int, str] = {}
    _cut_hover_cards(article, lines)
    dangling = _cut_inline(article, lines, current)
    content = [i for i, line in enumerate(lines) if line.strip()]
    for index in dangling:
        following = [i for i in content if i > index][:1]
        if following and is_headline(lines[following[0]]):
            reasons[following[0]] = "related_headline"

    _mark_title(article, lines, content, reasons)
    byline_at = _mark_lines(article, lines, content, reasons, current)
    _mark_related_tail(lines, content, reasons, current)
    _mark_bio(lines, content, reasons, current, byline_at)

    kept: list[str] = []
    for index, line in enumerate(lines):
        if index in reasons:
            article.removed.append(Removed(text=line.strip(), reason=reasons[index]))
        elif line.strip():
            kept.append(line)
        elif kept and kept[-1]:
            kept.append("")
    article.text = "\n".join(kept).strip()
    return article


def _mark_title(
    article: Article, lines: list[str], content: list[int], reasons: dict[int, str]
) -> None:
    """Every copy of the known title among the first lines (with or without the page's
    section, site and date segments after it), the title glued to the first paragraph
    left, or a first line that is a headline above a blank line."""
    if not content:
        return
    first = content[0]
    line = lines[first]
    if article.title:
        title = article.title.strip()
        others = 0
        for index in content:
            if others >= TITLE_LINES or len(reasons) + 1 >= len(content):
                break
            if _is_title_copy(lines[index], title):
                reasons[index] = "title"
            elif not others and _headline_of_title(lines[index], title):
                article.title = title = lines[index].strip()
                reasons[index] = "title"
            else:
                others += 1
        if first not in reasons:
            _cut_glued_title(article, lines, first)
        return
    if len(content) < 2:
        return
    followed_by_blank = first + 1 < len(lines) and not lines[first + 1].strip()
    if followed_by_blank and is_headline(line):
        article.title = line.strip()
        reasons[first] = "title"


def _is_title_copy(line: str, title: str) -> bool:
    """The title itself, or the title as one segment of a headline-like line, the others a
    section, the site or a date ("Headline | Environnement | DW | 23.05.2011", "verb choice
    - Headline - German Language Stack Exchange")."""
    key = line_key(title)
    if line_key(line) == key:
        return True
    text = line.strip()
    if len(key.split()) < MIN_TITLE_SEGMENT_WORDS or len(text) > MAX_FURNITURE_CHARS:
        return False
    if text.endswith(SENTENCE_END):
        return False
    return any(line_key(segment) == key for segment in TITLE_SEPARATOR.split(text))


def _headline_of_title(line: str, title: str) -> bool:
    """A headline line the page's title only lengthens with the site's name, without a
    separator ("„Sieci”: IPN, czyli element infrastruktury krytycznej" under the title
    "… krytycznej Tygodnik Sieci"): at least TITLE_PREFIX_SHARE of the title."""
    key, title_key = line_key(line), line_key(title)
    return (
        is_headline(line)
        and len(key) >= TITLE_PREFIX_SHARE * len(title_key)
        and title_key.startswith(key + " ")
    )


def _cut_glued_title(article: Article, lines: list[str], first: int) -> None:
    """The title glued to the first paragraph, cut off it ("Julian Assange: Sweden drops
    rape investigation Prosecutors in Sweden…")."""
    title = (article.title or "").strip()
    line = lines[first]
    body = line.lstrip()
    if not title or not body.startswith(title):
        return
    rest = body[len(title) :]
    if rest[:1].isspace() and rest.strip() and not is_headline(rest):
        article.removed.append(Removed(text=title, reason="title"))
        lines[first] = rest.strip()


def _cut_hover_cards(article: Article, lines: list[str]) -> None:
    """Hover cards cut out of the sentences they sit in, the name left once."""
    for index, line in enumerate(lines):
        if " MORE" not in line:
            continue
        found = HOVER_CARD.search(line)
        while found is not None:
            name = found.group("name")
            article.removed.append(Removed(text=found.group(0)[len(name) :], reason="hover_card"))
            line = line[: found.start()] + name + line[found.end() :]
            found = HOVER_CARD.search(line, found.start() + len(name))
        lines[index] = line


def _cut_inline(article: Article, lines: list[str], current: CleanRules) -> list[int]:
    """Teasers and site self-descriptions cut out of the paragraphs they sit in; returns the
    lines that ended with a teaser marker alone ("… ha detto. Leggi anche:"), whose next
    line is the teaser's headline."""
    dangling: list[int] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if (marker := _dangling_marker(line, current)) is not None:
            article.removed.append(Removed(text=line[marker:].strip(), reason="teaser"))
            line = line[:marker].rstrip()
            dangling.append(index)
        for start, end in reversed(_teaser_spans(line, current)):
            whole = start == len(line) - len(line.lstrip()) and end == len(line)
            if whole and is_furniture(line, current):
                continue  # a furniture line of its own: the line rules take it
            article.removed.append(Removed(text=line[start:end].strip(), reason="teaser"))
            line = (line[:start].rstrip() + " " + line[end:].lstrip()).strip()
        line = _cut_ad_labels(article, line, current)
        line = _cut_notices(article, line, current)
        lines[index] = _cut_site_descriptions(article, line, current)
    return dangling


def _cut_ad_labels(article: Article, line: str, current: CleanRules) -> str:
    """A line without the advertisement labels standing between its sentences ("… als
    Ursache? Anzeige Anzeige Krefeld. Im Krefelder Zoo …"): a label alone is one only before
    a capitalised word ("Anzeige erstattet" is a complaint filed, and stays)."""
    if current.ad_label is None:
        return line
    cuts = [
        found
        for found in current.ad_label.finditer(line)
        if found.group(2)[0].isupper() or len(found.group(1).split()) > 1
    ]
    for found in reversed(cuts):
        article.removed.append(Removed(text=found.group(1), reason="ad_label"))
        line = (line[: found.start()].rstrip() + " " + line[found.end() :]).strip()
    return line


def _cut_notices(article: Article, line: str, current: CleanRules) -> str:
    """A line without the sentences in which the site speaks to its reader about the page:
    cookies and consent, subscriptions and sign-ins, ad blockers, blocked access ("We use
    cookies to ensure that we give you the best experience on our website.")."""
    if current.notice is None or not current.notice.search(line_key(line)):
        return line
    if is_furniture(line, current):
        return line  # a furniture line of its own: the line rules take it whole
    return _cut_sentences(article, line, lambda s: is_notice(s, current), "notice")


def is_notice(sentence: str, current: CleanRules) -> bool:
    """A sentence with a page notice's word (`[furniture] notice_words`) in which the site
    addresses its reader or speaks as itself (`reader_words`: "you", "Sie", "wir"), not
    quoting anyone and not asking: "Wir verwenden auf unserer Webseite Cookies …", "To
    continue viewing content, please sign in with your existing account or subscribe."."""
    if current.notice is None or QUOTATION.search(sentence):
        return False
    if len(sentence.split()) > MAX_NOTICE_WORDS or sentence.rstrip().endswith("?"):
        return False  # too long (see above), or a question put to the reader by the story
    if not current.notice.search(line_key(sentence)):
        return False
    for position, word in enumerate(WORD.findall(sentence)):
        if word in current.reader_words:
            return True
        if position == 0 and word[:1].isupper() and word.lower() in current.reader_words:
            return True
    return False


def _dangling_marker(line: str, current: CleanRules) -> int | None:
    """Where a teaser marker with its separator ends a line after a sentence, if one does."""
    if current.teaser is None:
        return None
    for found in current.teaser.finditer(line):
        start = found.start("open") if found.group("open") else found.start("marker")
        if (
            found.group("separator")
            and not found.group("open")
            and not line[found.end() :].strip()
            and line[:start].strip()
        ):
            return start
    return None


def _teaser_spans(line: str, current: CleanRules) -> list[tuple[int, int]]:
    """Where teasers sit in a line: a marker at a sentence start, its related headline."""
    if current.teaser is None:
        return []
    spans: list[tuple[int, int]] = []
    for found in current.teaser.finditer(line):
        start = found.start("open") if found.group("open") else found.start("marker")
        if spans and start < spans[-1][1]:
            continue
        before = line[:start].rstrip()
        if before and not before.endswith(SENTENCE_END_CHARS):
            continue  # inside a sentence: "you can read more: the report…"
        opened = found.group("open")
        if not (found.group("separator") or opened or found.group("marker").isupper()):
            continue  # "Related questions were raised…": no separator, no capitals
        rest = found.end()
        end: int | None = None
        if opened:
            close = line.find(CLOSING[opened.strip()], rest)
            if close != -1 and close - rest <= MAX_HEADLINE_CHARS:
                end = close + 1
        elif (stop := TEASER_END.search(line, rest)) is not None:
            if len(line[rest : stop.start()].split()) <= MAX_HEADLINE_WORDS:
                end = _run_on(line, rest, stop.start(), current) or stop.end()
        elif len(line) - rest <= MAX_HEADLINE_CHARS and len(line[rest:].split()) <= (
            MAX_HEADLINE_WORDS
        ):
            end = _run_on(line, rest, len(line), current) or len(line)
        if end is not None and line_key(line[rest:end]):
            spans.append((start, end))
    return spans


def _run_on(line: str, start: int, end: int, current: CleanRules) -> int | None:
    """Where a headline without final punctuation runs on into the next sentence: a word
    that opens sentences ("The", "Der", "Le"), capitalised right after a lower-case word
    ("…für Mieter bedeutet Der Minister sagte…")."""
    words = list(re.finditer(r"\S+", line[start:end]))
    for previous, word in itertools.pairwise(words):
        text = word.group()
        if (
            previous.group()[-1].islower()
            and text[:1].isupper()
            and text.strip(".,;:!?") in current.openers
        ):
            return start + word.start()
    return None


def _cut_site_descriptions(article: Article, line: str, current: CleanRules) -> str:
    """A line without the sentences in which the site describes itself."""
    return _cut_sentences(
        article, line, lambda s: is_site_description(s, current), "site_description"
    )


def _cut_sentences(article: Article, line: str, wanted: Callable[[str], bool], reason: str) -> str:
    """A line without its sentences that are `wanted` out, each recorded with `reason`."""
    bounds = [0, *(m.end() for m in SENTENCE_SPLIT.finditer(line)), len(line)]
    kept: list[str] = []
    for start, end in itertools.pairwise(bounds):
        sentence = line[start:end]
        if wanted(sentence):
            article.removed.append(Removed(text=sentence.strip(), reason=reason))
        else:
            kept.append(sentence)
    return "".join(kept).rstrip() if len(kept) < len(bounds) - 1 else line


def is_site_description(sentence: str, current: CleanRules) -> bool:
    """A short sentence that says only that a site publishes news ("Le site Web Newsweek
    diffuse les nouvelles.", "Newsweek is your source for the latest news."): made of site
    words, news words, publishing verbs, little words and names, with one of each of the
    first three (or a known outlet for the site word), no figure and no quotation."""
    if len(sentence.split()) > MAX_SITE_DESCRIPTION_WORDS or NOT_DESCRIPTION.search(sentence):
        return False
    tokens = re.findall(r"[^\W\d_]+", sentence)
    if not 1 < len(tokens) <= MAX_SITE_DESCRIPTION_WORDS:
        return False
    site = news = verb = False
    for token in tokens:
        key = line_key(token)
        if key in current.site_words:
            site = True
        elif key in current.news_words:
            news = True
        elif key in current.publish_verbs:
            verb = True
        elif key not in current.site_filler and not token[0].isupper():
            return False
    if not (news and verb):
        return False
    return site or credited_agency(sentence) is not None


def _mark_lines(
    article: Article,
    lines: list[str],
    content: list[int],
    reasons: dict[int, str],
    current: CleanRules,
) -> int | None:
    """Furniture, byline and repeated lines; returns where the byline was, if any."""
    seen: set[str] = set()
    byline_at: int | None = None
    for index in content:
        line = lines[index]
        exact = line.strip()
        if index in reasons:
            seen.add(exact)
            continue
        if is_copyright(line, current):
            reasons[index] = "credit" if credited_agency(line) else "copyright"
        elif is_obfuscated(line):
            reasons[index] = "obfuscated"
        elif is_breadcrumb(line, current):
            reasons[index] = "breadcrumb"
        elif url_line(line, article.url):
            reasons[index] = "url"
        elif is_furniture(line, current):
            reasons[index] = "furniture"
        elif exact in seen and _is_paragraph(exact) and not _is_repeated_content(exact):
            reasons[index] = "duplicate"
        elif byline_at is None and (name := byline_name(line, current)) is not None:
            reasons[index] = "byline"
            byline_at = index
            article.byline = article.byline or name
        elif (fields := metadata_fields(line, current)) is not None:
            reasons[index] = "metadata"
            names = [n for f in fields if (n := byline_name(f, current)) is not None]
            article.byline = article.byline or (names[0] if names else None)
        seen.add(exact)
    return byline_at


def _is_paragraph(line: str) -> bool:
    """Long enough that a repeat of it is page furniture, not a repeated item or cell."""
    return len(line) >= MIN_DUPLICATE_CHARS and len(line.split()) >= MIN_DUPLICATE_WORDS


def _is_repeated_content(line: str) -> bool:
    """A question or a list item: repeated because the article repeats it, not the page."""
    text = line.strip()
    if text.endswith(("?", "?»", "?”", '?"')) or LIST_ITEM.match(text):
        return True
    return len(text.split()) <= MAX_ITEM_WORDS and not text.endswith(SENTENCE_END)


def _mark_related_tail(
    lines: list[str], content: list[int], reasons: dict[int, str], current: CleanRules
) -> None:
    """Headlines after a related/next-article marker, when only such lines follow it."""
    tail_start: int | None = None
    for position in range(len(content) - 1, -1, -1):
        index = content[position]
        if index in reasons and line_key(lines[index]) in current.markers:
            tail_start = position
        elif index not in reasons and not is_headline(lines[index]):
            break
    if tail_start is not None:
        for index in content[tail_start + 1 :]:
            if index not in reasons:
                reasons[index] = "related_headline"
    # Inside the text, a marker takes the run of headlines right below it.
    in_block = False
    for index in content:
        if index in reasons:
            in_block = in_block or line_key(lines[index]) in current.markers
        elif in_block and is_headline(lines[index]):
            reasons[index] = "related_headline"
        else:
            in_block = False


def _mark_bio(
    lines: list[str],
    content: list[int],
    reasons: dict[int, str],
    current: CleanRules,
    byline_at: int | None,
) -> None:
    """Generic self-descriptions after a closing byline, or bio-worded ones at the end."""
    left = [i for i in content if i not in reasons]
    after = [i for i in left if byline_at is not None and i > byline_at]
    if byline_at is not None and len(after) <= BIO_AFTER_BYLINE_LINES:
        # A closing byline: what little follows it describes the author.
        for index in after:
            if not (is_bio(lines[index]) or _has_bio_words(lines[index], current)):
                return
            reasons[index] = "author_bio"
        return
    for index in left[-BIO_TAIL_LINES:]:
        if is_bio(lines[index]) and _has_bio_words(lines[index], current):
            reasons[index] = "author_bio"


def _has_bio_words(line: str, current: CleanRules) -> bool:
    """A short line with a self-description phrase ("passionate about", "fan de")."""
    return (
        current.bio is not None
        and len(line.strip()) <= MAX_FURNITURE_CHARS
        and current.bio.search(line_key(line)) is not None
    )
