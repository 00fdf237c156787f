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
from scs_sim.viz.layout import SUMMARY_LIMIT, NetworkView, community_summary

SIZE = 640
"""Width and height of the image, in pixels."""

SHADES = 200
"""Score colours in the palette (one per 3 score points)."""

LEGEND_ROWS = 3
"""Rows of the legend under the network (two columns: long labels stay readable)."""

PICK_RADIUS = 12.0
"""How far (in image pixels) from a citizen's centre a click still picks it."""

# Colours: Okabe-Ito's colour-blind-safe set, one meaning each (no red for three things).
TIE_KEPT = (215, 215, 215)
TIE_NEW = (86, 180, 233)  # sky blue
TIE_CUT = (213, 94, 0)  # vermillion: only ever a cut tie
LISTED = (0, 0, 0)
RESTRICTED = (204, 121, 167)  # reddish purple
WRONG = (255, 255, 255)  # a white cross, edged in black: seen on dark and light shades
SELECTED = (0, 158, 115)  # bluish green
BACKGROUND = (255, 255, 255)
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
    TEXT_DIM,
    TEXT_LEGEND,
)
"""The palette's fixed colours, after the score shades (TEXT is LISTED: black)."""


CIVIDIS = (
    (0, 34, 78),
    (8, 51, 112),
    (53, 69, 108),
    (79, 87, 108),
    (102, 105, 112),
    (125, 124, 120),
    (148, 142, 119),
    (174, 163, 113),
    (200, 184, 102),
    (229, 207, 82),
    (254, 232, 56),
)
"""matplotlib's 'cividis' at 11 even steps (tests check them against matplotlib), so
drawing needs no matplotlib. Cividis is designed to read the same under colour-vision
deficiency: from dark blue (low score) to yellow (high score), lightness rising evenly.
The red-yellow-green scale it replaces lost most of its contrast under deuteranopia."""


@lru_cache(maxsize=1)
def score_palette() -> np.ndarray:
    """:data:`SHADES` RGB colours from dark blue (350) to yellow (950), cividis."""
    anchors = np.array(CIVIDIS, dtype=np.float64)
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
    text_px = 22 if large else 18
    top, bottom, side = int(text_px * 2.4), int(text_px * (LEGEND_ROWS + 1.6)), 14
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


EVERYONE, SANCTIONED, CUT_TIES, EGO = (
    "everyone",
    "sanctioned only",
    "cut ties only",
    "chosen citizen's ties",
)
COMMUNITIES = "communities (everyone)"
FILTERS = (EVERYONE, SANCTIONED, CUT_TIES, EGO, COMMUNITIES)
"""What the network view shows: everyone; only sanctioned citizens (the others as faint
dots, ties among sanctioned citizens); every citizen but only the ties cut so far; the
chosen citizen's ego network (its ties, old and new, and the ties among its contacts)."""


def _ego_rows(model: SocialCreditModel, view: NetworkView, ego: int) -> np.ndarray:
    """Rows of the chosen citizen and everyone it is or was tied to, among the drawn."""
    n = view.n
    low, high = view.initial_pairs // n, view.initial_pairs % n
    rows, cols = model.network.active_edges()
    now = np.concatenate([cols[rows == ego], rows[cols == ego]])
    then = np.concatenate([high[low == ego], low[high == ego]])
    people = np.unique(np.concatenate([[ego], now, then]).astype(np.int64))
    found = view.row_of[people]
    return found[found >= 0]


def network_png(
    model: SocialCreditModel,
    view: NetworkView,
    *,
    selected: int | None = None,
    large: bool = False,
    show: str = EVERYONE,
) -> bytes:
    """The network view as PNG bytes (8-bit palette).

    Args:
        model: The run to draw.
        view: Fixed positions of the drawn citizens.
        selected: A citizen to circle (the inspector's), if drawn.
        large: Lecture-mode text.
        show: One of :data:`FILTERS`.

    Raises:
        ValueError: ``show`` is not one of :data:`FILTERS`.
    """
    if show not in FILTERS:
        raise ValueError(f"show = {show!r} is not valid; allowed: {', '.join(FILTERS)}")
    if show == COMMUNITIES:
        return summary_png(model, view, large=large)
    spot, base = _base(view, large)
    xy, radius, text_px = spot.xy, spot.radius, spot.text_px
    ties = tie_classes(model, view)
    marks = citizen_classes(model, view)
    visible = np.ones(len(view.nodes), dtype=bool)
    drawn_ties = ties
    if show == EVERYONE:
        image = base.copy()
    else:
        image = Image.new("P", (SIZE, SIZE), ink(BACKGROUND))
        image.putpalette(_palette())
        n = view.n

        def among(pairs: np.ndarray, rows: np.ndarray) -> np.ndarray:
            keep = np.zeros(len(view.nodes), dtype=bool)
            keep[rows] = True
            return pairs[keep[view.row_of[pairs // n]] & keep[view.row_of[pairs % n]]]

        if show == SANCTIONED:
            visible = marks["restricted"] | marks["blacklisted"]
            rows = np.flatnonzero(visible)
            drawn_ties = {k: among(v, rows) for k, v in ties.items()}
        elif show == CUT_TIES:
            drawn_ties = {"kept": ties["kept"][:0], "cut": ties["cut"], "new": ties["new"][:0]}
        else:
            ego_ok = selected is not None and 0 <= selected < view.n and view.row_of[selected] >= 0
            rows = _ego_rows(model, view, int(selected)) if ego_ok else np.zeros(0, np.int64)
            visible = np.zeros(len(view.nodes), dtype=bool)
            visible[rows] = True
            drawn_ties = {k: among(v, rows) for k, v in ties.items()}
        _draw_ties(ImageDraw.Draw(image), view, xy, drawn_ties["kept"], ink(TIE_KEPT))
    draw = ImageDraw.Draw(image)
    # Over the grey ties: new ties, then cut ones on top (the order kept, new, cut).
    _draw_ties(draw, view, xy, drawn_ties["new"], ink(TIE_NEW))
    _draw_ties(draw, view, xy, drawn_ties["cut"], ink(TIE_CUT))

    faint = ink(TIE_KEPT)
    for x, y in xy[~visible].tolist():
        draw.point((x, y), fill=faint)
    xy_all = xy
    xy = xy[visible]
    marks = {k: v[visible] for k, v in marks.items()}
    fills = shade(model.population.state.score[view.nodes[visible]]).tolist()
    kinds = np.where(
        marks["blacklisted"],
        BLACKLISTED_MARK,
        np.where(marks["restricted"], RESTRICTED_MARK, PLAIN),
    )
    for (x, y), fill, kind in zip(xy.tolist(), fills, kinds.tolist(), strict=True):
        draw_citizen(draw, x, y, radius, fill, kind)
    for x, y in xy[marks["wrong"]].tolist():
        draw_wrong(draw, x, y, radius)
    if selected is not None and 0 <= selected < view.n and view.row_of[selected] >= 0:
        x, y = xy_all[view.row_of[selected]].tolist()
        d = radius * 3.5
        draw.ellipse((x - d, y - d, x + d, y + d), outline=ink(SELECTED), width=3)
        draw.text((x + d, y - d - text_px), f"#{selected}", fill=ink(SELECTED), font=_font(text_px))

    shown = (
        f"{len(view.nodes):,} of {view.n:,} (sample)" if view.sampled else f"{view.n:,} citizens"
    )
    draw.text(
        (spot.side, text_px * 0.5),
        f"Week {model.steps}: {shown}"
        if show == EVERYONE
        else f"Week {model.steps}: {show}"
        + (" (pick one)" if show == EGO and selected is None else ""),
        fill=ink(TEXT),
        font=_font(text_px),
    )
    _colour_bar(draw, (SIZE - 9 * text_px, int(text_px * 0.6)), text_px)
    _legend(draw, drawn_ties, marks, SIZE - spot.bottom + text_px * 0.5, text_px, spot.side)
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


PLAIN, BLACKLISTED_MARK, RESTRICTED_MARK = 0, 1, 2
"""Citizen shapes: circle (no sanction), square (blacklisted), diamond (restricted by score)."""


def draw_citizen(
    draw: ImageDraw.ImageDraw, x: float, y: float, radius: float, fill: int, kind: int
) -> None:
    """One citizen: its score's shade in a shape that says its sanction.

    A circle has none; a square with a black edge is blacklisted; a diamond with a
    purple edge is restricted by score thresholds. Shape tells them apart without colour.
    """
    if kind == PLAIN:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
        return
    edge = 1.6
    if kind == BLACKLISTED_MARK:
        r = radius * 0.95
        draw.rectangle((x - r - edge, y - r - edge, x + r + edge, y + r + edge), fill=ink(LISTED))
        draw.rectangle((x - r, y - r, x + r, y + r), fill=fill)
        return
    r = radius * 1.35
    outer = r + edge * 1.4
    draw.polygon(
        [(x, y - outer), (x + outer, y), (x, y + outer), (x - outer, y)], fill=ink(RESTRICTED)
    )
    draw.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], fill=fill)


def draw_wrong(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float) -> None:
    """The 'wrongly sanctioned' cross: white edged in black, seen on every shade."""
    d = radius * 1.15
    for colour, width in ((ink(LISTED), 4), (ink(WRONG), 2)):
        draw.line((x - d, y - d, x + d, y + d), fill=colour, width=width)
        draw.line((x - d, y + d, x + d, y - d), fill=colour, width=width)


def summary_png(model: SocialCreditModel, view: NetworkView, *, large: bool = False) -> bytes:
    """Everyone, summarised by community: a disc per community (area = members, colour =
    mean score, a purple wedge = the share under any sanction), lines between communities
    as wide as the initial ties between them (:func:`scs_sim.viz.layout.community_summary`).

    Raises:
        ValueError: The population has no summary (not sampled, or too large).
    """
    summary = community_summary(view)
    if summary is None:
        raise ValueError(
            f"show = {COMMUNITIES!r} is not valid for {view.n:,} citizens; allowed: "
            f"populations above {len(view.nodes):,} and up to {SUMMARY_LIMIT:,}"
        )
    state = model.population.state
    groups = len(summary.sizes)
    mean = np.bincount(summary.label, weights=state.score, minlength=groups) / summary.sizes
    hit = ((state.restricted > 0) | state.listed.astype(bool)).astype(np.float64)
    share = np.bincount(summary.label, weights=hit, minlength=groups) / summary.sizes
    spot = frame(view, large)
    text_px = spot.text_px
    image = Image.new("P", (SIZE, SIZE), ink(BACKGROUND))
    image.putpalette(_palette())
    draw = ImageDraw.Draw(image)
    span = np.array([SIZE - 2 * spot.side, SIZE - spot.top - spot.bottom], dtype=np.float32)
    scale = float(span.min())
    xy = summary.centres * scale + np.array([spot.side, spot.top], dtype=np.float32)
    radius = np.maximum(summary.radius * scale, 2.0)
    heaviest = max(int(summary.links[:, 2].max()) if len(summary.links) else 1, 1)
    for a, b, ties in summary.links.tolist():
        width = 1 + int(4 * ties / heaviest)
        draw.line((*xy[a].tolist(), *xy[b].tolist()), fill=ink(TIE_KEPT), width=width)
    fills = shade(mean).tolist()
    for c in np.argsort(-summary.sizes).tolist():
        x, y, r = float(xy[c, 0]), float(xy[c, 1]), float(radius[c])
        box = (x - r, y - r, x + r, y + r)
        draw.ellipse(box, fill=fills[c], outline=ink(LISTED), width=1)
        if share[c] > 0:
            draw.pieslice(
                box, -90, -90 + 360 * float(share[c]), fill=ink(RESTRICTED), outline=ink(LISTED)
            )
    draw.text(
        (spot.side, text_px * 0.5),
        f"Week {model.steps}: {groups} communities, {view.n:,} citizens",
        fill=ink(TEXT),
        font=_font(text_px),
    )
    _colour_bar(draw, (SIZE - 9 * text_px, int(text_px * 0.6)), text_px)
    font = _font(int(text_px * 0.85))
    y0 = SIZE - spot.bottom + text_px * 0.5
    for i, line in enumerate(
        (
            "disc area = members; colour = mean score (Louvain communities",
            "of the initial ties); purple wedge = share under any sanction;",
            "line width = initial ties between communities",
        )
    ):
        draw.text((spot.side, y0 + i * text_px * 1.3), line, fill=ink(TEXT_LEGEND), font=font)
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
    restricted_only = int((marks["restricted"] & ~marks["blacklisted"]).sum())
    entries = [
        ("line", TIE_KEPT, f"tie ({len(ties['kept']):,})"),
        ("square", LISTED, f"blacklisted ({int(marks['blacklisted'].sum())})"),
        ("line", TIE_CUT, f"cut tie ({len(ties['cut']):,})"),
        ("diamond", RESTRICTED, f"restricted by score ({restricted_only})"),
        ("line", TIE_NEW, f"new tie ({len(ties['new']):,})"),
        ("cross", WRONG, f"wrongly sanctioned ({int(marks['wrong'].sum())})"),
    ]
    column = (SIZE - 2 * side) / 2
    mid_fill = SHADES // 2
    for i, (kind, colour, label) in enumerate(entries):
        x = side + (i % 2) * column
        row_y = y + (i // 2) * text_px * 1.3
        mid = row_y + text_px * 0.55
        r = text_px * 0.4
        if kind == "line":
            draw.line((x, mid, x + text_px, mid), fill=ink(colour), width=3)
        elif kind == "square":
            draw_citizen(draw, x + 2 * r, mid, r, mid_fill, BLACKLISTED_MARK)
        elif kind == "diamond":
            draw_citizen(draw, x + 2 * r, mid, r, mid_fill, RESTRICTED_MARK)
        else:
            draw_citizen(draw, x + 2 * r, mid, r, mid_fill, PLAIN)
            draw_wrong(draw, x + 2 * r, mid, r)
        draw.text((x + text_px * 1.4, row_y), label, fill=ink(TEXT_LEGEND), font=font)
