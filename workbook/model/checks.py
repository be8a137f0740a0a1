"""The Checks sheet's arithmetic: differences, tolerances and statuses (keys the sheets word), as its
formulas compute them."""

from __future__ import annotations

from dataclasses import dataclass

from workbook.model.keys import Status
from workbook.templates_loader import TemplateError, wording

#: Published dollar figures are rounded: whole billions ("$55 billion") or tenths ("$1.2 billion").
BILLION = 1_000_000_000
#: An identity holds when its sides agree to this share of the right side (rounding, not edits);
#: written in formulas as a plain decimal.
IDENTITY_TOLERANCE = "0.000001"


def tolerance(unit: str, published: float) -> float:
    """Half a unit of the last digit the release gives; counts and ranks must be equal.

    Mirrors IF(MOD(published,1000000000)=0,500000000,50000000) in the workbook.
    """
    if unit != "usd":
        return 0.0
    return BILLION / 2 if published % BILLION == 0 else BILLION / 20


def published_status(workbook: float | str | None, difference: float | str, tol: float, year: int,
                     snapshot_year: int) -> Status:
    if workbook is None:
        return Status.QUOTED
    if year != snapshot_year:
        return Status.NOT_PUBLISHED
    # The snapshot year's figures are all published: the difference is a number.
    assert not isinstance(difference, str)
    return Status.MATCHES if abs(difference) <= tol else Status.DIFFERS


def identity_difference(left: float | str, right: float | str) -> float | str:
    if isinstance(left, str) or isinstance(right, str):
        return ""
    return left - right


def identity_status(difference: float | str, right: float | str) -> Status:
    """Holds when the sides agree to a millionth of the right side (rounding, not edits)."""
    if isinstance(difference, str):
        return Status.NOT_PUBLISHED
    # A number difference comes from two number sides (identity_difference).
    assert not isinstance(right, str)
    scale = max(1.0, abs(right))
    return Status.HOLDS if abs(difference) <= float(IDENTITY_TOLERANCE) * scale else Status.BROKEN


@dataclass(frozen=True)
class KnownReason:
    """Why a published figure differs, and the workbook values that reason explains.

    A reason explains one difference: Census revisions explain Texas at $45.0 billion
    against the $44.9 billion published, not Texas at $0. Outside ``lowest`` to ``highest``
    (inclusive, in the figure's unit) the figure differs without a known reason.
    """

    text: str
    lowest: float
    highest: float
    #: Where the expected value comes from (kept with the reason, not shown).
    source: str

    def explains(self, value: float | str | None) -> bool:
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and self.lowest <= value <= self.highest)


# The reasons are read from the wording (checks.toml's [checks.reasons]), where an analyst declares each
# with its text, yet to the model they are data: the values a reason explains (expected) decide whether a
# difference is explained. The model chooses no words from them; it hands a reason's text to the Checks
# sheet as it is, as it hands on a published figure's quote.
def known_reason(figure: str, subject: str) -> KnownReason | None:
    """The reason declared for a figure about ``subject`` (``figure.subject``), else for the figure, else None."""
    reasons = wording("checks")["reasons"]
    key = f"{figure}.{subject}" if f"{figure}.{subject}" in reasons else figure
    if key not in reasons:
        return None
    return _known_reason(key, reasons[key])


def known_reasons() -> dict[str, KnownReason]:
    """Every reason declared, by its key; a malformed one raises TemplateError naming it."""
    return {key: _known_reason(key, entry) for key, entry in wording("checks")["reasons"].items()}


def _known_reason(key: str, entry: object) -> KnownReason:
    where = f"checks.toml: [checks.reasons] {key!r}"
    if not isinstance(entry, dict) or not {"text", "expected", "source"} <= set(entry):
        raise TemplateError(f"{where} must give text, expected (the workbook's value the reason explains, or "
                            f"[lowest, highest]) and source")
    expected = entry["expected"]
    bounds = expected if isinstance(expected, list) else [expected, expected]
    if (len(bounds) != 2 or not all(isinstance(bound, (int, float)) and not isinstance(bound, bool) for bound in bounds)
            or bounds[0] > bounds[1]):
        raise TemplateError(f"{where}: expected must be a number or [lowest, highest], not {expected!r}")
    if not isinstance(entry["text"], str) or not isinstance(entry["source"], str):
        raise TemplateError(f"{where}: text and source must be text")
    return KnownReason(entry["text"], float(bounds[0]), float(bounds[1]), entry["source"])
