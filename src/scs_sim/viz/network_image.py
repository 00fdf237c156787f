"""The network view: citizens coloured by score, sanction rings, cut and new ties, as a PNG.

Drawn with Pillow straight from the arrays: a matplotlib redraw of 5,000 ties and 1,000
markers costs more than the whole step budget, while Pillow draws them in a few
milliseconds. Positions come from :mod:`scs_sim.viz.layout` (fixed per network), so
only colours, rings and tie classes change from step to step.

Two things keep a redraw cheap (the step's time budget is mostly this image):

- the image is 8-bit with a fixed palette (:data:`SHADES` score shades plus the marks'
  colours): it encodes as PNG about five times faster than RGB and is less than half
  the size, with no visible loss (a shade spans 3 score points);
- every initial tie is drawn once per network and layout, as a base layer (grey); a
  redraw copies it and draws only the ties made or cut since, in their colours, over it.
  A width-1 line covers the same pixels whatever its colour, so this is the image that
  drawing kept, new and cut ties in that order gives.

:func:`citizen_at` maps a click on the image back to the citizen drawn there, with the
same positions the drawing uses.
"""

from __future__ import annotations

import importlib.util
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from scs_sim.model import SocialCreditModel
from scs_sim.scoring import NEUTRAL_SCORE, SCORE_MAX, SCORE_MIN
from scs_sim.viz.layout import NetworkView

SIZE = 640
"""Width and height of the image, in pixels."""

SHADES = 200
"""Score colours in the palette (one per 3 score points)."""

PICK_RADIUS = 12.0
"""How far (in image pixels) from a citizen's centre a click still picks it."""

TIE_KEPT = (215, 215, 215)
TIE_NEW = (120, 170, 225)
TIE_CUT = (235, 110, 110)
LISTED = (0, 0, 0)
RESTRICTED = (123, 44, 191)
WRONG = (214, 39, 40)
SELECTED = (0, 180, 216)
BACKGROUND = (255, 255, 255)
LEGEND_RING = (250, 220, 120)
TEXT = (0, 0, 0)
TEXT_DIM = (60, 60, 60)
TEXT_LEGEND = (30, 30, 30)
FIXED = (
    BACKGROUND,
    TIE_KEPT,
    TIE_NEW,
    TIE_CUT,
    LISTED,
    RESTRICTED,
    WRONG,
    SELECTED,
    LEGEND_RING,
    TEXT_DIM,
    TEXT_LEGEND,
)
"""The palette's fixed colours, after the score shades (TEXT is LISTED: black)."""


RDYLGN = (
    (165, 0, 38),
    (215, 48, 39),
    (244, 109, 67),
    (253, 174, 97),
    (254, 224, 139),
    (255, 255, 191),
    (217, 239, 139),
    (166, 217, 106),
    (102, 189, 99),
    (26, 152, 80),
    (0, 104, 55),
)
"""ColorBrewer's RdYlGn (matplotlib's 'RdYlGn' anchors), so drawing needs no matplotlib."""


@lru_cache(maxsize=1)
def score_palette() -> np.ndarray:
    """:data:`SHADES` RGB colours from red (350) through yellow to green (950)."""
    anchors = np.array(RDYLGN, dtype=np.float64)
    at = np.linspace(0, len(anchors) - 1, SHADES)
    channels = [np.interp(at, np.arange(len(anchors)), anchors[:, c]) for c in range(3)]
    return np.rint(np.column_stack(channels)).astype(np.uint8)


@lru_cache(maxsize=1)
def _palette() -> list[int]:
    """The image palette: the score shades, then :data:`FIXED`, as Pillow's flat list."""
    colours = [*map(tuple, score_palette().tolist()), *FIXED]
    return [c for rgb in colours for c in rgb]


def ink(rgb: tuple[int, int, int]) -> int:
    """Palette index of a fixed colour (TEXT, black, finds LISTED's entry)."""
    return SHADES + FIXED.index(rgb)


def shade(score: np.ndarray) -> np.ndarray:
    """Palette index (0 to SHADES - 1) of each score."""
    scaled = (np.asarray(score, dtype=np.float64) - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)
    return np.clip(scaled * (SHADES - 1), 0, SHADES - 1).astype(np.int64)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # matplotlib's DejaVu Sans, found without importing matplotlib (slow at start-up).
    spec = importlib.util.find_spec("matplotlib")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def tie_classes(model: SocialCreditModel, view: NetworkView) -> dict[str, np.ndarray]:
    """Pair keys (``low * n + high``) of the drawn ties by class.

    'kept': both citizens still hold the initial tie; 'cut': at least one of them
    dropped it; 'new': made by rewiring after a cut.
    """
    n = view.n
    rows, cols = model.network.active_edges()
    inside = (view.row_of[rows] >= 0) & (view.row_of[cols] >= 0)
    rows, cols = rows[inside].astype(np.int64), cols[inside].astype(np.int64)
    directed = np.unique(rows * n + cols)
    low, high = view.initial_pairs // n, view.initial_pairs % n
    intact = np.isin(low * n + high, directed, assume_unique=True) & np.isin(
        high * n + low, directed, assume_unique=True
    )
    current = np.unique(np.minimum(rows, cols) * n + np.maximum(rows, cols))
    return {
        "kept": view.initial_pairs[intact],
        "cut": view.initial_pairs[~intact],
        "new": current[~np.isin(current, view.initial_pairs, assume_unique=True)],
    }


def citizen_classes(model: SocialCreditModel, view: NetworkView) -> dict[str, np.ndarray]:
    """Boolean masks over the drawn citizens: blacklisted, restricted, wrongly sanctioned."""
    state = model.population.state
    nodes = view.nodes
    restricted = state.restricted[nodes] > 0
    return {
        "blacklisted": state.listed[nodes].astype(bool),
        "restricted": restricted,
        "wrong": (state.restricted[nodes] & ~state.justified[nodes]) != 0,
    }


@dataclass(frozen=True, eq=False)
class Frame:
    """Where things go in the image for one view: margins, text size, citizens' pixels."""

    top: int
    bottom: int
    side: int
    text_px: int
    radius: float
    xy: np.ndarray
    """(len(view.nodes), 2) pixel centres, row k for ``view.nodes[k]``."""


def frame(view: NetworkView, large: bool = False) -> Frame:
    """Pixel positions of the drawn citizens (lecture mode leaves room for larger text)."""
    text_px = 22 if large else 15
    top, bottom, side = int(text_px * 2.4), int(text_px * 4.6), 14
    span = np.array([SIZE - 2 * side, SIZE - top - bottom], dtype=np.float32)
    xy = view.positions * span + np.array([side, top], dtype=np.float32)
    # Screen y grows downwards; flip so the layout keeps its orientation.
    xy[:, 1] = top + (SIZE - top - bottom) - (xy[:, 1] - top)
    radius = 3.5 if len(view.nodes) > 500 else 5.5
    return Frame(top, bottom, side, text_px, radius, xy)


def citizen_at(view: NetworkView, x: float, y: float, *, large: bool = False) -> int | None:
    """The citizen drawn nearest a click, or ``None`` if none is within :data:`PICK_RADIUS`.

    Args:
        view: The drawn view.
        x: Click position across the image, as a fraction of its shown width (0 = left).
        y: Click position down the image, as a fraction of its shown height (0 = top).
        large: Whether the image was drawn in lecture mode (its margins differ).
    """
    if not (np.isfinite(x) and np.isfinite(y)) or len(view.nodes) == 0:
        return None
    xy = frame(view, large).xy
    distance = np.hypot(xy[:, 0] - x * SIZE, xy[:, 1] - y * SIZE)
    row = int(np.argmin(distance))
    return int(view.nodes[row]) if distance[row] <= PICK_RADIUS else None


_bases: OrderedDict[tuple[int, bool], tuple[NetworkView, Frame, Image.Image]] = OrderedDict()
_bases_lock = threading.Lock()


def _base(view: NetworkView, large: bool) -> tuple[Frame, Image.Image]:
    """The view's frame and its base layer (every initial tie, grey), cached per view."""
    key = (id(view), large)
    with _bases_lock:
        hit = _bases.get(key)
        if hit is not None and hit[0] is view:
            _bases.move_to_end(key)
            return hit[1], hit[2]
    spot = frame(view, large)
    image = Image.new("P", (SIZE, SIZE), ink(BACKGROUND))
    image.putpalette(_palette())
    _draw_ties(ImageDraw.Draw(image), view, spot.xy, view.initial_pairs, ink(TIE_KEPT))
    with _bases_lock:
        _bases[key] = (view, spot, image)
        while len(_bases) > 8:
            _bases.popitem(last=False)
    return spot, image


def _draw_ties(draw, view: NetworkView, xy: np.ndarray, pairs: np.ndarray, colour: int) -> None:
    a = xy[view.row_of[pairs // view.n]]
    b = xy[view.row_of[pairs % view.n]]
    for line in np.concatenate([a, b], axis=1).tolist():
        draw.line(line, fill=colour, width=1)


def network_png(
    model: SocialCreditModel,
    view: NetworkView,
    *,
    selected: int | None = None,
    large: bool = False,
) -> bytes:
    """The network view as PNG bytes (8-bit palette).

    Args:
        model: The run to draw.
        view: Fixed positions of the drawn citizens.
        selected: A citizen to circle (the inspector's), if drawn.
        large: Lecture-mode text.
    """
    spot, base = _base(view, large)
    image = base.copy()
    draw = ImageDraw.Draw(image)
    xy, radius, text_px = spot.xy, spot.radius, spot.text_px

    ties = tie_classes(model, view)
    # Over the grey base: new ties, then cut ones on top (the order kept, new, cut).
    _draw_ties(draw, view, xy, ties["new"], ink(TIE_NEW))
    _draw_ties(draw, view, xy, ties["cut"], ink(TIE_CUT))

    marks = citizen_classes(model, view)
    fills = shade(model.population.state.score[view.nodes]).tolist()
    ring = np.where(marks["blacklisted"], 1, np.where(marks["restricted"], 2, 0))
    outline = {1: ink(LISTED), 2: ink(RESTRICTED)}
    pad = 1.5
    for (x, y), fill, r in zip(xy.tolist(), fills, ring.tolist(), strict=True):
        if r:
            draw.ellipse(
                (x - radius - pad, y - radius - pad, x + radius + pad, y + radius + pad),
                fill=outline[r],
            )
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
    wrong = ink(WRONG)
    for x, y in xy[marks["wrong"]].tolist():
        d = radius * 1.1
        draw.line((x - d, y - d, x + d, y + d), fill=wrong, width=1)
        draw.line((x - d, y + d, x + d, y - d), fill=wrong, width=1)
    if selected is not None and 0 <= selected < view.n and view.row_of[selected] >= 0:
        x, y = xy[view.row_of[selected]].tolist()
        d = radius * 3.5
        draw.ellipse((x - d, y - d, x + d, y + d), outline=ink(SELECTED), width=3)
        draw.text((x + d, y - d - text_px), f"#{selected}", fill=ink(SELECTED), font=_font(text_px))

    shown = (
        f"{len(view.nodes):,} of {view.n:,} citizens (sample)"
        if view.sampled
        else f"{view.n:,} citizens"
    )
    draw.text(
        (spot.side, text_px * 0.5),
        f"Network, week {model.steps}: {shown}",
        fill=ink(TEXT),
        font=_font(text_px),
    )
    _colour_bar(draw, (SIZE - 9 * text_px, int(text_px * 0.6)), text_px)
    _legend(draw, ties, marks, SIZE - spot.bottom + text_px * 0.6, text_px, spot.side)
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _colour_bar(draw: ImageDraw.ImageDraw, at: tuple[int, int], text_px: int) -> None:
    x0, y0 = at
    width, height = 6 * text_px, int(text_px * 0.6)
    for i in range(width):
        draw.line((x0 + i, y0, x0 + i, y0 + height), fill=int(i / (width - 1) * (SHADES - 1)))
    small = _font(int(text_px * 0.75))
    for value in (SCORE_MIN, NEUTRAL_SCORE, SCORE_MAX):
        x = x0 + (value - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * (width - 1)
        draw.text((x, y0 + height + 2), f"{value:.0f}", fill=ink(TEXT_DIM), font=small, anchor="ma")
    draw.text((x0 - 6, y0 - 2), "score", fill=ink(TEXT_DIM), font=small, anchor="ra")


def _legend(draw, ties, marks, y, text_px, side) -> None:
    font = _font(int(text_px * 0.85))
    entries = [
        ("line", TIE_KEPT, f"tie ({len(ties['kept']):,})"),
        ("line", TIE_CUT, f"cut tie ({len(ties['cut']):,})"),
        ("line", TIE_NEW, f"new tie ({len(ties['new']):,})"),
        ("ring", LISTED, f"blacklisted ({int(marks['blacklisted'].sum())})"),
        (
            "ring",
            RESTRICTED,
            f"restricted by score ({int((marks['restricted'] & ~marks['blacklisted']).sum())})",
        ),
        ("cross", WRONG, f"wrongly sanctioned ({int(marks['wrong'].sum())})"),
    ]
    column = (SIZE - 2 * side) / 3
    for i, (kind, colour, label) in enumerate(entries):
        x = side + (i % 3) * column
        row_y = y + (i // 3) * text_px * 1.5
        mid = row_y + text_px * 0.55
        if kind == "line":
            draw.line((x, mid, x + text_px, mid), fill=ink(colour), width=3)
        elif kind == "ring":
            r = text_px * 0.35
            draw.ellipse(
                (x + r, mid - r, x + 3 * r, mid + r),
                fill=ink(LEGEND_RING),
                outline=ink(colour),
                width=2,
            )
        else:
            r = text_px * 0.35
            draw.line((x + r, mid - r, x + 3 * r, mid + r), fill=ink(colour), width=2)
            draw.line((x + r, mid + r, x + 3 * r, mid - r), fill=ink(colour), width=2)
        draw.text((x + text_px * 1.4, row_y), label, fill=ink(TEXT_LEGEND), font=font)
