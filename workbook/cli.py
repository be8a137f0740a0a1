"""The ``tech-trade`` command: build, check and import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbook import __version__
from workbook.errors import EXIT_OK, EXIT_PROBLEMS_FOUND, EXIT_USAGE_OR_INPUT, TechTradeError

DEFAULT_YEAR = 2020


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tech-trade",
        description="Build and check the Tech Trade Snapshot workbook.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="write the snapshot workbook")
    build.add_argument("--year", type=int, default=DEFAULT_YEAR, help="snapshot year (default %(default)s)")
    build.add_argument("--data", type=Path, default=None,
                       help="data folder (default: the data bundled with the tool, the repository's data/)")
    build.add_argument("--out", type=Path, help="output file (default tech-trade-snapshot-YEAR.xlsx here)")
    build.add_argument("--pdf", action="store_true",
                       help="also print the whole workbook to a PDF beside it, through LibreOffice")

    check = commands.add_parser(
        "check", help="recalculate a workbook in LibreOffice and validate it against the Office Open XML schema"
    )
    check.add_argument("file", type=Path, help="the .xlsx workbook to check")
    check.add_argument("--office-version", default=None,
                       help="Office version to validate against, e.g. Office2016 (default: Microsoft365)")

    census = commands.add_parser("import-census", help="write data/ files from Census state trade by NAICS-3")
    census.add_argument("--exports", type=Path, required=True, help="Census state exports CSV")
    census.add_argument("--imports", type=Path, required=True, help="Census state imports CSV")
    census.add_argument("--data", type=Path, default=Path("data"), help="data folder to write (default %(default)s)")

    release = commands.add_parser("import-release", help="write data/published_figures.csv from the press release text")
    release.add_argument("release", type=Path, help="the press release, as plain text")
    release.add_argument("--data", type=Path, default=Path("data"), help="data folder to write (default %(default)s)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except TechTradeError as error:
        print(f"tech-trade: error: {error}", file=sys.stderr)
        return EXIT_USAGE_OR_INPUT


def _build(args: argparse.Namespace) -> int:
    from workbook.build import build_workbook, bundled_data_dir, write_pdf
    from workbook.libreoffice import find_soffice

    out = args.out or Path(f"tech-trade-snapshot-{args.year}.xlsx")
    if args.pdf:
        # Before any work: a missing LibreOffice must not cost a build.
        find_soffice()
    build_workbook(data_dir=args.data or bundled_data_dir(), year=args.year, out=out)
    print(f"wrote {out}")
    if args.pdf:
        pdf = write_pdf(out, out.with_suffix(".pdf"))
        print(f"wrote {pdf}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from workbook.check import check_workbook

    problems = check_workbook(args.file, office_version=args.office_version)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{args.file}: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_PROBLEMS_FOUND
    print(f"{args.file}: no problems (recalculated in LibreOffice, schema valid)")
    return EXIT_OK


def _import_census(args: argparse.Namespace) -> int:
    from workbook.importers.census import import_census

    for path in import_census(args.exports, args.imports, args.data):
        print(f"wrote {path}")
    return EXIT_OK


def _import_release(args: argparse.Namespace) -> int:
    from workbook.importers.release import import_release

    path = import_release(args.release, args.data)
    print(f"wrote {path}")
    return EXIT_OK


_COMMANDS = {
    "build": _build,
    "check": _check,
    "import-census": _import_census,
    "import-release": _import_release,
}
