"""Sentences built by formulas, each with the text it shows: live prose with true cached values.

A :class:`Phrase` is a formula that gives text together with that text as the workbook
shows it for the build's figures. Phrases are built and joined side by side, so a
sentence's formula and its cached value can never drift apart::

    exports = billions("TechExportsUS", figures.us_tech_exports)
    sentence = fill(words["exports"], value=exports, year=year_phrase(model.year))
    write_formula(sheet, row, col, sentence.formula, style, sentence.text)

Numbers go into prose with FIXED, which takes only a count of decimals and uses the
reader's separators (TEXT reads its format code in the reader's language). Wording
comes from ``templates/wording``; a template's ``{field}`` is filled with a phrase.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from workbook.writing.xlsx import string_literal, template_parts

#: One billion, written out: some engines refuse 1e9 in a formula.
BILLION = "1000000000"


@dataclass(frozen=True)
class Phrase:
    """A formula giving text, and the text it gives for the build's figures."""

    formula: str
    text: str


def literal(text: str) -> Phrase:
    return Phrase(string_literal(text), text)


def joined(*parts: Phrase) -> Phrase:
    """The parts one after another (``&``), literals run together."""
    parts = tuple(part for part in parts if part.text or not part.formula.startswith('"'))
    if not parts:
        return literal("")
    if len(parts) == 1:
        return parts[0]
    return Phrase("&".join(_operand(part.formula) for part in parts), "".join(part.text for part in parts))


def _operand(formula: str) -> str:
    """A formula as an operand of ``&``: an IF(...) or a name needs no brackets, an arithmetic does."""
    simple = formula.startswith('"') or formula.replace("_", "").replace(".", "").isalnum() or (
        formula.endswith(")") and formula.split("(", 1)[0].isalpha() and _balanced_call(formula))
    return formula if simple else f"({formula})"


def _balanced_call(formula: str) -> bool:
    """Whether ``formula`` is one function call from its name to its last bracket."""
    depth, in_string = 0, False
    for index, character in enumerate(formula):
        if character == '"':
            in_string = not in_string
        elif not in_string and character == "(":
            depth += 1
        elif not in_string and character == ")":
            depth -= 1
            if depth == 0 and index != len(formula) - 1:
                return False
    return depth == 0


def fill(template: str, **fields: Phrase) -> Phrase:
    """A wording template with each ``{field}`` filled by a phrase."""
    return joined(*template_parts(template, fields, literal))


def choose(condition: str, holds: bool, then: Phrase, otherwise: Phrase) -> Phrase:
    """IF(condition, then, otherwise); ``holds`` says which the build's figures give."""
    return Phrase(f"IF({condition},{then.formula},{otherwise.formula})", then.text if holds else otherwise.text)


def fixed_text(value: float, decimals: int = 1) -> str:
    """What FIXED(value, decimals) shows in an en-US locale: halves rounded away from zero, thousands separated."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,.{decimals}f}"


def number(formula: str, value: float, decimals: int = 1) -> Phrase:
    """A number in prose: FIXED(formula, decimals)."""
    return Phrase(f"FIXED({formula},{decimals})", fixed_text(value, decimals))


def billions(formula: str, value: float, decimals: int = 1) -> Phrase:
    """An amount in U.S. dollars as billions in prose (197.3), the sign left to the wording."""
    return number(f"ABS({formula})/{BILLION}", abs(value) / 1e9, decimals)


def percent(formula: str, value: float, decimals: int = 1) -> Phrase:
    """A ratio as a percentage in prose (5.7), the sign left to the wording."""
    return number(f"ABS({formula})*100", abs(value) * 100, decimals)


def whole(formula: str, value: float) -> Phrase:
    """A count in prose (31, 918,500)."""
    return number(formula, value, 0)


def amount_of(value: object) -> float:
    """A figure a cell holds, as prose reads it: its number, 0 where it holds text ("not published")."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def text_of(formula: str, value: str) -> Phrase:
    """A cell or formula that already gives text (a name, a list of codes)."""
    return Phrase(formula, value)


def year_phrase(formula: str, value: int) -> Phrase:
    """A year in prose (2020): a number joined by & shows as it is."""
    return Phrase(formula, str(int(value)))
