"""For the web tests: a real uvicorn server in a thread, and a store filled to read."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from conftest import FIXTURES, SEEDS
from fastapi import FastAPI

from newstrace.ingestion import ingest
from newstrace.model import Article, Claim, Entity, Quantity, Signal
from newstrace.settings import Settings
from newstrace.store import Store
from newstrace.web.serve import address_of, bind

# How long the server may take to start or stop before the test run gives up on it; it
# starts in well under a second, so only a broken server takes this long.
START_TIMEOUT_SECONDS = 20.0


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 at a free port while the block runs; yields its address."""
    sock = bind("127.0.0.1", 0)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the test web server did not start")
        time.sleep(0.02)
    try:
        yield address_of(sock).rstrip("/")
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_SECONDS)
        sock.close()
        app.state.store.close()


# --- a store to read: the seeds, a hostile article, and a hand-built article with findings --

HOSTILE = FIXTURES / "web" / "hostile.jsonl"
ENGLISH_SEED = "002_675ba3ab04b08978.txt"
FRENCH_SEED = "000_922ab060dcfde385.txt"
# A story known only from its article's `story` id, with no story record: the annotated one.
STORY = "story-rogov-volunteers"


@dataclass(frozen=True)
class ReaderData:
    """Ids of what `fill_store` stored; `story` is the seeds' story, as ingest found it."""

    english: str
    french: str
    hostile: str
    annotated: str
    story: str


def _span(text: str, part: str, after: int = 0) -> tuple[int, int]:
    start = text.index(part, after)
    return start, start + len(part)


def annotated_article(seed: Article) -> Article:
    """The English seed with claims, entities, figures, signals and a story, set by hand.

    Offsets are found in the seed's real clean text, so they point where they say.
    """
    text = seed.text
    rogov = _span(text, "Vladimir Rogov")
    spoke = _span(text, "spoke in a detailed interview with")
    joined = _span(text, "volunteers who have joined the Russian side in the ongoing conflict")
    analysts = _span(text, "Analysts")
    note = _span(text, "note", analysts[1])
    presence = _span(text, "the presence of foreign volunteers often complicates")
    verified = _span(text, "it remains to be independently verified how many individuals")
    dozen = _span(text, "several dozen")
    tass = _span(text, "TASS")
    ukraine = _span(text, "Ukraine")
    return Article(
        id="a11c1a1ed0000001",
        source="hand-built/annotated-seed",
        title="Annotated: " + (seed.title or ""),
        outlet="Example Outlet",
        byline="Jane Reporter",
        published="2024-02-01T08:00:00Z",
        language=seed.language,
        text=text,
        removed=list(seed.removed),
        sentences=list(seed.sentences),
        entities=[
            Entity("Vladimir Rogov", "person", "vladimir_rogov", *rogov),
            Entity("TASS", "medium", "tass", *tass),
            Entity("Ukraine", "place", "ukraine", *ukraine),
        ],
        quantities=[Quantity("several dozen", None, "volunteers", *dozen)],
        media=["TASS"],
        claims=[
            Claim(
                speaker="Vladimir Rogov",
                speaker_key="vladimir_rogov",
                speaker_start=rogov[0],
                speaker_end=rogov[1],
                role="head of We Are With Russia",
                cue="spoke in a detailed interview with",
                cue_start=spoke[0],
                cue_end=spoke[1],
                medium="TASS",
                type="indirect",
                status="attributed",
                text=text[joined[0] : joined[1]],
                start=joined[0],
                end=joined[1],
            ),
            Claim(
                speaker="Analysts",
                speaker_key=None,
                speaker_start=analysts[0],
                speaker_end=analysts[1],
                role=None,
                cue="note",
                cue_start=note[0],
                cue_end=note[1],
                medium=None,
                type="weasel",
                status="unattributed",
                text=text[presence[0] : presence[1]],
                start=presence[0],
                end=presence[1],
            ),
            Claim(
                speaker=None,
                speaker_key=None,
                speaker_start=None,
                speaker_end=None,
                role=None,
                cue=None,
                cue_start=None,
                cue_end=None,
                medium=None,
                type="verification",
                status="unconfirmed",
                text=text[verified[0] : verified[1]],
                start=verified[0],
                end=verified[1],
                hedges=["remains to be independently verified"],
            ),
        ],
        signals=[Signal("weasel_attribution", "Analysts note", *analysts)],
        story=STORY,
    )


def fill_store(path: Path) -> ReaderData:
    """Ingest the seeds and the hostile article into a SQLite file; add the annotated one."""
    with Store(str(path)) as store:
        report = ingest([str(SEEDS), str(HOSTILE)], store, Settings())
        if report.failed:
            raise RuntimeError(f"could not ingest the test data: {report.failures}")
        english = store.resolve(ENGLISH_SEED)
        french = store.resolve(FRENCH_SEED)
        hostile = next(a for a in store.articles() if "hostileword" in a.text)
        if english.story is None or english.story != french.story:
            raise RuntimeError("ingest did not put the two seeds in one story")
        # The annotated copy is added by hand, outside the story index, with a story of its own.
        annotated = annotated_article(english)
        store.add(annotated)
    return ReaderData(english.id, french.id, hostile.id, annotated.id, english.story)
