"""Flow layout: lays out a document's blocks (titles, fields, paragraphs, signatures) over pages.
Sits on text (Canvas) and marks; the document builders produce the blocks it renders."""

from __future__ import annotations

from .marks import draw_round_stamp, draw_signature
from .text import Canvas, nfc
from .words import filler_blocks


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
