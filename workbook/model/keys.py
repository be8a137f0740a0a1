"""Keys the model gives where a cell shows words instead of a figure: a check's status, a figure
the release does not publish for the year, a figure the partner data cannot give.

The model computes which; the sheets word each key from ``templates/wording`` (one key may read
differently on two sheets: a year without partner data is a sentence on Partners, a dash on
Destinations). A key is no text, so a key written to a cell unworded fails the build instead of
showing the key's name.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal, TypeAlias


class Status(Enum):
    """What Checks says of a published figure (matches, differs, quoted, not published for the
    year) or of an identity (holds, broken, not published where a side is not a number)."""

    MATCHES = "matches"
    DIFFERS = "differs"
    QUOTED = "quoted"
    HOLDS = "holds"
    BROKEN = "broken"
    NOT_PUBLISHED = "not_published"


#: The value of a figure the release does not publish for the year, and the status Checks gives it:
#: the workbook shows both in the same words.
NOT_PUBLISHED: Literal[Status.NOT_PUBLISHED] = Status.NOT_PUBLISHED
NotPublished: TypeAlias = Literal[Status.NOT_PUBLISHED]


class NoFigure(Enum):
    """Why the Census partner data gives no figure for a cell."""

    #: The partner data has no column for the snapshot year.
    NO_PARTNER_DATA = "no_partner_data"
    #: A destination of services: Census publishes no services trade by country.
    SERVICES_NOT_IN_CENSUS = "services_not_in_census"
    #: A country the partner data does not list.
    NOT_IN_PARTNER_DATA = "not_in_partner_data"


NoPartnerData: TypeAlias = Literal[NoFigure.NO_PARTNER_DATA]
