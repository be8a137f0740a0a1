"""Colour contrast as WCAG 2 measures it, and where a colour scale needs light text.

Used on both sides: the Map sheet asks where along its colour scale the tiles'
text must turn light, and ``check`` measures the text and fill colours of any
workbook. Colours are ``"#RRGGBB"`` strings.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

from workbook.templates_loader import styles

#: Positions along a colour scale are tried at this many steps per segment when searching.
#: A channel changes by at most 255 along a segment, so at 256 steps it moves by less than
#: one between two of them: the colours rounded down and up at each step are every colour
#: the segment can show.
_STEPS = 256


def minimum_contrast() -> float:
    """The least contrast a text colour keeps with its fill (styles.toml's ``[accessibility]``)."""
    return float(styles()["accessibility"]["min_contrast"])


def _channels(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    if len(digits) != 6:
        raise ValueError(f"not an #RRGGBB colour: {colour!r}")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _hex(channels: Sequence[float]) -> str:
    return "#" + "".join(f"{min(255, max(0, round(channel))):02X}" for channel in channels)


# Cached: checking a colour scale asks for the same few hundred colours thousands of times.
@functools.lru_cache(maxsize=4096)
def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance: 0 for black, 1 for white."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(channel) for channel in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(text: str, fill: str) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(text), relative_luminance(fill)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def blend(start: str, end: str, fraction: float) -> str:
    """The colour ``fraction`` of the way from ``start`` to ``end``, channel by channel, as a colour scale
    interpolates (Excel and LibreOffice both do so in RGB), rounded to the nearest channel value."""
    return _hex([a + (b - a) * fraction for a, b in zip(_channels(start), _channels(end))])


def blend_bounds(start: str, end: str, fraction: float) -> tuple[str, str]:
    """The two colours a spreadsheet may show ``fraction`` of the way from ``start`` to ``end``: each
    channel rounded down and up (LibreOffice truncates towards the start colour; others round)."""
    exact = [a + (b - a) * fraction for a, b in zip(_channels(start), _channels(end))]
    return (_hex([int(channel) for channel in exact]),
            _hex([-int(-channel) for channel in exact]))


def scale_colours(points: Sequence[str], steps: int = 64) -> Iterator[str]:
    """Colours along a colour scale through ``points`` (low to high), ``steps`` per segment, both ends included."""
    yield points[0]
    for start, end in zip(points, points[1:]):
        for step in range(1, steps + 1):
            yield blend(start, end, step / steps)


def light_text_from(points: Sequence[str], dark: str, light: str, minimum: float) -> tuple[int, float] | None:
    """Where along a colour scale the text must turn from ``dark`` to ``light``.

    Returns ``(segment, fraction)``: from ``fraction`` of the way along segment
    ``segment`` (0: first point to second) to the top of the scale, ``light`` text
    reads; below it ``dark`` text does, each at a contrast of ``minimum`` or more.
    The switch is where the two read equally well, which leaves the widest margin
    either side. None when ``dark`` text reads on the whole scale. Raises ValueError
    when no single switch keeps every fill readable (a scale that is not darker
    towards its top, or colours too close to mid-grey for either text colour).
    """
    positions = [(segment, step / _STEPS) for segment in range(len(points) - 1) for step in range(_STEPS + 1)]

    def fill_at(position: tuple[int, float]) -> str:
        segment, fraction = position
        return blend(points[segment], points[segment + 1], fraction)

    def light_reads_better(position: tuple[int, float]) -> bool:
        fill = fill_at(position)
        return contrast_ratio(light, fill) > contrast_ratio(dark, fill)

    switch = next((position for position in positions if light_reads_better(position)), None)
    if switch is None:
        if min(contrast_ratio(dark, fill_at(position)) for position in positions) < minimum:
            raise ValueError(f"no text colour reads at {minimum}:1 on every fill of the scale {list(points)}")
        return None
    for position in positions:
        colour = light if position >= switch else dark
        for fill in blend_bounds(points[position[0]], points[position[0] + 1], position[1]):
            if contrast_ratio(colour, fill) < minimum:
                raise ValueError(f"text {colour} on fill {fill} of the scale {list(points)} has a contrast of "
                                 f"{contrast_ratio(colour, fill):.2f}:1, below {minimum}:1, with the text turning "
                                 f"light at {switch}")
    return switch
