"""The network view's colours under simulated colour-vision deficiency, and its marks' shapes.

Deuteranopia is simulated with Machado, Oliveira & Fernandes (2009), severity 1.0: a 3x3
matrix applied to linear RGB. Contrast is the CIELAB distance (Delta E 1976, D65 white).
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from scs_sim.viz import network_image as ni

MACHADO_DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
"""Machado et al. (2009), deuteranopia, severity 1.0 (their Table 1), on linear RGB."""

MIN_END_CONTRAST = 50.0
"""Delta E between the score scale's ends under deuteranopia, at least. The issue's
red-yellow-green scale falls from about 97 to 17.6 (the stack notes say about 18);
cividis keeps 135 (this module's functions, run on the palettes)."""

RDYLGN_ENDS = ((165, 0, 38), (0, 104, 55))
"""The ends of the red-yellow-green scale the page used before, for contrast."""


def _linear(rgb: np.ndarray) -> np.ndarray:
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = np.clip(linear_rgb, 0, 1) @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


def _deuteranope_lab(rgb) -> np.ndarray:
    return _lab(_linear(np.atleast_2d(rgb)) @ MACHADO_DEUTERANOPIA.T)


def _end_contrast(ends) -> float:
    lab = _deuteranope_lab(np.array(ends))
    return float(np.linalg.norm(lab[0] - lab[-1]))


def test_score_scale_keeps_its_contrast_under_deuteranopia():
    palette = ni.score_palette()
    contrast = _end_contrast(palette[[0, -1]])
    assert contrast >= MIN_END_CONTRAST, contrast
    # The check can fail: the old scale does.
    assert _end_contrast(RDYLGN_ENDS) < MIN_END_CONTRAST
    # Order survives too: lightness rises along the scale, as a deuteranope sees it.
    lightness = _deuteranope_lab(palette)[:, 0]
    assert np.all(np.diff(lightness[::10]) > 0)


def test_cividis_anchors_are_matplotlibs():
    matplotlib = pytest.importorskip("matplotlib")
    cmap = matplotlib.colormaps["cividis"]
    expected = np.array([cmap(x)[:3] for x in np.linspace(0, 1, len(ni.CIVIDIS))]) * 255
    assert np.abs(np.array(ni.CIVIDIS) - expected).max() <= 0.5


def _silhouette(kind: int, radius: float = 12.0) -> np.ndarray:
    image = Image.new("P", (64, 64), ni.ink(ni.BACKGROUND))
    image.putpalette(ni._palette())
    ni.draw_citizen(ImageDraw.Draw(image), 32, 32, radius, ni.SHADES // 2, kind)
    return np.asarray(image) != ni.ink(ni.BACKGROUND)


def test_sanction_marks_differ_in_shape_not_only_colour():
    """Silhouettes (any ink, colour ignored) of the plain, blacklisted and restricted marks
    overlap by at most 85% (intersection over union) pairwise."""
    shapes = {k: _silhouette(k) for k in (ni.PLAIN, ni.BLACKLISTED_MARK, ni.RESTRICTED_MARK)}
    kinds = list(shapes)
    for i, a in enumerate(kinds):
        for b in kinds[i + 1 :]:
            iou = (shapes[a] & shapes[b]).sum() / (shapes[a] | shapes[b]).sum()
            assert iou <= 0.85, (a, b, iou)


def test_wrongly_sanctioned_cross_shows_on_both_ends_of_the_scale():
    """The cross is seen on the darkest and the lightest shade: it has pixels of black
    and of white over each fill (the old red cross vanished on low-score red nodes)."""
    for fill in (0, ni.SHADES - 1):
        image = Image.new("P", (64, 64), ni.ink(ni.BACKGROUND))
        image.putpalette(ni._palette())
        draw = ImageDraw.Draw(image)
        ni.draw_citizen(draw, 32, 32, 12, fill, ni.PLAIN)
        ni.draw_wrong(draw, 32, 32, 12)
        inside = np.asarray(image)[26:39, 26:39]
        assert (inside == ni.ink(ni.WRONG)).sum() > 5
        assert (inside == ni.ink(ni.LISTED)).sum() > 5
