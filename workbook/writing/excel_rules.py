"""Excel's rules for formulas, checked before a workbook is written.

LibreOffice, which proves the workbook's figures, forgives what Excel (and the engines
that follow Excel's rules: IronCalc, Gnumeric, pycel) refuse or compute differently. A
formula that breaks one of these rules passes every LibreOffice test and still opens with
an error, or with another result, in Excel. The writing layer calls
:func:`check_workbook_rules` when the workbook is closed, over every formula it is about
to write (cells, array formulas, table column formulas, conditional formats, data
validations, defined names), and refuses the first formula that breaks a rule with
:class:`~workbook.errors.UnportableFormulaError`: one line naming the sheet, the cell,
the formula and the rule.

Formulas are tokenized by openpyxl's :class:`~openpyxl.formula.Tokenizer` and parsed with
Excel's operator precedence into a tree; the rules are read off the tree:

``text``
    A text constant holds at most 255 characters (Excel refuses the file's formula).
    Longer prose is joined from shorter constants with ``&``
    (:func:`workbook.writing.xlsx.string_literal` does so).
``length``, ``nesting``
    A formula holds at most 8,192 characters and nests functions at most 64 deep.
``logical``
    A logical value (a comparison such as ``A1<>""``, TRUE or FALSE, a call of AND, OR,
    NOT, an IS function, EXACT, or an IF, IFERROR or CHOOSE that can give one) is held
    as the number 1 or 0 by LibreOffice and as a logical by Excel, so LibreOffice reads
    ``TRUE=1`` as TRUE and Excel, IronCalc, Gnumeric and pycel as FALSE. The rule chosen:
    a logical value is never an operand of a comparison (``=``, ``<>``, ``<``, ``>``,
    ``<=``, ``>=``), whatever it is compared with (another logical too: one rule,
    without exceptions to remember), nor of ``+`` or binary ``-``, nor an argument
    given straight to SUM, SUMPRODUCT, AVERAGE, COUNT, MAX, MIN or another function that
    adds up its arguments (Excel's SUMPRODUCT counts a logical as 0, LibreOffice's as 1).
    Addition is refused although Excel adds logicals as LibreOffice does: a count of
    conditions written ``(a<>"")+(b<>"")`` is a logical when it has one term, and is then
    compared (the defect that printed "were , Mexico" in Excel); with ``--`` on every
    term it is a number however many terms it has. Accepted: ``--(...)``, ``N(...)``,
    ``IF(condition,1,0)``, a product or quotient of conditions (``(a=b)*(c=d)``, which
    every engine computes as a number), and a logical where a logical is wanted (IF's
    condition, AND, OR, NOT).
``future function``
    A function newer than Excel 2007 is stored with its ``_xlfn.`` prefix
    (``_xlfn.STDEV.S``); without it Excel shows ``#NAME?``. The list is XlsxWriter's
    (``Worksheet._prepare_formula``), which the writing layer does not apply to every formula.
``portable``
    Constructs an engine cannot read: a table's part named alone (``T[[#Data]]``,
    ``T[[#Headers]]``, ``T[[#All]]``: IronCalc gives ``#ERROR!``; ``T[#Data]``: LibreOffice
    gives ``#NAME?``), ``T[]`` or a table named without brackets (IronCalc: ``#NAME?``),
    ``#Totals`` (LibreOffice: ``#NAME?``), a range whose corner is a function's result
    (``INDEX(r,a):INDEX(r,b)``, ``OFFSET(...):...``: IronCalc ``#VALUE!``), and, inside
    SUMPRODUCT in a formula that is not an array formula, a function that takes one value
    (LEN, ABS, TRIM, ISNUMBER, ...) given a range (IronCalc and Gnumeric read only the
    cell in the formula's own row: ``#VALUE!``); compare the range itself instead,
    ``SUMPRODUCT(--(range<>""))``. Read alike: ``T[Col]``, ``T[@Col]``,
    ``T[[#This Row],[Col]]``, ``T[[Col1]:[Col2]]``, ``T[[#Headers],[Col1]:[Col2]]``,
    ``T[[#Data],[Col]]``.

Each distinct formula is read once for all formulas that differ only in their cells.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from workbook.errors import UnportableFormulaError
from workbook.spreadsheet import MAX_FORMULA_LENGTH, quote_sheet_name, utf16_length
from workbook.writing.formula_names import CELL_IN_FORMULA, INNER_SPECIFIER
from workbook.writing.hooks import conditional_formulas, defined_names, validation_formulas, written_tables


def _tokenizer_alone() -> ModuleType:
    """openpyxl's formula tokenizer, loaded by itself.

    The module needs only ``re``; imported through openpyxl's package it would first import
    openpyxl's whole workbook model, which a build otherwise never uses (0.06 s of every build,
    measured with ``python -X importtime``). Where the module can no longer stand alone, the
    package's import is the fallback, so a new openpyxl costs time, never correctness.
    """
    package = importlib.util.find_spec("openpyxl")
    if package is not None and package.submodule_search_locations:
        location = f"{list(package.submodule_search_locations)[0]}/formula/tokenizer.py"
        spec = importlib.util.spec_from_file_location("workbook.writing._openpyxl_tokenizer", location)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except (ImportError, OSError):
                pass
            else:
                return module
    import openpyxl.formula.tokenizer
    return openpyxl.formula.tokenizer


if TYPE_CHECKING:
    from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
else:
    _TOKENIZER = _tokenizer_alone()
    Token, Tokenizer, TokenizerError = _TOKENIZER.Token, _TOKENIZER.Tokenizer, _TOKENIZER.TokenizerError

#: The longest text constant Excel reads in a formula.
MAX_TEXT_CONSTANT = 255
#: The deepest Excel nests functions in a formula.
MAX_NESTING = 64
#: The longest formula text a message shows.
_SHOWN = 200

#: Functions newer than Excel 2007, as the file stores them: the prefix each needs. Mirrors
#: XlsxWriter 3.3's ``Worksheet._prepare_formula`` (a test checks that it holds all of it).
FUTURE_FUNCTIONS: dict[str, str] = {
    **{name: "_xlfn." for name in (
        "ACOT ACOTH AGGREGATE ANCHORARRAY ARABIC ARRAYTOTEXT BASE BETA.DIST BETA.INV BINOM.DIST "
        "BINOM.DIST.RANGE BINOM.INV BITAND BITLSHIFT BITOR BITRSHIFT BITXOR BYCOL BYROW CEILING.MATH "
        "CEILING.PRECISE CHISQ.DIST CHISQ.DIST.RT CHISQ.INV CHISQ.INV.RT CHISQ.TEST CHOOSECOLS CHOOSEROWS "
        "COMBINA CONCAT CONFIDENCE.NORM CONFIDENCE.T COT COTH COVARIANCE.P COVARIANCE.S CSC CSCH DAYS DECIMAL "
        "DROP ERF.PRECISE ERFC.PRECISE EXPAND EXPON.DIST F.DIST F.DIST.RT F.INV F.INV.RT F.TEST FILTERXML "
        "FLOOR.MATH FLOOR.PRECISE FORECAST.ETS FORECAST.ETS.CONFINT FORECAST.ETS.SEASONALITY FORECAST.ETS.STAT "
        "FORECAST.LINEAR FORMULATEXT GAMMA GAMMA.DIST GAMMA.INV GAMMALN.PRECISE GAUSS HSTACK HYPGEOM.DIST IFNA "
        "IFS IMAGE IMCOSH IMCOT IMCSC IMCSCH IMSEC IMSECH IMSINH IMTAN ISFORMULA ISOMITTED ISOWEEKNUM LAMBDA LET "
        "LOGNORM.DIST LOGNORM.INV MAKEARRAY MAP MAXIFS MINIFS MODE.MULT MODE.SNGL MUNIT NEGBINOM.DIST NORM.DIST "
        "NORM.INV NORM.S.DIST NORM.S.INV NUMBERVALUE PDURATION PERCENTILE.EXC PERCENTILE.INC PERCENTRANK.EXC "
        "PERCENTRANK.INC PERMUTATIONA PHI POISSON.DIST QUARTILE.EXC QUARTILE.INC QUERYSTRING RANDARRAY RANK.AVG "
        "RANK.EQ REDUCE RRI SCAN SEC SECH SEQUENCE SHEET SHEETS SINGLE SKEW.P SORTBY STDEV.P STDEV.S SWITCH "
        "T.DIST T.DIST.2T T.DIST.RT T.INV T.INV.2T T.TEST TAKE TEXTAFTER TEXTBEFORE TEXTJOIN TEXTSPLIT TOCOL "
        "TOROW UNICHAR UNICODE UNIQUE VALUETOTEXT VAR.P VAR.S VSTACK WEBSERVICE WEIBULL.DIST WRAPCOLS WRAPROWS "
        "XLOOKUP XMATCH XOR Z.TEST").split()},
    "FILTER": "_xlfn._xlws.", "SORT": "_xlfn._xlws.",
}

_COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
#: Functions whose result is a logical value.
_LOGICAL_FUNCTIONS = frozenset({
    "AND", "OR", "NOT", "XOR", "TRUE", "FALSE", "EXACT", "ISBLANK", "ISERR", "ISERROR", "ISEVEN", "ISODD",
    "ISLOGICAL", "ISNA", "ISNONTEXT", "ISNUMBER", "ISREF", "ISTEXT", "ISFORMULA", "ISOMITTED"})
#: Functions that add up (or count, or rank) their arguments, where Excel and LibreOffice
#: count a logical value differently.
_AGGREGATES = frozenset({
    "SUM", "SUMPRODUCT", "PRODUCT", "SUMSQ", "AVERAGE", "AVERAGEA", "COUNT", "COUNTA", "MAX", "MAXA", "MIN",
    "MINA", "MEDIAN", "LARGE", "SMALL", "STDEV", "STDEVA", "STDEVP", "VAR", "VARP", "STDEV.S", "STDEV.P",
    "VAR.S", "VAR.P", "MODE", "PERCENTILE", "QUARTILE", "RANK", "GEOMEAN", "HARMEAN", "SUBTOTAL", "AGGREGATE"})
#: Functions that read a range (or an array) where they take one, even inside SUMPRODUCT in
#: IronCalc: every other function takes one value, and given a range reads one cell of it.
_RANGE_FUNCTIONS = _AGGREGATES | frozenset({
    "INDEX", "MATCH", "LOOKUP", "VLOOKUP", "HLOOKUP", "XLOOKUP", "XMATCH", "OFFSET", "ROWS", "COLUMNS", "ROW",
    "COLUMN", "COUNTIF", "COUNTIFS", "SUMIF", "SUMIFS", "AVERAGEIF", "AVERAGEIFS", "MAXIFS", "MINIFS",
    "COUNTBLANK", "AND", "OR", "XOR", "CHOOSE", "TRANSPOSE", "MMULT", "FREQUENCY", "AREAS", "CONCAT",
    "TEXTJOIN", "FILTER", "SORT", "SORTBY", "UNIQUE", "TAKE", "DROP", "HSTACK", "VSTACK", "TOCOL", "TOROW",
    "INDIRECT", "CELL", "SUBTOTAL", "ISREF"})
#: Item specifiers of a structured reference.
_ITEMS = frozenset({"#all", "#data", "#headers", "#totals", "#this row"})

#: A string constant or a quoted sheet name: cells are never replaced inside them.
_QUOTED = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')


# ---------------------------------------------------------------- the tree of a formula

@dataclass(frozen=True)
class Operand:
    """A constant or a reference: ``kind`` is openpyxl's subtype (RANGE, TEXT, NUMBER, LOGICAL, ERROR)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node | None, ...]
    #: As written: "_xlfn.STDEV.S" for the name "STDEV.S".
    written: str = ""


@dataclass(frozen=True)
class Unary:
    """An operator on one operand: before it (``-``, ``+``) or, with ``postfix``, after it (``%``)."""

    op: str
    operand: Node
    postfix: bool = False


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Parens:
    inner: Node


@dataclass(frozen=True)
class ArrayConstant:
    items: tuple[Node, ...]


Node = Operand | Call | Unary | Binary | Parens | ArrayConstant

#: Binding power of each infix operator, Excel's precedence: reference operators first,
#: then (after the prefix minus) percent, power, product, sum, join, comparison.
_INFIX = {":": 90, " ": 85, ",": 80, "^": 50, "*": 40, "/": 40, "+": 30, "-": 30, "&": 20,
          **{op: 10 for op in _COMPARISONS}}
_PREFIX_POWER = 70
_POSTFIX_POWER = 60


class FormulaSyntaxError(ValueError):
    """The text is not a formula Excel reads."""


@dataclass
class _Tokens:
    items: list[Token]
    position: int = 0

    def peek(self) -> Token | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise FormulaSyntaxError("the formula ends too early")
        self.position += 1
        return token


def parse(formula: str) -> Node:
    """The tree of ``formula`` (with or without its leading ``=``; not an array formula's braces)."""
    text = formula if formula.startswith("=") else "=" + formula
    try:
        items = _split_ranges(Tokenizer(text).items)
    except TokenizerError as error:
        raise FormulaSyntaxError(str(error)) from None
    tokens = _Tokens(_with_intersections(items))
    node = _expression(tokens, 0)
    leftover = tokens.peek()
    if leftover is not None:
        raise FormulaSyntaxError(f"unexpected {leftover.value!r}")
    return node


def _split_ranges(items: Sequence[Token]) -> list[Token]:
    """openpyxl keeps the range operator ``:`` inside its neighbours (``:INDEX(``, ``A1:INDEX(``,
    ``:B5`` after a function): split it out where a function's result is one end of the range."""
    split: list[Token] = []
    for token in items:
        value = token.value
        if token.type == Token.FUNC and token.subtype == Token.OPEN and ":" in _outside_quotes(value):
            corner, _, name = value.rpartition(":")
            if corner:
                split.append(Token(corner, Token.OPERAND, Token.RANGE))
            split.append(Token(":", Token.OP_IN))
            split.append(Token(name, Token.FUNC, Token.OPEN))
        elif token.type == Token.OPERAND and token.subtype == Token.RANGE and value.startswith(":"):
            split.append(Token(":", Token.OP_IN))
            split.append(Token(value[1:], Token.OPERAND, Token.RANGE))
        else:
            split.append(token)
    return split


def _outside_quotes(text: str) -> str:
    return _QUOTED.sub("", text)


def _ends_operand(token: Token) -> bool:
    return token.type == Token.OPERAND or token.subtype == Token.CLOSE or token.type == Token.OP_POST


def _starts_operand(token: Token) -> bool:
    return token.type in (Token.OPERAND, Token.FUNC, Token.PAREN) and token.subtype != Token.CLOSE


def _with_intersections(items: Sequence[Token]) -> list[Token]:
    """White space is Excel's intersection operator between two references, and nothing elsewhere."""
    kept: list[Token] = []
    for index, token in enumerate(items):
        if token.type != Token.WSPACE:
            kept.append(token)
        elif (kept and _ends_operand(kept[-1]) and index + 1 < len(items)
              and _starts_operand(items[index + 1])):
            kept.append(Token(" ", Token.OP_IN))
    return kept


def _expression(tokens: _Tokens, min_power: int) -> Node:
    left = _primary(tokens)
    while True:
        token = tokens.peek()
        if token is None:
            return left
        if token.type == Token.OP_POST and _POSTFIX_POWER > min_power:
            tokens.take()
            left = Unary(token.value, left, postfix=True)
            continue
        if token.type != Token.OP_IN or _INFIX.get(token.value, 0) <= min_power:
            return left
        tokens.take()
        power = _INFIX[token.value]
        left = Binary(token.value, left, _expression(tokens, power))


def _primary(tokens: _Tokens) -> Node:
    token = tokens.take()
    if token.type == Token.OP_PRE:
        return Unary(token.value, _expression(tokens, _PREFIX_POWER))
    if token.type == Token.OPERAND:
        return Operand(token.subtype, token.value)
    if token.type == Token.PAREN and token.subtype == Token.OPEN:
        inner = _expression(tokens, 0)
        _expect(tokens, Token.PAREN, Token.CLOSE)
        return Parens(inner)
    if token.type == Token.FUNC and token.subtype == Token.OPEN:
        written = token.value[:-1]
        name = written.upper()
        for prefix in ("_XLFN.", "_XLWS."):
            name = name.removeprefix(prefix)
        return Call(name, _arguments(tokens), written)
    if token.type == Token.ARRAY and token.subtype == Token.OPEN:
        items: list[Node] = []
        while True:
            items.append(_expression(tokens, _INFIX[","]))
            separator = tokens.take()
            if separator.type == Token.ARRAY and separator.subtype == Token.CLOSE:
                return ArrayConstant(tuple(items))
            if separator.type != Token.SEP:
                raise FormulaSyntaxError(f"unexpected {separator.value!r} in an array constant")
    raise FormulaSyntaxError(f"unexpected {token.value!r}")


def _arguments(tokens: _Tokens) -> tuple[Node | None, ...]:
    """A function's arguments, after its opening parenthesis: ``F()`` has none, ``F(a,,b)`` an empty second."""
    args: list[Node | None] = []
    if _is(tokens.peek(), Token.FUNC, Token.CLOSE):
        tokens.take()
        return ()
    while True:
        following = tokens.peek()
        if _is(following, Token.SEP, Token.ARG) or _is(following, Token.FUNC, Token.CLOSE):
            args.append(None)
        else:
            args.append(_expression(tokens, 0))
        separator = tokens.take()
        if _is(separator, Token.FUNC, Token.CLOSE):
            return tuple(args)
        if not _is(separator, Token.SEP, Token.ARG):
            raise FormulaSyntaxError(f"unexpected {separator.value!r} among a function's arguments")


def _is(token: Token | None, kind: str, subtype: str) -> bool:
    return token is not None and token.type == kind and token.subtype == subtype


def _expect(tokens: _Tokens, kind: str, subtype: str) -> None:
    token = tokens.take()
    if token.type != kind or token.subtype != subtype:
        raise FormulaSyntaxError(f"unexpected {token.value!r}")


# ---------------------------------------------------------------- the rules

def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, Call):
        yield from (arg for arg in node.args if arg is not None)
    elif isinstance(node, Unary):
        yield node.operand
    elif isinstance(node, Binary):
        yield node.left
        yield node.right
    elif isinstance(node, Parens):
        yield node.inner
    elif isinstance(node, ArrayConstant):
        yield from node.items


def is_logical(node: Node | None) -> bool:
    """Whether ``node`` can give a logical value (TRUE or FALSE) rather than a number."""
    if node is None:
        return False
    if isinstance(node, Parens):
        return is_logical(node.inner)
    if isinstance(node, Binary):
        return node.op in _COMPARISONS
    if isinstance(node, Unary):
        return not node.postfix and node.op == "+" and is_logical(node.operand)
    if isinstance(node, Operand):
        return node.kind == Token.LOGICAL
    if isinstance(node, Call):
        if node.name in _LOGICAL_FUNCTIONS:
            return True
        results: Sequence[Node | None] = ()
        if node.name == "IF":
            results = node.args[1:3]
        elif node.name in ("IFERROR", "IFNA"):
            results = node.args[:2]
        elif node.name == "CHOOSE":
            results = node.args[1:]
        return any(is_logical(result) for result in results)
    return False


def _gives_range(node: Node | None) -> bool:
    """Whether ``node`` gives a range or an array of more than one cell (as far as its text says):
    a reference to more than one cell, an operation on one, INDEX(range,0,k)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Operand) and current.kind == Token.RANGE:
            reference = _structured(current.text)
            if reference is not None:
                if not any(spec.startswith("@") or spec.casefold() == "#this row" for spec in reference.specifiers):
                    return True
            elif ":" in current.text:
                # A1:B5, A:A, 1:3 (a sheet's name never holds ":").
                return True
        elif isinstance(current, Binary):
            if current.op in (":", ","):
                return True
            stack += (current.left, current.right)
        elif isinstance(current, (Parens, Unary)):
            stack.extend(_children(current))
        elif isinstance(current, ArrayConstant) and len(current.items) > 1:
            return True
        elif isinstance(current, Call) and current.name == "INDEX" and any(
                isinstance(arg, Operand) and arg.text == "0" for arg in current.args[1:]):
            return True
    return False


@dataclass(frozen=True)
class _Structured:
    table: str
    #: Each specifier inside the brackets: "Col", "#Data", "@Col", "" for T[].
    specifiers: tuple[str, ...]
    double: bool


def _structured(text: str) -> _Structured | None:
    sheetless = text.rpartition("!")[2]
    table, bracket, rest = sheetless.partition("[")
    if not bracket or not rest.endswith("]"):
        return None
    inside = rest[:-1]
    if "[" not in inside:
        return _Structured(table, (inside.strip(),), False)
    specifiers = []
    for inner in INNER_SPECIFIER.findall(inside):
        specifiers.append(inner.strip())
    if inside.lstrip().startswith("@"):
        specifiers = ["@" + spec for spec in specifiers]
    return _Structured(table, tuple(specifiers), True)


@dataclass
class _Context:
    array: bool
    tables: Collection[str]
    problems: list[str] = field(default_factory=list)


def problems_of(formula: str, tables: Collection[str] = (), array: bool = False) -> list[str]:
    """What in ``formula`` breaks Excel's rules (see the module's documentation), one phrase each;
    empty when nothing does. ``tables`` are the workbook's table names (casefolded), so that a
    table named alone is found. ``{=...}`` is an array formula; ``array`` says so otherwise."""
    body, array = _body(formula, array)
    return _length_problems(body) + _read_problems(body, tables, array)


def _body(formula: str, array: bool) -> tuple[str, bool]:
    """A formula without its "=" and an array formula's braces, and whether it is an array formula."""
    text = formula.strip()
    if text.startswith("{") and text.endswith("}"):
        text, array = text[1:-1], True
    return text.removeprefix("="), array


def _length_problems(body: str) -> list[str]:
    if len(body) > MAX_FORMULA_LENGTH:
        return [f"has {len(body):,} characters, but Excel reads at most {MAX_FORMULA_LENGTH:,} in a formula"]
    return []


def _read_problems(body: str, tables: Collection[str], array: bool) -> list[str]:
    try:
        tree = parse(body)
    except FormulaSyntaxError as error:
        return [f"is not a formula Excel reads ({error})"]
    except RecursionError:
        return ["is not a formula Excel reads (parentheses nested too deep)"]
    context = _Context(array, tables)
    depth = _nesting(tree)
    if depth > MAX_NESTING:
        context.problems.append(f"nests functions {depth} deep, but Excel nests at most {MAX_NESTING}")
    _visit(tree, context)
    return list(dict.fromkeys(context.problems))


def _nesting(node: Node) -> int:
    deepest = 0
    stack = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        depth += isinstance(current, Call)
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in _children(current))
    return deepest


def _visit(tree: Node, context: _Context) -> None:
    """Each node of the tree in the formula's order (without recursion: a long sum is a deep tree)."""
    stack: list[tuple[Node, bool]] = [(tree, False)]
    while stack:
        node, in_sumproduct = stack.pop()
        _check_node(node, context, in_sumproduct)
        in_sumproduct = in_sumproduct or isinstance(node, Call) and node.name == "SUMPRODUCT"
        stack.extend((child, in_sumproduct) for child in reversed(list(_children(node))))


def _check_node(node: Node, context: _Context, in_sumproduct: bool) -> None:
    problems = context.problems
    if isinstance(node, Operand):
        _check_operand(node, context)
    elif isinstance(node, Binary):
        if node.op in _COMPARISONS and (is_logical(node.left) or is_logical(node.right)):
            problems.append(f"compares a logical value (TRUE or FALSE) with {node.op}, which LibreOffice reads "
                            "as 1 or 0 and Excel does not (TRUE=1 is FALSE in Excel): make it a number first, "
                            "--(...) or N(...)")
        if node.op in ("+", "-") and (is_logical(node.left) or is_logical(node.right)):
            problems.append(f"uses a logical value (TRUE or FALSE) as a number with {node.op}: make it a "
                            "number first, --(...) or N(...), so that a count of one condition is a number too")
        if node.op == ":" and any(_is_call(side) for side in (node.left, node.right)):
            problems.append("builds a range from a function's result (as INDEX(...):INDEX(...)), which "
                            "IronCalc reads as #VALUE!: name the range, or use OFFSET or a table's columns")
    elif isinstance(node, Call):
        prefix = FUTURE_FUNCTIONS.get(node.name)
        if prefix is not None and not node.written.upper().startswith(prefix.upper()):
            problems.append(f"calls {node.name} without its prefix {prefix}, which Excel needs to read a "
                            f"function newer than Excel 2007 (write {prefix}{node.name})")
        if node.name in _AGGREGATES and any(is_logical(arg) for arg in node.args):
            problems.append(f"gives a logical value (TRUE or FALSE) straight to {node.name}, which Excel and "
                            "LibreOffice count differently (Excel's SUMPRODUCT as 0, LibreOffice's as 1): make it a "
                            "number first, --(...) or N(...)")
        if in_sumproduct and not context.array and node.name not in _RANGE_FUNCTIONS \
                and any(_gives_range(arg) for arg in node.args):
            problems.append(f"gives a range to {node.name} inside SUMPRODUCT, which IronCalc and Gnumeric read "
                            f"as one cell (#VALUE!): compare the range itself, as SUMPRODUCT(--(range<>\"\"))")


def _is_call(node: Node) -> bool:
    while isinstance(node, Parens):
        node = node.inner
    return isinstance(node, Call)


def _check_operand(node: Operand, context: _Context) -> None:
    problems = context.problems
    if node.kind == Token.TEXT:
        length = utf16_length(node.text[1:-1].replace('""', '"'))
        if length > MAX_TEXT_CONSTANT:
            problems.append(f"holds a text constant of {length:,} characters, but Excel reads at most "
                            f"{MAX_TEXT_CONSTANT} in one: join shorter constants with &")
        return
    if node.kind != Token.RANGE:
        return
    reference = _structured(node.text)
    if reference is None:
        if "!" not in node.text and node.text.casefold() in context.tables:
            problems.append(f"names the table {node.text} alone, which IronCalc reads as #NAME?: name its "
                            f"columns, {node.text}[[First column]:[Last column]]")
        return
    specifiers = [spec.casefold() for spec in reference.specifiers]
    if specifiers == [""]:
        problems.append(f"uses the empty structured reference {node.text}, which IronCalc reads as #NAME?: "
                        f"name the table's columns, {reference.table}[[First column]:[Last column]]")
    elif "#totals" in specifiers:
        problems.append(f"uses {node.text}, whose #Totals LibreOffice reads as #NAME?")
    elif not reference.double and specifiers[0].startswith("#"):
        problems.append(f"uses {node.text}, which LibreOffice reads as #NAME? (it reads a part of a table only "
                        f"with its columns, as {reference.table}[[{reference.specifiers[0]}],[Column]])")
    elif reference.double and all(spec in _ITEMS for spec in specifiers) and "#this row" not in specifiers:
        problems.append(f"uses {node.text}, a part of a table named without its columns, which IronCalc reads "
                        f"as #ERROR!: name the columns, {reference.table}[[First column]:[Last column]]")


# ---------------------------------------------------------------- a workbook

class _Reader:
    """:func:`problems_of`, each formula read once for all formulas that differ only in their cells."""

    def __init__(self, tables: Collection[str]) -> None:
        self._tables = tables
        self._read: dict[tuple[str, bool], list[str]] = {}

    def __call__(self, formula: str, array: bool) -> list[str]:
        body, array = _body(formula, array)
        # Cells are replaced outside text constants and quoted sheet names only, and a text
        # constant by one of as many characters (no rule reads what it says, one reads its
        # length); the formula's own length is measured as written.
        shape = _shape(body)
        found = self._read.get((shape, array))
        if found is None:
            found = self._read[(shape, array)] = _read_problems(shape, self._tables, array)
        return _length_problems(body) + found


def _shape(formula: str) -> str:
    if '"' not in formula and "'" not in formula:
        # Nothing quoted (most formulas): the loop below would give just this.
        return CELL_IN_FORMULA.sub("A1", formula)
    pieces: list[str] = []
    last = 0
    #: How deep in a structured reference's brackets the text read so far ends.
    depth = 0
    for quoted in _QUOTED.finditer(formula):
        between = formula[last:quoted.start()]
        depth += between.count("[") - between.count("]")
        pieces.append(CELL_IN_FORMULA.sub("A1", between))
        text = quoted.group()
        if depth == 0 and text[0] == '"':
            # A text constant (not a quote inside a table's column name): formulas that differ only
            # in their constants, as a state's code or a figure's key, are read once.
            constant = text[1:-1].replace('""', '"')
            text = '"' + "x" * (len(constant) if constant.isascii() else utf16_length(constant)) + '"'
        pieces.append(text)
        last = quoted.end()
    pieces.append(CELL_IN_FORMULA.sub("A1", formula[last:]))
    return "".join(pieces)


@dataclass(frozen=True)
class WrittenFormula:
    """A formula as the workbook will hold it, and where."""

    formula: str
    #: "Sheet!A1", or "the defined name X".
    place: str
    array: bool = False


def workbook_formulas(workbook: Workbook) -> Iterator[WrittenFormula]:
    """Every formula of an XlsxWriter workbook being written: each sheet's distinct formula texts
    (``formula_cells``, as :class:`workbook.writing.hooks.LimitedWorksheet` records them), its tables'
    column formulas, its conditional formats' and data validations' formulas, and the formulas
    of defined names. An analyst's own sheet carried into a rebuilt workbook is left out: its
    formulas are the analyst's, not the tool's."""
    for sheet in workbook.worksheets():
        if getattr(sheet, "own_work", False):
            continue
        name = quote_sheet_name(sheet.get_name())
        for formula, (row, col), array in _sheet_formulas(sheet):
            yield WrittenFormula(formula, f"{name}!{xl_rowcol_to_cell(row, col)}", array)
    for name, reference in defined_names(workbook):
        yield WrittenFormula(reference, f"the defined name {name}")


def _sheet_formulas(sheet: Worksheet) -> Iterable[tuple[str, tuple[int, int], bool]]:
    for formula, cell in getattr(sheet, "formula_cells", {}).items():
        yield formula, cell, formula.startswith("{")
    for table in written_tables(sheet):
        for offset, column_formula in enumerate(table.formulas):
            if column_formula:
                yield column_formula, (table.first_row + 1, table.first_col + offset), False
    for formula, cell in conditional_formulas(sheet):
        yield formula, cell, False
    for kind, _, source, cell in validation_formulas(sheet):
        if kind in ("list", "custom") or source.startswith("="):
            yield source, cell, False


def check_workbook_rules(workbook: Workbook) -> None:
    """Raise UnportableFormulaError for the first formula of an XlsxWriter workbook that breaks
    one of Excel's rules (see the module's documentation)."""
    tables = {table.name.casefold() for sheet in workbook.worksheets() for table in written_tables(sheet)}
    read = _Reader(tables)
    for written in workbook_formulas(workbook):
        problems = read(written.formula, written.array)
        if problems:
            raise UnportableFormulaError(f"{written.place}: the formula {shown_formula(written.formula)} "
                                         f"{problems[0]}; nothing was written")


def shown_formula(formula: str) -> str:
    """A formula as a one-line message shows it: with its "=", cut after 200 characters."""
    shown = formula if len(formula) <= _SHOWN else formula[:_SHOWN - 1] + "…"
    return shown if shown.startswith(("=", "{")) else "=" + shown
