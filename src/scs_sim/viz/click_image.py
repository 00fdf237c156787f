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
  <div class="scs-zoom" style="position: relative; overflow: hidden; line-height: 0"
       @wheel.prevent="zoomed" @mousedown="pressed" @mousemove="moved" @mouseup="released"
       @mouseleave="left" @dblclick="reset">
    <img :src="url" :class="css_class" :alt="alt" draggable="false"
         :style="{cursor: dragging ? 'grabbing' : 'crosshair', transformOrigin: '0 0',
                  transform: 'translate(' + tx + 'px,' + ty + 'px) scale(' + scale + ')'}" />
    <div v-if="tip && tipAt" class="scs-tip"
         :style="{position: 'absolute', left: tipAt.x + 'px', top: tipAt.y + 'px'}">{{ tip }}</div>
  </div>
</template>
<script>
module.exports = {
  data() {
    return { url: "", clicks: 0, scale: 1, tx: 0, ty: 0, start: null, dragging: false,
             tipAt: null, asked: 0 };
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
    fraction(event) {
      // The image's box as shown, zoom and pan included: fractions of the drawn image.
      const box = event.currentTarget.querySelector("img").getBoundingClientRect();
      if (!box.width || !box.height) return null;
      return {
        x: (event.clientX - box.left) / box.width,
        y: (event.clientY - box.top) / box.height,
      };
    },
    zoomed(event) {
      const frame = event.currentTarget.getBoundingClientRect();
      const px = event.clientX - frame.left, py = event.clientY - frame.top;
      const next = Math.min(8, Math.max(1, this.scale * (event.deltaY < 0 ? 1.25 : 0.8)));
      this.tx = px - (px - this.tx) * next / this.scale;
      this.ty = py - (py - this.ty) * next / this.scale;
      this.scale = next;
      if (next === 1) { this.tx = 0; this.ty = 0; }
    },
    pressed(event) {
      this.start = { x: event.clientX, y: event.clientY, tx: this.tx, ty: this.ty };
      this.dragging = false;
    },
    moved(event) {
      if (this.start && event.buttons) {
        const dx = event.clientX - this.start.x, dy = event.clientY - this.start.y;
        if (Math.abs(dx) + Math.abs(dy) > 4 && this.scale > 1) {
          this.dragging = true;
          this.tx = this.start.tx + dx;
          this.ty = this.start.ty + dy;
        }
        return;
      }
      const now = Date.now();
      if (now - this.asked < 120) return;  // at most about 8 questions a second
      this.asked = now;
      const at = this.fraction(event);
      if (!at) return;
      const frame = event.currentTarget.getBoundingClientRect();
      this.tipAt = { x: event.clientX - frame.left + 14, y: event.clientY - frame.top + 14 };
      this.hover = at;
    },
    released(event) {
      const wasDrag = this.dragging;
      this.start = null;
      this.dragging = false;
      if (wasDrag) return;
      const at = this.fraction(event);
      if (!at) return;
      this.clicks += 1;
      this.click = { x: at.x, y: at.y, n: this.clicks };
    },
    left() {
      this.start = null;
      this.dragging = false;
      this.tipAt = null;
    },
    reset() {
      this.scale = 1; this.tx = 0; this.ty = 0;
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
            so that two clicks on the same spot are two changes. A drag is not a click.
        hover: ``{"x": ..., "y": ...}``: where the pointer rests (at most ~8 times a second).
        tip: Text the page shows by the pointer (the server's answer to ``hover``).

    The wheel zooms (1x to 8x, around the pointer), a drag pans a zoomed image and a
    double click resets; fractions are of the image as drawn, so zoom and pan do not
    change which citizen a click or a hover finds.
    """

    png = traitlets.Bytes(b"").tag(sync=True)
    css_class = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    click = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)
    hover = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)
    tip = traitlets.Unicode("").tag(sync=True)

    @traitlets.default("template")
    def _template(self) -> str:
        return TEMPLATE
