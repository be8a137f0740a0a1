"""The Checks sheet's arithmetic: differences, tolerances and statuses, as its formulas compute them."""

from __future__ import annotations

from workbook.templates_loader import wording

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
                     snapshot_year: int) -> str:
    words = wording("checks")
    if workbook is None:
        return str(words["quoted"])
    if year != snapshot_year:
        return str(wording("published")["not_published"])
    # The snapshot year's figures are all published: the difference is a number.
    assert not isinstance(difference, str)
    return str(words["matches"] if abs(difference) <= tol else words["differs"])


def identity_difference(left: float | str, right: float | str) -> float | str:
    if isinstance(left, str) or isinstance(right, str):
        return ""
    return left - right


def identity_status(difference: float | str, right: float | str) -> str:
    """Holds when the sides agree to a millionth of the right side (rounding, not edits)."""
    words = wording("checks")
    if isinstance(difference, str):
        return str(wording("published")["not_published"])
    # A number difference comes from two number sides (identity_difference).
    assert not isinstance(right, str)
    scale = max(1.0, abs(right))
    return str(words["holds"] if abs(difference) <= float(IDENTITY_TOLERANCE) * scale else words["broken"])
