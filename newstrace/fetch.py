"""The polite HTTP client of newstrace: what feeds and their linked pages are fetched with.

One `Fetcher` per run. Every request names newstrace in its User-Agent, waits its turn per
host, has timeouts and an overall deadline, streams the body and stops at the document size
limit, follows at most a few redirects and only to http(s), refuses content types that
cannot be what was asked for (an image where a feed is expected) before reading the body,
and retries 5xx answers, 429 and timeouts with exponential backoff. Conditional requests
(ETag / Last-Modified) let an unchanged feed cost one request answered 304.
Nothing here raises for a bad answer: `fetch` returns a `FetchError` with a one-line reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from newstrace.encoding import binary_kind, declared_charset, decode_document
from newstrace.settings import FetchSettings, Settings

FETCHED_SCHEMES = frozenset({"http", "https"})

# What a caller expects an answer to be; a media type outside it is refused unread.
Expect = Literal["page", "feed", "any"]
_ACCEPT_HEADER = {
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
    "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "*/*;q=0.1",
    "any": "text/html, application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


# How politely and how patiently newstrace fetches: the `fetch` section of the settings.
FetchPolicy = FetchSettings


@dataclass(frozen=True)
class Fetched:
    """A successful answer (or a 304 Not Modified, with an empty body)."""

    url: str  # after redirects
    status: int
    body: bytes
    media_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    fetched: str  # ISO 8601, UTC

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class FetchError:
    """Why a URL could not be fetched; `transient` when trying again later may work."""

    url: str
    reason: str
    transient: bool = False


def invalid_url_reason(url: str) -> str | None:
    """Why an http(s) URL cannot be requested (a bad host, port or address), or None."""
    try:
        parsed = httpx.URL(url)
        if not parsed.host:
            return "not a valid URL (no host); check the link"
    except (httpx.InvalidURL, ValueError, UnicodeError) as error:
        return f"not a valid URL ({_first_line(error)}); check the link"
    return None


def url_scheme_refusal(url: str) -> str | None:
    """Why a URL is not fetched (not http or https), or None when it may be."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as error:
        return f"not a valid URL ({_first_line(error)}); check the link"
    if scheme in FETCHED_SCHEMES:
        return None
    if not scheme:
        return "not an absolute http(s) URL; give one"
    return f"{scheme}: URLs are not fetched; only http and https are"


def media_kind(media_type: str | None) -> str | None:
    """html, xml or text for a media type that may hold a page or a feed, else None."""
    if media_type is None:
        return None
    if media_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if media_type.endswith(("/xml", "+xml")) or media_type in (
        "application/rss",
        "application/atom",
        "application/x-rss",
        "application/opml",
        "text/x-opml",
    ):
        return "xml"
    if media_type == "text/plain":
        return "text"
    return None


_ACCEPTED_KINDS: dict[str, frozenset[str]] = {
    "page": frozenset({"html"}),
    "feed": frozenset({"xml", "text", "html"}),  # an HTML page is then told "not a feed"
    "any": frozenset({"xml", "text", "html"}),
}
# Served when a server does not know (or will not say) what it sends: sniffed instead.
_UNKNOWN_TYPES = frozenset({"application/octet-stream", "binary/octet-stream"})


class Fetcher:
    """A polite HTTP client (see the module docstring); close it, or use it in `with`."""

    def __init__(
        self,
        settings: Settings | None = None,
        policy: FetchPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or Settings()
        self.policy = policy or self.settings.fetch
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._client: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def fetch(
        self,
        url: str,
        expect: Expect = "page",
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched | FetchError:
        """GET a URL politely, following redirects and retrying what may pass."""
        refusal = url_scheme_refusal(url) or invalid_url_reason(url)
        if refusal is not None:
            return FetchError(url, refusal)
        headers = {"Accept": _ACCEPT_HEADER[expect]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        outcome: Fetched | FetchError | _Retry = FetchError(url, "not tried")
        for attempt in range(self.policy.retries + 1):
            outcome = self._follow(url, expect, headers)
            if not isinstance(outcome, _Retry):
                return outcome
            if attempt == self.policy.retries:
                break
            wait = self.policy.backoff * 2**attempt
            if outcome.retry_after is not None:
                if outcome.retry_after > self.policy.max_backoff:
                    break
                wait = max(wait, outcome.retry_after)
            self._sleep(min(wait, self.policy.max_backoff))
        assert isinstance(outcome, _Retry)
        tries = self.policy.retries + 1
        return FetchError(url, f"{outcome.reason} ({tries} tries); try again later", True)

    # --- one attempt, redirects included ---------------------------------------------------

    def _follow(
        self, url: str, expect: Expect, headers: dict[str, str]
    ) -> Fetched | FetchError | _Retry:
        current = url
        for _ in range(self.policy.max_redirects + 1):
            outcome = self._request(current, expect, headers)
            if not isinstance(outcome, _Redirect):
                return outcome
            target = urljoin(current, outcome.location.strip())
            refusal = url_scheme_refusal(target) or invalid_url_reason(target)
            if refusal is not None:
                return FetchError(url, f"redirected to {_short(target)}: {refusal}")
            current = target
        return FetchError(
            url,
            f"more than {self.policy.max_redirects} redirects (last to {_short(current)}); "
            "open the link in a browser to find where it really is",
        )

    def _request(
        self, url: str, expect: Expect, headers: dict[str, str]
    ) -> Fetched | FetchError | _Retry | _Redirect:
        host = urlsplit(url).netloc.lower()
        self._wait_turn(host)
        started = self._clock()
        try:
            with self._http().stream("GET", url, headers=headers) as response:
                return self._answer(url, expect, response, started)
        except _RefusedRedirect as refused:
            return FetchError(url, f"redirected to {_short(refused.location)}: {refused.reason}")
        except httpx.TimeoutException:
            return _Retry(f"timed out after {self.policy.timeout:g} s")
        except httpx.TransportError as error:
            return _Retry(f"cannot connect: {_first_line(error)}")
        except httpx.HTTPError as error:  # invalid URL, decoding errors
            return FetchError(url, f"cannot fetch it: {_first_line(error)}")
        except (ValueError, UnicodeError) as error:  # a host name or address no resolver takes
            return FetchError(url, f"not a valid URL ({_first_line(error)}); check the link")
        finally:
            self._last_request[host] = self._clock()

    def _answer(
        self, url: str, expect: Expect, response: httpx.Response, started: float
    ) -> Fetched | FetchError | _Retry | _Redirect:
        status = response.status_code
        if status in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                return FetchError(url, f"HTTP {status} redirect without a Location; a server bug")
            return _Redirect(location)
        if status >= 500 or status == 429:
            return _Retry(
                f"HTTP {status} {response.reason_phrase}".rstrip(), _retry_after(response)
            )
        media_type, _ = parse_content_type(response.headers.get("content-type"))
        if status == 304:
            return _fetched(url, response, b"")
        if status >= 400 or status < 200:
            return FetchError(
                url, f"HTTP {status} {response.reason_phrase}; check the link".strip()
            )
        kind = media_kind(media_type)
        if (
            media_type is not None
            and media_type not in _UNKNOWN_TYPES
            and kind not in _ACCEPTED_KINDS[expect]
        ):
            wanted = "an HTML page" if expect == "page" else "a feed or a page"
            return FetchError(url, f"serves {media_type}, not {wanted}; check the link")
        body = self._read_body(url, response, started)
        if isinstance(body, FetchError):
            return body
        if kind is None:
            binary = binary_kind(body)
            if binary is not None:
                return FetchError(url, f"serves binary data ({binary}), not a page or a feed")
        return _fetched(url, response, body)

    def _read_body(self, url: str, response: httpx.Response, started: float) -> bytes | FetchError:
        """The body, streamed, stopped at the size limit or the deadline."""
        limit = self.settings.max_document_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return FetchError(url, _too_large(int(declared), limit, at_least=False))
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                return FetchError(url, _too_large(size, limit, at_least=True))
            if self._clock() - started > self.policy.deadline:
                return FetchError(
                    url,
                    f"still sending after {self.policy.deadline:g} s ({size:,} bytes); "
                    "the server trickles or never ends",
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _wait_turn(self, host: str) -> None:
        """Sleep until `host_delay` has passed since the last request to this host."""
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self.policy.host_delay - self._clock()
            if wait > 0:
                self._sleep(wait)

    def _http(self) -> httpx.Client:
        if self._client is None:
            timeout = httpx.Timeout(self.policy.timeout)
            self._client = httpx.Client(
                headers={"User-Agent": self.policy.user_agent},
                timeout=timeout,
                follow_redirects=False,  # followed by hand: scheme checked, hops counted
                trust_env=False,  # no proxy or netrc from the environment
                event_hooks={"response": [_refuse_other_schemes]},
            )
        return self._client


class _RefusedRedirect(Exception):
    """A redirect to a scheme newstrace does not fetch, stopped before httpx parses it."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(reason)
        self.location = location
        self.reason = reason


def _refuse_other_schemes(response: httpx.Response) -> None:
    """Stop a redirect to javascript:, data:, file:… before httpx builds a request of it."""
    location = response.headers.get("location")
    if response.status_code in _REDIRECTS and location:
        target = urljoin(str(response.request.url), location.strip())
        refusal = url_scheme_refusal(target)
        if refusal is not None:
            raise _RefusedRedirect(target, refusal)


@dataclass(frozen=True)
class _Retry:
    reason: str
    retry_after: float | None = None


@dataclass(frozen=True)
class _Redirect:
    location: str


def _fetched(url: str, response: httpx.Response, body: bytes) -> Fetched:
    media_type, charset = parse_content_type(response.headers.get("content-type"))
    return Fetched(
        url=url,
        status=response.status_code,
        body=body,
        media_type=media_type,
        charset=charset,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        fetched=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def decode_http_body(body: bytes, charset: str | None, html: bool) -> str:
    """Text of an HTTP body: a BOM or valid UTF-8 first, then the header's charset, then the
    document's own declaration or detection (newstrace.encoding).

    UTF-8 goes first because pages labelled latin-1 while sending UTF-8 are common, and
    latin-1 decodes any bytes without complaint.
    """
    if charset is not None:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            # declared_charset maps a label as browsers do (latin-1 -> windows-1252).
            codec = declared_charset(b'<meta charset="' + charset.encode("ascii", "ignore") + b'">')
            if codec is not None and not body.startswith(
                (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
            ):
                try:
                    return body.decode(codec)
                except UnicodeDecodeError:
                    pass
    return decode_document(body, html).text


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """The media type (lower case) and charset of a Content-Type header."""
    if not value:
        return None, None
    message = Message()
    message["content-type"] = value
    media_type = message.get_content_type().lower()
    charset = message.get_param("charset")
    return media_type, charset if isinstance(charset, str) and charset.strip() else None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


def _too_large(size: int, limit: int, at_least: bool) -> str:
    more = "more than " if at_least else ""
    return (
        f"the response is {more}{size:,} bytes, over the limit of {limit:,} per document; "
        "refused (raise NEWSTRACE_MAX_DOCUMENT_BYTES to read it)"
    )


def _short(url: str, width: int = 80) -> str:
    return url if len(url) <= width else url[: width - 1] + "…"


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
