"""What the reader's pages show, as library calls over a Store: the web layer only renders.

`Reader` wraps one store: the latest articles grouped by story, an article with its
previous and next, a summary made on request (and kept when the store allows), search, and
the versions of a story.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from newstrace.analysis.summary import DEFAULT_SENTENCES, make_summary
from newstrace.model import Article, Summary
from newstrace.service import article_summary
from newstrace.store.base import BaseStore, StoreError, StoryRecord
from newstrace.web.render import title_of
from newstrace.web.story import MAX_VERSIONS, StoryView, story_view

# Articles the home page and `/api/articles` list by default; enough for a screen or two.
LATEST_LIMIT = 50
# Story pages kept made: comparing a story's versions takes seconds (sample corpus, 2 cores,
# 2026-11: 1.2 s for the two seeds with the encoder's first load, 1.8 s for a 25-article
# story; 6 s and 35 s while the machine was busy), and the page only changes when an
# article joins the story.
STORY_CACHE = 64
SUMMARY_SENTENCES = DEFAULT_SENTENCES


@dataclass(frozen=True)
class Brief:
    """An article as a list shows it."""

    id: str
    source: str
    title: str | None
    headline: str  # the title, or the first words of the text when there is none
    language: str | None
    outlet: str | None
    published: str | None
    story: str | None


@dataclass(frozen=True)
class Hit:
    """A search result: the store's hit, with a headline for articles without a title."""

    id: str
    title: str | None
    headline: str
    snippet: str


@dataclass
class StoryGroup:
    """Consecutive latest articles of one story (or one article that has no story yet)."""

    story: str | None
    articles: list[Brief] = field(default_factory=list)
    # The story as recorded (all its articles, not only the latest listed), when it is.
    record: StoryRecord | None = None
    # Outlets of every article of the story, when more of it is stored than is listed.
    all_outlets: list[str] | None = None

    @property
    def title(self) -> str | None:
        return self.record.title if self.record is not None else None

    @property
    def size(self) -> int:
        return self.record.articles if self.record is not None else len(self.articles)

    @property
    def languages(self) -> list[str]:
        if self.record is not None:
            return sorted({lang for lang in self.record.languages if lang and lang != "?"})
        return sorted({a.language for a in self.articles if a.language})

    @property
    def outlets(self) -> list[str]:
        if self.all_outlets is not None:
            return self.all_outlets
        return sorted({a.outlet for a in self.articles if a.outlet})

    @property
    def first_seen(self) -> str | None:
        if self.record is not None and self.record.first_seen:
            return self.record.first_seen
        dates = [a.published for a in self.articles if a.published]
        return min(dates) if dates else None

    @property
    def last_seen(self) -> str | None:
        if self.record is not None and self.record.last_seen:
            return self.record.last_seen
        dates = [a.published for a in self.articles if a.published]
        return max(dates) if dates else None


@dataclass(frozen=True)
class StoryBrief:
    """A story as the list of stories shows it."""

    id: str
    title: str | None
    languages: list[str]
    outlets: list[str]
    articles: int
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True)
class Neighbours:
    """The articles listed just before and after one, in the home page's order."""

    previous: Brief | None
    next: Brief | None


def brief(article: Article) -> Brief:
    """The fields of an article that a list shows."""
    return Brief(
        id=article.id,
        source=article.source,
        title=article.title,
        headline=title_of(article),
        language=article.language,
        outlet=article.outlet,
        published=article.published,
        story=article.story,
    )


def group_by_story(briefs: list[Brief]) -> list[StoryGroup]:
    """Articles of one story gathered where its newest one stands; the others one by one."""
    groups: list[StoryGroup] = []
    by_story: dict[str, StoryGroup] = {}
    for item in briefs:
        if item.story is None:
            groups.append(StoryGroup(story=None, articles=[item]))
            continue
        group = by_story.get(item.story)
        if group is None:
            group = by_story[item.story] = StoryGroup(story=item.story)
            groups.append(group)
        group.articles.append(item)
    return groups


class Reader:
    """The reader's view of one store; safe to share between the server's threads."""

    def __init__(self, store: BaseStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._order: list[Brief] = []
        self._position: dict[str, int] = {}
        self._order_count = -1
        self._stories: dict[str, tuple[tuple[int, str | None], StoryView]] = {}

    def latest(self, *, limit: int = LATEST_LIMIT, language: str | None = None) -> list[Brief]:
        """The newest stored articles, in the store's order (newest published first)."""
        return [brief(a) for a in self.store.articles(limit=limit, language=language)]

    def home(self, *, limit: int = LATEST_LIMIT) -> list[StoryGroup]:
        """The latest articles, grouped by story, each group with its whole story's figures."""
        groups = group_by_story(self.latest(limit=limit))
        for group in groups:
            if group.story is None:
                continue
            group.record = self.store.get_story(group.story)
            if group.record is not None and group.record.articles > len(group.articles):
                group.all_outlets = self._outlets(group.story)
        return groups

    def _outlets(self, story: str) -> list[str]:
        """The outlets of a story's stored articles (its newest MAX_VERSIONS)."""
        found = self.store.articles(story=story, limit=MAX_VERSIONS)
        return sorted({a.outlet for a in found if a.outlet})

    def stories(self, *, limit: int = LATEST_LIMIT) -> list[StoryBrief]:
        """The most recent stories, with their languages, outlets, size and time span."""
        return [
            StoryBrief(
                id=record.id,
                title=record.title,
                languages=[lang for lang in record.languages if lang and lang != "?"],
                outlets=self._outlets(record.id),
                articles=record.articles,
                first_seen=record.first_seen,
                last_seen=record.last_seen,
            )
            for record in self.store.stories(limit=limit)
        ]

    def story_view(self, story: str) -> StoryView | None:
        """The story page: versions, timeline, provenance graph, summary and claims.

        Kept while the story's record says no article joined it since; a story with no
        record is made each time (it is not compared, so it is quick).
        """
        record = self.store.get_story(story)
        stamp = (record.articles, record.last_seen) if record is not None else None
        with self._lock:
            kept = self._stories.get(story)
        if kept is not None and stamp is not None and kept[0] == stamp:
            return kept[1]
        view = story_view(self.store, story, lambda a: self.summary(a).text or None)
        if view is not None and stamp is not None and not view.notes:
            with self._lock:
                if len(self._stories) >= STORY_CACHE:
                    self._stories.pop(next(iter(self._stories)))
                self._stories[story] = (stamp, view)
        return view

    def article(self, id: str) -> Article | None:
        """The stored article with this exact id."""
        return self.store.get(id)

    def neighbours(self, id: str) -> Neighbours:
        """Previous and next article in the home page's order (newest published first).

        The order is read once and read again only when the number of stored articles
        changes, so paging through articles does not re-read the whole store each time.
        """
        with self._lock:
            count = self.store.count()
            if count != self._order_count:
                self._order = [brief(a) for a in self.store.articles()]
                self._position = {b.id: i for i, b in enumerate(self._order)}
                self._order_count = count
            index = self._position.get(id)
            if index is None:
                return Neighbours(None, None)
            previous = self._order[index - 1] if index > 0 else None
            following = self._order[index + 1] if index + 1 < len(self._order) else None
        return Neighbours(previous, following)

    def summary(self, article: Article, *, sentences: int = SUMMARY_SENTENCES) -> Summary:
        """The article's summary: the stored one, else made now and kept when the store can."""
        try:
            return article_summary(self.store, article, sentences)
        except StoreError:
            # The row vanished or cannot be written: the summary is still shown, not kept.
            return make_summary(article, sentences)

    def search(self, query: str, *, limit: int = 20) -> list[Hit]:
        """Full-text search, best first; snippets mark hits `[like this]`."""
        # A NUL inside a word ends SQLite's FTS5 query string early ("unterminated string");
        # no reader means one, so it is a space.
        query = query.replace("\x00", " ")
        hits: list[Hit] = []
        for found in self.store.search(query, limit=limit):
            headline = found.title
            if not headline:
                article = self.store.get(found.id)
                headline = title_of(article) if article is not None else found.id
            hits.append(Hit(found.id, found.title, headline, found.snippet))
        return hits
