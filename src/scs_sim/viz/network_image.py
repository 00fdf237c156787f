"""The network view: citizens coloured by score, sanction rings, cut and new ties, as a PNG.

Drawn with Pillow straight from the arrays: a matplotlib redraw of 5,000 ties and 1,000
markers costs more than the whole step budget, while Pillow draws them in a few
milliseconds. Positions come from :mod:`scs_sim.viz.layout` (fixed per network), so
only colours, rings and tie classes change from step to step.
"""

from __future__ import annotations

import importlib.util
import io
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from scs_sim.model import SocialCreditModel
from scs_sim.scoring import NEUTRAL_SCORE, SCORE_MAX, SCORE_MIN
from scs_sim.viz.layout import NetworkView

SIZE = 640
"""Width and height of the image, in pixels."""

SUPERSAMPLE = 1
"""Drawing scale; 2 anti-aliases by reducing a double-size image but costs 3x the time."""

TIE_KEPT = (215, 215, 215)
TIE_NEW = (120, 170, 225)
TIE_CUT = (235, 110, 110)
LISTED = (0, 0, 0)
RESTRICTED = (123, 44, 191)
WRONG = (214, 39, 40)
SELECTED = (0, 180, 216)
BACKGROUND = (255, 255, 255)


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
    """256 RGB colours from red (350) through yellow to green (950)."""
    anchors = np.array(RDYLGN, dtype=np.float64)
    at = np.linspace(0, len(anchors) - 1, 256)
    channels = [np.interp(at, np.arange(len(anchors)), anchors[:, c]) for c in range(3)]
    return np.rint(np.column_stack(channels)).astype(np.uint8)


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


def network_png(
    model: SocialCreditModel,
    view: NetworkView,
    *,
    selected: int | None = None,
    large: bool = False,
) -> bytes:
    """The network view as PNG bytes.

    Args:
        model: The run to draw.
        view: Fixed positions of the drawn citizens.
        selected: A citizen to circle (the inspector's), if drawn.
        large: Lecture-mode text.
    """
    k = SUPERSAMPLE
    size = SIZE * k
    text_px = (22 if large else 15) * k
    top, bottom, side = int(text_px * 2.4), int(text_px * 4.6), 14 * k
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    span = np.array([size - 2 * side, size - top - bottom], dtype=np.float32)
    xy = view.positions * span + np.array([side, top], dtype=np.float32)
    # Screen y grows downwards; flip so the layout keeps its orientation.
    xy[:, 1] = top + (size - top - bottom) - (xy[:, 1] - top)

    ties = tie_classes(model, view)
    for key, colour, width in (("kept", TIE_KEPT, 1), ("new", TIE_NEW, 1), ("cut", TIE_CUT, 1)):
        pairs = ties[key]
        a = xy[view.row_of[pairs // view.n]]
        b = xy[view.row_of[pairs % view.n]]
        for line in np.concatenate([a, b], axis=1).tolist():
            draw.line(line, fill=colour, width=width * k)

    marks = citizen_classes(model, view)
    score = model.population.state.score[view.nodes]
    palette = score_palette()
    shade = np.clip((score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * 255, 0, 255).astype(int)
    colours = [tuple(c) for c in palette[shade].tolist()]
    radius = (3.5 if len(view.nodes) > 500 else 5.5) * k
    ring = np.where(marks["blacklisted"], 1, np.where(marks["restricted"], 2, 0))
    outline = {0: None, 1: LISTED, 2: RESTRICTED}
    for (x, y), fill, r in zip(xy.tolist(), colours, ring.tolist(), strict=True):
        box = (x - radius, y - radius, x + radius, y + radius)
        if r:
            pad = 1.5 * k
            draw.ellipse((box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad), fill=outline[r])
        draw.ellipse(box, fill=fill)
    for x, y in xy[marks["wrong"]].tolist():
        d = radius * 1.1
        draw.line((x - d, y - d, x + d, y + d), fill=WRONG, width=k)
        draw.line((x - d, y + d, x + d, y - d), fill=WRONG, width=k)
    if selected is not None and 0 <= selected < view.n and view.row_of[selected] >= 0:
        x, y = xy[view.row_of[selected]].tolist()
        d = radius * 3.5
        draw.ellipse((x - d, y - d, x + d, y + d), outline=SELECTED, width=3 * k)
        draw.text((x + d, y - d - text_px), f"#{selected}", fill=SELECTED, font=_font(text_px))

    font = _font(text_px)
    shown = (
        f"{len(view.nodes):,} of {view.n:,} citizens (sample)"
        if view.sampled
        else f"{view.n:,} citizens"
    )
    draw.text(
        (side, text_px * 0.5), f"Network, week {model.steps}: {shown}", fill=(0, 0, 0), font=font
    )
    _colour_bar(draw, palette, (size - 9 * text_px, int(text_px * 0.6)), text_px)
    _legend(draw, ties, marks, size - bottom + text_px * 0.6, text_px, side)
    if k > 1:
        image = image.reduce(k)
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _colour_bar(draw: ImageDraw.ImageDraw, palette: np.ndarray, at: tuple[int, int], text_px: int):
    x0, y0 = at
    width, height = 6 * text_px, int(text_px * 0.6)
    for i in range(width):
        colour = tuple(palette[int(i / (width - 1) * 255)].tolist())
        draw.line((x0 + i, y0, x0 + i, y0 + height), fill=colour)
    small = _font(int(text_px * 0.75))
    for value in (SCORE_MIN, NEUTRAL_SCORE, SCORE_MAX):
        x = x0 + (value - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * (width - 1)
        draw.text((x, y0 + height + 2), f"{value:.0f}", fill=(60, 60, 60), font=small, anchor="ma")
    draw.text((x0 - 6, y0 - 2), "score", fill=(60, 60, 60), font=small, anchor="ra")


def _legend(draw, ties, marks, y, text_px, side) -> None:
    font = _font(int(text_px * 0.85))
    k = SUPERSAMPLE
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
    column = (SIZE * k - 2 * side) / 3
    for i, (kind, colour, label) in enumerate(entries):
        x = side + (i % 3) * column
        row_y = y + (i // 3) * text_px * 1.5
        mid = row_y + text_px * 0.55
        if kind == "line":
            draw.line((x, mid, x + text_px, mid), fill=colour, width=3 * k)
        elif kind == "ring":
            r = text_px * 0.35
            draw.ellipse(
                (x + r, mid - r, x + 3 * r, mid + r),
                fill=(250, 220, 120),
                outline=colour,
                width=2 * k,
            )
        else:
            r = text_px * 0.35
            draw.line((x + r, mid - r, x + 3 * r, mid + r), fill=colour, width=2 * k)
            draw.line((x + r, mid + r, x + 3 * r, mid - r), fill=colour, width=2 * k)
        draw.text((x + text_px * 1.4, row_y), label, fill=(30, 30, 30), font=font)
