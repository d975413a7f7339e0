"""Fonts, text normalisation and the clean A4 canvas that every page is drawn on.
Bottom layer of the generator: everything else draws through Canvas."""

from __future__ import annotations

import glob
import os
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


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
