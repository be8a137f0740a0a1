"""Reference data the tool derives rather than types: state names and kinds, map tiles, category kinds."""

from __future__ import annotations

#: A tile-grid map of the United States: one tile per state, district or territory,
#: placed so that neighbours stay roughly neighbours. Each line is a map row; each
#: tile is two letters, and ``..`` is an empty tile. Puerto Rico and the U.S. Virgin
#: Islands sit below the mainland, as on most tile maps.
TILE_GRID = """\
AK .. .. .. .. .. .. .. .. .. .. ME
.. .. .. .. .. .. WI .. .. .. VT NH
.. WA ID MT ND MN IL MI .. NY MA ..
.. OR NV WY SD IA IN OH PA NJ CT RI
.. CA UT CO NE MO KY WV VA MD DE ..
.. .. AZ NM KS AR TN NC SC DC .. ..
.. .. .. .. OK LA MS AL GA .. .. ..
HI .. .. .. TX .. .. .. .. FL .. ..
.. .. .. .. .. .. .. .. .. .. PR VI
"""

#: Census's special classification provisions (waste and scrap, used goods, goods
#: returned, other) are chapter 9xx of its NAICS-based codes; they are not product
#: categories and are left out when ranking a state's product categories.
FIRST_SPECIAL_PROVISION_CODE = 900


def tile_positions() -> dict[str, tuple[int, int]]:
    """State code -> (row, column) of its tile on the map."""
    positions = {}
    for row, line in enumerate(TILE_GRID.splitlines()):
        for col, code in enumerate(line.split()):
            if code != "..":
                positions[code] = (row, col)
    return positions


def state_name(code: str) -> str | None:
    """The state's name as the ``us`` package knows it, or None for an unknown code."""
    import us  # Only importing Census data needs it; a build should not wait for it to load.

    state = us.states.lookup(code, field="abbr")
    return state.name if state else None


def state_kind(code: str) -> str:
    """state, district (DC) or territory."""
    if code == "DC":
        return "district"
    import us

    state = us.states.lookup(code, field="abbr")
    return "territory" if state is not None and state.is_territory else "state"


def category_kind(naics3: int) -> str:
    return "special" if naics3 >= FIRST_SPECIAL_PROVISION_CODE else "product"
