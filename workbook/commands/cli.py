"""The ``tech-trade`` command: build, check and import."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

# Only light modules here: the heavy ones (pandas, XlsxWriter) are imported inside main(), where
# a Ctrl-C while they load ends in one line rather than a traceback.
from workbook import __version__, progress
from workbook.errors import (EXIT_WOULD_LOSE, WouldLoseError, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT_CLOSED,
                             EXIT_PROBLEMS_FOUND, EXIT_TERMINATED, EXIT_USAGE_OR_INPUT, TechTradeError, one_line)

if TYPE_CHECKING:
    from workbook.dataset.importers.census import CensusImport

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tech-trade",
        description="Build and check the Tech Trade Snapshot workbook.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="write the snapshot workbook")
    build.add_argument("--year", type=int, default=None,
                       help="snapshot year (default: the data's settings.csv, else 2020)")
    build.add_argument("--data", type=Path, default=None,
                       help="data folder (default: the data bundled with the tool, the repository's data/)")
    # A string, not a Path: a trailing "/" (a folder, which takes the default name) must survive.
    build.add_argument("--out", help="output .xlsx file, or a folder (default tech-trade-snapshot-EDITION.xlsx "
                                     "here; the edition is the year + 1 unless settings.csv names it)")
    build.add_argument("--force", action="store_true",
                       help="replace the output even if it was edited since tech-trade wrote it")
    build.add_argument("--protect", action="store_true",
                       help="lock every cell but the inputs, so a formula is not typed over by mistake")
    build.add_argument("--pdf", action="store_true",
                       help="also print the report to a PDF beside it, through LibreOffice: the reader's sheets, "
                            "without the input tables")
    build.add_argument("--pdf-appendix", action="store_true",
                       help="print the PDF with the input tables (the data sheets) after the report; implies --pdf")
    build.add_argument("--ods", action="store_true",
                       help="also write the OpenDocument edition (.ods) beside it, made by LibreOffice and checked "
                            "against the workbook")
    _add_templates_option(build)

    check = commands.add_parser(
        "check", help="recalculate a workbook in LibreOffice and IronCalc, read its inputs and Checks sheet, and "
                      "validate it against the Office Open XML schema",
        description="Check a workbook: every formula recalculated in LibreOffice and in IronCalc (Excel's rules) "
                    "against its cached value, every input against the data schema, the Checks sheet's identities "
                    "and published figures, the Office Open XML schema, and accessibility. A part whose program is "
                    "not installed is left out, and said on standard error.")
    check.add_argument("file", type=Path, help="the .xlsx workbook to check")
    check.add_argument("--office-version", default=None,
                       help="Office version to validate against, e.g. Office2016 (default: Microsoft365)")
    check.add_argument("--recalculated", type=Path, default=None, metavar="COPY",
                       help="a copy of FILE that a spreadsheet has recalculated fully and saved: its values are "
                            "compared with FILE's, and LibreOffice is not started (the add-in's Check does so)")
    check.add_argument("--require-all", action="store_true",
                       help="refuse (exit status 2) rather than leave out a part whose program is not installed "
                            "(LibreOffice, the schema validator, IronCalc)")

    census = commands.add_parser(
        "import-census", help="write data/ files from Census trade as Census serves it (each file recognised by its content)",
        description="Write data/ files from Census trade: USA Trade Online downloads, International Trade API "
                    "responses (JSON) or tidy tables, in any number and order; each file is recognised by its content.")
    census.add_argument("files", type=Path, nargs="*", metavar="FILE", help="Census files (exports and imports)")
    census.add_argument("--exports", type=Path, help="Census state exports file (the older form, with --imports)")
    census.add_argument("--imports", type=Path, help="Census state imports file (the older form, with --exports)")
    census.add_argument("--partial-years", action="store_true",
                        help="take in years that are partial (year to date) instead of leaving them out")
    _add_data_to_write_option(census)

    fetch = commands.add_parser(
        "fetch-census", help="fetch Census trade from the International Trade API, keep every response, and import it",
        description="Ask the Census International Trade API for state exports and imports by NAICS-3 (all countries) "
                    "and U.S. exports and imports of the tech category by partner country, keep every raw response "
                    "in the cache folder (a later run uses them without the network), then import them as "
                    "import-census does.")
    fetch.add_argument("--years", required=True, metavar="FIRST-LAST", help="calendar years, e.g. 2016-2025")
    fetch.add_argument("--key", default=None,
                       help="Census API key (default: the environment variable CENSUS_API_KEY); never written anywhere")
    fetch.add_argument("--cache", type=Path, default=Path("census-cache"),
                       help="folder for the raw responses (default %(default)s)")
    fetch.add_argument("--api-url", default=None,
                       help="address of the API or of a mirror with the same interface (default the Census API)")
    fetch.add_argument("--timeout", type=float, default=None, help="seconds to wait for each response (default 60)")
    fetch.add_argument("--retries", type=int, default=None,
                       help="tries of a request that fails with a server error, a timeout or a lost connection "
                            "(default 4)")
    fetch.add_argument("--partial-years", action="store_true",
                       help="take in years that are partial (year to date) instead of leaving them out")
    _add_data_to_write_option(fetch)
    partners = commands.add_parser("import-partners",
                                   help="write data/ files from Census U.S. trade by NAICS-3 and partner country")
    partners.add_argument("--exports", type=Path, required=True, help="Census exports by partner country CSV")
    partners.add_argument("--imports", type=Path, required=True, help="Census imports by partner country CSV")
    _add_data_to_write_option(partners)

    extract = commands.add_parser("extract", help="write the inputs of an edited workbook as data files")
    extract.add_argument("file", type=Path, help="a workbook tech-trade made, edited in Excel or LibreOffice")
    extract.add_argument("--out", type=Path, required=True, help="folder to write the data files into")
    extract.add_argument("--allow-loss", action="store_true",
                         help="carry what can be carried when an own sheet holds a chart, picture, pivot table "
                              "or form control (listed on standard error), rather than write nothing")
    _add_templates_option(extract)

    diff = commands.add_parser("diff", help="list the input cells whose values differ between two workbooks")
    diff.add_argument("old", type=Path, help="the workbook before")
    diff.add_argument("new", type=Path, help="the workbook after")
    _add_templates_option(diff)

    release = commands.add_parser("import-release", help="write data/published_figures.csv from the press release text")
    release.add_argument("release", type=Path, help="the press release, as plain text")
    _add_data_to_write_option(release)
    addin = commands.add_parser(
        "addin", help="write the LibreOffice extension (.oxt): a Tech Trade menu in Calc that checks, takes edits "
                      "back and rebuilds",
        description="Write the LibreOffice extension: a Tech Trade menu in Calc whose commands run this package's "
                    "check, extract and build on the open workbook. Install it with `unopkg add FILE.oxt` or "
                    "Tools > Extension Manager.")
    addin.add_argument("--out", default=None, help="the .oxt to write, or a folder (default tech-trade.oxt here)")
    addin.add_argument("--python", default=None, metavar="PATH",
                       help="the Python the extension runs the package with, before looking in LibreOffice's own "
                            "(default: the Python running this command)")
    addin.add_argument("--bundle", action="store_true",
                       help="put the package's code in the extension's pythonpath/, for a LibreOffice whose Python "
                            "has pandas, openpyxl and XlsxWriter but not this package")
    _add_verbosity_options(parser, commands.choices.values())
    return parser


def _add_templates_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--templates", type=Path, default=None, metavar="DIR",
                         help="styles and wording from DIR, a copy of the tool's templates/ folder "
                              "(default: the templates bundled with the tool)")


def _add_data_to_write_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data", type=Path, default=None, metavar="DIR",
                         help="data folder to write (default ./data, unless it is the data bundled with the tool "
                              "or tracked by git: those only when named)")


def _add_verbosity_options(parser: argparse.ArgumentParser, commands: Iterable[argparse.ArgumentParser]) -> None:
    """-q/--quiet and -v/--verbose, before or after the command's name (``tech-trade -q build`` or ``build -q``)."""
    for each, default in ((parser, False), *((command, argparse.SUPPRESS) for command in commands)):
        group = each.add_mutually_exclusive_group()
        # SUPPRESS on the commands: an option given before the command's name is not reset after it.
        group.add_argument("-q", "--quiet", action="store_true", default=default,
                           help="print nothing when all goes well (errors still go to standard error)")
        group.add_argument("-v", "--verbose", action="store_true", default=default,
                           help="say on standard error what is loaded, computed and written, with timings")


class _Terminated(BaseException):
    """SIGTERM, raised so that temporary files are removed on the way out, as for Ctrl-C."""


def _terminate(signum: int, frame: FrameType | None) -> NoReturn:
    raise _Terminated()


def main(argv: list[str] | None = None) -> int:
    try:
        status = _run(argv)
        # A pipe is written in blocks: a reader that has gone is found out here, not at exit.
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _drop_further_output()
        return EXIT_OUTPUT_CLOSED
    except KeyboardInterrupt:
        # Ctrl-C before _run's own handler is in place (while the heavy modules import).
        print("tech-trade: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(argv: list[str] | None) -> int:
    from workbook.templates_loader import use_templates

    parser = _parser()
    args = parser.parse_args(argv)
    if args.quiet and args.verbose:
        parser.error("choose one of --quiet and --verbose")
    progress.configure(verbose=args.verbose)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    templates = getattr(args, "templates", None)
    try:
        if templates is not None:
            use_templates(templates)
        return _COMMANDS[args.command](args)
    except TechTradeError as error:
        print(f"tech-trade: error: {one_line(error)}", file=sys.stderr)
        return EXIT_USAGE_OR_INPUT
    except KeyboardInterrupt:
        print("tech-trade: interrupted; any file being written was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Terminated:
        print("tech-trade: terminated; any file being written was left as it was", file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        if templates is not None:
            use_templates(None)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _drop_further_output() -> None:
    """Whoever read the output has gone (``| head``): what is still buffered, and the interpreter's
    flush at exit, would only raise again, so both streams now lead nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass  # not a real file (replaced by a caller); nothing to flush at exit then
    os.close(devnull)


def _say(args: argparse.Namespace, message: str) -> None:
    """A result line on standard output, unless --quiet."""
    if not args.quiet:
        print(message)


def _build(args: argparse.Namespace) -> int:
    from workbook.commands.build import build_workbook, bundled_data_dir, ods_path, write_pdf
    from workbook.engines.libreoffice import find_soffice
    from workbook.paths import output_file, unread_data_here

    # The appendix is part of a PDF: asking for it asks for the PDF.
    args.pdf = args.pdf or args.pdf_appendix
    if args.ods and args.out is not None and Path(args.out).suffix.lower() == ".ods":
        raise TechTradeError(f"--out {args.out}: --out names the .xlsx; --ods writes the .ods beside it")
    target = output_file(args.out, ".xlsx", "the workbook")
    if args.pdf or args.ods:
        # Before any work: a missing LibreOffice must not cost a build.
        find_soffice()
    if args.data is None and (unread := unread_data_here(bundled_data_dir())) is not None and not args.quiet:
        print(f"tech-trade: note: building from the data bundled with the tool, not {unread}/ in the current folder "
              f"(give --data {unread} to build from it)", file=sys.stderr)
    companions = (".pdf",) * args.pdf + (".ods",) * args.ods
    out = build_workbook(data_dir=args.data or bundled_data_dir(), year=args.year, out=target, force=args.force,
                         protect=args.protect, ods=args.ods, companions=companions)
    _say(args, f"wrote {out}")
    if args.ods:
        from workbook.checking.ods import write_ods

        _say(args, f"wrote {write_ods(out, ods_path(out))}")
    if args.pdf:
        pdf = write_pdf(out, out.with_suffix(".pdf"), appendix=args.pdf_appendix)
        _say(args, f"wrote {pdf}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from workbook.checking.check import run_check

    result = run_check(args.file, office_version=args.office_version, recalculated=args.recalculated,
                       require_all=args.require_all)
    # Said first, and even with --quiet: what was not checked is not known to be right.
    for part in result.left_out:
        print(f"tech-trade: {part}", file=sys.stderr)
    findings = result.findings
    problems = [finding for finding in findings if not finding.note]
    notes = [finding for finding in findings if finding.note]
    for problem in problems:
        print(problem)
    # Notes are what LibreOffice does to every file it saves, not faults the analyst can mend there.
    sparkline_notes = [note for note in notes if note.schema]
    chart_text_notes = [note for note in notes if not note.schema]
    if sparkline_notes:
        print(f"note: {len(sparkline_notes)} schema finding(s) are LibreOffice's way of saving sparklines (xr2:uid), "
              f"not a fault of the workbook; first: {sparkline_notes[0]}", file=sys.stderr)
    if chart_text_notes:
        print(f"note: {len(chart_text_notes)} chart(s) lost their alternative text when LibreOffice saved the file; "
              f"first: {chart_text_notes[0]}", file=sys.stderr)
    if problems:
        print(f"{args.file}: {len(problems)} problem(s) ({_parts_done(args.file, result.engines, result.validated, False)})",
              file=sys.stderr)
        return EXIT_PROBLEMS_FOUND
    _say(args, f"{args.file}: no problems ({_parts_done(args.file, result.engines, result.validated, True)})")
    return EXIT_OK


def _parts_done(file: Path, engines: list[str], validated: bool, clean: bool) -> str:
    """What the check ran: "recalculated in LibreOffice and IronCalc, schema valid"."""
    from workbook.reading.opendocument import is_ods

    recalculated = f"recalculated in {' and '.join(engines)}" if engines else "not recalculated"
    if is_ods(file):
        # No ODF validator is at hand: an .ods is recalculated and read, not validated.
        return f"{recalculated}; not validated against a schema"
    schema = ("schema valid" if clean else "schema checked") if validated else "schema not checked"
    return f"{recalculated}, {schema}"


def _import_census(args: argparse.Namespace) -> int:
    from workbook.dataset.importers.census import import_census, import_census_pair

    args.data = _data_to_write(args)
    if (args.exports is None) != (args.imports is None):
        raise TechTradeError("import-census: give --exports and --imports together, or the files on their own")
    if args.exports is not None:
        if args.files:
            raise TechTradeError("import-census: give the files on their own, or --exports and --imports, not both")
        result = import_census_pair(args.exports, args.imports, args.data, partial_years=args.partial_years)
    elif args.files:
        result = import_census(args.files, args.data, partial_years=args.partial_years)
    else:
        raise TechTradeError("import-census: give the Census files to import (or --exports FILE --imports FILE)")
    _report_import(args, result)
    return EXIT_OK


def _report_import(args: argparse.Namespace, result: CensusImport) -> None:
    if not args.quiet:
        for note in result.notes:
            print(f"tech-trade: note: {one_line(note)}", file=sys.stderr)
    for path in result.written:
        _say(args, f"wrote {path}")


def _fetch_census(args: argparse.Namespace) -> int:
    import os

    from workbook.dataset.fetch import DEFAULT_API_URL, FetchSettings, fetch_census, parse_years
    from workbook.paths import folder_to_write

    years = parse_years(args.years)
    args.data = _data_to_write(args)
    folder_to_write(args.cache, "--cache")
    key = args.key if args.key is not None else os.environ.get("CENSUS_API_KEY")
    settings = FetchSettings(api_url=args.api_url or DEFAULT_API_URL, key=key or None, cache=args.cache)
    if args.timeout is not None:
        settings.timeout = args.timeout
    if args.retries is not None:
        settings.attempts = args.retries
    fetched = fetch_census(years, settings, data_dir=args.data, partial_years=args.partial_years,
                           show_progress=not args.quiet)
    _say(args, fetched.summary)
    # fetch_census imports what it fetched before it returns.
    assert fetched.imported is not None
    _report_import(args, fetched.imported)
    return EXIT_OK


def _import_partners(args: argparse.Namespace) -> int:
    from workbook.dataset.importers.partners import import_partners

    args.data = _data_to_write(args)
    for path in import_partners(args.exports, args.imports, args.data):
        _say(args, f"wrote {path}")
    return EXIT_OK


def _import_release(args: argparse.Namespace) -> int:
    from workbook.dataset.importers.release import import_release

    args.data = _data_to_write(args)
    path = import_release(args.release, args.data)
    _say(args, f"wrote {path}")
    return EXIT_OK


def _data_to_write(args: argparse.Namespace) -> Path:
    from workbook.commands.build import bundled_data_dir
    from workbook.paths import data_to_write

    return data_to_write(args.data, bundled_data_dir())


def _extract(args: argparse.Namespace) -> int:
    from workbook.commands.extract import extract_workbook, partial_files_note
    from workbook.paths import folder_to_write

    folder_to_write(args.out, "--out")
    try:
        paths = extract_workbook(args.file, args.out, allow_loss=args.allow_loss)
    except WouldLoseError as error:
        for loss in error.losses:
            print(f"tech-trade: {loss}", file=sys.stderr)
        print(f"tech-trade: error: {args.file}: nothing was written, since {len(error.losses)} thing(s) above "
              "cannot be carried into data files; remove them, or use --allow-loss to carry the rest",
              file=sys.stderr)
        return EXIT_WOULD_LOSE
    for path in paths:
        _say(args, f"wrote {path}")
    note = partial_files_note(args.file, paths)
    if note is not None and not args.quiet:
        print(f"tech-trade: note: {one_line(note)}", file=sys.stderr)
    return EXIT_OK


def _addin(args: argparse.Namespace) -> int:
    from workbook.commands.addin import EXTENSION_NAME, default_python, python_to_run, write_extension
    from workbook.paths import output_file

    target = output_file(args.out, ".oxt", "the extension")
    if args.python is None:
        python = default_python()
    elif args.bundle:
        # The extension runs its own copy where the named Python is not there (another machine's, say).
        python = args.python
    else:
        # Without a copy of its own, an extension naming a Python that is not there cannot run.
        python = python_to_run(args.python)
    out = write_extension(target.path(EXTENSION_NAME), python=python, bundle=args.bundle)
    _say(args, f"wrote {out}")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from workbook.commands.diff import diff_workbooks

    lines = diff_workbooks(args.old, args.new)
    for line in lines:
        print(line)
    if not lines:
        _say(args, f"no differences: {args.old} and {args.new} hold the same inputs and own work")
    return EXIT_PROBLEMS_FOUND if lines else EXIT_OK


_COMMANDS = {
    "addin": _addin,
    "extract": _extract,
    "diff": _diff,
    "build": _build,
    "check": _check,
    "import-census": _import_census,
    "fetch-census": _fetch_census,
    "import-partners": _import_partners,
    "import-release": _import_release,
}
