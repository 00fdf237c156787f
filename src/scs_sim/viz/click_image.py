"""An image that reports where it was clicked: the network view, for picking a citizen.

``ipywidgets.Image`` reports no clicks, and a DOM click event alone does not say how large
the image was shown (the page scales it), so this is a small Vue template widget
(``ipyvue.VueTemplate``; the template is sent as text, nothing is fetched). It shows PNG
bytes, sent as a binary buffer like ``ipywidgets.Image`` sends them, and on a click sets
:attr:`ClickImage.click` to the position as fractions of the shown width and height,
which the page maps to a citizen (:func:`scs_sim.viz.network_image.citizen_at`).
"""

from __future__ import annotations

import ipyvue
import traitlets

TEMPLATE = """
<template>
  <img :src="url" :class="css_class" :alt="alt" style="cursor: crosshair" @click="clicked" />
</template>
<script>
module.exports = {
  data() {
    return { url: "", clicks: 0 };
  },
  mounted() {
    this.show();
  },
  watch: {
    png() {
      this.show();
    },
  },
  beforeDestroy() {
    if (this.url) URL.revokeObjectURL(this.url);
  },
  methods: {
    show() {
      const old = this.url;
      this.url = this.png && this.png.byteLength
        ? URL.createObjectURL(new Blob([this.png], { type: "image/png" }))
        : "";
      if (old) URL.revokeObjectURL(old);
    },
    clicked(event) {
      const box = event.target.getBoundingClientRect();
      if (!box.width || !box.height) return;
      this.clicks += 1;
      this.click = {
        x: (event.clientX - box.left) / box.width,
        y: (event.clientY - box.top) / box.height,
        n: this.clicks,
      };
    },
  },
};
</script>
"""


class ClickImage(ipyvue.VueTemplate):
    """A PNG shown in an ``<img>``; :attr:`click` is set on every click.

    Attributes:
        png: The image's PNG bytes.
        css_class: CSS classes of the ``<img>``.
        alt: The image's text alternative.
        click: ``{"x": ..., "y": ..., "n": ...}``: the last click, as fractions (0 to 1) of
            the shown width (from the left) and height (from the top), and a click counter
            so that two clicks on the same spot are two changes.
    """

    png = traitlets.Bytes(b"").tag(sync=True)
    css_class = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    click = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)

    @traitlets.default("template")
    def _template(self) -> str:
        return TEMPLATE
