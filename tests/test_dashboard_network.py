"""The network view's layout (community-aware), filters and hover text."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scs_sim.viz import network_image as ni
from scs_sim.viz.session import load_session

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def session():
    """full-scs, seed 811 (a seed no other test uses), 1,000 citizens, 40 weeks in."""
    s = load_session(REPO / "scenarios" / "full-scs.toml", 811)
    s.step(40)
    return s


def test_layout_keeps_communities_together(session):
    view = session.view
    label, pos = view.community, view.positions
    assert label is not None and label.max() >= 3  # several communities found
    gap = np.hypot(pos[:, None, 0] - pos[None, :, 0], pos[:, None, 1] - pos[None, :, 1])
    same = label[:, None] == label[None, :]
    np.fill_diagonal(same, False)
    other = label[:, None] != label[None, :]
    assert gap[same].mean() < 0.35 * gap[other].mean(), (gap[same].mean(), gap[other].mean())
    # Citizens do not sit on each other: the nearest neighbour is at least 8 pixels away.
    xy = ni.frame(view).xy
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(dist, np.inf)
    assert np.median(dist.min(1)) >= 8


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def _centre_inks(session, png: bytes) -> np.ndarray:
    xy = np.rint(ni.frame(session.view).xy).astype(int)
    return _pixels(png)[xy[:, 1], xy[:, 0]]


def test_filters_draw_only_what_they_name(session):
    model, view = session.model, session.view
    marks = ni.citizen_classes(model, view)
    sanctioned = marks["restricted"] | marks["blacklisted"]
    assert 0 < sanctioned.sum() < len(view.nodes)
    shades = _centre_inks(session, ni.network_png(model, view, show=ni.SANCTIONED))
    # Unsanctioned citizens are faint dots, not score shades; sanctioned ones keep theirs.
    assert (shades[~sanctioned] >= ni.SHADES).all()
    everyone = _centre_inks(session, ni.network_png(model, view))
    assert (everyone < ni.SHADES).mean() > 0.9

    above_legend = ni.SIZE - ni.frame(view).bottom  # the legend draws every kind of tie
    cut = _pixels(ni.network_png(model, view, show=ni.CUT_TIES))[:above_legend]
    full = _pixels(ni.network_png(model, view))[:above_legend]
    assert (full == ni.ink(ni.TIE_NEW)).sum() > 0 and (cut == ni.ink(ni.TIE_NEW)).sum() == 0
    assert (cut == ni.ink(ni.TIE_CUT)).sum() > 0

    ego = int(view.nodes[np.argmax(marks["restricted"])])
    drawn = _centre_inks(session, ni.network_png(model, view, show=ni.EGO, selected=ego))
    rows = ni._ego_rows(model, view, ego)
    assert (drawn[rows] < ni.SHADES).mean() > 0.5  # the ego network is drawn...
    others = np.setdiff1d(np.arange(len(view.nodes)), rows)
    assert (drawn[others] >= ni.SHADES).mean() > 0.9  # ...and little else
    with pytest.raises(ValueError, match="show = 'nobody' is not valid; allowed: everyone"):
        ni.network_png(model, view, show="nobody")


def test_hover_text_names_score_and_sanctions(session):
    solara = pytest.importorskip("solara")  # noqa: F841
    from scs_sim.viz.components import citizen_tip

    state = session.model.population.state
    wrong = np.flatnonzero((state.restricted & ~state.justified) != 0)
    assert len(wrong)
    text = citizen_tip(session.model, int(wrong[0]))
    assert text.startswith(f"#{int(wrong[0])}: score ") and "(wrongly)" in text


def test_community_summary_covers_everyone_above_the_sample(session):
    from scs_sim.viz.layout import community_summary

    # 1,000 citizens are all drawn: no summary, and asking for one says why.
    assert community_summary(session.view) is None
    with pytest.raises(ValueError, match="communities \\(everyone\\)' is not valid for 1,000"):
        ni.network_png(session.model, session.view, show=ni.COMMUNITIES)
    big = load_session(REPO / "scenarios" / "full-scs.toml", 811, {"n_citizens": 3000})
    big.step(20)
    assert big.view.sampled
    summary = community_summary(big.view)
    assert summary is not None and len(summary.label) == 3000
    assert summary.sizes.sum() == 3000 and len(summary.sizes) >= 5
    # Discs do not overlap (centres at least the sum of radii apart).
    c, r = summary.centres, summary.radius
    gap = np.hypot(c[:, None, 0] - c[None, :, 0], c[:, None, 1] - c[None, :, 1])
    np.fill_diagonal(gap, np.inf)
    assert (gap >= (r[:, None] + r[None, :]) * 0.99).all()
    png = ni.network_png(big.model, big.view, show=ni.COMMUNITIES)
    pixels = _pixels(png)
    assert (pixels == ni.ink(ni.RESTRICTED)).sum() > 0  # sanctioned wedges drawn
