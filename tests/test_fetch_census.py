"""``tech-trade fetch-census`` against a local stand-in for the International Trade API.

The server listens on 127.0.0.1 only and answers in the API's format with responses made
from the shared Census tables; a test scripts what it answers to a request (a server
error, the API's error text, a body cut short, an answer too slow). No test reaches the
network.
"""

from __future__ import annotations

import http.server
import io
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from census_responses import PARTNER_FILES, partner_response, shared_table, state_response
from helpers import DATA, run_cli
from workbook import progress
from workbook.commands.cli import main
from workbook.errors import EXIT_OK, EXIT_USAGE_OR_INPUT
from workbook.dataset.fetch import census_requests

KEY = "test-key-0123456789abcdef0123456789abcdef"
#: The API's answer to a request for a variable it does not have (HTTP 400, plain text).
UNKNOWN_VARIABLE = "error: error: unknown variable 'ALL_VAL_YR'"
YEARS = "2020-2021"
STATE_FILES = ("states.csv", "categories.csv", "census_exports.csv", "census_imports.csv")


@dataclass
class StandIn:
    """What the stand-in API answers: ``script`` maps a request's name (``exports-statenaics-2020``)
    to the answers to give it in turn before the normal one ("500", "400", "cut", "slow", "redirect")."""

    script: dict[str, list[str]] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)
    slow_seconds: float = 2.0
    url: str = ""


def _name(path: str, query: dict) -> str:
    flow, endpoint = path.rstrip("/").split("/")[-2:]
    return f"{flow}-{endpoint}-{query['time'][0][:4]}"


def _handler(stand_in: StandIn):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            stand_in.requests.append({"path": url.path, **{name: values[0] for name, values in query.items()}})
            name = _name(url.path, query)
            answers = stand_in.script.get(name, [])
            answer = answers.pop(0) if answers else "ok"
            flow, endpoint, year = name.split("-")
            body = (state_response if endpoint == "statenaics" else partner_response)(flow, int(year))
            if answer == "500":
                self._send(500, b"There was an error while running your query.  We've logged the error and we'll "
                                b"correct it ASAP.  Sorry for the inconvenience.", "text/plain")
            elif answer == "400":
                self._send(400, UNKNOWN_VARIABLE.encode(), "text/plain")
            elif answer == "redirect":
                self.send_response(302)
                self.send_header("Location", "https://api.census.gov/data/invalid_key.html")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif answer == "cut":
                # The header promises the whole body; the connection closes half-way through it.
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
            elif answer == "short":
                # A complete answer whose JSON stops half-way: what a proxy that cut the body sends on.
                self._send(200, body[: len(body) // 2], "application/json")
            elif answer == "slow":
                time.sleep(stand_in.slow_seconds)
                self._send(200, body, "application/json")
            else:
                self._send(200, body, "application/json")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that gave up (the slow answer's) closes the connection under the answer: expected here."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture
def api() -> Iterator[StandIn]:
    stand_in = StandIn()
    server = _Server(("127.0.0.1", 0), _handler(stand_in))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}/data"
    yield stand_in
    server.shutdown()
    server.server_close()
    thread.join()


def fetch(capsys, api: StandIn, folder: Path, *args: object) -> tuple[int, str, str]:
    status = main(["fetch-census", "--years", YEARS, "--api-url", api.url, "--cache", str(folder / "cache"),
                   "--data", str(folder / "data"), *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def fast(*args: str) -> list[str]:
    """Short waits, so that a test of retries takes a second or two."""
    return ["--timeout", "1", *args]


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch):
    monkeypatch.setattr("workbook.dataset.fetch.FetchSettings.backoff", 0.05)


def state_rows(data: Path, name: str, years: set[int]) -> pd.DataFrame:
    frame = pd.read_csv(data / name)
    return frame[frame["year"].isin(years)].reset_index(drop=True)


def test_fetch_asks_for_every_response_keeps_each_and_imports_them(api: StandIn, tmp_path: Path, capsys):
    status, out, err = fetch(capsys, api, tmp_path, "--key", KEY)
    assert (status, err) == (EXIT_OK, "")
    requests = census_requests([2020, 2021])
    assert len(api.requests) == len(requests) == 8
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == sorted(r.cache_name for r in requests)
    first = api.requests[0]
    assert first == {"path": "/data/timeseries/intltrade/exports/statenaics", "get": "STATE,NAICS,NAICS_LDESC,ALL_VAL_YR",
                     "COMM_LVL": "NA3", "CTY_CODE": "-", "time": "2020-12", "key": KEY}
    assert out.splitlines()[0] == f"fetched 8 response(s) from the API and took 0 from the cache {tmp_path / 'cache'}"
    for name in ("census_exports.csv", "census_imports.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "data" / name), state_rows(DATA, name, {2020, 2021}))
    # The API's capitals ("KOREA, SOUTH") spelt as the partner data spells the countries ("Korea, South").
    for flow in ("exports", "imports"):
        written = pd.read_csv(tmp_path / "data" / f"partner_{flow}.csv", keep_default_na=False)
        shared = shared_table(PARTNER_FILES[flow]).query("year in (2020, 2021) and naics3 == 334")
        assert sorted(map(tuple, written.astype(object).to_numpy().tolist())) == sorted(
            map(tuple, shared[["year", "naics3", "country", f"{flow}_usd"]].astype(object).to_numpy().tolist()))


def test_a_second_run_takes_the_cache_and_asks_nothing(api: StandIn, tmp_path: Path, capsys):
    assert fetch(capsys, api, tmp_path, "--key", KEY)[0] == EXIT_OK
    before = {path.name: path.read_bytes() for path in (tmp_path / "data").iterdir()}
    asked = len(api.requests)
    # The cache filled, the run needs neither the server nor a key.
    status = main(["fetch-census", "--years", YEARS, "--api-url", api.url, "--cache", str(tmp_path / "cache"),
                   "--data", str(tmp_path / "again")])
    out, err = capsys.readouterr()
    assert len(api.requests) == asked
    assert (status, err) == (EXIT_OK, "")
    assert out.splitlines()[0] == f"fetched 0 response(s) from the API and took 8 from the cache {tmp_path / 'cache'}"
    assert {path.name: path.read_bytes() for path in (tmp_path / "again").iterdir()} == before


def test_a_run_with_the_server_stopped_uses_the_cache(tmp_path: Path, capsys):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    cache = tmp_path / "cache"
    cache.mkdir()
    for request in census_requests([2020, 2021]):
        body = (partner_response if request.by_partner else state_response)(request.flow, request.year)
        (cache / request.cache_name).write_bytes(body)
    result = run_cli("fetch-census", "--years", YEARS, "--api-url", f"http://127.0.0.1:{port}/data", "--cache", cache,
                     "--data", tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"fetched 0 response(s) from the API and took 8 from the cache {cache}"


def test_a_server_error_is_tried_again(api: StandIn, tmp_path: Path, capsys):
    api.script["exports-statenaics-2020"] = ["500"]
    status, out, err = fetch(capsys, api, tmp_path, "--key", KEY, *fast())
    assert (status, err) == (EXIT_OK, "")
    assert len(api.requests) == 9
    assert out.splitlines()[0] == (f"fetched 8 response(s) from the API (1 tried again after a failure) and took 0 "
                                   f"from the cache {tmp_path / 'cache'}")


def test_the_apis_refusal_is_one_line_with_its_text_and_no_key(api: StandIn, tmp_path: Path, capsys):
    api.script["imports-statenaics-2021"] = ["400"]
    status, out, err = fetch(capsys, api, tmp_path, "--key", KEY, *fast())
    assert (status, out) == (EXIT_USAGE_OR_INPUT, "")
    assert err == ("tech-trade: error: Census API, imports by state, 2021 (timeseries/intltrade/imports/statenaics?"
                   "get=STATE,NAICS,NAICS_LDESC,GEN_VAL_YR&COMM_LVL=NA3&CTY_CODE=-&time=2021-12): HTTP 400: "
                   f"{UNKNOWN_VARIABLE}\n")
    # Not tried again; what came before it is kept for the next run; nothing imported.
    assert [request["time"] for request in api.requests] == ["2020-12", "2021-12", "2020-12", "2021-12"]
    assert len(list((tmp_path / "cache").iterdir())) == 3
    assert not (tmp_path / "data").exists()


def test_a_body_cut_short_is_tried_again_and_never_cached(api: StandIn, tmp_path: Path, capsys):
    api.script["exports-statenaics-2021"] = ["cut", "short"]
    status, _, err = fetch(capsys, api, tmp_path, "--key", KEY, *fast())
    assert (status, err) == (EXIT_OK, "")
    assert sum(request["time"] == "2021-12" and "statenaics" in request["path"] and "exports" in request["path"]
               for request in api.requests) == 3
    assert (tmp_path / "cache" / "exports-statenaics-2021-12.json").read_bytes() == state_response("exports", 2021)


def test_a_body_cut_short_every_time_is_one_line(api: StandIn, tmp_path: Path, capsys):
    api.script["exports-statenaics-2020"] = ["short", "short"]
    status, _, err = fetch(capsys, api, tmp_path, "--key", KEY, *fast("--retries", "2"))
    assert status == EXIT_USAGE_OR_INPUT
    assert err.startswith("tech-trade: error: Census API, exports by state, 2020 (")
    assert err.endswith(": the response was cut short after "
                        f"{len(state_response('exports', 2020)) // 2:,} bytes, on each of 2 tries\n")
    assert not (tmp_path / "cache" / "exports-statenaics-2020-12.json").exists()


def test_an_answer_slower_than_the_timeout_is_given_up_and_tried_again(api: StandIn, tmp_path: Path, capsys):
    api.slow_seconds = 1.5
    api.script["exports-naics-2020"] = ["slow", "slow"]
    status, _, err = fetch(capsys, api, tmp_path, "--key", KEY, "--timeout", "0.5", "--retries", "2")
    assert status == EXIT_USAGE_OR_INPUT
    assert err.startswith("tech-trade: error: Census API, exports NAICS 334 by partner country, 2020 (")
    assert err.endswith("): no answer within 0.5 s, on each of 2 tries\n")

    api.script["exports-naics-2020"] = ["slow"]
    status, _, err = fetch(capsys, api, tmp_path, "--key", KEY, "--timeout", "0.5", "--retries", "2")
    assert (status, err) == (EXIT_OK, "")


def test_a_key_the_api_does_not_know_is_one_line(api: StandIn, tmp_path: Path, capsys):
    api.script["exports-statenaics-2020"] = ["redirect"]
    status, _, err = fetch(capsys, api, tmp_path, "--key", KEY, *fast())
    assert status == EXIT_USAGE_OR_INPUT
    assert err.endswith("): HTTP 302, sent to https://api.census.gov/data/invalid_key.html: the API key is missing or "
                        "not valid (give --key KEY or set CENSUS_API_KEY)\n")


def test_the_key_comes_from_the_environment_and_is_written_nowhere(api: StandIn, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("CENSUS_API_KEY", KEY)
    api.script["exports-statenaics-2020"] = ["500"]
    status, out, err = fetch(capsys, api, tmp_path, "-v", *fast())
    assert status == EXIT_OK
    assert all(request["key"] == KEY for request in api.requests)
    assert KEY not in out + err
    for path in tmp_path.rglob("*"):
        assert KEY not in path.name
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_the_census_api_without_a_key_is_refused_before_any_request(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)
    status = main(["fetch-census", "--years", "2020", "--cache", str(tmp_path / "cache"), "--data",
                   str(tmp_path / "data")])
    assert status == EXIT_USAGE_OR_INPUT
    assert capsys.readouterr().err == (
        f"tech-trade: error: 4 response(s) are not in the cache {tmp_path / 'cache'} and the Census API needs a key: "
        "give --key KEY or set CENSUS_API_KEY (sign up at https://api.census.gov/data/key_signup.html)\n")


@pytest.mark.parametrize("years", ["2016-", "2025-2016", "twenty"])
def test_years_not_a_range_are_one_line(years: str, tmp_path: Path, capsys):
    status = main(["fetch-census", "--years", years, "--cache", str(tmp_path)])
    assert status == EXIT_USAGE_OR_INPUT
    assert capsys.readouterr().err.startswith(f"tech-trade: error: --years {years!r}: expected ")


def test_the_progress_bar_is_drawn_on_a_terminal_only():
    terminal = io.StringIO()
    bar = progress.Bar("fetching", 4, stream=terminal, terminal=True)
    bar.show("exports by state, 2020")
    bar.advance()
    bar.close()
    assert terminal.getvalue() == ("\r\x1b[Kfetching [........................] 0/4 exports by state, 2020"
                                   "\r\x1b[Kfetching [######..................] 1/4 \n")
    log = io.StringIO()
    bar = progress.Bar("fetching", 4, stream=log, terminal=False)
    bar.show("exports by state, 2020")
    bar.close()
    assert log.getvalue() == ""
