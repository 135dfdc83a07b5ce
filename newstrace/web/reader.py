"""What the reader's pages show, as calls of `newstrace.facade`: the web layer only renders.

`Reader` wraps one store: the latest articles grouped by story, an article with its
previous and next, a summary made on request (and kept when the store allows), search, and
the story documents (kept made, since comparing versions takes seconds).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from newstrace import facade
from newstrace.facade import (
    DEFAULT_SUMMARY_SENTENCES,
    ArticleBrief,
    BaseStore,
    Page,
    SearchHit,
    StoryBrief,
    StoryDocument,
    SummaryDocument,
)
from newstrace.model import Article
from newstrace.web.story import StoryView, story_view

# Articles the home page and `/api/articles` list by default: the settings' web.page_size.
LATEST_LIMIT = 50
# Story pages kept made: comparing a story's versions takes seconds (sample corpus, 2 cores,
# 2026-11: 1.2 s for the two seeds with the encoder's first load, 1.8 s for a 25-article
# story; 6 s and 35 s while the machine was busy), and the page only changes when an
# article joins the story.
STORY_CACHE = 64
SUMMARY_SENTENCES = DEFAULT_SUMMARY_SENTENCES

Brief = ArticleBrief
Hit = SearchHit


@dataclass
class StoryGroup:
    """Consecutive latest articles of one story (or one article that has no story yet)."""

    story: str | None
    articles: list[Brief] = field(default_factory=list)
    # The story as recorded (all its articles, not only the latest listed), when it is.
    record: StoryBrief | None = None

    @property
    def title(self) -> str | None:
        return self.record.title if self.record is not None else None

    @property
    def size(self) -> int:
        return self.record.articles if self.record is not None else len(self.articles)

    @property
    def languages(self) -> list[str]:
        if self.record is not None:
            return sorted(self.record.languages)
        return sorted({a.language for a in self.articles if a.language})

    @property
    def outlets(self) -> list[str]:
        if self.record is not None:
            return self.record.outlets
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
class Neighbours:
    """The articles listed just before and after one, in the home page's order."""

    previous: Brief | None
    next: Brief | None


def brief(article: Article) -> Brief:
    """The fields of an article that a list shows."""
    return ArticleBrief.of(article)


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

    def __init__(self, store: BaseStore, page_size: int = LATEST_LIMIT) -> None:
        self.store = store
        self.page_size = page_size
        self._lock = threading.Lock()
        self._order: list[Brief] = []
        self._position: dict[str, int] = {}
        self._order_count = -1
        self._stories: dict[str, tuple[tuple[int, str | None, int], StoryDocument]] = {}

    def latest(self, *, limit: int | None = None, language: str | None = None) -> list[Brief]:
        """The newest stored articles, in the store's order (newest published first)."""
        chosen = self.page_size if limit is None else limit
        return facade.articles(self.store, limit=chosen, language=language)

    def latest_page(
        self, *, limit: int | None = None, offset: int = 0, language: str | None = None
    ) -> Page[Brief]:
        """A page of the stored articles, newest published first, and how many there are."""
        chosen = self.page_size if limit is None else limit
        return facade.article_page(self.store, limit=chosen, offset=offset, language=language)

    def home(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        language: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Page[StoryBrief]:
        """The home page's list, which `/api/stories` serves too: stories ranked by coverage
        (versions, outlets, languages), then recency, filtered and paged."""
        return facade.story_page(
            self.store,
            limit=self.page_size if limit is None else limit,
            offset=offset,
            language=language,
            outlet=outlet,
            since=since,
            until=until,
        )

    def stories(self, *, limit: int | None = None) -> list[StoryBrief]:
        """The first stories of the home page's list."""
        return self.home(limit=limit).items

    def story(self, story: str) -> StoryDocument:
        """The story document (`/api/stories/{id}`); NotFoundError when no story has that id.

        Kept while the story's record says no article joined it since and the stories were
        not corrected or re-clustered meanwhile; a story with no record is made each time.
        """
        record = facade.story_brief(self.store, story)
        stamp = (
            (record.articles, record.last_seen, facade.stories_rewritten(self.store))
            if record is not None
            else None
        )
        with self._lock:
            kept = self._stories.get(story)
        if kept is not None and stamp is not None and kept[0] == stamp:
            return kept[1]
        document = facade.story(self.store, story, by_article=False)
        if stamp is not None and not document.notes:
            with self._lock:
                if len(self._stories) >= STORY_CACHE:
                    self._stories.pop(next(iter(self._stories)))
                self._stories[story] = (stamp, document)
        return document

    def story_view(self, story: str) -> StoryView:
        """The story page: versions, timeline, provenance graph, summary and claims."""
        return story_view(self.story(story))

    def article(self, id: str) -> Article | None:
        """The stored article with this exact id."""
        return facade.article_by_id(self.store, id)

    def neighbours(self, id: str) -> Neighbours:
        """Previous and next article in the home page's order (newest published first).

        The order is read once and read again only when the number of stored articles
        changes, so paging through articles does not re-read the whole store each time.
        """
        with self._lock:
            count = facade.article_count(self.store)
            if count != self._order_count:
                self._order = facade.articles(self.store)
                self._position = {b.id: i for i, b in enumerate(self._order)}
                self._order_count = count
            index = self._position.get(id)
            if index is None:
                return Neighbours(None, None)
            previous = self._order[index - 1] if index > 0 else None
            following = self._order[index + 1] if index + 1 < len(self._order) else None
        return Neighbours(previous, following)

    def summary(self, article: Article, *, sentences: int = SUMMARY_SENTENCES) -> SummaryDocument:
        """The article's summary: the stored one, else made now and kept when the store can."""
        return facade.summary(self.store, article, sentences)

    def search(self, query: str, *, limit: int = 20) -> list[Hit]:
        """Full-text search, best first; snippets mark hits `[like this]`."""
        return facade.search(self.store, query, limit=limit)

    def search_page(self, query: str, *, limit: int | None = None, offset: int = 0) -> Page[Hit]:
        """A page of search hits, and how many there are in all."""
        chosen = self.page_size if limit is None else limit
        return facade.search_page(self.store, query, limit=chosen, offset=offset)
