"""The words the workbook shows for the model's keys (``workbook.model.keys``): a check's status,
a figure the release does not publish for the year.

Every sheet that shows a status, and the check that reads the statuses back after
recalculation, words them here, from ``templates/wording`` (checks.toml, published.toml).
"""

from __future__ import annotations

from typing import TypeVar

from workbook.model.keys import Status
from workbook.templates_loader import wording

#: A figure of the model (a number, or "" for a blank).
Figure = TypeVar("Figure")


def status_word(status: Status) -> str:
    """What a status cell shows: "matches", "differs", "quoted", "holds", "broken" or "not published"."""
    if status is Status.NOT_PUBLISHED:
        return not_published()
    return str(wording("checks")[status.value])


def not_published() -> str:
    """What a cell shows for a figure the snapshot does not publish for the year."""
    return str(wording("published")["not_published"])


def shown(value: Figure | Status) -> Figure | str:
    """What a cell shows for a model value: a figure as it is, a key (NOT_PUBLISHED) in words."""
    return status_word(value) if isinstance(value, Status) else value
