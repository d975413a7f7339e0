"""Scanner look: skew, dark borders, paper tone, shading, noise, blur, thresholding and dust.
Turns a clean Canvas into a degraded pixel array; writers.render_page picks the path per file format."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from .text import INKS, Canvas


@dataclass
class Degrade:
    angle: float                      # skew in degrees (positive = counter-clockwise)
    borders: list                     # [(edge, width_px)] dark scanner border
    tone: tuple                       # paper colour (r, g, b)
    noise: float                      # sensor noise sigma (grey levels)
    shade: float                      # uneven illumination (fraction)
    threshold: int = 160              # bilevel threshold
    specks: int = 0                   # dust specks (bilevel)
    blur: float = 0.0                 # optics softness (Gaussian radius, px)
    resample: int = Image.BILINEAR    # PNG pages use NEAREST: interpolated edges cost too many bytes lossless


def pick_degradation(rng, fmt: str, blank: bool) -> Degrade:
    sign = 1 if rng.random() < 0.5 else -1
    angle = sign * float(rng.uniform(0.3, 2.5))
    borders = []
    if rng.random() < 0.35:
        edges = ["left", "right", "top", "bottom"]
        k = 1 if rng.random() < 0.6 else 2
        for e in rng.choice(edges, size=k, replace=False):
            borders.append((str(e), int(rng.integers(10, 61))))
    if blank:
        base = float(rng.uniform(247, 253))
        tone = (base, base - float(rng.uniform(0, 2)), base - float(rng.uniform(1, 4)))
    elif rng.random() < 0.5:     # yellowish paper
        tone = (float(rng.uniform(243, 250)), float(rng.uniform(237, 244)), float(rng.uniform(218, 228)))
    else:                        # greyish paper
        g = float(rng.uniform(232, 242))
        tone = (g, g, g - float(rng.uniform(0, 4)))
    # PNG pages get no sensor noise and no shading: lossless noise would make them several MB each
    png = fmt.startswith("png") and fmt != "png_1bit"
    noise = 0.0 if png else float(rng.uniform(1.0, 1.6) if blank else rng.uniform(1.4, 2.4))
    shade = 0.0 if png else float(rng.uniform(0.0, 0.035))
    blur = 0.0 if png else float(rng.uniform(0.4, 0.7))
    return Degrade(angle, borders, tone, noise, shade, int(rng.integers(150, 176)), int(rng.integers(5, 60)),
                   blur, Image.NEAREST if png else Image.BILINEAR)


def _lum(rgb):
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def compose(canvas: Canvas | None, shape, tone, colour: bool) -> np.ndarray:
    """Clean page -> float array (H,W,3) or (H,W) on the paper tone, colour inks multiplied in."""
    H, W = shape
    if colour:
        paper = np.array(tone, np.float32)
    else:
        paper = np.float32(_lum(tone))
    if canvas is None:
        return np.broadcast_to(paper, (H, W, 3) if colour else (H, W)).astype(np.float32)
    t = np.asarray(canvas.img, np.float32) * (1.0 / 255.0)
    out = t[..., None] * paper if colour else t * paper
    for name, layer in sorted(canvas.layers.items()):
        bbox = layer.getbbox()
        if not bbox:
            continue
        x0, y0, x1, y1 = bbox
        rgb, op = INKS[name]
        a = np.asarray(layer.crop(bbox), np.float32) * (op / 255.0)
        sub = out[y0:y1, x0:x1]
        if colour:
            a = a[..., None]
            ink = np.array(rgb, np.float32) / 255.0
        else:
            ink = np.float32(_lum(rgb) / 255.0)
        out[y0:y1, x0:x1] = sub * (1 - a) + sub * ink * a
    return out


def _shade(arr: np.ndarray, k: float) -> np.ndarray:
    if k <= 0:
        return arr
    H, W = arr.shape[:2]
    ramp = (1.0 - k * np.linspace(0, 1, W, dtype=np.float32))[None, :]
    return arr * (ramp[..., None] if arr.ndim == 3 else ramp)


def _borders(arr: np.ndarray, borders, value: float):
    for edge, w in borders:
        if edge == "left":
            arr[:, :w] = value
        elif edge == "right":
            arr[:, -w:] = value
        elif edge == "top":
            arr[:w] = value
        else:
            arr[-w:] = value
    return arr


def _blur121(arr: np.ndarray) -> np.ndarray:
    """[1 2 1]/4 separable blur (about a 0.7 px Gaussian)."""
    a = arr.copy()
    a[:, 1:-1] = 0.25 * arr[:, :-2] + 0.5 * arr[:, 1:-1] + 0.25 * arr[:, 2:]
    b = a.copy()
    b[1:-1] = 0.25 * a[:-2] + 0.5 * a[1:-1] + 0.25 * a[2:]
    return b


def _rotate_u8(arr: np.ndarray, angle: float, fill, blur: float = 0.0, resample=Image.BILINEAR) -> np.ndarray:
    im = Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8))
    im = im.rotate(angle, resample=resample, fillcolor=fill)
    if blur > 0:
        im = im.filter(ImageFilter.BoxBlur(blur))
    return np.asarray(im, np.float32)


def degrade_tone(canvas, shape, d: Degrade, rng, colour: bool, keep_float=False, want_alpha=False):
    """Colour or grey scan: compose, shade, skew, noise, dark border.  Returns (array, alpha)."""
    arr = _shade(compose(canvas, shape, d.tone, colour), d.shade)
    lid = (252, 252, 250) if colour else 251
    if keep_float:          # 16-bit path: rotate in float to keep the precision
        im = Image.fromarray(np.ascontiguousarray(arr, np.float32))      # mode F
        arr = np.asarray(im.rotate(d.angle, resample=d.resample, fillcolor=251.0), np.float32).copy()
        if d.blur > 0:
            arr = _blur121(arr)     # Pillow cannot blur mode F
    else:
        arr = _rotate_u8(arr, d.angle, lid, d.blur, d.resample).copy()
    alpha = None
    if want_alpha:          # transparent where the skewed page does not cover the frame
        alpha = np.asarray(Image.new("L", (shape[1], shape[0]), 255).rotate(d.angle, resample=Image.BILINEAR,
                                                                           fillcolor=0))
    if d.noise > 0:
        n = rng.standard_normal(shape, dtype=np.float32) * np.float32(d.noise)
        arr += n[..., None] if colour else n
    dark = float(rng.uniform(12, 34))
    _borders(arr, d.borders, dark)
    return np.clip(arr, 0, 255), alpha


def degrade_bilevel(canvas, shape, d: Degrade, rng) -> Image.Image:
    """Bilevel (fax/ADF) scan: grey compose, skew, border, threshold, dust."""
    arr = compose(canvas, shape, (255, 255, 255), False)
    arr = _rotate_u8(arr, d.angle, 255)
    arr = _borders(arr.copy(), d.borders, 0.0)
    bw = arr > d.threshold
    H, W = shape
    for _ in range(d.specks):
        y, x = int(rng.integers(0, H - 4)), int(rng.integers(0, W - 4))
        s = int(rng.integers(1, 4))
        bw[y:y + s, x:x + s] = False
    return Image.fromarray(bw)      # mode '1'
