"""``tech-trade fetch-census``: Census trade from the International Trade API, kept, then imported.

For each year it asks for state exports and imports by NAICS-3 with all countries
(``…/statenaics``, ``COMM_LVL=NA3``, ``CTY_CODE=-``) and for U.S. exports and imports of the
tech category by partner country (``…/naics``, ``NAICS=334``), the December year-to-date
figures (``time=YYYY-12``: the calendar year). Every response is written as it came into the
cache folder before anything is read from it, and a response already there is not asked
for again: a second run, or a run without the network, takes them from the cache.

The API key comes from ``--key`` or ``CENSUS_API_KEY`` and goes into the request only: it
is never written to a file, a message or a log (the cache's file names and every message
name the request without it).

Requests time out; a server error (5xx), a timeout, a lost connection or a body cut short
is tried again after a pause that doubles each time; anything else the API refuses (4xx:
a bad key, an unknown variable) stops the command with one line quoting the API's answer.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbook import progress
from workbook.atomic import atomic_write_path
from workbook.errors import TechTradeError, one_line
from workbook.dataset.importers.census_tables import EXPORTS, IMPORTS
from workbook.paths import make_folder

if TYPE_CHECKING:
    # Only for the signatures: httpx is imported when the API is asked.
    import httpx

    from workbook.dataset.importers.census import CensusImport

DEFAULT_API_URL = "https://api.census.gov/data"
#: The tech category, whose U.S. trade by partner country is fetched.
TECH_NAICS3 = 334
#: The year-to-date value of each flow (see workbook.dataset.importers.census_api).
VALUE = {EXPORTS: "ALL_VAL_YR", IMPORTS: "GEN_VAL_YR"}
#: The most of an API's error text a message quotes.
QUOTED_CHARACTERS = 300


class FetchError(TechTradeError):
    """A request the API refused, or that failed on every try."""


@dataclass
class FetchSettings:
    api_url: str = DEFAULT_API_URL
    key: str | None = None
    cache: Path = Path("census-cache")
    #: Seconds to wait to connect and for each read of the response.
    timeout: float = 60.0
    #: Tries of one request before giving up on a server error, a timeout or a lost connection.
    attempts: int = 4
    #: Seconds before the second try; doubled before each further one.
    backoff: float = 1.0


@dataclass(frozen=True)
class CensusRequest:
    """One request to the API: a flow, state trade or trade by partner country, a year."""

    flow: str
    by_partner: bool
    year: int

    @property
    def path(self) -> str:
        return f"timeseries/intltrade/{self.flow}/{'naics' if self.by_partner else 'statenaics'}"

    @property
    def params(self) -> dict[str, str]:
        if self.by_partner:
            return {"get": f"CTY_CODE,CTY_NAME,NAICS_LDESC,{VALUE[self.flow]}", "NAICS": str(TECH_NAICS3),
                    "COMM_LVL": "NA3", "time": f"{self.year}-12"}
        return {"get": f"STATE,NAICS,NAICS_LDESC,{VALUE[self.flow]}", "COMM_LVL": "NA3", "CTY_CODE": "-",
                "time": f"{self.year}-12"}

    @property
    def cache_name(self) -> str:
        what = f"naics{TECH_NAICS3}-by-country" if self.by_partner else "statenaics"
        return f"{self.flow}-{what}-{self.year}-12.json"

    def __str__(self) -> str:
        what = f"NAICS {TECH_NAICS3} by partner country" if self.by_partner else "by state"
        return f"{self.flow} {what}, {self.year}"

    def described(self) -> str:
        """The request as a message names it: what, and the query without the key."""
        query = "&".join(f"{name}={value}" for name, value in self.params.items())
        return f"{self} ({self.path}?{query})"


def census_requests(years: list[int]) -> list[CensusRequest]:
    return [CensusRequest(flow, by_partner, year)
            for by_partner in (False, True) for flow in (EXPORTS, IMPORTS) for year in years]


def parse_years(text: str) -> list[int]:
    """``2016-2025`` (or one year, ``2025``) as the list of years."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4})\s*)?", text)
    if match is None:
        raise TechTradeError(f"--years {text!r}: expected FIRST-LAST, such as 2016-2025")
    first, last = int(match[1]), int(match[2] or match[1])
    from workbook.dataset.schema import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= first <= last <= LAST_YEAR:
        raise TechTradeError(f"--years {text!r}: expected years from {FIRST_YEAR} to {LAST_YEAR}, the first not after "
                             "the last")
    return list(range(first, last + 1))


@dataclass
class Fetched:
    """What a fetch did: responses fetched and taken from the cache, and the import that followed."""

    from_api: list[CensusRequest] = field(default_factory=list)
    from_cache: list[CensusRequest] = field(default_factory=list)
    retried: int = 0
    cache: Path = Path()
    #: The import of every response of the years (set once the responses are in the cache).
    imported: CensusImport | None = None

    @property
    def summary(self) -> str:
        retried = f" ({self.retried} tried again after a failure)" if self.retried else ""
        return (f"fetched {len(self.from_api)} response(s) from the API{retried} and took "
                f"{len(self.from_cache)} from the cache {self.cache}")


def fetch_census(years: list[int], settings: FetchSettings, data_dir: Path, partial_years: bool = False,
                 show_progress: bool = True) -> Fetched:
    """Fetch what the cache lacks, then import every response of the years into ``data_dir``."""
    from workbook.dataset.importers.census import import_census

    requests = census_requests(years)
    fetched = Fetched(cache=settings.cache)
    missing = [request for request in requests if not (settings.cache / request.cache_name).is_file()]
    fetched.from_cache = [request for request in requests if request not in missing]
    if missing:
        if settings.key is None and settings.api_url.rstrip("/") == DEFAULT_API_URL:
            raise FetchError(f"{len(missing)} response(s) are not in the cache {settings.cache} and the Census API "
                             "needs a key: give --key KEY or set CENSUS_API_KEY (sign up at "
                             "https://api.census.gov/data/key_signup.html)")
        make_folder(settings.cache, "--cache")
        _fetch(missing, settings, fetched, show_progress)
    fetched.imported = import_census([settings.cache / request.cache_name for request in requests], data_dir,
                                     partial_years=partial_years)
    return fetched


def _fetch(requests: list[CensusRequest], settings: FetchSettings, fetched: Fetched, show_progress: bool) -> None:
    import logging

    import httpx

    # httpx logs each request's address at INFO, key and all: never let it reach a log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    bar = progress.Bar("fetching", len(requests), enabled=show_progress)
    # Redirects are not followed: the API answers a missing or wrong key with one, to a page.
    with httpx.Client(timeout=settings.timeout, follow_redirects=False,
                      headers={"User-Agent": "tech-trade-snapshot"}) as client:
        try:
            for request in requests:
                bar.show(str(request))
                with progress.step(f"fetch {request}") as step:
                    body, tries = _get(client, request, settings)
                    with atomic_write_path(settings.cache / request.cache_name) as tmp:
                        tmp.write_bytes(body)
                    step.result = f"{len(body):,} bytes" + (f" after {tries} tries" if tries > 1 else "")
                fetched.from_api.append(request)
                fetched.retried += tries > 1
                bar.advance()
        finally:
            bar.close()


def _get(client: httpx.Client, request: CensusRequest, settings: FetchSettings) -> tuple[bytes, int]:
    """The body of a complete answer, and the tries it took; or FetchError."""
    import httpx

    url = f"{settings.api_url.rstrip('/')}/{request.path}"
    params = dict(request.params)
    if settings.key is not None:
        params["key"] = settings.key
    failure = ""
    for attempt in range(1, max(settings.attempts, 1) + 1):
        if attempt > 1:
            time.sleep(settings.backoff * 2 ** (attempt - 2))
        try:
            response = client.get(url, params=params)
        except httpx.TimeoutException:
            failure = f"no answer within {settings.timeout:g} s"
            continue
        except httpx.TransportError as error:
            failure = f"the connection failed ({_redacted(type(error).__name__ + ': ' + str(error), settings.key)})"
            continue
        status = response.status_code
        if status >= 500:
            failure = f"HTTP {status}: {_quoted(response.text, settings.key)}"
            continue
        if 300 <= status < 400:
            where = _redacted(response.headers.get("location", ""), settings.key)
            raise FetchError(f"Census API, {request.described()}: HTTP {status}, sent to {where or 'another page'}: "
                             "the API key is missing or not valid (give --key KEY or set CENSUS_API_KEY)")
        if status == 204:
            raise FetchError(f"Census API, {request.described()}: HTTP 204, no data: the API has none for this year "
                             "(is it released yet?)")
        if status >= 400:
            raise FetchError(f"Census API, {request.described()}: HTTP {status}: {_quoted(response.text, settings.key)}")
        body = response.content
        problem = _not_a_response(body)
        if problem is None:
            return body, attempt
        if b"Invalid Key" in body or b"invalid_key" in body:
            raise FetchError(f"Census API, {request.described()}: the API answered with its page for a key that is "
                             "not valid (check --key or CENSUS_API_KEY)")
        failure = problem
    raise FetchError(f"Census API, {request.described()}: {failure}, on each of {max(settings.attempts, 1)} tries")


def _not_a_response(body: bytes) -> str | None:
    """None for a complete JSON array of rows; otherwise what is wrong with the body."""
    try:
        records = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        if body.lstrip().startswith(b"[") and not body.rstrip().endswith(b"]"):
            return f"the response was cut short after {len(body):,} bytes"
        return "the response is not JSON"
    if not (isinstance(records, list) and records and all(isinstance(record, list) for record in records)):
        return "the response is not an array of rows with a header"
    return None


def _quoted(text: str, key: str | None) -> str:
    text = " ".join(_redacted(text, key).split())
    if len(text) > QUOTED_CHARACTERS:
        text = text[:QUOTED_CHARACTERS] + "…"
    return one_line(text) or "(no text)"


def _redacted(text: str, key: str | None) -> str:
    return text.replace(key, "<key>") if key else text
