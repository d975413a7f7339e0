#!/usr/bin/env python3
"""Generate a synthetic batch of scanned Vietnamese TTHC case files (hồ sơ TTHC).

Output is the input contract of sohoa: one folder per case holding page images
(JPEG / PNG / G4 TIFF, flat or in one subfolder per component document), a
batch register ``hoso.csv`` and, for some cases, a ``hoso.json`` sidecar.

    python3 samples/generate.py OUT_DIR [--cases N] [--pages N] [--seed S] [--dpi D] [--force]

Only Pillow and numpy are needed.  The output is deterministic: the same seed,
Pillow/FreeType/libjpeg/zlib/libtiff versions and fonts give byte-identical
files (no timestamps are written anywhere).

Code layout (so later work can plant defects):
  * fonts ............ locate_fonts / Fonts
  * text rendering ... Canvas, Flow, draw_* (stamps, signatures), doc_* builders
  * degradation ...... Degrade, pick_degradation, compose_*, degrade_*
  * file writers ..... write_* and patch_fillorder2 / verify_fillorder2
  * metadata ......... people, CCCD, dates, register rows, sidecars
  * case plans ....... curated_cases (the committed batch), generic_case (bulk)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import glob
import io
import json
import math
import os
import random
import shutil
import struct
import sys
import time
import unicodedata
from dataclasses import dataclass

try:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont
except ImportError as exc:  # pragma: no cover
    sys.exit(f"error: {exc}. Install the dependencies: pip install pillow numpy")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# --------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
# Only faces shipped by Debian's fonts-dejavu-core, so output is the same without fonts-dejavu-extra.
# The "italic" style used by the layout code is rendered with the regular face.
FONT_FILES = {
    ("serif", "regular"): "DejaVuSerif.ttf",
    ("serif", "bold"): "DejaVuSerif-Bold.ttf",
    ("sans", "regular"): "DejaVuSans.ttf",
    ("sans", "bold"): "DejaVuSans-Bold.ttf",
    ("mono", "regular"): "DejaVuSansMono.ttf",
}


def locate_fonts() -> dict:
    """Map (family, style) -> path.  Missing styles fall back to another DejaVu face."""
    found = {}
    every = sorted(glob.glob("/usr/share/fonts/**/DejaVu*.ttf", recursive=True))
    by_name = {}
    for p in every:
        by_name.setdefault(os.path.basename(p), p)
    for key, name in FONT_FILES.items():
        p = os.path.join(FONT_DIR, name)
        if os.path.isfile(p):
            found[key] = p
        elif name in by_name:
            found[key] = by_name[name]
    if not found and not every:
        sys.exit("error: no DejaVu font found under /usr/share/fonts "
                 "(install Debian's fonts-dejavu-core: apt-get install fonts-dejavu-core)")
    plain = [p for p in every if "Mono" not in p and "Condensed" not in p and "ExtraLight" not in p]
    any_font = (found.get(("serif", "regular")) or found.get(("sans", "regular"))
                or (plain or every)[0])
    chains = {
        ("serif", "bold"): [("serif", "regular")],
        ("sans", "bold"): [("sans", "regular"), ("serif", "bold")],
        ("sans", "regular"): [("serif", "regular")],
        ("serif", "regular"): [("sans", "regular")],
        ("mono", "regular"): [("sans", "regular")],
    }
    for key in FONT_FILES:
        if key not in found:
            for alt in chains.get(key, []):
                if alt in found:
                    found[key] = found[alt]
                    break
            else:
                found[key] = any_font
    return found


class Fonts:
    def __init__(self):
        self.paths = locate_fonts()
        self.cache = {}

    def get(self, family: str, style: str, px: int) -> ImageFont.FreeTypeFont:
        key = (family, style, px)
        if key not in self.cache:
            path = self.paths.get((family, style)) or self.paths[("serif", "regular")]
            self.cache[key] = ImageFont.truetype(path, px)
        return self.cache[key]


# --------------------------------------------------------------------------
# Text rendering: canvas, flow layout, stamps and signatures
# --------------------------------------------------------------------------

BLACK_INK = 24          # grey level of printed text on the clean canvas
INKS = {                # colour layers: (rgb, opacity)
    "blue": ((28, 44, 150), 0.92),
    "red": ((205, 32, 40), 0.80),
}


class Canvas:
    """A clean A4 page: black text on white in an 'L' image plus colour ink masks."""

    def __init__(self, fonts: Fonts, dpi: int):
        self.fonts, self.dpi = fonts, dpi
        self.W, self.H = self.mm(210), self.mm(297)
        self.img = Image.new("L", (self.W, self.H), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.layers: dict[str, Image.Image] = {}
        self.left, self.right = self.mm(30), self.W - self.mm(15)
        self.top, self.bottom = self.mm(20), self.H - self.mm(20)
        self.y = self.top

    def copy(self) -> "Canvas":
        c = Canvas.__new__(Canvas)
        c.__dict__.update(self.__dict__)
        c.img = self.img.copy()
        c.draw = ImageDraw.Draw(c.img)
        c.layers = {k: v.copy() for k, v in self.layers.items()}
        return c

    # units
    def mm(self, v: float) -> int:
        return int(round(v / 25.4 * self.dpi))

    def pt(self, v: float) -> int:
        return int(round(v * self.dpi / 72))

    def font(self, size=13, style="regular", family="serif"):
        return self.fonts.get(family, style, self.pt(size))

    def layer(self, ink: str) -> Image.Image:
        if ink not in self.layers:
            self.layers[ink] = Image.new("L", (self.W, self.H), 0)
        return self.layers[ink]

    def drawer(self, ink: str):
        return self.draw if ink == "black" else ImageDraw.Draw(self.layer(ink))

    # text primitives
    def tw(self, s: str, f) -> float:
        return self.draw.textlength(s, font=f)

    def lh(self, f, spacing=1.3) -> int:
        a, d = f.getmetrics()
        return int((a + d) * spacing)

    def text(self, x, y, s, f, ink="black"):
        s = nfc(s)
        fill = BLACK_INK if ink == "black" else 255
        self.drawer(ink).text((x, y), s, font=f, fill=fill)

    def fit(self, s, max_w, size, style="regular", family="serif"):
        f = self.font(size, style, family)
        while self.tw(s, f) > max_w and size > 6:
            size -= 0.5
            f = self.font(size, style, family)
        return f

    def center_text(self, s, f, x0, x1, y, ink="black"):
        w = self.tw(s, f)
        self.text(x0 + (x1 - x0 - w) / 2, y, s, f, ink)
        return w

    def hline(self, x0, x1, y, width=2, ink="black"):
        self.drawer(ink).line([(x0, y), (x1, y)], fill=BLACK_INK if ink == "black" else 255, width=width)

    def wrap(self, s, f, width, first_indent=0):
        words, lines, cur, ind = nfc(s).split(), [], "", first_indent
        for w in words:
            t = (cur + " " + w) if cur else w
            if self.tw(t, f) + ind <= width or not cur:
                cur = t
            else:
                lines.append((cur, ind))
                cur, ind = w, 0
        if cur:
            lines.append((cur, ind))
        return lines


class StopFlow(Exception):
    pass


class Flow:
    """Lays out a list of blocks over at most `max_pages` canvases."""

    def __init__(self, make_canvas, max_pages, rng, numbered=False):
        self.make_canvas, self.max, self.rng, self.numbered = make_canvas, max_pages, rng, numbered
        self.pages: list[Canvas] = []
        self.newpage()

    def newpage(self):
        if len(self.pages) >= self.max:
            raise StopFlow
        c = self.make_canvas()
        self.pages.append(c)
        self.c = c
        if self.numbered and len(self.pages) > 1:
            f = c.font(12)
            c.center_text(str(len(self.pages)), f, c.left, c.right, c.mm(8))

    def ensure(self, h) -> Canvas:
        """Start a new page if h pixels do not fit; returns the (possibly new) current canvas."""
        if self.c.y + h > self.c.bottom:
            self.newpage()
        return self.c

    # ---- blocks -----------------------------------------------------------
    def do(self, b):
        getattr(self, "b_" + b[0])(*b[1:])

    def b_gap(self, pt):
        self.c.y += self.c.pt(pt)

    def b_break(self):
        self.newpage()

    def b_title(self, s, size=14):
        c = self.c
        f = c.fit(s, c.right - c.left, size, "bold")
        c = self.ensure(c.lh(f))
        c.center_text(s, f, c.left, c.right, c.y)
        c.y += c.lh(f)

    def b_center(self, s, size=13, style="regular", ink="black"):
        c = self.c
        for line, _ in c.wrap(s, c.font(size, style), c.right - c.left):
            f = c.font(size, style)
            c = self.ensure(c.lh(f))
            c.center_text(line, f, c.left, c.right, c.y, ink)
            c.y += c.lh(f)

    def b_left(self, s, size=13, style="regular"):
        c = self.c
        f = c.font(size, style)
        c = self.ensure(c.lh(f))
        c.text(c.left, c.y, s, f)
        c.y += c.lh(f)

    def b_right(self, s, size=13, style="italic"):
        """Centred in the right half (date lines, 'Mẫu số' tags)."""
        c = self.c
        f = c.fit(s, (c.right - c.left) * 0.58, size, style)
        c = self.ensure(c.lh(f))
        x0 = c.left + (c.right - c.left) * 0.42
        c.center_text(s, f, x0, c.right, c.y)
        c.y += c.lh(f)

    def b_tag(self, s, size=11):
        c = self.c
        f = c.font(size, "bold")
        c.text(c.right - c.tw(s, f), c.y - c.pt(14), s, f)

    def b_para(self, s, size=13, indent_mm=10, style="regular", justify=True):
        c = self.c
        f = c.font(size, style)
        width = c.right - c.left
        lines = c.wrap(s, f, width, c.mm(indent_mm))
        h = c.lh(f)
        for i, (line, ind) in enumerate(lines):
            c = self.ensure(h)
            x = c.left + ind
            last = i == len(lines) - 1
            words = line.split(" ")
            if justify and not last and len(words) > 1:
                total = sum(c.tw(w, f) for w in words)
                gap = (width - ind - total) / (len(words) - 1)
                for w in words:
                    c.text(x, c.y, w, f)
                    x += c.tw(w, f) + gap
            else:
                c.text(x, c.y, line, f)
            c.y += h

    def _dots(self, x0, x1, y, f):
        c = self.c
        dw = c.tw(".", f)
        if x1 - x0 > dw * 2:
            n = int((x1 - x0) / dw)
            c.text(x1 - n * dw, y, "." * n, f)

    def b_field(self, label, value, ink="black", size=13):
        c = self.c
        f = c.font(size)
        fv = c.font(size + 0.5, "regular", "sans") if ink == "blue" else f
        h = c.lh(f)
        c = self.ensure(h)
        c.text(c.left, c.y, label, f)
        x = c.left + c.tw(label, f)
        rest = nfc(value)
        while True:
            avail = c.right - x
            lines = c.wrap(rest, fv, avail)
            first = lines[0][0] if lines else ""
            if first and x > c.left and c.tw(first, fv) > avail:
                self._dots(x + c.pt(3), c.right, c.y, f)
                c.y += h
                c = self.ensure(h)
                x = c.left
                continue
            c.text(x, c.y, first, fv, ink)
            xe = x + c.tw(first, fv) + c.pt(3)
            self._dots(xe, c.right, c.y, f)
            rest = rest[len(first):].strip()
            c.y += h
            if not rest:
                break
            c = self.ensure(h)
            x = c.left

    def b_fields(self, pairs, ink="black", size=13):
        c = self.c
        f = c.font(size)
        fv = c.font(size + 0.5, "regular", "sans") if ink == "blue" else f
        h = c.lh(f)
        c = self.ensure(h)
        colw = (c.right - c.left) / len(pairs)
        for i, (label, value) in enumerate(pairs):
            x = c.left + i * colw
            c.text(x, c.y, label, f)
            xv = x + c.tw(label, f)
            c.text(xv, c.y, value, fv, ink)
            self._dots(xv + c.tw(nfc(value), fv) + c.pt(3), x + colw - c.pt(6), c.y, f)
        c.y += h

    def b_natl(self, left_lines=None, number=None, date_line=None):
        """National motto header, with the issuing organ on the left if given."""
        c = self.c
        w = c.right - c.left
        if left_lines:
            lx0, lx1 = c.left - c.mm(8), c.left + w * 0.38
            rx0, rx1 = c.left + w * 0.41, c.right + c.mm(4)
        else:
            rx0, rx1 = c.left, c.right
        y0 = c.y
        f1 = c.fit("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", rx1 - rx0, 12.5, "bold")
        f2 = c.fit("Độc lập - Tự do - Hạnh phúc", rx1 - rx0, 13.5, "bold")
        c.center_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f1, rx0, rx1, y0)
        y = y0 + c.lh(f1, 1.2)
        wm = c.center_text("Độc lập - Tự do - Hạnh phúc", f2, rx0, rx1, y)
        y += c.lh(f2, 1.15)
        mid = (rx0 + rx1) / 2
        c.hline(mid - wm / 2, mid + wm / 2, y, max(2, c.pt(0.8)))
        yr = y + c.pt(6)
        yl = y0
        if left_lines:
            for i, s in enumerate(left_lines):
                last = i == len(left_lines) - 1
                f = c.fit(s, lx1 - lx0, 12.5, "bold" if last else "regular")
                wl = c.center_text(s, f, lx0, lx1, yl)
                yl += c.lh(f, 1.2)
            lm = (lx0 + lx1) / 2
            c.hline(lm - wl / 4, lm + wl / 4, yl, max(2, c.pt(0.8)))
            yl += c.pt(6)
            if number:
                f = c.font(13)
                c.center_text(number, f, lx0, lx1, yl)
                yl += c.lh(f)
        if date_line:
            f = c.fit(date_line, rx1 - rx0, 13, "italic")
            c.center_text(date_line, f, rx0, rx1, yr)
            yr += c.lh(f)
        c.y = max(yl, yr) + c.pt(10)

    def b_signs(self, cols):
        """Signature blocks side by side; a None column is left empty."""
        c = self.c
        ft, fn, fname = c.font(13, "bold"), c.font(12, "italic"), c.font(13, "bold")
        h = c.lh(ft) + c.lh(fn) + c.mm(24) + c.lh(fname)
        c = self.ensure(h)
        n = len(cols)
        colw = (c.right - c.left + c.mm(10)) / n
        y0 = c.y
        for i, col in enumerate(cols):
            if not col:
                continue
            x0 = c.left - c.mm(5) + i * colw
            x1 = x0 + colw
            y = y0
            for line in col.get("title", "").split("\n"):
                f = c.fit(line, colw, 13, "bold")
                c.center_text(line, f, x0, x1, y)
                y += c.lh(f, 1.2)
            if col.get("note"):
                f = c.fit(col["note"], colw, 12, "italic")
                c.center_text(col["note"], f, x0, x1, y)
                y += c.lh(f)
            box_y = y + c.mm(2)
            cx = (x0 + x1) / 2
            if col.get("stamp"):
                draw_round_stamp(c, cx - c.mm(12), box_y + c.mm(10), c.mm(17), col["stamp"], self.rng)
            if col.get("sign", True):
                draw_signature(c, cx - c.mm(18), box_y + c.mm(2), c.mm(36), c.mm(15), self.rng,
                               col.get("ink", "blue"))
            y = box_y + c.mm(22)
            if col.get("name"):
                f = c.fit(col["name"], colw, 13, "bold")
                c.center_text(col["name"], f, x0, x1, y)
        c.y = y0 + h + c.pt(6)

    def b_page(self, fn):
        """A custom drawer that owns a whole page (map, ID card copy)."""
        if self.c.y > self.c.top + self.c.pt(30):
            self.newpage()
        fn(self.c, self.rng)
        self.c.y = self.c.bottom


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


# --------------------------------------------------------------------------
# Vietnamese text helpers and content pools
# --------------------------------------------------------------------------

_U = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def vn_num(n: int) -> str:
    """Vietnamese reading of 0..9999 (for 'ghi bằng chữ' lines)."""
    def two(n):
        t, u = divmod(n, 10)
        if t == 0:
            return _U[u]
        if t == 1:
            return "mười" + ("" if u == 0 else " " + ("lăm" if u == 5 else _U[u]))
        s = _U[t] + " mươi"
        if u:
            s += " " + {1: "mốt", 4: "tư", 5: "lăm"}.get(u, _U[u])
        return s

    def three(n, full=False):
        h, r = divmod(n, 100)
        if h == 0 and not full:
            return two(r)
        s = _U[h] + " trăm"
        if r == 0:
            return s
        return s + (" linh " + _U[r] if r < 10 else " " + two(r))

    th, r = divmod(n, 1000)
    if th == 0:
        return three(r)
    s = _U[th] + " nghìn"
    return s if r == 0 else s + " " + three(r, full=True)


MONTHS = ["", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai"]


def date_words(d: dt.date) -> str:
    day = ("mồng " + _U[d.day] if d.day < 10 else ("mồng mười" if d.day == 10 else vn_num(d.day)))
    return nfc(f"Ngày {day} tháng {MONTHS[d.month]} năm {vn_num(d.year)}")


def ngay(d: dt.date) -> str:
    """NĐ 30/2020 style: zero-pad days below 10 and months 1-2 only."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def dmy(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


GENERIC_SENTENCES = [
    "Hồ sơ được tiếp nhận tại Bộ phận Một cửa và chuyển đến công chức chuyên môn để thẩm định theo đúng quy trình nội bộ đã được phê duyệt.",
    "Người yêu cầu chịu trách nhiệm trước pháp luật về tính chính xác, trung thực của các thông tin đã kê khai và các giấy tờ đã nộp kèm theo.",
    "Trường hợp hồ sơ chưa đầy đủ, chưa hợp lệ thì cán bộ tiếp nhận hướng dẫn người nộp bổ sung, hoàn thiện một lần bằng văn bản.",
    "Kết quả giải quyết thủ tục hành chính được trả trực tiếp tại Bộ phận Một cửa hoặc gửi qua dịch vụ bưu chính công ích theo yêu cầu của người nộp.",
    "Cơ quan giải quyết có trách nhiệm số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và lưu trữ theo quy định của pháp luật về lưu trữ.",
    "Thông tin cá nhân của người yêu cầu được bảo vệ theo quy định về bảo vệ dữ liệu cá nhân và chỉ được sử dụng cho mục đích giải quyết hồ sơ.",
    "Việc khai thác, sử dụng dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư được thực hiện thông qua hệ thống thông tin giải quyết thủ tục hành chính.",
    "Trong thời hạn quy định, nếu cần xác minh thêm thì cơ quan giải quyết thông báo bằng văn bản cho người yêu cầu, nêu rõ lý do và thời hạn trả kết quả mới.",
    "Phí, lệ phí được thu theo quy định hiện hành; người nộp được cấp biên lai thu phí, lệ phí theo mẫu của Bộ Tài chính.",
    "Các bên cam kết thực hiện đúng các nội dung đã thỏa thuận; mọi sửa đổi, bổ sung phải được lập thành văn bản và có chữ ký của các bên.",
    "Ủy ban nhân dân xã đã niêm yết công khai danh mục thủ tục hành chính, thành phần hồ sơ, thời hạn giải quyết và mức phí, lệ phí tại trụ sở.",
    "Công chức tư pháp - hộ tịch kiểm tra tính hợp lệ của giấy tờ, đối chiếu thông tin với sổ hộ tịch và cơ sở dữ liệu hộ tịch điện tử.",
    "Trường hợp người yêu cầu nộp bản sao không có chứng thực thì phải xuất trình bản chính để người tiếp nhận đối chiếu.",
    "Sau khi nhận đủ hồ sơ hợp lệ, cơ quan có thẩm quyền cấp giấy tiếp nhận hồ sơ và hẹn ngày trả kết quả cho người nộp.",
    "Mọi khiếu nại, phản ánh về việc giải quyết hồ sơ được gửi đến Bộ phận Một cửa hoặc qua Cổng Dịch vụ công quốc gia.",
]

EQUIPMENT = [
    "Điều hòa nhiệt độ 1,5 HP", "Tủ lạnh hai cánh 250 lít", "Máy giặt cửa trên 8 kg", "Bình nóng lạnh 30 lít",
    "Giường gỗ 1,6 m x 2 m", "Tủ quần áo gỗ ba cánh", "Bàn ăn kèm bốn ghế", "Bếp từ đôi", "Quạt trần",
    "Rèm cửa phòng khách", "Bồn rửa bát inox", "Đèn chiếu sáng phòng ngủ", "Kệ ti vi", "Sofa phòng khách",
]


def filler_blocks(rnd: random.Random, kind="generic"):
    """Endless continuation blocks used to pad a document to the requested page count."""
    if kind == "equipment":
        yield ("title", "PHỤ LỤC: DANH MỤC TRANG THIẾT BỊ BÀN GIAO", 13)
        yield ("gap", 6)
        i = 1
        while True:
            item = EQUIPMENT[(i - 1) % len(EQUIPMENT)]
            yield ("para", f"{i}. {item}: số lượng {rnd.randint(1, 3):02d}; tình trạng khi bàn giao: "
                   f"{rnd.choice(['hoạt động tốt', 'còn mới', 'đã qua sử dụng, hoạt động bình thường'])}.",
                   13, 5, "regular", False)
            i += 1
    while True:
        s = rnd.sample(GENERIC_SENTENCES, rnd.randint(2, 4))
        yield ("para", " ".join(s))


def render_doc(blocks, n_pages, make_canvas, rng, rnd, filler="generic", numbered=False):
    """Render `blocks` onto exactly n_pages canvases (truncate or pad with filler text)."""
    fl = Flow(make_canvas, n_pages, rng, numbered)
    try:
        for b in blocks:
            fl.do(b)
        if len(fl.pages) < n_pages:
            fl.newpage()
            for b in filler_blocks(rnd, filler):
                fl.do(b)
    except StopFlow:
        pass
    return fl.pages


# --------------------------------------------------------------------------
# People, places, codes (metadata)
# --------------------------------------------------------------------------

MALE = ["Nguyễn Văn An", "Lê Hoàng Đức", "Trần Quốc Bảo", "Phạm Minh Tuấn", "Hoàng Văn Dũng",
        "Vũ Đức Thắng", "Đặng Quang Huy", "Bùi Tiến Dũng", "Đỗ Mạnh Hùng", "Ngô Thanh Sơn",
        "Huỳnh Tấn Lộc", "Phan Văn Khải", "Dương Minh Trí", "Lý Quốc Việt"]
FEMALE = ["Trần Thị Bình", "Phạm Thị Thu Hằng", "Nguyễn Thị Mai", "Lê Thị Hồng Nhung", "Hoàng Thị Lan",
          "Đỗ Thị Ngọc Ánh", "Vũ Thị Hương", "Bùi Thị Thảo", "Đặng Thị Kim Oanh", "Ngô Thị Phương Thảo",
          "Trần Thị Lan", "Võ Thị Yến", "Huỳnh Thị Tuyết", "Phan Thị Diệu Linh"]
CHILD_MIDDLE = ["Minh", "Gia", "Bảo", "Ngọc", "Anh", "Khánh", "Hoài", "Thanh"]
CHILD_BOY = ["Khôi", "Huy", "Nam", "Phúc", "Long", "Quân", "Đăng", "Khang"]
CHILD_GIRL = ["Hân", "Vy", "Linh", "An", "Ngân", "Trâm", "Nhi", "Thư"]

# CCCD province codes (birth registration place), see domain.md §8.3
CCCD_PROVINCES = ["001", "025", "017", "068", "079", "048", "031", "038", "040", "075", "092"]


@dataclass
class Agency:
    code: str           # mã định danh, ^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$
    name: str           # for the register 'Cơ quan'
    place: str          # "xã Tân Hòa"
    province: str       # "Phú Thọ"
    archive: str        # mã cơ quan lưu trữ prefix for 'Mã hồ sơ giấy'
    villages: list

    @property
    def c1(self):
        return self.code.split(".")[-1]


AGENCIES = {
    "tanhoa": Agency("000.00.15.H12", "UBND xã Tân Hòa", "xã Tân Hòa", "Phú Thọ", "H12",
                     ["Xóm Đồng Bến", "Xóm Bãi Cả", "Xóm Tân Lập", "Xóm Đồi Cọ"]),
    "hiepthanh": Agency("000.00.23.H36", "UBND xã Hiệp Thạnh", "xã Hiệp Thạnh", "Lâm Đồng", "H36",
                        ["Thôn Phú Thạnh", "Thôn Bồng Lai", "Thôn Quảng Hiệp", "Thôn Ninh Thiện"]),
    "honggai": Agency("000.00.04.H49", "UBND phường Hồng Gai", "phường Hồng Gai", "Quảng Ninh", "H49",
                      ["Tổ 3, khu 2", "Tổ 5, khu 4", "Tổ 1, khu 6", "Tổ 7, khu 1"]),
    "vpdkdd": Agency("000.00.21.H36", "Văn phòng đăng ký đất đai tỉnh Lâm Đồng", "xã Hiệp Thạnh", "Lâm Đồng",
                     "H36", ["Thôn Phú Thạnh", "Thôn Bồng Lai", "Thôn Quảng Hiệp", "Thôn Ninh Thiện"]),
}


@dataclass
class Person:
    name: str
    female: bool
    birth: dt.date
    cccd: str
    address: str


def make_cccd(rnd: random.Random, birth_year: int, female: bool, province: str | None = None) -> str:
    """12-digit CCCD: province(3) + century/gender(1) + yy(2) + random(6)."""
    prov = province or rnd.choice(CCCD_PROVINCES)
    century = (birth_year - 1900) // 100
    d4 = 2 * century + (1 if female else 0)
    return f"{prov}{d4}{birth_year % 100:02d}{rnd.randrange(10**6):06d}"


def make_person(rnd, agency: Agency, name=None, female=None, year=None, province=None) -> Person:
    if name is None:
        female = rnd.random() < 0.5 if female is None else female
        name = rnd.choice(FEMALE if female else MALE)
    if female is None:
        female = " Thị " in f" {name} "
    year = year or rnd.randint(1958, 2002)
    birth = dt.date(year, rnd.randint(1, 12), rnd.randint(1, 28))
    addr = f"{rnd.choice(agency.villages)}, {agency.place}, tỉnh {agency.province}"
    return Person(nfc(name), female, birth, make_cccd(rnd, year, female, province), nfc(addr))


def add_working_days(d: dt.date, n: int) -> dt.date:
    while n > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


PROCEDURES = {
    "khai_sinh": dict(code="1.001193", name="Đăng ký khai sinh", field="Hộ tịch", retention="01", mode="02",
                      due_days=3),
    "chung_thuc": dict(code="2.000815", name="Chứng thực bản sao từ bản chính", field="Chứng thực",
                       retention="06", mode="01", due_days=1),
    "dat_dai": dict(code="1.013978.H36",
                    name="Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
                    field="Đất đai", retention="01", mode="02", due_days=17),
    "trich_luc": dict(code="2.000635", name="Cấp bản sao trích lục hộ tịch", field="Hộ tịch", retention="01",
                      mode="02", due_days=1),
}

CSV_HEADERS = ["Mã hồ sơ", "Thư mục", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Mã cơ quan", "Cơ quan", "Người nộp",
               "Số CCCD", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Ngày trả kết quả",
               "Hình thức nộp", "Trạng thái", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Chế độ sử dụng", "Ngôn ngữ",
               "Số lượng tờ", "Số lượng trang", "Mức độ tin cậy", "Mã hồ sơ giấy", "Ghi chú"]


class Ctx:
    """Everything the documents of one case talk about."""

    def __init__(self, rnd: random.Random, proc: str, agency: Agency, received: dt.date, seq: int, **over):
        self.proc, self.agency, self.received, self.seq = proc, agency, received, seq
        self.code = f"{agency.code}-{received:%y%m%d}-{seq:04d}"
        self.value_ink = over.pop("value_ink", "blue")
        if proc in ("khai_sinh",):
            fa = make_person(rnd, agency, over.pop("father", None), False, rnd.randint(1985, 1999))
            mo = make_person(rnd, agency, over.pop("mother", None), True, rnd.randint(1988, 2001))
            mo.address = fa.address
            girl = over.pop("child_female", rnd.random() < 0.5)
            cname = over.pop("child", None) or (fa.name.split()[0] + " " + rnd.choice(CHILD_MIDDLE) + " "
                                                + rnd.choice(CHILD_GIRL if girl else CHILD_BOY))
            born = received - dt.timedelta(days=rnd.randint(10, 50))
            self.child = Person(nfc(cname), girl, born, "", fa.address)
            self.father, self.mother = fa, mo
            self.applicant = fa if over.pop("applicant_is_father", True) else mo
        else:
            self.applicant = make_person(rnd, agency, over.pop("applicant", None))
        self.other = make_person(rnd, agency)      # counter-party / witness
        if self.other.name == self.applicant.name:
            self.other = make_person(rnd, agency, rnd.choice(MALE + FEMALE))
        self.officer = make_person(rnd, agency)
        self.chairman = make_person(rnd, agency)
        self.hospital = f"Bệnh viện Đa khoa tỉnh {agency.province}"
        self.parcel = over.pop("parcel", rnd.randint(30, 480))
        self.sheet = over.pop("sheet", rnd.randint(3, 42))
        self.area = over.pop("area", round(rnd.uniform(80, 420), 1))
        self.gcs_no = rnd.randint(100, 2400)
        self.transfer_signed = dt.date(received.year - rnd.randint(1, 8), rnd.randint(1, 12), rnd.randint(1, 28))
        for k, v in over.items():
            setattr(self, k, v)

    # ---- register fields
    def title(self) -> str:
        a = self.applicant.name
        return nfc({
            "khai_sinh": lambda: f"Hồ sơ đăng ký khai sinh cho {self.child.name}",
            "chung_thuc": lambda: f"Hồ sơ chứng thực bản sao từ bản chính Hợp đồng thuê nhà ở của {a}",
            "dat_dai": lambda: (f"Hồ sơ đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu thửa đất số "
                                f"{self.parcel}, tờ bản đồ số {self.sheet} của {a}"),
            "trich_luc": lambda: f"Hồ sơ cấp bản sao trích lục khai sinh cho {a}",
        }[self.proc]())


def area_s(v: float) -> str:
    return f"{v:.1f}".replace(".", ",")


# --------------------------------------------------------------------------
# Document builders (blocks for Flow)
# --------------------------------------------------------------------------

def agency_header(x: Ctx):
    a = x.agency
    if a.name.startswith("UBND"):
        return [f"UBND {a.place.upper()}", "BỘ PHẬN MỘT CỬA"]
    return [f"SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH {a.province.upper()}".replace("TỈNH TỈNH", "TỈNH"),
            "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI"]


def ubnd_stamp(x: Ctx):
    return f"ỦY BAN NHÂN DÂN {x.agency.place} - TỈNH {x.agency.province}"


def doc_to_khai_khai_sinh(x: Ctx, rnd):
    ch, fa, mo, ap = x.child, x.father, x.mother, x.applicant
    v = x.value_ink
    d = x.received
    rel = "Cha" if ap is fa else "Mẹ"
    reg_no = rnd.randint(40, 260)
    return [
        ("natl",),
        ("gap", 8),
        ("title", "TỜ KHAI ĐĂNG KÝ KHAI SINH", 15),
        ("gap", 6),
        ("center", f"Kính gửi: (1) Ủy ban nhân dân {x.agency.place}, tỉnh {x.agency.province}"),
        ("gap", 8),
        ("field", "Họ, chữ đệm, tên người yêu cầu: ", ap.name, v),
        ("field", "Nơi cư trú: (2) ", ap.address, v),
        ("field", "Giấy tờ tùy thân: (3) ", f"Căn cước công dân số {ap.cccd}", v),
        ("field", "Quan hệ với người được khai sinh: ", rel, v),
        ("para", "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", 13, 0, "bold"),
        ("field", "Họ, chữ đệm, tên: ", ch.name.upper(), v),
        ("field", "Ngày, tháng, năm sinh: ", dmy(ch.birth), v),
        ("field", "ghi bằng chữ: ", date_words(ch.birth), v),
        ("fields", [("Giới tính: ", "Nữ" if ch.female else "Nam"), ("Dân tộc: ", "Kinh"),
                    ("Quốc tịch: ", "Việt Nam")], v),
        ("field", "Nơi sinh: (4) ", x.hospital, v),
        ("field", "Quê quán: ", f"{x.agency.place}, tỉnh {x.agency.province}", v),
        ("field", "Họ, chữ đệm, tên người mẹ: ", mo.name, v),
        ("fields", [("Năm sinh: ", str(mo.birth.year)), ("Dân tộc: ", "Kinh"), ("Quốc tịch: ", "Việt Nam")], v),
        ("field", "Nơi cư trú: (2) ", mo.address, v),
        ("field", "Họ, chữ đệm, tên người cha: ", fa.name, v),
        ("fields", [("Năm sinh: ", str(fa.birth.year)), ("Dân tộc: ", "Kinh"), ("Quốc tịch: ", "Việt Nam")], v),
        ("field", "Nơi cư trú: (2) ", fa.address, v),
        ("gap", 4),
        ("para", "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận "
                 "nhất trí của các bên liên quan theo quy định pháp luật."),
        ("para", "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình."),
        ("right", f"Làm tại: {x.agency.place}, {ngay(d)}"),
        ("signs", [{"title": "Đề nghị cấp bản sao: (5)", "note": "Có, số lượng: 02 bản", "sign": False},
                   {"title": "Người yêu cầu", "note": "(Ký, ghi rõ họ, chữ đệm, tên)", "name": ap.name}]),
        ("break",),
        ("para", "Chú thích:", 12, 0, "bold"),
        ("para", "(1) Ghi rõ tên cơ quan đăng ký khai sinh.", 12, 5),
        ("para", "(2) Ghi theo nơi đăng ký thường trú; nếu không có nơi đăng ký thường trú thì ghi theo nơi đăng ký "
                 "tạm trú; trường hợp không có nơi đăng ký thường trú và nơi đăng ký tạm trú thì ghi theo nơi "
                 "đang sinh sống.", 12, 5),
        ("para", "(3) Ghi thông tin về giấy tờ tùy thân của người đi đăng ký, ghi rõ số, cơ quan cấp, ngày cấp hộ "
                 "chiếu, căn cước công dân hoặc giấy tờ hợp lệ thay thế.", 12, 5),
        ("para", "(4) Trường hợp trẻ em sinh tại cơ sở y tế thì ghi tên cơ sở y tế và địa chỉ trụ sở cơ sở y tế; "
                 "trường hợp sinh ngoài cơ sở y tế thì ghi địa danh hành chính của nơi sinh.", 12, 5),
        ("para", "(5) Đề nghị đánh dấu X vào ô nếu có yêu cầu cấp bản sao và ghi rõ số lượng.", 12, 5),
        ("gap", 14),
        ("title", "PHẦN GHI CỦA CƠ QUAN ĐĂNG KÝ HỘ TỊCH", 13),
        ("gap", 4),
        ("para", f"Ủy ban nhân dân {x.agency.place} đã đăng ký khai sinh cho {ch.name.upper()}, sinh "
                 f"{dmy(ch.birth)}; số đăng ký: {reg_no}, Quyển số: 01/{d.year}, {ngay(add_working_days(d, 1))}."),
        ("para", "Đã cấp 01 bản chính Giấy khai sinh và 02 bản sao Giấy khai sinh; thông tin đăng ký khai sinh đã "
                 "được cập nhật vào Cơ sở dữ liệu hộ tịch điện tử và Cơ sở dữ liệu quốc gia về dân cư."),
        ("gap", 8),
        ("signs", [{"title": "Người tiếp nhận", "note": "(Ký, ghi rõ họ tên)", "name": x.officer.name},
                   {"title": "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH", "note": "(Ký, ghi rõ họ tên)",
                    "name": x.officer.name, "stamp": ubnd_stamp(x)}]),
    ]


def doc_giay_chung_sinh(x: Ctx, rnd):
    ch, mo = x.child, x.mother
    v = x.value_ink
    b = ch.birth
    return [
        ("natl", [f"SỞ Y TẾ TỈNH {x.agency.province.upper()}", x.hospital.upper()],
         f"Số: {x.gcs_no}/GCS"),
        ("gap", 4),
        ("title", "GIẤY CHỨNG SINH", 17),
        ("center", f"Quyển số: {rnd.randint(1, 9):02d}/{b.year}", 12, "italic"),
        ("gap", 8),
        ("field", "Họ và tên mẹ / Người nuôi dưỡng: ", mo.name, v),
        ("fields", [("Năm sinh: ", str(mo.birth.year)), ("Dân tộc: ", "Kinh")], v),
        ("field", "Nơi đăng ký thường trú: ", mo.address, v),
        ("field", "Số định danh cá nhân / CCCD: ", mo.cccd, v),
        ("field", "Đã sinh con vào lúc: ", f"{rnd.randint(0, 23):02d} giờ {rnd.randint(0, 59):02d} phút, {ngay(b)}", v),
        ("field", "Tại: ", x.hospital, v),
        ("fields", [("Số lần sinh: ", f"{rnd.randint(1, 3):02d}"), ("Số con hiện sống: ", f"{rnd.randint(1, 3):02d}")], v),
        ("field", "Số con trong lần sinh này: ", "01", v),
        ("fields", [("Giới tính của con: ", "Nữ" if ch.female else "Nam"),
                    ("Cân nặng: ", f"{rnd.randint(26, 39) * 100:,} gram".replace(",", "."))], v),
        ("field", "Hiện trạng sức khỏe của con: ", "Bình thường", v),
        ("field", "Dự định đặt tên con: ", ch.name, v),
        ("field", "Ghi chú: ", "Con thứ " + rnd.choice(["nhất", "hai"]) + ", sinh thường, đủ tháng", v),
        ("gap", 6),
        ("right", f"{x.agency.province}, {ngay(b + dt.timedelta(days=2))}"),
        ("signs", [{"title": "Người đỡ đẻ", "note": "(Ký, ghi rõ họ tên)", "name": x.other.name},
                   {"title": "THỦ TRƯỞNG CƠ SỞ Y TẾ", "note": "(Ký, ghi rõ họ tên, đóng dấu)",
                    "name": "BS. " + x.officer.name, "stamp": x.hospital}]),
    ]


def doc_to_khai_trich_luc(x: Ctx, rnd):
    ap, v, d = x.applicant, x.value_ink, x.received
    reg = dt.date(ap.birth.year, min(12, ap.birth.month + 1), ap.birth.day)
    return [
        ("natl",),
        ("gap", 8),
        ("title", "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", 15),
        ("gap", 6),
        ("center", f"Kính gửi: Ủy ban nhân dân {x.agency.place}, tỉnh {x.agency.province}"),
        ("gap", 8),
        ("field", "Họ, chữ đệm, tên người yêu cầu: ", ap.name, v),
        ("field", "Nơi cư trú: ", ap.address, v),
        ("field", "Giấy tờ tùy thân: ", f"Căn cước công dân số {ap.cccd}", v),
        ("field", "Quan hệ với người được cấp bản sao trích lục hộ tịch: ", "Bản thân", v),
        ("para", "Đề nghị cơ quan cấp bản sao trích lục khai sinh cho người có tên dưới đây:", 13, 0, "bold"),
        ("field", "Họ, chữ đệm, tên: ", ap.name.upper(), v),
        ("field", "Ngày, tháng, năm sinh: ", dmy(ap.birth), v),
        ("fields", [("Giới tính: ", "Nữ" if ap.female else "Nam"), ("Dân tộc: ", "Kinh"),
                    ("Quốc tịch: ", "Việt Nam")], v),
        ("field", "Nơi cư trú: ", ap.address, v),
        ("field", "Đã đăng ký khai sinh tại: ", f"Ủy ban nhân dân {x.agency.place}", v),
        ("field", "Ngày đăng ký: ", f"{dmy(reg)}, số: {rnd.randint(10, 300)}, Quyển số: 01/{reg.year}", v),
        ("field", "Số lượng bản sao đề nghị cấp: ", "02 bản", v),
        ("field", "Hình thức nhận kết quả: ", "Qua dịch vụ bưu chính công ích", v),
        ("gap", 4),
        ("para", "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
                 "về cam đoan của mình."),
        ("right", f"Làm tại: {x.agency.place}, {ngay(d - dt.timedelta(days=2))}"),
        ("signs", [None, {"title": "Người yêu cầu", "note": "(Ký, ghi rõ họ, chữ đệm, tên)", "name": ap.name}]),
    ]


def doc_hop_dong_thue_nha(x: Ctx, rnd):
    a, b = x.other, x.applicant
    signed = x.received - dt.timedelta(days=rnd.randint(15, 40))
    start = dt.date(signed.year, signed.month, 1) + dt.timedelta(days=31)
    start = dt.date(start.year, start.month, 1)
    rent = rnd.choice([4_500_000, 5_000_000, 6_500_000, 7_200_000])

    def party(title, p):
        return [("para", title, 13, 0, "bold"),
                ("field", "Ông/Bà: ", p.name),
                ("fields", [("Sinh năm: ", str(p.birth.year)), ("CCCD số: ", p.cccd)]),
                ("field", "Địa chỉ thường trú: ", p.address)]

    words = {4_500_000: "Bốn triệu năm trăm nghìn đồng", 5_000_000: "Năm triệu đồng",
             6_500_000: "Sáu triệu năm trăm nghìn đồng", 7_200_000: "Bảy triệu hai trăm nghìn đồng"}[rent]
    rent_s = f"{rent:,}".replace(",", ".")
    return [
        ("natl",),
        ("gap", 6),
        ("title", "HỢP ĐỒNG THUÊ NHÀ Ở", 16),
        ("gap", 6),
        ("para", "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;", 13, 10, "italic"),
        ("para", "Căn cứ Luật Nhà ở số 27/2023/QH15 ngày 27 tháng 11 năm 2023;", 13, 10, "italic"),
        ("para", "Căn cứ nhu cầu và khả năng thực tế của các bên,", 13, 10, "italic"),
        ("para", f"Hôm nay, {ngay(signed)}, tại {x.agency.place}, tỉnh {x.agency.province}, chúng tôi gồm có:"),
        *party("BÊN CHO THUÊ (sau đây gọi là Bên A):", a),
        *party("BÊN THUÊ (sau đây gọi là Bên B):", b),
        ("para", "Hai bên thỏa thuận ký kết hợp đồng thuê nhà ở với các điều khoản sau đây:"),
        ("para", "Điều 1. Đối tượng của hợp đồng", 13, 0, "bold"),
        ("para", f"Bên A đồng ý cho Bên B thuê toàn bộ căn nhà tại địa chỉ {a.address}, diện tích sử dụng "
                 f"{rnd.randint(55, 120)} m², gồm 02 phòng ngủ, 01 phòng khách, 01 bếp và 02 nhà vệ sinh, "
                 "cùng các trang thiết bị kèm theo được liệt kê tại Phụ lục của hợp đồng này."),
        ("para", "Điều 2. Giá thuê và phương thức thanh toán", 13, 0, "bold"),
        ("para", f"Giá thuê nhà là {rent_s} đồng/tháng (Bằng chữ: {words}). Giá thuê này đã bao gồm các khoản "
                 "thuế theo quy định nhưng chưa bao gồm chi phí điện, nước, internet."),
        ("para", "Bên B thanh toán tiền thuê nhà theo định kỳ 03 tháng một lần, trong năm ngày đầu tiên của kỳ "
                 "thanh toán, bằng tiền mặt hoặc chuyển khoản vào tài khoản do Bên A chỉ định."),
        ("para", f"Bên B đặt cọc cho Bên A số tiền {2 * rent:,} đồng để bảo đảm thực hiện hợp đồng; khoản tiền "
                 "này được hoàn trả khi hợp đồng chấm dứt.".replace(",", ".")),
        ("para", "Điều 3. Thời hạn thuê", 13, 0, "bold"),
        ("para", f"Thời hạn thuê là 24 tháng, kể từ {ngay(start)}. Khi hết hạn, nếu Bên B có nhu cầu tiếp tục "
                 "thuê thì hai bên thỏa thuận gia hạn bằng văn bản."),
        ("para", "Điều 4. Quyền và nghĩa vụ của Bên A", 13, 0, "bold"),
        ("para", "a) Giao nhà và trang thiết bị kèm theo cho Bên B đúng thời hạn đã thỏa thuận.", 13, 5),
        ("para", "b) Bảo đảm quyền sử dụng ổn định nhà cho Bên B trong thời hạn thuê.", 13, 5),
        ("para", "c) Bảo dưỡng, sửa chữa nhà theo định kỳ hoặc theo thỏa thuận; nếu Bên A không sửa chữa thì Bên B "
                 "được quyền tự sửa chữa và trừ vào tiền thuê.", 13, 5),
        ("para", "d) Được nhận đủ tiền thuê nhà theo đúng kỳ hạn đã thỏa thuận.", 13, 5),
        ("para", "Điều 5. Quyền và nghĩa vụ của Bên B", 13, 0, "bold"),
        ("para", "a) Sử dụng nhà đúng mục đích để ở, giữ gìn nhà và có trách nhiệm sửa chữa những hư hỏng do mình "
                 "gây ra.", 13, 5),
        ("para", "b) Trả đủ tiền thuê nhà đúng thời hạn đã thỏa thuận.", 13, 5),
        ("para", "c) Không được cho thuê lại, chuyển nhượng quyền thuê nếu không có sự đồng ý bằng văn bản của "
                 "Bên A.", 13, 5),
        ("para", "d) Chấp hành các quy định về giữ gìn vệ sinh môi trường, an ninh trật tự và phòng cháy, chữa "
                 "cháy tại khu vực cư trú.", 13, 5),
        ("para", "đ) Trả lại nhà cho Bên A khi hết thời hạn thuê trong tình trạng như khi nhận, trừ hao mòn tự "
                 "nhiên.", 13, 5),
        ("para", "Điều 6. Đơn phương chấm dứt hợp đồng", 13, 0, "bold"),
        ("para", "Bên nào muốn đơn phương chấm dứt hợp đồng trước thời hạn phải thông báo cho bên kia biết trước "
                 "ít nhất 30 ngày. Trường hợp vi phạm nghĩa vụ thông báo mà gây thiệt hại thì phải bồi thường theo "
                 "quy định của pháp luật."),
        ("para", "Điều 7. Giải quyết tranh chấp", 13, 0, "bold"),
        ("para", "Trong quá trình thực hiện hợp đồng, nếu phát sinh tranh chấp, các bên cùng nhau thương lượng giải "
                 "quyết trên tinh thần hòa giải, tôn trọng quyền lợi của nhau. Trường hợp không thương lượng được "
                 "thì một trong hai bên có quyền yêu cầu Tòa án nhân dân có thẩm quyền giải quyết."),
        ("para", "Điều 8. Cam kết của các bên", 13, 0, "bold"),
        ("para", "Các bên cam kết những thông tin đã ghi trong hợp đồng này là đúng sự thật; việc giao kết hợp đồng "
                 "là hoàn toàn tự nguyện, không bị lừa dối hoặc ép buộc."),
        ("para", "Hợp đồng này được lập thành 02 bản, mỗi bên giữ 01 bản, có giá trị pháp lý như nhau và có hiệu "
                 "lực kể từ ngày ký."),
        ("gap", 6),
        ("signs", [{"title": "BÊN CHO THUÊ", "note": "(Ký, ghi rõ họ tên)", "name": a.name, "ink": "blue"},
                   {"title": "BÊN THUÊ", "note": "(Ký, ghi rõ họ tên)", "name": b.name, "ink": "blue"}]),
    ]


def doc_phieu_tiep_nhan(x: Ctx, rnd):
    p = PROCEDURES[x.proc]
    ap = x.applicant
    due = add_working_days(x.received, p["due_days"])
    return [
        ("natl", agency_header(x), f"Số: {x.seq:04d}/TN"),
        ("gap", 4),
        ("title", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 14),
        ("center", f"Mã hồ sơ: {x.code}", 13, "bold"),
        ("gap", 8),
        ("para", f"Bộ phận tiếp nhận và trả kết quả {x.agency.name.replace('UBND', 'Ủy ban nhân dân')} đã tiếp "
                 "nhận hồ sơ của:"),
        ("field", "Ông/Bà: ", ap.name),
        ("field", "Địa chỉ: ", ap.address),
        ("field", "Số điện thoại: ", f"09{rnd.randint(10, 99)} {rnd.randint(100, 999)} {rnd.randint(100, 999)}"),
        ("field", "Nội dung yêu cầu giải quyết: ", p["name"]),
        ("para", "Thành phần hồ sơ nộp gồm: theo danh mục thành phần hồ sơ của thủ tục hành chính đã được công "
                 "bố; số lượng hồ sơ: 01 bộ."),
        ("field", "Thời gian nhận hồ sơ: ", f"{rnd.randint(7, 10):02d} giờ {rnd.randint(0, 59):02d} phút, "
                                            f"{dmy(x.received)}"),
        ("field", "Thời gian trả kết quả giải quyết hồ sơ: ", f"{dmy(due)}"),
        ("field", "Nhận kết quả tại: ", f"Bộ phận Một cửa {x.agency.place}"),
        ("gap", 6),
        ("signs", [{"title": "NGƯỜI NỘP HỒ SƠ", "note": "(Ký và ghi rõ họ tên)", "name": ap.name},
                   {"title": "NGƯỜI TIẾP NHẬN HỒ SƠ", "note": "(Ký và ghi rõ họ tên)", "name": x.officer.name}]),
    ]


def doc_don_dang_ky_dat(x: Ctx, rnd):
    ap, v = x.applicant, x.value_ink
    since = rnd.randint(1990, 2010)
    honor = "Bà" if ap.female else "Ông"
    return [
        ("tag", "Mẫu số 15"),
        ("natl",),
        ("gap", 4),
        ("title", "ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT", 14),
        ("center", f"Kính gửi: Văn phòng đăng ký đất đai tỉnh {x.agency.province}"),
        ("gap", 6),
        ("para", "I. PHẦN KÊ KHAI CỦA NGƯỜI ĐĂNG KÝ", 13, 0, "bold"),
        ("para", "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", 13, 0, "bold"),
        ("field", "1.1. Tên: ", f"{honor} {ap.name.upper()}", v),
        ("field", "1.2. Giấy tờ nhân thân: ", f"CCCD số {ap.cccd}", v),
        ("field", "1.3. Địa chỉ thường trú: ", ap.address, v),
        ("para", "2. Đề nghị", 13, 0, "bold"),
        ("fields", [("2.1. Đăng ký: ", "Quyền sử dụng đất"), ("2.2. Cấp Giấy chứng nhận: ", "Có")], v),
        ("para", "3. Thửa đất đăng ký", 13, 0, "bold"),
        ("fields", [("3.1. Thửa đất số: ", str(x.parcel)), ("3.2. Tờ bản đồ số: ", str(x.sheet))], v),
        ("field", "3.3. Địa chỉ tại: ", f"{x.agency.villages[0]}, {x.agency.place}, tỉnh {x.agency.province}", v),
        ("field", "3.4. Diện tích: ", f"{area_s(x.area)} m²; sử dụng chung: 0 m²; sử dụng riêng: {area_s(x.area)} m²", v),
        ("field", "3.5. Sử dụng vào mục đích: ", f"Đất ở tại nông thôn (ONT), từ thời điểm: năm {since}", v),
        ("field", "3.6. Thời hạn đề nghị được sử dụng đất: ", "Lâu dài", v),
        ("field", "3.7. Nguồn gốc sử dụng: ", f"Nhận chuyển nhượng quyền sử dụng đất năm {since + 5}", v),
        ("para", "4. Tài sản gắn liền với đất", 13, 0, "bold"),
        ("field", "4.1. Loại tài sản: ", "Nhà ở riêng lẻ", v),
        ("fields", [("4.2. Diện tích xây dựng: ", f"{area_s(x.area * 0.6)} m²"), ("Số tầng: ", "01")], v),
        ("field", "4.3. Kết cấu: ", "Tường gạch, mái tôn, nền lát gạch men", v),
        ("para", "5. Giấy tờ nộp kèm theo", 13, 0, "bold"),
        ("para", "- Hợp đồng chuyển nhượng quyền sử dụng đất có công chứng;", 13, 5),
        ("para", f"- Bản trích đo địa chính thửa đất số {x.parcel}, tờ bản đồ số {x.sheet};", 13, 5),
        ("para", "- Biên lai nộp thuế sử dụng đất phi nông nghiệp các năm gần nhất.", 13, 5),
        ("para", "Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi hoàn toàn chịu trách "
                 "nhiệm trước pháp luật."),
        ("right", f"{x.agency.place}, {ngay(x.received - dt.timedelta(days=3))}"),
        ("signs", [None, {"title": "Người viết đơn", "note": "(Ký, ghi rõ họ tên)", "name": ap.name}]),
        ("para", "II. XÁC NHẬN CỦA ỦY BAN NHÂN DÂN CẤP XÃ", 13, 0, "bold"),
        ("para", "Nội dung kê khai so với hiện trạng: Đúng với hiện trạng sử dụng đất.", 13, 5),
        ("para", f"Nguồn gốc sử dụng đất: Nhận chuyển nhượng, sử dụng ổn định từ năm {since}.", 13, 5),
        ("para", "Tình trạng tranh chấp đất đai, tài sản gắn liền với đất: Không có tranh chấp.", 13, 5),
        ("para", "Sự phù hợp với quy hoạch sử dụng đất: Phù hợp với quy hoạch đã được phê duyệt.", 13, 5),
        ("signs", [{"title": "Công chức địa chính", "note": "(Ký, ghi rõ họ tên)", "name": x.officer.name},
                   {"title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "name": x.chairman.name,
                    "stamp": ubnd_stamp(x)}]),
    ]


def doc_hop_dong_chuyen_nhuong(x: Ctx, rnd):
    a, b = x.other, x.applicant
    price = rnd.randint(8, 40) * 100_000_000
    price_s = f"{price:,}".replace(",", ".")
    signed = x.transfer_signed
    arts = [
        ("Điều 1. Quyền sử dụng đất chuyển nhượng",
         f"Quyền sử dụng đất chuyển nhượng là thửa đất số {x.parcel}, tờ bản đồ số {x.sheet}, diện tích "
         f"{area_s(x.area)} m², mục đích sử dụng: đất ở tại nông thôn, thời hạn sử dụng: lâu dài, tại "
         f"{x.agency.villages[0]}, {x.agency.place}, tỉnh {x.agency.province}."),
        ("Điều 2. Giá chuyển nhượng và phương thức thanh toán",
         f"Giá chuyển nhượng quyền sử dụng đất nêu tại Điều 1 là {price_s} đồng. Bên B thanh toán cho Bên A toàn "
         "bộ số tiền trên một lần ngay sau khi hợp đồng được công chứng; việc giao nhận tiền do hai bên tự thực "
         "hiện và chịu trách nhiệm trước pháp luật."),
        ("Điều 3. Việc giao và đăng ký quyền sử dụng đất",
         "Bên A có nghĩa vụ giao thửa đất nêu tại Điều 1 cùng toàn bộ giấy tờ về quyền sử dụng đất cho Bên B "
         "ngay sau khi ký hợp đồng. Bên B có nghĩa vụ thực hiện đăng ký biến động đất đai tại cơ quan có thẩm "
         "quyền theo quy định của pháp luật."),
        ("Điều 4. Trách nhiệm nộp thuế, phí và lệ phí",
         "Thuế thu nhập cá nhân do Bên A chịu trách nhiệm nộp; lệ phí trước bạ, phí công chứng và các chi phí "
         "khác liên quan đến việc đăng ký do Bên B chịu trách nhiệm nộp."),
        ("Điều 5. Phương thức giải quyết tranh chấp",
         "Trong quá trình thực hiện hợp đồng, nếu phát sinh tranh chấp, các bên cùng nhau thương lượng giải "
         "quyết; trường hợp không giải quyết được thì một trong các bên có quyền khởi kiện tại Tòa án nhân dân "
         "có thẩm quyền."),
        ("Điều 6. Cam đoan của các bên",
         "Bên A cam đoan thửa đất không có tranh chấp, không bị kê biên để bảo đảm thi hành án và còn trong thời "
         "hạn sử dụng đất. Bên B cam đoan đã xem xét kỹ, biết rõ về thửa đất và các giấy tờ về quyền sử dụng đất."),
        ("Điều 7. Điều khoản cuối cùng",
         "Hai bên đã hiểu rõ quyền, nghĩa vụ, lợi ích hợp pháp của mình và hậu quả pháp lý của việc giao kết hợp "
         "đồng này; hai bên đã tự đọc lại hợp đồng, đồng ý toàn bộ nội dung và ký tên dưới đây."),
    ]
    blocks = [("natl",), ("gap", 6), ("title", "HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT", 15), ("gap", 6),
              ("para", f"Hôm nay, {ngay(signed)}, tại Văn phòng công chứng {x.agency.place.split(' ', 1)[1]}, "
                       "chúng tôi gồm có:"),
              ("para", "BÊN CHUYỂN NHƯỢNG (sau đây gọi là Bên A):", 13, 0, "bold"),
              ("field", "Ông/Bà: ", a.name), ("fields", [("Sinh năm: ", str(a.birth.year)), ("CCCD số: ", a.cccd)]),
              ("field", "Địa chỉ thường trú: ", a.address),
              ("para", "BÊN NHẬN CHUYỂN NHƯỢNG (sau đây gọi là Bên B):", 13, 0, "bold"),
              ("field", "Ông/Bà: ", b.name), ("fields", [("Sinh năm: ", str(b.birth.year)), ("CCCD số: ", b.cccd)]),
              ("field", "Địa chỉ thường trú: ", b.address),
              ("para", "Hai bên đồng ý thực hiện việc chuyển nhượng quyền sử dụng đất với các thỏa thuận sau đây:")]
    for t, body in arts:
        blocks += [("para", t, 13, 0, "bold"), ("para", body)]
    blocks += [("gap", 6),
               ("signs", [{"title": "BÊN A", "note": "(Ký, ghi rõ họ tên)", "name": a.name, "ink": "black"},
                          {"title": "BÊN B", "note": "(Ký, ghi rõ họ tên)", "name": b.name, "ink": "black"}]),
               ("break",),
               ("title", "LỜI CHỨNG CỦA CÔNG CHỨNG VIÊN", 13),
               ("para", f"{ngay(signed).capitalize()}, tại Văn phòng công chứng {x.agency.place.split(' ', 1)[1]}, "
                        f"tỉnh {x.agency.province}, tôi, công chứng viên ký tên dưới đây, chứng nhận: hợp đồng "
                        "chuyển nhượng quyền sử dụng đất được giao kết giữa Bên A và Bên B; các bên đã tự nguyện "
                        "thỏa thuận giao kết hợp đồng, có năng lực hành vi dân sự phù hợp theo quy định của pháp "
                        "luật; mục đích, nội dung của hợp đồng không vi phạm pháp luật, không trái đạo đức xã hội."),
               ("para", f"Số công chứng: {rnd.randint(100, 4000)}, quyển số {rnd.randint(1, 12):02d}/"
                        f"{signed.year} TP/CC-SCC/HĐGD."),
               ("signs", [None, {"title": "CÔNG CHỨNG VIÊN", "name": x.chairman.name, "ink": "black",
                                 "stamp": f"VĂN PHÒNG CÔNG CHỨNG {x.agency.place.split(' ', 1)[1]}"}])]
    return blocks


def doc_giay_uy_quyen(x: Ctx, rnd):
    a, b = x.applicant, x.other
    d = x.received - dt.timedelta(days=rnd.randint(2, 9))
    return [
        ("natl",), ("gap", 6), ("title", "GIẤY ỦY QUYỀN", 16), ("gap", 6),
        ("para", "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;", 13, 10, "italic"),
        ("para", f"Hôm nay, {ngay(d)}, tại {x.agency.place}, tỉnh {x.agency.province}, chúng tôi gồm:"),
        ("para", "BÊN ỦY QUYỀN:", 13, 0, "bold"),
        ("field", "Họ và tên: ", a.name), ("fields", [("Ngày sinh: ", dmy(a.birth)), ("CCCD số: ", a.cccd)]),
        ("field", "Địa chỉ thường trú: ", a.address),
        ("para", "BÊN NHẬN ỦY QUYỀN:", 13, 0, "bold"),
        ("field", "Họ và tên: ", b.name), ("fields", [("Ngày sinh: ", dmy(b.birth)), ("CCCD số: ", b.cccd)]),
        ("field", "Địa chỉ thường trú: ", b.address),
        ("para", "1. Nội dung ủy quyền", 13, 0, "bold"),
        ("para", f"Bên nhận ủy quyền được thay mặt Bên ủy quyền liên hệ với Ủy ban nhân dân {x.agency.place} để "
                 "nộp hồ sơ, bổ sung giấy tờ theo yêu cầu của cơ quan giải quyết, nộp phí, lệ phí và nhận kết quả "
                 "giải quyết thủ tục hành chính."),
        ("para", "2. Thời hạn ủy quyền", 13, 0, "bold"),
        ("para", "Kể từ ngày ký giấy ủy quyền này cho đến khi hoàn thành công việc được ủy quyền."),
        ("para", "3. Cam kết", 13, 0, "bold"),
        ("para", "Bên ủy quyền chịu trách nhiệm trước pháp luật về mọi công việc do Bên nhận ủy quyền thực hiện "
                 "trong phạm vi ủy quyền. Bên nhận ủy quyền thực hiện đúng nội dung được ủy quyền, không ủy quyền "
                 "lại cho người khác."),
        ("gap", 6),
        ("signs", [{"title": "BÊN NHẬN ỦY QUYỀN", "note": "(Ký, ghi rõ họ tên)", "name": b.name},
                   {"title": "BÊN ỦY QUYỀN", "note": "(Ký, ghi rõ họ tên)", "name": a.name}]),
        ("title", "CHỨNG THỰC CHỮ KÝ", 13),
        ("para", f"{ngay(d).capitalize()}, tại Ủy ban nhân dân {x.agency.place}, tỉnh {x.agency.province}, "
                 f"tôi, {x.chairman.name}, Phó Chủ tịch Ủy ban nhân dân {x.agency.place}, chứng thực: "
                 f"{'Bà' if a.female else 'Ông'} {a.name} đã ký vào giấy ủy quyền này trước mặt tôi."),
        ("para", f"Số chứng thực: {rnd.randint(100, 900)}, quyển số 01/{d.year}-SCT/CK,ĐC."),
        ("signs", [None, {"title": "NGƯỜI THỰC HIỆN CHỨNG THỰC", "name": x.chairman.name,
                          "stamp": ubnd_stamp(x)}]),
    ]


def page_cccd_copy(x: Ctx):
    """A photocopy of the two sides of a chip CCCD card at 100 % scale."""
    p = x.applicant

    def draw(c: Canvas, rng):
        f7 = c.font(7)
        f7b = c.font(7, "bold")
        f9b = c.font(9.5, "bold")
        mono = c.fonts.get("mono", "regular", c.pt(9))
        W, H = c.mm(85.6), c.mm(54)
        x0 = (c.W - W) // 2
        for side, y0 in (("front", c.mm(40)), ("back", c.mm(40) + H + c.mm(14))):
            c.draw.rounded_rectangle([x0, y0, x0 + W, y0 + H], radius=c.mm(3), outline=70, width=3, fill=228)
            lx = x0 + c.mm(3)
            if side == "front":
                c.center_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f7b, x0 + c.mm(16), x0 + W - c.mm(3), y0 + c.mm(3))
                c.center_text("Độc lập - Tự do - Hạnh phúc", f7b, x0 + c.mm(16), x0 + W - c.mm(3), y0 + c.mm(6.5))
                c.center_text("CĂN CƯỚC CÔNG DÂN", f9b, x0 + c.mm(16), x0 + W - c.mm(3), y0 + c.mm(10.5))
                c.draw.ellipse([lx, y0 + c.mm(3), lx + c.mm(11), y0 + c.mm(14)], outline=80, width=2)
                c.draw.rectangle([lx, y0 + c.mm(17), lx + c.mm(20), y0 + c.mm(44)], fill=120)
                tx = lx + c.mm(23)
                lines = [("Số / No.: ", p.cccd), ("Họ và tên / Full name: ", ""), ("", p.name.upper()),
                         ("Ngày sinh / Date of birth: ", dmy(p.birth)),
                         ("Giới tính / Sex: ", ("Nữ" if p.female else "Nam") + "   Quốc tịch / Nationality: Việt Nam"),
                         ("Quê quán / Place of origin: ", ""), ("", p.address.split(", ", 1)[1]),
                         ("Nơi thường trú / Place of residence: ", ""), ("", p.address)]
                y = y0 + c.mm(16)
                for lab, val in lines:
                    c.text(tx, y, lab, f7)
                    c.text(tx + c.tw(lab, f7), y, val, f7b)
                    y += c.mm(3.6)
                # QR code
                q = c.mm(12)
                qx, qy = x0 + W - q - c.mm(3), y0 + c.mm(15)
                mod = q / 25
                bits = rng.random((25, 25)) < 0.5
                for fy in (0, 18):
                    for fx in (0, 18):
                        if (fx, fy) != (18, 18):
                            bits[fy:fy + 7, fx:fx + 7] = True
                            bits[fy + 1:fy + 6, fx + 1:fx + 6] = False
                            bits[fy + 2:fy + 5, fx + 2:fx + 5] = True
                for j in range(25):
                    for i in range(25):
                        if bits[j, i]:
                            c.draw.rectangle([qx + i * mod, qy + j * mod, qx + (i + 1) * mod - 1,
                                              qy + (j + 1) * mod - 1], fill=20)
            else:
                c.text(lx, y0 + c.mm(4), "Đặc điểm nhân dạng / Personal identification:", f7)
                c.text(lx, y0 + c.mm(7.5), "Nốt ruồi C:1cm trên trước đầu mày phải", f7b)
                issued = dt.date(max(2021, p.birth.year + 18), 4, 12)
                c.text(lx, y0 + c.mm(12), f"Ngày, tháng, năm / Date, month, year: {dmy(issued)}", f7)
                c.text(lx, y0 + c.mm(16), "CỤC TRƯỞNG CỤC CẢNH SÁT", f7b)
                c.text(lx, y0 + c.mm(19), "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", f7b)
                for k in range(2):
                    fx = x0 + W - c.mm(36) + k * c.mm(17)
                    c.draw.rectangle([fx, y0 + c.mm(4), fx + c.mm(15), y0 + c.mm(24)], outline=60, width=2)
                    for r in range(2, 14, 2):
                        c.draw.ellipse([fx + c.mm(7.5) - r * 2.2, y0 + c.mm(14) - r * 3,
                                        fx + c.mm(7.5) + r * 2.2, y0 + c.mm(14) + r * 3], outline=90, width=2)
                yb = int(y0 + c.mm(34))
                surname, *given = unicodedata.normalize("NFD", p.name.upper().replace("Đ", "D")).encode(
                    "ascii", "ignore").decode().split()
                mrz = [f"IDVNM{p.cccd[3:]}{p.cccd[-1]}{p.cccd}<<{rng.integers(0, 10)}",
                       f"{p.birth:%y%m%d}{rng.integers(0, 10)}{'F' if p.female else 'M'}{issued.year + 25 - 2000:02d}"
                       f"{issued:%m%d}{rng.integers(0, 10)}VNM<<<<<<<<<<<{rng.integers(0, 10)}",
                       (f"{surname}<<{'<'.join(given)}" + "<" * 30)[:30]]
                for i, line in enumerate(mrz):
                    c.text(lx, yb + i * c.mm(5.5), line[:30], mono)
        c.text(c.left, c.mm(40) + 2 * H + c.mm(24), "Bản sao chụp căn cước công dân (hai mặt).", c.font(11, "italic"))
    return draw


def page_trich_do(x: Ctx):
    """Bản trích đo địa chính: a small cadastral map with the parcel outlined in red."""

    def draw(c: Canvas, rng):
        fl = Flow(lambda: c, 1, rng)
        fl.c = c
        fl.b_natl(["VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", f"TỈNH {x.agency.province.upper()}"])
        fl.b_title("BẢN TRÍCH ĐO ĐỊA CHÍNH THỬA ĐẤT", 14)
        fl.b_center(f"Tờ bản đồ số: {x.sheet}    Thửa đất số: {x.parcel}    Diện tích: {area_s(x.area)} m²", 12)
        fl.b_center(f"Địa chỉ thửa đất: {x.agency.villages[0]}, {x.agency.place}, tỉnh {x.agency.province}", 12)
        fl.b_center("Mục đích sử dụng: ONT    Tỷ lệ 1:500    Hệ tọa độ VN-2000", 12)
        top = c.y + c.mm(3)
        L, R, B = c.left, c.right, top + c.mm(100)
        c.draw.rectangle([L, top, R, B], outline=BLACK_INK, width=3)
        # road along the bottom
        ry = B - c.mm(22)
        c.draw.line([(L, ry), (R, ry)], fill=BLACK_INK, width=3)
        c.draw.line([(L, ry + c.mm(9)), (R, ry + c.mm(9))], fill=BLACK_INK, width=3)
        fs = c.font(10, "italic")
        c.center_text("Đường liên thôn", fs, L, R, ry + c.mm(2.5))
        # parcels: two rows
        xs = [L]
        while xs[-1] < R - c.mm(30):
            xs.append(xs[-1] + c.mm(rng.uniform(25, 40)))
        xs[-1] = R
        mid = top + c.mm(rng.uniform(40, 52))
        target = len(xs) // 2 - 1
        rd = c.layer("red")
        dr = ImageDraw.Draw(rd)
        f9 = c.font(9)
        for row, (y0, y1) in enumerate(((top, mid), (mid, ry))):
            for i in range(len(xs) - 1):
                j = [rng.uniform(-1, 1) * c.mm(2) for _ in range(4)]
                pts = [(xs[i] + (j[0] if i else 0), y0), (xs[i + 1] + (j[1] if i + 1 < len(xs) - 1 else 0), y0),
                       (xs[i + 1] + (j[2] if i + 1 < len(xs) - 1 else 0), y1), (xs[i] + (j[3] if i else 0), y1)]
                num = x.parcel + (i - target) + (0 if row else 40)
                cx = sum(p[0] for p in pts) / 4
                cy = sum(p[1] for p in pts) / 4
                if row == 1 and i == target:
                    dr.polygon(pts, fill=45)
                    dr.line(pts + [pts[0]], fill=255, width=max(4, c.pt(1.6)))
                    for k, (px, py) in enumerate(pts):
                        dr.ellipse([px - 7, py - 7, px + 7, py + 7], outline=255, width=3)
                        dr.text((px + 9, py + (4 if k < 2 else -30)), str(k + 1), font=f9, fill=255)
                    fb = c.font(11, "bold")
                    c.center_text(f"{num}", fb, cx - 60, cx + 60, cy - c.mm(5))
                    c.center_text(f"ONT  {area_s(x.area)}", c.font(10), cx - 120, cx + 120, cy + c.mm(1))
                    target_pts = pts
                else:
                    c.draw.line(pts + [pts[0]], fill=BLACK_INK, width=2)
                    c.center_text(str(num), f9, cx - 50, cx + 50, cy - c.mm(4))
                    c.center_text(f"{rng.choice(['ONT', 'CLN', 'BHK'])}  {area_s(rng.uniform(90, 600))}", f9,
                                  cx - 120, cx + 120, cy + c.mm(1))
        # north arrow and scale bar
        nx, ny = R - c.mm(12), top + c.mm(8)
        c.draw.polygon([(nx, ny), (nx - c.mm(3), ny + c.mm(10)), (nx, ny + c.mm(7)), (nx + c.mm(3), ny + c.mm(10))],
                       fill=BLACK_INK)
        c.center_text("N", c.font(11, "bold"), nx - 40, nx + 40, ny - c.mm(6))
        sx, sy = L + c.mm(6), B - c.mm(5)
        for k in range(4):
            c.draw.rectangle([sx + k * c.mm(10), sy, sx + (k + 1) * c.mm(10), sy + c.mm(1.5)], outline=BLACK_INK,
                             fill=BLACK_INK if k % 2 == 0 else 255, width=2)
        c.text(sx + c.mm(42), sy - c.mm(1.5), "0   5   10   15   20 m", c.font(8))
        # coordinate table
        c.y = B + c.mm(5)
        fh, fr = c.font(11, "bold"), c.font(11)
        cols = [c.left, c.left + c.mm(30), c.left + c.mm(75), c.left + c.mm(120), c.right]
        heads = ["Số hiệu đỉnh", "X (m)", "Y (m)", "Cạnh (m)"]
        rows = []
        X0, Y0 = rng.uniform(1_300_000, 1_330_000), rng.uniform(530_000, 560_000)
        for k, (px, py) in enumerate(target_pts):
            nxp, nyp = target_pts[(k + 1) % 4]
            edge = math.hypot(nxp - px, nyp - py) / c.dpi * 25.4 * 0.5
            rows.append([str(k + 1), f"{X0 - (py - top) / c.dpi * 12.7:.2f}", f"{Y0 + (px - L) / c.dpi * 12.7:.2f}",
                         f"{edge:.2f}"])
        rh = c.lh(fr, 1.25)
        for r_i, row in enumerate([heads] + rows):
            y = c.y + r_i * rh
            for k in range(4):
                c.draw.rectangle([cols[k], y, cols[k + 1], y + rh], outline=BLACK_INK, width=2)
                c.center_text(row[k], fh if r_i == 0 else fr, cols[k], cols[k + 1], y + rh * 0.12)
        c.y += rh * (len(rows) + 1) + c.mm(5)
        fl.b_right(f"{x.agency.place}, {ngay(x.received - dt.timedelta(days=6))}", 12)
        fl.b_signs([{"title": "NGƯỜI ĐO ĐẠC", "note": "(Ký, ghi rõ họ tên)", "name": x.other.name},
                    {"title": "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", "name": x.chairman.name,
                     "stamp": f"VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI - TỈNH {x.agency.province}"}])
    return draw


DOCS = {
    "to_khai_khai_sinh": (doc_to_khai_khai_sinh, "generic", False),
    "giay_chung_sinh": (doc_giay_chung_sinh, "generic", False),
    "to_khai_trich_luc": (doc_to_khai_trich_luc, "generic", False),
    "hop_dong_thue_nha": (doc_hop_dong_thue_nha, "equipment", True),
    "phieu_tiep_nhan": (doc_phieu_tiep_nhan, "generic", False),
    "don_dang_ky_dat": (doc_don_dang_ky_dat, "generic", True),
    "hop_dong_chuyen_nhuong": (doc_hop_dong_chuyen_nhuong, "generic", True),
    "giay_uy_quyen": (doc_giay_uy_quyen, "generic", True),
    "cccd_copy": (lambda x, rnd: [("page", page_cccd_copy(x))], "generic", False),
    "trich_do": (lambda x, rnd: [("page", page_trich_do(x))], "generic", False),
}


def build_doc(kind: str, x: Ctx, n_pages: int, fonts: Fonts, dpi: int, rng, rnd) -> list[Canvas]:
    fn, filler, numbered = DOCS[kind]
    return render_doc(fn(x, rnd), n_pages, lambda: Canvas(fonts, dpi), rng, rnd, filler, numbered)


def make_certified_copies(pages: list[Canvas], x: Ctx, rng) -> list[Canvas]:
    """'Bản sao' of a document: same pages, plus the copy stamp and the certification stamp on the last one."""
    out = []
    for i, p in enumerate(pages):
        c = p.copy()
        draw_rect_stamp(c, c.right - c.mm(45), c.mm(6), ["BẢN SAO"], rng, size=14)
        if i == len(pages) - 1:
            draw_rect_stamp(c, c.left, c.bottom - c.mm(55),
                            ["CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH",
                             f"Số chứng thực: {rng.integers(100, 2000)}  Quyển số: 01/{x.received.year}-SCT/BS",
                             f"{ngay(x.received).capitalize()}"], rng, size=10)
            draw_signature(c, c.left + c.mm(95), c.bottom - c.mm(40), c.mm(35), c.mm(14), rng)
            draw_round_stamp(c, c.left + c.mm(95), c.bottom - c.mm(30), c.mm(17), ubnd_stamp(x), rng)
        out.append(c)
    return out


# --------------------------------------------------------------------------
# Page degradation (scanner look)
# --------------------------------------------------------------------------

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
        arr = np.asarray(im.rotate(d.angle, resample=d.resample, fillcolor=251.0), np.float32)
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


# --------------------------------------------------------------------------
# File writers
# --------------------------------------------------------------------------

COLOUR_FMTS = {"jpeg_rgb", "jpeg_cmyk", "png_rgb", "png_rgba"}
GRAY_FMTS = {"jpeg_gray", "png_gray", "png_gray16"}
BILEVEL_FMTS = {"png_1bit", "tiff_g4", "tiff_g4_multi", "tiff_g4_fill2"}
EXT = {"jpeg_rgb": "jpg", "jpeg_cmyk": "jpg", "jpeg_gray": "jpg", "png_rgb": "png", "png_rgba": "png",
       "png_gray": "png", "png_gray16": "png", "png_1bit": "png", "tiff_g4": "tif", "tiff_g4_multi": "tif",
       "tiff_g4_fill2": "tif"}


def rgb_to_cmyk(arr: np.ndarray) -> Image.Image:
    """RGB -> CMYK with full grey component replacement (text goes to K, paper/stamps to CMY).

    Exact inverse of Pillow's CMYK->RGB (R = (255-K)(255-C)/255), unlike Image.convert('CMYK')
    which leaves K=0 and puts the text in all three colour plates.
    """
    mx = np.maximum(arr.max(axis=2), 1.0)
    k = 255.0 - mx
    cmy = 255.0 * (1.0 - arr / mx[..., None])
    out = np.dstack([cmy, k[..., None]])
    return Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8), "CMYK")


def render_page(canvas: Canvas | None, fmt: str, shape, rng) -> Image.Image:
    """Clean canvas (or None for a blank back page) -> degraded PIL image in the file's pixel mode."""
    d = pick_degradation(rng, fmt, canvas is None)
    if fmt in BILEVEL_FMTS:
        return degrade_bilevel(canvas, shape, d, rng)
    colour = fmt in COLOUR_FMTS
    arr, alpha = degrade_tone(canvas, shape, d, rng, colour, keep_float=fmt == "png_gray16",
                              want_alpha=fmt == "png_rgba")
    if fmt == "png_gray16":
        return Image.fromarray(np.clip(arr * 257.0 + 0.5, 0, 65535).astype(np.uint16))   # mode I;16
    im = Image.fromarray((arr + 0.5).astype(np.uint8))
    if fmt == "jpeg_cmyk":
        return rgb_to_cmyk(arr)
    if fmt == "png_rgba":
        im.putalpha(Image.fromarray(alpha))
    return im


def write_jpeg(im: Image.Image, path: str, dpi: int):
    im.save(path, "JPEG", quality=75, dpi=(dpi, dpi), optimize=False, progressive=False)


def write_png(im: Image.Image, path: str, dpi: int | None):
    if dpi is None:
        im.info.pop("dpi", None)
        im.save(path, "PNG", compress_level=6)       # no pHYs chunk
    else:
        im.save(path, "PNG", dpi=(dpi, dpi), compress_level=6)


def write_tiff_g4(frames: list[Image.Image], path: str, dpi: int, one_strip=False, white_is_zero=False):
    """G4 TIFF via Pillow/libtiff.  Pillow writes PhotometricInterpretation=1 (BlackIsZero), so paper is
    coded as G4 'black' runs.  white_is_zero=True gives the usual fax/scanner convention instead: the
    pixels are inverted before encoding and tag 262 is then patched to 0 in every IFD."""
    kw = dict(compression="group4", dpi=(dpi, dpi))
    if one_strip:
        kw.update(tiffinfo={266: 1}, strip_size=1 << 30)   # FillOrder=1 written, one strip
    out = [Image.fromarray(~np.asarray(f)) for f in frames] if white_is_zero else frames
    if len(out) == 1:
        out[0].save(path, "TIFF", **kw)
    else:
        out[0].save(path, "TIFF", save_all=True, append_images=out[1:], **kw)
    if white_is_zero:
        data = bytearray(open(path, "rb").read())
        ifd = struct.unpack_from("<I", data, 4)[0]
        while ifd:
            off, typ, _ = _ifd_entries(data, ifd)[262]
            struct.pack_into("<HHIHH", data, off, 262, 3, 1, 0, 0)
            n = struct.unpack_from("<H", data, ifd)[0]
            ifd = struct.unpack_from("<I", data, ifd + 2 + 12 * n)[0]
        with open(path, "wb") as fh:
            fh.write(data)
        check = Image.open(path)
        for k, f in enumerate(frames):
            check.seek(k)
            if check.convert("1").tobytes() != f.tobytes():
                raise RuntimeError(f"{path}: WhiteIsZero frame {k} does not decode to the original page")


REVERSE_BITS = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))
_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8, 11: 4, 12: 8}


def _ifd_entries(data: bytes, ifd: int) -> dict:
    n = struct.unpack_from("<H", data, ifd)[0]
    out = {}
    for i in range(n):
        off = ifd + 2 + 12 * i
        tag, typ, cnt = struct.unpack_from("<HHI", data, off)
        out[tag] = (off, typ, cnt)
    return out


def _ifd_values(data: bytes, entry) -> list[int]:
    off, typ, cnt = entry
    size = _TYPE_SIZE[typ] * cnt
    pos = off + 8 if size <= 4 else struct.unpack_from("<I", data, off + 8)[0]
    fmt = {3: "H", 4: "I"}[typ]
    return list(struct.unpack_from(f"<{cnt}{fmt}", data, pos))


def _set_fillorder(data: bytearray, value: int) -> bytearray:
    """Set tag 266 in the first IFD, patching in place or appending a rewritten IFD."""
    ifd = struct.unpack_from("<I", data, 4)[0]
    ents = _ifd_entries(data, ifd)
    if 266 in ents:
        off, typ, _ = ents[266]
        struct.pack_into("<HHIHH", data, off, 266, 3, 1, value, 0)
        return data
    n = struct.unpack_from("<H", data, ifd)[0]
    raw = [bytes(data[ifd + 2 + 12 * i: ifd + 14 + 12 * i]) for i in range(n)]
    raw.append(struct.pack("<HHIHH", 266, 3, 1, value, 0))
    raw.sort(key=lambda e: struct.unpack_from("<H", e)[0])
    nxt = struct.unpack_from("<I", data, ifd + 2 + 12 * n)[0]
    if len(data) % 2:
        data += b"\0"
    new = len(data)
    data += struct.pack("<H", len(raw)) + b"".join(raw) + struct.pack("<I", nxt)
    struct.pack_into("<I", data, 4, new)
    return data


def patch_fillorder2(path: str):
    """Turn a single-strip FillOrder=1 G4 TIFF into a FillOrder=2 one (bits of each strip byte reversed)."""
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"II*\x00":
        raise ValueError(f"{path}: not a little-endian TIFF")
    ifd = struct.unpack_from("<I", data, 4)[0]
    ents = _ifd_entries(data, ifd)
    offs, cnts = _ifd_values(data, ents[273]), _ifd_values(data, ents[279])
    if len(offs) != 1:
        raise ValueError(f"{path}: expected one strip, found {len(offs)}")
    if ents.get(266) and _ifd_values(data, ents[266])[0] != 1:
        raise ValueError(f"{path}: FillOrder is not 1")
    o, n = offs[0], cnts[0]
    data[o:o + n] = bytes(data[o:o + n]).translate(REVERSE_BITS)
    data = _set_fillorder(data, 2)
    with open(path, "wb") as fh:
        fh.write(data)


def verify_fillorder2(path: str, original: Image.Image):
    """Undo the bit reversal in memory and check Pillow decodes exactly the original bilevel page."""
    data = bytearray(open(path, "rb").read())
    ifd = struct.unpack_from("<I", data, 4)[0]
    ents = _ifd_entries(data, ifd)
    assert _ifd_values(data, ents[266]) == [2], "FillOrder tag is not 2"
    o, n = _ifd_values(data, ents[273])[0], _ifd_values(data, ents[279])[0]
    data[o:o + n] = bytes(data[o:o + n]).translate(REVERSE_BITS)
    data = _set_fillorder(data, 1)
    back = Image.open(io.BytesIO(bytes(data)))
    back.load()
    if back.convert("1").tobytes() != original.convert("1").tobytes():
        raise RuntimeError(f"{path}: FillOrder=2 round trip does not match the original page")


def write_file(frames: list[Image.Image], fmt: str, path: str, dpi: int, with_dpi=True):
    if fmt.startswith("jpeg"):
        write_jpeg(frames[0], path, dpi)
    elif fmt.startswith("png"):
        write_png(frames[0], path, dpi if with_dpi else None)
    elif fmt == "tiff_g4_fill2":
        write_tiff_g4(frames, path, dpi, one_strip=True)
        patch_fillorder2(path)
        verify_fillorder2(path, frames[0])
    elif fmt == "tiff_g4_multi":
        write_tiff_g4(frames, path, dpi, white_is_zero=True)
    else:
        write_tiff_g4(frames, path, dpi)


# --------------------------------------------------------------------------
# Case plans
# --------------------------------------------------------------------------

@dataclass
class FileSpec:
    name: str                   # file name inside the part folder
    fmt: str
    pages: list                 # tokens: int = doc page (new sheet), ("back", i) = doc page on the back, "B" = blank back
    with_dpi: bool = True


@dataclass
class Part:
    folder: str | None          # component subfolder, None = directly in the case folder
    doc: str                    # DOCS key, or "copy:<part index>" for a certified copy of another part
    files: list


@dataclass
class CasePlan:
    folder: str
    ctx: Ctx
    parts: list
    register: dict | None = None        # extra/overridden register values; None = no metadata at all
    sidecar: dict | None = None         # sidecar options: {"title": ..., "nfd_applicant": bool}


def curated_cases(seed: int) -> list[CasePlan]:
    """The hand-designed cases of the committed batch (every format and every metadata variant)."""
    A = AGENCIES
    plans = []

    def rr(i):
        return random.Random(seed * 1_000_003 + i)

    # A: khai sinh, Vietnamese component folders, colour JPEG + RGBA PNG + CMYK JPEG + blank back, sidecar
    x = Ctx(rr(0), "khai_sinh", A["tanhoa"], dt.date(2025, 7, 1), 1, father="Nguyễn Văn An",
            mother="Trần Thị Lan", child="Nguyễn Minh Khôi", child_female=False)
    plans.append(CasePlan(x.code, x, [
        Part("01 Tờ khai", "to_khai_khai_sinh", [FileSpec("1.jpg", "jpeg_rgb", [0]),
                                                 FileSpec("2.png", "png_rgba", [("back", 1)])]),
        Part("02 Giấy chứng sinh", "giay_chung_sinh", [FileSpec("1.jpg", "jpeg_cmyk", [0]),
                                                       FileSpec("2.jpg", "jpeg_rgb", ["B"])]),
    ], register={"received_time": "08:15", "resolved": dt.date(2025, 7, 2), "returned": dt.date(2025, 7, 3),
                 "channel": "Trực tiếp", "title": "Hồ sơ đăng ký khai sinh cho Nguyễn Minh Khoi",
                 "note": 'Người nộp ghi chú: "cần 02 bản sao, nhận trong ngày"'},
        sidecar={"title": x.title()}))

    # B: chứng thực, flat, 11 PNG pages trang_1..trang_11 (natural sort), late
    x = Ctx(rr(1), "chung_thuc", A["tanhoa"], dt.date(2025, 7, 3), 4, applicant="Lê Hoàng Đức")
    plans.append(CasePlan(x.code, x, [
        Part(None, "hop_dong_thue_nha", [FileSpec("trang_1.png", "png_gray", [0]),
                                         FileSpec("trang_2.png", "png_1bit", [1], with_dpi=False),
                                         FileSpec("trang_3.png", "png_1bit", [2]),
                                         FileSpec("trang_4.png", "png_1bit", [3]),
                                         FileSpec("trang_5.png", "png_1bit", [4])]),
        Part(None, "copy:0", [FileSpec(f"trang_{i}.png", "png_1bit", [i - 6]) for i in range(6, 11)]),
        Part(None, "phieu_tiep_nhan", [FileSpec("trang_11.png", "png_gray16", [0])]),
    ], register={"resolved": dt.date(2025, 7, 8), "returned": dt.date(2025, 7, 8), "channel": "Trực tiếp",
                 "note": "Trễ hạn do phải xác minh bản chính với cơ quan cấp; đã gửi phiếu xin lỗi và hẹn lại"}))

    # C: đất đai, 3 component folders, G4 TIFFs (single, FillOrder=2, multi-page) + colour PNG map, pending,
    #    sidecar with an NFD applicant name
    x = Ctx(rr(2), "dat_dai", A["vpdkdd"], dt.date(2025, 7, 4), 12, applicant="Phạm Thị Thu Hằng",
            parcel=245, sheet=12, area=156.3, value_ink="black")
    plans.append(CasePlan(x.code, x, [
        Part("01 Đơn đăng ký (Mẫu số 15)", "don_dang_ky_dat", [FileSpec("1.tif", "tiff_g4", [0]),
                                                                FileSpec("2.tif", "tiff_g4_fill2", [1])]),
        Part("02 Giấy tờ về quyền sử dụng đất", "hop_dong_chuyen_nhuong",
             [FileSpec("1.tif", "tiff_g4_multi", [0, 1, 2])]),
        Part("03 Trích đo địa chính", "trich_do", [FileSpec("1.png", "png_rgb", [0])]),
    ], register={"resolved": None, "returned": None, "channel": "Trực tuyến", "note": ""},
        sidecar={"nfd_applicant": True}))

    # D: trích lục, human folder name linked through 'Thư mục', by post
    x = Ctx(rr(3), "trich_luc", A["tanhoa"], dt.date(2025, 7, 7), 2, applicant="Trần Thị Bình")
    plans.append(CasePlan("Ho so Tran Thi Binh", x, [
        Part(None, "to_khai_trich_luc", [FileSpec("1.jpg", "jpeg_rgb", [0]), FileSpec("2.jpg", "jpeg_rgb", ["B"])]),
        Part(None, "cccd_copy", [FileSpec("3.jpg", "jpeg_gray", [0])]),
    ], register={"resolved": dt.date(2025, 7, 8), "returned": dt.date(2025, 7, 10),
                 "channel": "Bưu chính công ích",
                 "note": 'Gửi kết quả qua bưu điện, người nhận "Trần Thị Bình"'}))

    # E: khai sinh, ASCII component folders, duplex back page with content, online
    x = Ctx(rr(4), "khai_sinh", A["tanhoa"], dt.date(2025, 7, 9), 3, father="Đỗ Mạnh Hùng",
            mother="Hoàng Thị Mai", child="Đỗ Ngọc Hân", child_female=True, applicant_is_father=False)
    plans.append(CasePlan(x.code, x, [
        Part("01 To khai", "to_khai_khai_sinh", [FileSpec("1.jpg", "jpeg_rgb", [0]),
                                                 FileSpec("2.jpg", "jpeg_rgb", [("back", 1)])]),
        Part("02 Giay chung sinh", "giay_chung_sinh", [FileSpec("1.jpg", "jpeg_gray", [0])]),
    ], register={"resolved": dt.date(2025, 7, 9), "returned": dt.date(2025, 7, 10), "channel": "Trực tuyến",
                 "note": "Nộp trực tuyến qua Cổng Dịch vụ công quốc gia.\nĐã đối chiếu bản chính giấy chứng sinh."}))

    # F: no metadata at all (not in the CSV, no sidecar)
    x = Ctx(rr(5), "trich_luc", A["tanhoa"], dt.date(2025, 7, 10), 5, applicant="Vũ Đức Thắng")
    plans.append(CasePlan("HS-chua-co-thong-tin", x, [
        Part(None, "giay_uy_quyen", [FileSpec("1.jpg", "jpeg_gray", [0]), FileSpec("2.jpg", "jpeg_gray", [1])]),
        Part(None, "cccd_copy", [FileSpec("3.jpg", "jpeg_gray", [0])]),
    ], register=None))
    return plans


GENERIC_PARTS = {   # (folder or None, doc, min pages)
    "khai_sinh": [("01 Tờ khai", "to_khai_khai_sinh", 1), ("02 Giấy chứng sinh", "giay_chung_sinh", 1)],
    "chung_thuc": [(None, "hop_dong_thue_nha", 1), (None, "copy:0", 1)],
    "dat_dai": [("01 Đơn đăng ký (Mẫu số 15)", "don_dang_ky_dat", 1),
                ("02 Giấy tờ về quyền sử dụng đất", "hop_dong_chuyen_nhuong", 1),
                ("03 Trích đo địa chính", "trich_do", 1)],
    "trich_luc": [(None, "to_khai_trich_luc", 1), (None, "cccd_copy", 1)],
}
PROFILES = {        # format per page, weighted
    "colour": [("jpeg_rgb", 1.0)],
    "gray": [("jpeg_gray", 1.0)],
    "tiff": [("tiff_g4", 1.0)],
    "tiff_multi": [("tiff_g4_multi", 1.0)],
    "png_bilevel": [("png_1bit", 1.0)],
    "mixed": [("jpeg_rgb", 0.35), ("jpeg_gray", 0.25), ("png_1bit", 0.15), ("tiff_g4", 0.15),
              ("png_gray", 0.04), ("jpeg_cmyk", 0.03), ("png_gray16", 0.02), ("png_rgb", 0.01)],
}
PROFILE_WEIGHTS = [("colour", 0.3), ("gray", 0.2), ("tiff", 0.12), ("tiff_multi", 0.08), ("png_bilevel", 0.1),
                   ("mixed", 0.2)]


def _wchoice(rnd, pairs):
    r, acc = rnd.random() * sum(w for _, w in pairs), 0.0
    for v, w in pairs:
        acc += w
        if r < acc:
            return v
    return pairs[-1][0]


def generic_case(seed: int, idx: int, n_pages: int, used: set) -> CasePlan:
    """A random case of exactly n_pages pages (bulk/benchmark mode)."""
    rnd = random.Random(seed * 1_000_003 + idx)
    proc = _wchoice(rnd, [("khai_sinh", 0.35), ("chung_thuc", 0.25), ("dat_dai", 0.2), ("trich_luc", 0.2)])
    agency = AGENCIES["vpdkdd"] if proc == "dat_dai" else AGENCIES[rnd.choice(["tanhoa", "hiepthanh", "honggai"])]
    while True:
        day = dt.date(2025, 7, 1) + dt.timedelta(days=rnd.randint(0, 120))
        if day.weekday() >= 5:
            continue
        seq = rnd.randint(1, 60)
        if (agency.code, day, seq) not in used:
            used.add((agency.code, day, seq))
            break
    x = Ctx(rnd, proc, agency, day, seq, value_ink=rnd.choice(["blue", "black"]))
    spec = GENERIC_PARTS[proc]
    if proc == "chung_thuc":
        k = max(1, (n_pages - 1) // 2)
        counts = [k, k]
        extra = n_pages - 2 * k
    else:
        counts = [m for _, _, m in spec]
        extra = n_pages - sum(counts)
        while extra > 0:
            counts[rnd.randrange(len(counts))] += 1
            extra -= 1
    profile = _wchoice(rnd, PROFILE_WEIGHTS)
    naming = rnd.choice(["{n}", "trang_{n}"])
    parts, num = [], 0
    for (folder, doc, _), k in zip(spec, counts):
        if folder is None:
            start = num
        else:
            start = 0
        tokens, i = [], 0
        while len(tokens) < k:
            if (profile == "colour" and proc != "chung_thuc" and tokens and tokens[-1] != "B"
                    and rnd.random() < 0.2):
                tokens.append("B")
            else:
                tokens.append(i)
                i += 1
        files = []
        if profile == "tiff_multi" and k > 1 and "B" not in tokens:
            files.append(FileSpec(naming.format(n=start + 1) + ".tif", "tiff_g4_multi", tokens))
            num_used = 1
        else:
            for j, t in enumerate(tokens):
                fmt = _wchoice(rnd, PROFILES[profile])
                if fmt == "tiff_g4_multi":
                    fmt = "tiff_g4"
                if t == "B" and fmt in BILEVEL_FMTS:
                    fmt = "jpeg_gray"
                files.append(FileSpec(naming.format(n=start + j + 1) + "." + EXT[fmt], fmt, [t]))
            num_used = len(tokens)
        if folder is None:
            num += num_used
        parts.append(Part(folder, doc, files))
    if proc == "chung_thuc":      # 1 or 2 pages left over: receipt, then an ID card copy
        for j, doc in enumerate(["phieu_tiep_nhan", "cccd_copy"][:extra]):
            parts.append(Part(None, doc, [FileSpec(naming.format(n=num + j + 1) + ".jpg", "jpeg_gray", [0])]))
    status_closed = rnd.random() < 0.75
    reg = {"channel": rnd.choice(["Trực tiếp", "Trực tuyến", "Bưu chính công ích"]),
           "note": rnd.choice(["", "", "", "Hồ sơ đầy đủ, hợp lệ", "Đã đối chiếu bản chính",
                               "Người nộp đề nghị nhận kết quả qua bưu điện"])}
    due = add_working_days(day, PROCEDURES[proc]["due_days"])
    if status_closed:
        late = rnd.random() < 0.1
        res = add_working_days(due, rnd.randint(1, 3)) if late else \
            add_working_days(day, rnd.randint(0, PROCEDURES[proc]["due_days"]))
        reg.update(resolved=res, returned=add_working_days(res, rnd.randint(0, 2)) if res < due else res)
    else:
        reg.update(resolved=None, returned=None)
    return CasePlan(x.code, x, parts, register=reg)


def plan_batch(seed: int, cases: int | None, pages: int | None) -> list[CasePlan]:
    curated = curated_cases(seed)
    used = {(p.ctx.agency.code, p.ctx.received, p.ctx.seq) for p in curated}
    plans: list[CasePlan] = []
    if pages is None:
        plans = curated[:cases]
        rnd = random.Random(seed * 7919)
        for i in range(len(plans), cases):
            plans.append(generic_case(seed, 100 + i, rnd.randint(3, 8), used))
        return plans
    total = 0
    for p in curated:
        n = case_page_count(p)
        if total + n <= pages:
            plans.append(p)
            total += n
    rnd = random.Random(seed * 7919 + pages)
    remaining, i = pages - total, len(plans)
    while remaining >= 3:
        n = remaining if remaining <= 12 else rnd.randint(3, 12)
        if 0 < remaining - n < 3:
            n = remaining - 3
        plans.append(generic_case(seed, 100 + i, n, used))
        remaining -= n
        i += 1
    return plans


def case_page_count(plan: CasePlan) -> int:
    return sum(len(f.pages) for part in plan.parts for f in part.files)


def case_sheet_count(plan: CasePlan) -> int:
    return sum(1 for part in plan.parts for f in part.files for t in f.pages if isinstance(t, int))


# --------------------------------------------------------------------------
# Metadata writers
# --------------------------------------------------------------------------

def register_row(plan: CasePlan) -> list[str]:
    x, r = plan.ctx, plan.register
    p = PROCEDURES[x.proc]
    due = add_working_days(x.received, p["due_days"])
    received = dmy(x.received) + (" " + r["received_time"] if r.get("received_time") else "")
    closed = r.get("returned") is not None
    resolved = r.get("resolved")
    returned = r.get("returned")
    paper = f"{x.agency.archive}.{x.received.month:02d}.{(x.seq % 40) + 1:02d}.{x.seq * 7 + x.received.day:03d}"
    row = [
        x.code, plan.folder, p["code"], p["name"], p["field"], x.agency.code, x.agency.name, x.applicant.name,
        x.applicant.cccd, received, dmy(due), dmy(resolved) if resolved else "", dmy(returned) if returned else "",
        r["channel"], "Đã trả kết quả" if closed else "Đang giải quyết", r.get("title") or x.title(),
        p["retention"], p["mode"], "01", str(case_sheet_count(plan)), str(case_page_count(plan)), "02", paper,
        r.get("note", ""),
    ]
    return [nfc(v) for v in row]


def write_register(plans: list[CasePlan], out: str) -> str:
    path = os.path.join(out, "hoso.csv")
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        w.writerow(CSV_HEADERS)
        for p in plans:
            if p.register is not None:
                w.writerow(register_row(p))
    return path


COMPONENT_META = {
    "to_khai_khai_sinh": lambda x: ("Tờ khai đăng ký khai sinh", "", "", x.received, x.agency.name,
                                    f"Tờ khai đăng ký khai sinh cho {x.child.name}"),
    "giay_chung_sinh": lambda x: ("Giấy chứng sinh", str(x.gcs_no), "GCS",
                                  x.child.birth + dt.timedelta(days=2), x.hospital,
                                  f"Giấy chứng sinh của {x.child.name}"),
    "don_dang_ky_dat": lambda x: ("Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 15)", "", "",
                                  x.received - dt.timedelta(days=3), x.applicant.name,
                                  f"Đơn đăng ký đất đai thửa đất số {x.parcel}, tờ bản đồ số {x.sheet}"),
    "hop_dong_chuyen_nhuong": lambda x: ("Hợp đồng chuyển nhượng quyền sử dụng đất", "", "",
                                         x.transfer_signed,
                                         f"Văn phòng công chứng {x.agency.place.split(' ', 1)[1]}",
                                         f"Hợp đồng chuyển nhượng quyền sử dụng đất thửa đất số {x.parcel}"),
    "trich_do": lambda x: ("Bản trích đo địa chính thửa đất", "", "", x.received - dt.timedelta(days=6),
                           f"Văn phòng đăng ký đất đai tỉnh {x.agency.province}",
                           f"Trích đo địa chính thửa đất số {x.parcel}, tờ bản đồ số {x.sheet}"),
}


def write_sidecar(plan: CasePlan, case_dir: str) -> str:
    x, opt = plan.ctx, plan.sidecar
    name = x.applicant.name
    if opt.get("nfd_applicant"):
        name = unicodedata.normalize("NFD", name)     # deliberately NFD: the ingest must NFC-normalize
    comps = []
    for part in plan.parts:
        if part.folder is None:
            continue
        label, num, notation, issued, organ, subject = COMPONENT_META[part.doc](x)
        comps.append({"folder": nfc(part.folder), "label": nfc(label), "type_name": "32", "code_number": num,
                      "code_notation": notation, "issued_date": dmy(issued), "organ_name": nfc(organ),
                      "subject": nfc(subject)})
    doc = {"case_code": x.code, "title": nfc(opt.get("title") or x.title()), "applicant_name": name,
           "components": comps}
    path = os.path.join(case_dir, "hoso.json")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return path


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def produce_case(plan: CasePlan, idx: int, out: str, seed: int, dpi: int, fonts: Fonts, stats: dict):
    rng = np.random.default_rng([seed, idx])
    rnd = random.Random(seed * 1_000_003 + 500 + idx)
    case_dir = os.path.join(out, nfc(plan.folder))
    os.makedirs(case_dir, exist_ok=True)
    docs: list[list[Canvas]] = []
    probe = Canvas(fonts, dpi)
    shape = (probe.H, probe.W)
    for part in plan.parts:
        need = 1 + max([t if isinstance(t, int) else t[1] for f in part.files for t in f.pages
                        if t != "B"] or [0])
        if part.doc.startswith("copy:"):
            src = docs[int(part.doc.split(":")[1])]
            pages = make_certified_copies(src[:need], plan.ctx, rng)
        else:
            pages = build_doc(part.doc, plan.ctx, need, fonts, dpi, rng, rnd)
        docs.append(pages)
        pdir = case_dir if part.folder is None else os.path.join(case_dir, nfc(part.folder))
        os.makedirs(pdir, exist_ok=True)
        for f in part.files:
            frames = []
            for t in f.pages:
                canvas = None if t == "B" else pages[t if isinstance(t, int) else t[1]]
                frames.append(render_page(canvas, f.fmt, shape, rng))
            path = os.path.join(pdir, nfc(f.name))
            write_file(frames, f.fmt, path, dpi, f.with_dpi)
            stats["files"] += 1
            stats["pages"] += len(frames)
    if plan.sidecar is not None and plan.register is not None:
        write_sidecar(plan, case_dir)
        stats["files"] += 1


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a synthetic batch of scanned TTHC case files.")
    ap.add_argument("out_dir")
    ap.add_argument("--cases", type=int, default=6, help="number of cases (default 6 = the curated set)")
    ap.add_argument("--pages", type=int, help="total number of pages; cases of 3-12 pages are derived")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--force", action="store_true", help="empty a non-empty OUT_DIR first")
    a = ap.parse_args(argv)
    if a.cases < 1 or (a.pages is not None and a.pages < 3) or a.dpi < 50:
        ap.error("need --cases >= 1, --pages >= 3, --dpi >= 50")

    out = a.out_dir
    if os.path.exists(out) and not os.path.isdir(out):
        ap.error(f"{out} exists and is not a directory")
    if os.path.isdir(out) and os.listdir(out):
        if not a.force:
            sys.exit(f"error: {out} is not empty (use --force to replace its contents)")
        real = os.path.realpath(out)
        if real in ("/", os.path.realpath(os.path.expanduser("~"))) or any(
                os.path.exists(os.path.join(out, m)) for m in (".git", "Cargo.toml")):
            sys.exit(f"error: refusing to empty {out}")
        for e in sorted(os.listdir(out)):
            p = os.path.join(out, e)
            shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
    os.makedirs(out, exist_ok=True)

    t0 = time.time()
    fonts = Fonts()
    plans = plan_batch(a.seed, a.cases, a.pages)
    stats = {"files": 0, "pages": 0}
    for i, plan in enumerate(plans):
        produce_case(plan, i, out, a.seed, a.dpi, fonts, stats)
    write_register(plans, out)
    stats["files"] += 1
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
    print(f"{out}: {len(plans)} cases, {stats['pages']} pages, {stats['files']} files, {size} bytes "
          f"({time.time() - t0:.1f} s)")


if __name__ == "__main__":
    main()
