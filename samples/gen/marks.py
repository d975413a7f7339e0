"""Hand marks on a canvas: blue ink signatures, red round and rectangular stamps.
Used by the flow layout (signature blocks) and by certified copies; depends only on text."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from .text import BLACK_INK, Canvas, nfc


def draw_signature(c: Canvas, x0, y0, w, h, rng, ink="blue"):
    t = np.linspace(0.0, 1.0, 500)
    loops = rng.integers(3, 7)
    ph = rng.uniform(0, 2 * math.pi, 4)
    amp = rng.uniform(0.04, 0.08)
    xs = x0 + w * (0.9 * t + amp * np.sin(2 * math.pi * loops * t + ph[0]))
    ys = y0 + h * (0.5 + 0.38 * np.sin(2 * math.pi * loops * t + ph[1]) * (1 - 0.6 * t)
                   + 0.12 * np.sin(2 * math.pi * 1.3 * t + ph[2]) - 0.15 * t)
    d = c.drawer(ink)
    fill = BLACK_INK if ink == "black" else 255
    width = max(2, c.pt(1.1))
    d.line(list(zip(xs.tolist(), ys.tolist())), fill=fill, width=width, joint="curve")
    # final flourish
    fx = np.linspace(x0 + w * 0.1, x0 + w * rng.uniform(0.9, 1.1), 60)
    fy = y0 + h * (0.85 + 0.08 * np.sin(np.linspace(0, math.pi, 60) + ph[3]))
    d.line(list(zip(fx.tolist(), fy.tolist())), fill=fill, width=width, joint="curve")


def _uneven(arr: np.ndarray, rng, lo=0.45) -> np.ndarray:
    """Multiply an ink mask by low-frequency blotches: stamp ink is never even."""
    h, w = arr.shape
    small = Image.fromarray((rng.uniform(lo, 1.0, (6, 6)) * 255).astype(np.uint8))
    blot = np.asarray(small.resize((w, h), Image.BILINEAR), np.float32) / 255
    return arr * blot


def _paste_mask(c: Canvas, ink: str, mask: Image.Image, x: int, y: int):
    layer = c.layer(ink)
    box = (x, y, x + mask.width, y + mask.height)
    cur = np.asarray(layer.crop(box), np.uint8)
    new = np.maximum(cur, np.asarray(mask, np.uint8))
    layer.paste(Image.fromarray(new), box[:2])


def draw_round_stamp(c: Canvas, cx, cy, r, ring_text, rng, ink="red"):
    size = int(2 * r + 8)
    tmp = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(tmp)
    o = size / 2
    d.ellipse([o - r, o - r, o + r, o + r], outline=255, width=max(3, int(r / 18)))
    ri = r * 0.68
    d.ellipse([o - ri, o - ri, o + ri, o + ri], outline=255, width=max(2, int(r / 40)))
    text = nfc(ring_text.upper())
    px = max(8, int(r * 0.19))
    f = c.fonts.get("sans", "bold", px)
    R = (r + ri) / 2
    while True:
        widths = [d.textlength(ch, font=f) for ch in text]
        total = sum(widths) / R
        if total < 2 * math.pi * 0.86 or px <= 8:
            break
        px -= 1
        f = c.fonts.get("sans", "bold", px)
    acc, start = 0.0, -total / 2
    asc, desc = f.getmetrics()
    for ch, w in zip(text, widths):
        theta = start + (acc + w / 2) / R
        acc += w
        if ch == " ":
            continue
        g = Image.new("L", (int(w) + 6, asc + desc + 6), 0)
        ImageDraw.Draw(g).text((3, 3), ch, font=f, fill=255)
        g = g.rotate(-math.degrees(theta), resample=Image.BICUBIC, expand=True)
        gx = o + (R - (asc - desc) * 0.05) * math.sin(theta) - g.width / 2
        gy = o - (R - (asc - desc) * 0.05) * math.cos(theta) - g.height / 2
        tmp.paste(255, (int(gx), int(gy)), g)
    # star in the centre
    pts = []
    rs = ri * 0.36
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = rs if k % 2 == 0 else rs * 0.42
        pts.append((o + rr * math.cos(a), o + rr * math.sin(a)))
    d.polygon(pts, fill=255)
    arr = _uneven(np.asarray(tmp, np.float32), rng)
    tmp = Image.fromarray(arr.astype(np.uint8)).rotate(float(rng.uniform(-25, 25)), resample=Image.BILINEAR)
    _paste_mask(c, ink, tmp, int(cx - o), int(cy - o))


def draw_rect_stamp(c: Canvas, x, y, lines, rng, ink="red", size=12):
    f = c.fonts.get("sans", "bold", c.pt(size))
    w = int(max(c.tw(nfc(s), f) for s in lines) + c.mm(8))
    lh = c.lh(f, 1.2)
    h = int(lh * len(lines) + c.mm(5))
    tmp = Image.new("L", (w + 8, h + 8), 0)
    d = ImageDraw.Draw(tmp)
    d.rectangle([4, 4, w + 3, h + 3], outline=255, width=max(3, c.pt(1.2)))
    for i, s in enumerate(lines):
        s = nfc(s)
        d.text((4 + (w - d.textlength(s, font=f)) / 2, 4 + c.mm(2.5) + i * lh), s, font=f, fill=255)
    arr = _uneven(np.asarray(tmp, np.float32), rng, 0.55)
    tmp = Image.fromarray(arr.astype(np.uint8)).rotate(float(rng.uniform(-4, 4)), resample=Image.BILINEAR,
                                                      expand=True)
    _paste_mask(c, ink, tmp, int(x), int(y))
