"""The `newstrace` command: a thin layer over `newstrace.facade` (see docs/interface.md).

Every command is one facade call and a printer; `--json` prints the typed document's
`to_dict()`, the same JSON the web API serves. `--json` prints one JSON document on stdout
and nothing else there; progress and messages go to stderr. Every failure a user can cause
is a `NewstraceError`, caught once in `main`: one line (`newstrace: …`) and exit 1;
`--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from newstrace import __version__, facade
from newstrace.errors import NewstraceError, UsageError
from newstrace.facade import IngestReport, Page
from newstrace.model import Article
from newstrace.settings import Settings, database_url

if TYPE_CHECKING:
    from newstrace.facade import BaseStore
    from newstrace.watch import RoundReport


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 1
    if args.settings:
        # Every command reads its settings through Settings.from_env(): name the file there.
        os.environ["NEWSTRACE_SETTINGS"] = args.settings
    try:
        result: int = args.run(args)
        return result
    except NewstraceError as error:
        if args.debug:
            raise
        print(f"newstrace: {one_line(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newstrace: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `newstrace export | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0


def one_line(error: BaseException) -> str:
    """An error's message on one line (a driver's message may hold several)."""
    return " ".join(str(error).split()) or type(error).__name__


class _Parser(argparse.ArgumentParser):
    """argparse, with INTERFACE.md's contract: a bad argument is one line and exit 1."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"newstrace: {message}; see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newstrace",
        description="Read news in any language: clean, store and search articles.",
    )
    parser.add_argument("--version", action="version", version=f"newstrace {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database: a SQLite path (default: $NEWSTRACE_DB or ./newstrace.db)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help="settings file (default: $NEWSTRACE_SETTINGS, else ./newstrace.toml if present)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, run: Any) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help,
            description=help,
            epilog=f"example:\n  {EXAMPLES[name]}" if name in EXAMPLES else None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(run=run)
        _db_option(sub)
        return sub

    sub = command("ingest", "read, analyse and store documents (idempotent)", cmd_ingest)
    sub.add_argument("sources", nargs="+", metavar="SOURCE", help="file, directory, glob or -")
    _json(sub)
    sub.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    _workers(sub)

    sub = command("analyze", "analyse one document without storing it", cmd_analyze)
    sub.add_argument("source", metavar="FILE", help="file or - for stdin")
    _json(sub)

    sub = command("list", "stored articles, newest first", cmd_list)
    sub.add_argument("--story", help="only this story's articles (default: all)")
    sub.add_argument("--language", help="only articles in this language, e.g. fr (default: all)")
    sub.add_argument("--limit", type=_positive, default=50, metavar="N", help=LIMIT_HELP % 50)
    sub.add_argument("--offset", type=_whole, default=0, metavar="N", help=OFFSET_HELP)
    _json(sub)

    sub = command("show", "one stored article with everything found", cmd_show)
    sub.add_argument("article", metavar="ARTICLE", help="id, unique id prefix, or source")
    _json(sub)

    sub = command("claims", "who said what in a stored article, by speaker", cmd_claims)
    sub.add_argument("article", metavar="ARTICLE", help="id, unique id prefix, or source")
    _json(sub)

    sub = command("summary", "No time to read? Get a summary of a stored article", cmd_summary)
    sub.add_argument("article", metavar="ARTICLE", help="id, unique id prefix, or source")
    sub.add_argument(
        "--sentences", type=_positive, default=3, metavar="N", help="sentences (default: 3)"
    )
    _json(sub)

    sub = command("search", "full-text search over titles and texts", cmd_search)
    sub.add_argument("query", nargs="+", help="words, all of which a hit holds; or a name")
    sub.add_argument("--limit", type=_positive, default=20, metavar="N", help=LIMIT_HELP % 20)
    sub.add_argument("--offset", type=_whole, default=0, metavar="N", help=OFFSET_HELP)
    _json(sub)

    sub = command("export", "every stored article as JSON Lines or CSV", cmd_export)
    sub.add_argument("--story", help="only this story's articles (default: all)")
    sub.add_argument("--language", help="only articles in this language, e.g. fr (default: all)")
    sub.add_argument(
        "--format", choices=["jsonl", "csv"], default="jsonl", help="output (default: jsonl)"
    )
    sub.add_argument("--out", metavar="FILE", help="write here (default: stdout)")

    sub = command(
        "stories",
        "stories, most covered (languages, outlets, versions) then most recent first",
        cmd_stories,
    )
    sub.add_argument("--limit", type=_positive, default=50, metavar="N", help=LIMIT_HELP % 50)
    sub.add_argument("--offset", type=_whole, default=0, metavar="N", help=OFFSET_HELP)
    sub.add_argument("--language", help="only stories told in this language (default: all)")
    sub.add_argument("--outlet", help="only stories this outlet told (default: all)")
    _json(sub)

    sub = command("story", "one story: versions, languages, timeline, provenance", cmd_story)
    sub.add_argument("story", metavar="STORY", help="story id, or an ARTICLE (its story)")
    _json(sub)

    sub = command(
        "compare", "a story's versions claim by claim: shared, alone, in conflict", cmd_compare
    )
    sub.add_argument("story", metavar="STORY", help="story id, or an ARTICLE (its story)")
    _json(sub)

    sub = command("restory", "re-cluster every stored article into stories", cmd_restory)
    sub.add_argument(
        "--recent",
        action="store_true",
        help="only correct the stories of the last 30 days of publication (merge, split)",
    )
    _json(sub)

    sub = command("failures", "documents that could not be ingested, with why", cmd_failures)
    _json(sub)

    sub = command("settings", "print the settings in force (docs/settings.md)", cmd_settings)
    _json(sub)

    sub = command("watch", "poll feeds politely and store each new item's article", cmd_watch)
    sub.add_argument("sources", nargs="+", metavar="FEED", help="feed URL or file, or OPML list")
    sub.add_argument("--every", default="10m", help="time between rounds: 90s, 10m, 1h (10m)")
    sub.add_argument("--once", action="store_true", help="one round, then exit")
    sub.add_argument(
        "--delay", type=_seconds, default=1.0, help="seconds between requests to a host (1)"
    )
    _workers(sub)
    _json(sub)  # without --once: one JSON document per round, one per line

    sub = command("batch", "analyse many files into Parquet (process pool or Spark)", cmd_batch)
    sub.add_argument("inputs", nargs="*", metavar="INPUT", help="WARC, JSONL, text file or folder")
    sub.add_argument("--out", required=True, metavar="DIR", help="Parquet output (replaced)")
    sub.add_argument("--engine", choices=["local", "spark"], default="local")
    sub.add_argument("--master", metavar="URL", help="Spark master (default: local[*])")
    _workers(sub, "local engine: processes analysing")
    sub.add_argument(
        "--load", action="store_true", help="then load DIR into --db, stories in time order"
    )
    _json(sub)

    sub = command("serve", "the web reader and JSON API", cmd_serve)
    sub.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sub.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0: any free)")

    sub = command("demo", "load the bundled sample corpus and serve the reader", cmd_demo)
    sub.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar (default: show it)"
    )
    sub.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sub.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0: any free)")
    sub.add_argument(
        "--no-serve",
        action="store_true",
        help="print what was found and exit, without serving (default: serve)",
    )
    _workers(sub)
    return parser


LIMIT_HELP = "rows to show (default: %d)"
OFFSET_HELP = "rows to skip: where the page starts (default: 0)"
# What `newstrace COMMAND --help` shows as an example.
EXAMPLES = {
    "ingest": "newstrace ingest newstrace/data/sample/",
    "analyze": "newstrace analyze page.html --json",
    "list": "newstrace list --language fr --limit 20 --offset 20",
    "show": "newstrace show 99a2b0a7",
    "claims": "newstrace claims 99a2b0a7",
    "summary": "newstrace summary 99a2b0a7 --sentences 2",
    "search": "newstrace search Putin --limit 10 --offset 10",
    "export": "newstrace export --format csv --out articles.csv",
    "stories": "newstrace stories --language fr --limit 10",
    "story": "newstrace story 99a2b0a7",
    "compare": "newstrace compare 99a2b0a7 --json",
    "restory": "newstrace restory",
    "failures": "newstrace failures --json",
    "settings": "newstrace --settings newstrace.toml settings",
    "watch": "newstrace watch https://example.org/feed.xml --every 10m",
    "batch": "newstrace batch corpus/ --out /tmp/parquet --load",
    "serve": "newstrace serve --db news.db --port 8000",
    "demo": "newstrace demo --db /tmp/demo.db --port 8080",
}


def _db_option(sub: argparse.ArgumentParser) -> None:
    """`--db` after the command too (`newstrace demo --db X`), as before it."""
    sub.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database: a SQLite path or postgresql://… (default: $NEWSTRACE_DB or ./newstrace.db)",
    )


def _whole(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number, 0 or more")
    return int(value)


def _workers(sub: argparse.ArgumentParser, what: str = "processes analysing documents") -> None:
    sub.add_argument(
        "--workers",
        type=_positive,
        default=None,
        metavar="N",
        help=f"{what} (default: every core, here {os.cpu_count() or 1}); 1: this process only",
    )


def _workers_of(args: argparse.Namespace) -> int:
    """--workers, or every core of the machine."""
    return int(args.workers or os.cpu_count() or 1)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds, 0 or more")
    return seconds


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0 to 65535)")
    return int(value)


def _json(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--json", action="store_true", help="print one JSON document (default: text for people)"
    )


def _print_json(value: object) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _open_store(args: argparse.Namespace) -> BaseStore:
    return facade.open_store(args.db)


# --- commands ----------------------------------------------------------------------------


# `ingest` stored what it could, but some documents failed (recorded with their reasons).
EXIT_SOME_FAILED = 2


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    with _open_store(args) as store, _progress(not args.quiet and not args.json) as tick:
        report = facade.ingest(
            args.sources,
            store,
            settings,
            progress=tick,
            stdin=sys.stdin.buffer,
            workers=_workers_of(args),
        )
    if args.json:
        _print_json(report.to_dict())
    else:
        _print_ingest_report(report, sys.stdout)
    if report.failed and not report.ingested and not report.duplicates:
        first = report.failures[0]
        more = f" and {report.failed - 1} more" if report.failed > 1 else ""
        raise UsageError(f"nothing ingested: {first.source}: {first.reason}{more}")
    if report.failed:
        # Done, but not whole: say so in the exit status, so that a script notices.
        total = report.ingested + report.duplicates + report.failed
        print(
            f"newstrace: {report.failed} of {total} documents failed and were recorded; "
            "see `newstrace failures`",
            file=sys.stderr,
        )
        return EXIT_SOME_FAILED
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    article = facade.analyze_source(args.source, Settings.from_env(), stdin=sys.stdin.buffer)
    if args.json:
        _print_json(article.to_dict())
    else:
        _print_article(article, sys.stdout)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        page = facade.article_page(
            store, story=args.story, language=args.language, limit=args.limit, offset=args.offset
        )
    if args.json:
        _print_json([row.to_dict() for row in page.items])
        return 0
    for row in page.items:
        print(f"{row.id}  {row.language or '--':2}  {_short(row.headline)}")
    if not page.total and args.story is None and args.language is None:
        print("no articles stored yet: try `newstrace ingest PATH`", file=sys.stderr)
    else:
        _print_count(page, "articles")
    return 0


def _print_count(page: Page[Any], noun: str) -> None:
    """ "1–50 of 181 articles; next: --offset 50" on stderr, below a list."""
    more = f"; next: --offset {page.next_offset}" if page.next_offset is not None else ""
    print(page.counted(noun) + more, file=sys.stderr)


def cmd_show(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        article = facade.article(store, args.article)
    if args.json:
        _print_json(article.to_dict())
    else:
        _print_article(article, sys.stdout)
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        article = facade.article(store, args.article)
    if args.json:
        _print_json([dataclasses.asdict(claim) for claim in article.claims])
    else:
        _print_claims(article, sys.stdout)
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        document = facade.summary(store, args.article, args.sentences)
    if args.json:
        _print_json(document.to_dict())
    else:
        print(document.text)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    with _open_store(args) as store:
        page = facade.search_page(store, query, limit=args.limit, offset=args.offset)
    if args.json:
        _print_json([hit.to_dict() for hit in page.items])
        return 0
    for hit in page.items:
        print(f"{hit.id}  {_short(hit.headline)}\n    {hit.snippet}")
    if not page.total:
        print(f"nothing matches {query!r}", file=sys.stderr)
    else:
        _print_count(page, "results")
    return 0


CSV_COLUMNS = [
    "id",
    "source",
    "url",
    "outlet",
    "title",
    "byline",
    "published",
    "language",
    "story",
    "sentences",
    "removed",
    "text",
]


def cmd_export(args: argparse.Namespace) -> int:
    csv_out = args.format == "csv"
    with _open_store(args) as store, _output(args.out) as out:
        articles = facade.export(
            store, story=args.story, language=args.language, summaries=not csv_out
        )
        if csv_out:
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            for a in articles:
                writer.writerow(
                    [
                        a.id,
                        a.source,
                        a.url,
                        a.outlet,
                        a.title,
                        a.byline,
                        a.published,
                        a.language,
                        a.story,
                        len(a.sentences),
                        len(a.removed),
                        a.text,
                    ]
                )
        else:
            for a in articles:
                out.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    """List stories, most recent first (`stories --json`: docs/interface.md)."""
    with _open_store(args) as store:
        page = facade.story_page(
            store,
            limit=args.limit,
            offset=args.offset,
            language=args.language,
            outlet=args.outlet,
        )
    if args.json:
        _print_json([row.to_dict() for row in page.items])
        return 0
    for row in page.items:
        languages = ",".join(row.languages)
        print(f"{row.id}  {row.articles:3}  {languages:8}  {_short(row.title or '')}")
    if not page.total and args.language is None and args.outlet is None:
        print("no stories yet: ingest articles, or run `newstrace restory`", file=sys.stderr)
    else:
        _print_count(page, "stories")
    return 0


def cmd_story(args: argparse.Namespace) -> int:
    """One story: its versions in time order and the provenance chains."""
    with _open_store(args) as store:
        document = facade.story(store, args.story)
    if args.json:
        _print_json(document.to_dict())
        return 0
    print(f"{document.title or '(no title)'}")
    print(f"  story:     {document.id}")
    print(f"  languages: {', '.join(document.languages)}")
    print(f"  articles:  {document.size}")
    print("\nTimeline:")
    for article in document.articles:
        derived = article.derives_from
        note = f"  ({derived.kind} of {derived.id})" if derived else ""
        when = article.published or "undated"
        label = _short(article.title or article.source, 60)
        language = article.language or "--"
        print(f"  {when[:16]:16}  {language:2}  {article.id}  {label}{note}")
    if document.chains:
        print("\nProvenance:")
        for chain in document.chains:
            print("  " + " → ".join(chain))
    for note in document.notes:
        print(f"\nnote: {note}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """The versions of a story claim by claim: shared, alone, in conflict, padded."""
    with _open_store(args) as store:
        document = facade.compare(store, args.story)
    if args.json:
        _print_json(document.to_dict())
        return 0
    versions = {v: f"v{n}" for n, v in enumerate(document.versions, start=1)}
    print(f"story {document.story}")
    for version, short in versions.items():
        print(f"  {short} = {version} ({document.languages.get(version) or '--'})")
    print("\nClaims:")
    for group in document.claims:
        carried = ", ".join(f"{versions[a]} {c['status']}" for a, c in group["carried_by"].items())
        print(f"  {group['group']:4} [{carried}] {_short(group['text'], 80)}")
        for conflict in group["conflicts"]:
            print(f"        conflict ({conflict['kind']}): {conflict['text']}")
        for version, added in group["adds"].items():
            names = [*added["entities"], *added["figures"]]
            print(f"        only {versions[version]} names: {', '.join(names)}")
    for comparison in document.figures:
        print(f"\nFigures: {comparison['text']}")
    for version, groups in document.padding.items():
        print(f"\nNo named source, only in {versions[version]}: {', '.join(groups)}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Inputs to Parquet (`newstrace.batch`), then with --load the Parquet into the store."""
    if not args.inputs and not args.load:
        raise UsageError("batch: give INPUT files, or --load to load an existing --out DIR")
    document: dict[str, object] = {}
    if args.inputs:
        workers = _workers_of(args) if args.engine == "local" else None
        report = facade.batch(args.inputs, args.out, args.engine, args.master, workers)
        document["batch"] = report.to_dict()
        if not args.json:
            print(
                f"{report.articles} articles, {report.failed} failed, {report.skipped} skipped "
                f"-> {args.out} ({report.engine}, models loaded {report.to_dict()['model_loads']}x)"
            )
    if args.load:
        with _open_store(args) as store:
            loaded = facade.load_batch(args.out, store)
        document["load"] = loaded.to_dict()
        if not args.json:
            print(
                f"loaded {loaded.ingested} articles ({loaded.duplicates} duplicates, "
                f"{loaded.failed} failures) into {loaded.stories} stories"
            )
    if args.json:
        _print_json(document)
    return 0


def cmd_restory(args: argparse.Namespace) -> int:
    """Forget the stories and assign every stored article again (after settings change);
    with --recent, correct the last window's stories instead."""
    with _open_store(args) as store:
        report = facade.restory(store, recent=args.recent)
    if args.json:
        _print_json(report.to_dict())
    elif report.moved is not None:
        print(
            f"{report.articles} recent articles assigned again, {report.moved} moved; "
            f"{report.stories} stories"
        )
    else:
        print(f"{report.articles} articles in {report.stories} stories")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    tree = Settings.from_env().to_dict()
    if tree["web"]["api_token"]:
        tree["web"]["api_token"] = "(set)"  # a secret is never printed
    if args.json:
        _print_json(tree)
        return 0
    for section, fields in tree.items():
        print(f"[{section}]")
        for key, value in fields.items():
            if value is None:
                print(f"# {key}: not set (the default applies)")
            else:
                print(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        print()
    return 0


def cmd_failures(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        records = facade.failures(store)
    if args.json:
        _print_json([r.to_dict() for r in records])
        return 0
    for r in records:
        print(f"{r.source}: {r.reason} (tried {r.attempts}x, last {r.last_attempt})")
    if not records:
        print("no failures: every document tried was ingested", file=sys.stderr)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    def show(report: RoundReport) -> None:
        if args.json:
            print(json.dumps(report.to_dict(), ensure_ascii=False), flush=True)
            return
        unchanged = sum(check.outcome == "unchanged" for check in report.feeds)
        new = sum(check.new_items for check in report.feeds)
        print(f"feeds checked: {len(report.feeds)} ({unchanged} unchanged), new items: {new}")
        for check in report.feeds:
            if check.outcome == "failed":
                print(f"  feed failed: {check.feed}: {check.reason}")
        _print_ingest_report(report.ingest, sys.stdout)
        sys.stdout.flush()

    with _open_store(args) as store:
        try:
            facade.watch(
                args.sources,
                store,
                Settings.from_env(),
                every=args.every,
                once=args.once,
                delay=args.delay,
                on_round=show,
                workers=_workers_of(args),
            )
        except KeyboardInterrupt:
            print("newstrace: watch stopped; seen items are kept in the database", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Ingest the bundled sample corpus, show what was found, then serve the reader on it."""
    sources = facade.sample_corpus()
    print(
        f"newstrace demo: ingesting the bundled sample corpus into {database_url(args.db)}",
        file=sys.stderr,
    )
    with _open_store(args) as store:
        with _progress(not args.quiet) as tick:
            report = facade.ingest(
                sources, store, Settings.from_env(), progress=tick, workers=_workers_of(args)
            )
        _print_ingest_report(report, sys.stdout)
        stored = list(facade.export(store, summaries=False))
        languages = Counter(a.language or "?" for a in stored)
        reasons = Counter(r.reason for a in stored for r in a.removed)
        print(
            f"\nstored: {len(stored)} articles; languages: "
            + ", ".join(f"{lang} {n}" for lang, n in languages.most_common())
        )
        if reasons:
            print(
                "lines taken out of the bodies: "
                + ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
            )
        seeds = [a for a in stored if a.source.endswith(".txt")]
        for seed in seeds:
            print()
            _print_article(seed, sys.stdout, full_text=False)
    if args.no_serve:
        print(
            "\nnext: `newstrace list`, `newstrace show ARTICLE`, `newstrace search WORDS`",
            file=sys.stderr,
        )
        return 0
    story = next((seed.story for seed in seeds if seed.story), None)
    if story is not None:
        print(f"\nthe seeds' story, side by side: /stories/{story}", file=sys.stderr)
    return cmd_serve(args)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the reader and API over the database until interrupted; prints the address."""
    from newstrace.web.serve import serve

    serve(database_url(args.db), Settings.from_env(), host=args.host, port=args.port)
    return 0


# --- printing ------------------------------------------------------------------------------


def _print_ingest_report(report: IngestReport, out: TextIO) -> None:
    out.write(
        f"ingested {report.ingested}, duplicates {report.duplicates}, failed {report.failed}\n"
    )
    if report.skipped:
        names = ", ".join(Path(s.source).name for s in report.passed_over[:5])
        more = ", …" if report.skipped > 5 else ""
        out.write(
            f"  passed over {report.skipped} items that are not news documents ({names}{more})\n"
        )
    for failure in report.failures[:20]:
        out.write(f"  failed: {failure.source}: {failure.reason}\n")
    if len(report.failures) > 20:
        out.write(f"  … and {len(report.failures) - 20} more: `newstrace failures`\n")


def _print_article(article: Article, out: TextIO, *, full_text: bool = True) -> None:
    out.write(f"{article.title or '(no title)'}\n")
    facts = [
        ("id", article.id),
        ("source", article.source),
        ("url", article.url),
        ("outlet", article.outlet),
        ("byline", article.byline),
        ("published", article.published),
        ("language", article.language),
        ("story", article.story),
    ]
    for name, value in facts:
        if value:
            out.write(f"  {name + ':':11}{value}\n")
    out.write(f"  {'sentences:':11}{len(article.sentences)}\n")
    if article.media:
        out.write(f"  {'media:':11}{', '.join(article.media)}\n")
    if article.entities:
        people = _distinct(e.text for e in article.entities if e.kind == "person")
        places = _distinct(e.text for e in article.entities if e.kind == "place")
        groups = _distinct(e.text for e in article.entities if e.kind in ("organization", "medium"))
        for name, found in (("people:", people), ("places:", places), ("groups:", groups)):
            if found:
                out.write(f"  {name:11}{_short(', '.join(found), 110)}\n")
    if article.quantities:
        figures = [f"{q.text}" + (f" ({q.unit})" if q.unit else "") for q in article.quantities]
        out.write(f"  {'figures:':11}{_short('; '.join(figures), 110)}\n")
    if article.summary is not None:
        out.write(f"\nSummary: {article.summary.text}\n")
    if article.claims:
        out.write("\n")
        _print_claims(article, out)
    if article.removed:
        out.write(f"\nTaken out ({len(article.removed)}):\n")
        for removed in article.removed:
            out.write(f"  [{removed.reason}] {_short(removed.text, 90)}\n")
    if full_text:
        out.write(f"\n{article.text}\n")
    else:
        sentences = article.sentence_texts()[:2]
        out.write("\n" + " ".join(sentences) + (" …" if len(article.sentences) > 2 else "") + "\n")


def _print_claims(article: Article, out: TextIO) -> None:
    """Claims grouped by speaker (in order of first appearance), each with type and status."""
    by_speaker: dict[str, list[Any]] = {}
    for claim in article.claims:
        by_speaker.setdefault(claim.speaker or "(nobody named)", []).append(claim)
    out.write(f"Claims ({len(article.claims)}):\n")
    for speaker, claims in by_speaker.items():
        role = next((c.role for c in claims if c.role), None)
        out.write(f"  {speaker}" + (f", {role}" if role else "") + "\n")
        for claim in claims:
            via = f" via {claim.medium}" if claim.medium else ""
            hedges = f" hedged: {', '.join(claim.hedges)}" if claim.hedges else ""
            out.write(
                f"    [{claim.type}, {claim.status}{via}{hedges}] {_short(claim.text, 100)}\n"
            )


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _short(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = Path(path).open("w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
    with handle:
        yield handle


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A progress line on stderr (rich) counting ingested, duplicate and failed documents."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    counts: Counter[str] = Counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} documents"),
        TimeElapsedColumn(),
        console=_stderr_console(),
        transient=True,
    ) as bar:
        task = bar.add_task("ingesting", total=None)

        def tick(status: str, source: str) -> None:
            counts[status] += 1
            bar.update(
                task,
                advance=1,
                description=(
                    f"ingested {counts['ingested']} · duplicates {counts['duplicate']} · "
                    f"failed {counts['failed']}"
                ),
            )

        yield tick


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(file=sys.stderr)


__all__ = ["main"]
