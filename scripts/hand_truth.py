#!/usr/bin/env python3
"""Hand-measured skew of real pages: the ground truth of scripts/eval-scans.py where the peers
disagree (or cannot measure), measured the way a person does it with a ruler, not by any tool
under evaluation.

usage: python3 scripts/hand_truth.py [--corpus DIR] [--truth scripts/eval-truth.tsv]
           [--pages german,scots] [--show DIR]

scripts/eval-truth.tsv lists, for each page, text regions chosen by hand by looking at the page:
one column of text lines each, free of figures and rules, `x0,y0,x1,y1` in the page's pixels,
regions separated by `;`, and a note saying what they are. A region's angle is the rise of its
lines from its left quarter to its right quarter: the rows' ink profiles of the two quarters are
cross-correlated and the vertical shift that lines them up (sub-pixel, near the slope the next
quarter gives, within MAX_DEG) over the quarters' distance is the lines' slope; a tall region is measured
in bands no taller than half its width. A page's skew is the median of its bands' angles, counter-clockwise positive (the right end of a line higher), over
the bands whose two quarters share lines (correlation >= MATCH). A page whose lines curve or are
sheared has the median line, and the spread is reported; a page where fewer than half the bands
share lines, or whose bands spread over SPREAD degrees, has no single skew and no truth.

--show writes each page with its regions and the measured lines drawn in red (PNG), to look at.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

Image.MAX_IMAGE_PIXELS = None
MAX_DEG = 6.0     # regions are chosen on pages whose own skew is small
MATCH = 0.5       # a band whose quarters' profiles correlate less has no common lines: not used
SPREAD = 1.5      # a page whose bands' angles spread wider has no single skew: no truth


def load_truth(path: Path) -> dict[str, dict]:
    """file -> {"regions": [(x0, y0, x1, y1)], "note": str}; '#' starts a comment line."""
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            sys.exit(f"{path}:{n}: want `file<TAB>x0,y0,x1,y1;...<TAB>note`")
        try:
            regions = [tuple(int(v) for v in r.split(",")) for r in cols[1].split(";") if r.strip()]
        except ValueError:
            sys.exit(f"{path}:{n}: a region is not four integers: {cols[1]!r}")
        if any(len(r) != 4 or r[2] <= r[0] or r[3] <= r[1] for r in regions):
            sys.exit(f"{path}:{n}: a region is not x0,y0,x1,y1 with x1 > x0 and y1 > y0")
        out[cols[0]] = {"regions": regions, "note": cols[2] if len(cols) > 2 else ""}
    return out


def ink(image: Image.Image) -> np.ndarray:
    """Ink: darker than halfway between the page's paper (90th percentile) and its darkest ink
    (1st percentile), so that faint print on grey paper is found too."""
    gray = np.asarray(image.convert("L"), dtype=np.float32)
    paper, dark = np.percentile(gray, 90), np.percentile(gray, 1)
    return gray < (paper + dark) / 2


def profile_shift(a: np.ndarray, b: np.ndarray, lo: int, hi: int) -> tuple[float, float]:
    """The shift s in [lo, hi] (sub-pixel) that best lines up b[y + s] with a[y], and its
    normalised correlation."""
    n = len(a)

    def score(s: int) -> float:
        x, y = (a[:n - s], b[s:]) if s >= 0 else (a[-s:], b[:n + s])
        d = math.sqrt(float((x * x).sum() * (y * y).sum())) or 1.0
        return float((x * y).sum()) / d

    shifts = list(range(lo, hi + 1))
    scores = [score(s) for s in shifts]
    i = int(np.argmax(scores))
    off = 0.0
    if 0 < i < len(scores) - 1:
        l, c, r = scores[i - 1], scores[i], scores[i + 1]
        den = l - 2 * c + r
        off = 0.5 * (l - r) / den if den else 0.0
    return shifts[i] + off, scores[i]


def region_angle(mask: np.ndarray, region: tuple[int, int, int, int]) -> dict:
    """Slope of the text lines of one region, from its left and right quarters' row profiles.
    Lines repeat, so a shift of one line pitch lines the profiles up too: the second quarter
    (one quarter's width from the first) gives the slope coarsely but without that ambiguity,
    and the right quarter is searched only near where that slope puts it."""
    x0, y0, x1, y1 = region
    h, w = mask.shape
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    q = (x1 - x0) // 4

    def profile(xa: int) -> np.ndarray:
        p = mask[y0:y1, xa:xa + q].sum(1).astype(float)
        return p - p.mean()

    left, second, right = profile(x0), profile(x0 + q), profile(x1 - q)
    near = math.ceil(q * math.tan(math.radians(MAX_DEG)))
    coarse, _ = profile_shift(left, second, -near, near)
    dx = (x1 - q) - x0
    guess = coarse * dx / q
    slack = max(3, math.ceil(dx * math.tan(math.radians(0.5))))
    dy, match = profile_shift(left, right, math.floor(guess) - slack, math.ceil(guess) + slack)
    # dy: the right quarter's lines lie dy rows below the left's; right end higher = positive
    return {"region": [x0, y0, x1, y1], "deg": math.degrees(math.atan2(-dy, dx)), "match": match,
            "dx": dx, "dy": dy}


def bands(region: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """A tall region in bands no taller than half its width: lines that curve or whose print is
    sheared line up band by band, and each band is one measurement."""
    x0, y0, x1, y1 = region
    n = max(1, round((y1 - y0) / max(1, (x1 - x0) / 2)))
    cuts = [y0 + (y1 - y0) * k // n for k in range(n + 1)]
    return [(x0, a, x1, b) for a, b in zip(cuts, cuts[1:])]


def measure(image: Image.Image, regions: list) -> dict:
    """The page's skew (`s0`, None when it has no single one, with `why`) from its bands."""
    mask = ink(image)
    found = [region_angle(mask, b) for r in regions for b in bands(r)]
    used = [f["deg"] for f in found if f["match"] >= MATCH]
    spread = max(used) - min(used) if used else 0.0
    out = {"s0": None, "bands": len(found), "used": len(used), "spread": round(spread, 3), "regions": found}
    if 2 * len(used) < len(found) or not used:
        return out | {"why": f"only {len(used)} of {len(found)} bands have lines in common across the region"}
    if spread > SPREAD:
        return out | {"why": f"its bands' angles spread over {spread:.2f}° (curl, perspective or ornament)"}
    return out | {"s0": round(statistics.median(used), 3)}


def show(image: Image.Image, result: dict, path: Path) -> None:
    im = image.convert("RGB")
    d = ImageDraw.Draw(im)
    width = max(1, im.width // 600)
    for f in result["regions"]:
        x0, y0, x1, y1 = f["region"]
        d.rectangle([x0, y0, x1, y1], outline=(0, 90, 255), width=width)
        slope = math.tan(math.radians(f["deg"]))
        for y in range(y0, y1, max(8, (y1 - y0) // 6)):
            d.line([(x0, y), (x1, y - slope * (x1 - x0))], fill=(255, 0, 0), width=width)
    scale = min(1.0, 1600 / max(im.size))
    im.resize((round(im.width * scale), round(im.height * scale))).save(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path("/work/corpus/real"))
    ap.add_argument("--truth", type=Path, default=Path(__file__).with_name("eval-truth.tsv"))
    ap.add_argument("--pages", default="")
    ap.add_argument("--show", type=Path)
    args = ap.parse_args()
    truth = load_truth(args.truth)
    if args.show:
        args.show.mkdir(parents=True, exist_ok=True)
    for file, t in truth.items():
        if args.pages and not any(w in file for w in args.pages.split(",")):
            continue
        with Image.open(args.corpus / "pages" / file) as im:
            r = measure(im, t["regions"])
            if args.show:
                show(im, r, args.show / f"{file}.png")
        each = " ".join(f"{f['deg']:+.2f}({f['match']:.2f})" for f in r["regions"])
        s0 = f"{r['s0']:+.3f}" if r["s0"] is not None else f"none: {r['why']}"
        print(f"{file}\t{s0}\tspread {r['spread']:.2f} ({r['used']}/{r['bands']} bands)\t{each}\t{t['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
