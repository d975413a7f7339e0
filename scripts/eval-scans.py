#!/usr/bin/env python3
"""Real-scan evaluation of sohoa's normalization: deskew, orientation and border crop, next to
open-source peers, on the pages fetched by scripts/fetch-scan-corpus.py.

usage: python3 scripts/eval-scans.py [--corpus DIR] [--sohoa PATH] [--angles -4,-1,0,2,7]
           [--tools sohoa,jdeskew,deskew,unpaper,ocrmypdf,tesseract] [--quick] [--out DIR]
           [--pages feyn,linn] [--jobs 2] [--json]

  --corpus  the corpus (default $SOHOA_SCAN_CORPUS, else /work/corpus/real; its manifest.tsv
            gives each page's class and dpi)
  --sohoa   the binary under test (default target/release/sohoa; it is not built here)
  --tools   the tools evaluated; the skew peers jdeskew, deskew, unpaper and ocrmypdf are run on
            the unturned pages anyway (cached) because their median is the ground truth
  --quick   fewer angles (QUICK_ANGLES) and no 180-degree orientation case
  --pages   only the corpus files whose names contain one of these words
  --out     where generated pages, the cache and report.md / report.json go (default eval-out/)
  --json    print the JSON report instead of Markdown

What it does, page by page:
  * Skew: the page is turned by known angles theta (counter-clockwise positive, canvas expanded,
    filled with the paper colour) and saved in its class's form: 1-bit pages thresholded back and
    stored as G4 TIFF, gray stays gray, colour stays colour, JPEG sources as JPEG, PNG as PNG,
    all with the page's dpi tagged. Each tool says what rotation it applies: sohoa through
    `sohoa inspect --json` (`rotated`, null = page left as is; its `skew` measurement is shown
    as a separate "measured skew" row), jdeskew and deskew through their Python APIs (the angle
    their READMEs pass to rotate()), unpaper through `-v` ("rotate (x,y): radians"; it gets the
    page as PNM, its documented input, and by default only the angles in TOOL_ANGLES, being
    slow), ocrmypdf --deskew through its `-v 1` log ("Deskew angle", page by page; a page's
    variants go through one ocrmypdf call as one PDF made with img2pdf, as ocrmypdf does with an
    image). Signs are never assumed: every tool is calibrated first on a synthetic page of text
    lines turned by +3 and -3 degrees, and for the tools that write an image (unpaper,
    ocrmypdf) the parsed angle is checked against the rotation registered between their input
    and output images (registered_rotation, usable for any tool that writes an image).
  * Ground truth: a real page has its own skew s0, the median of the peers' measurements on the
    unturned page (sohoa is not part of it, so that a change to sohoa never moves the truth;
    deskew, whose default answers come in whole degrees, only votes on agreement: PEER_STEP; a
    peer that does not follow the page turned by the small TRACK_ANGLES, as unpaper and
    Tesseract answering 0 when they find nothing, has no vote on that page).
    Pages where fewer than three peers measure, or where more than one of them lies further
    than AGREE degrees (plus half its step) from the median, are dropped and listed. Where the
    peers disagree or cannot measure, the page was measured by hand instead
    (scripts/eval-truth.tsv: text regions chosen by looking at the page; hand_truth.py: the
    median slope of their lines, ruler-style, no tool under evaluation involved); that value
    replaces the peers' median, and a listed page without a single skew (curl, perspective) is
    dropped with the reason. The truth never comes from sohoa. On the
    page turned by theta the truth is s0 + theta; a correction c leaves s0 + theta + c.
    "within" = |s0 + theta + c| <= WITHIN; "wrong direction" = c turns the page further away
    (same sign as the skew, |skew| > WITHIN); "left alone" = no rotation although |skew| >
    WITHIN; a tool that fails on a page left it alone.
  * Following known turns: |c(theta) - c(0) + theta| <= WITHIN for each tool on every page,
    camera captures included; consistency without a ground truth, not accuracy.
  * Orientation: pages turned by 90, 180 and 270 degrees; sohoa's normalization.orientation
    (absent = not detected; its meaning is calibrated on synthetic quarter-turned pages; the
    `sideways` flag is counted too; where Tesseract's OSD is installed sohoa asks it about
    the pages its text leaves undecided, see docs/profiles.md) and Tesseract's OSD alone
    (`tesseract IMG - --psm 0`). An upright page that a tool would turn is a false turn (row
    "turn 0", column "wrong"); "missed_files" in the JSON lists the pages not detected.
  * Borders: a ragged black scanner bar (3-6 % of the width) is added beside the page (left or
    right, alternating) before turning by BORDER_ANGLES, the turned sheet lying on paper colour
    or (second case) on a dark lid. sohoa's crop is checked: how much of that dark is left
    inside the kept rectangle, and whether the rectangle cuts the page's ink (its dark pixels,
    less the components touching the page's edge). The same ink check runs on every turned page
    without a bar.

Results are cached by (file hash, tool version; for sohoa the binary's hash), so after a change
to sohoa `--tools sohoa` re-runs sohoa only. Generated pages are kept under OUT/pages; OUT gets
a .gitignore of its own. Time on 2 cores: about 15 minutes for the first default run (image
generation ~3, unpaper ~5, ocrmypdf ~4, the rest ~3), about 2 minutes for `--tools sohoa`
after a rebuild.

Peers, as measured here (install: pip install jdeskew deskew ocrmypdf; apt-get install unpaper
tesseract-ocr tesseract-ocr-osd poppler-utils): jdeskew 0.4.2, deskew 1.6.1, ocrmypdf 17.13.0
(Tesseract 5.3.0), unpaper 7.0.0, Tesseract 5.3.0 with osd.traineddata. The harness installs
nothing: it names what is missing and leaves that tool out.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import math
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hand_truth  # noqa: E402  (scripts/hand_truth.py: the hand-measured skews)

Image.MAX_IMAGE_PIXELS = None
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = "/work/corpus/real"

WITHIN = 0.3            # degrees from straight that count as straight
AGREE = 0.2             # peers within this of their median agree on a page's own skew
DEFAULT_ANGLES = (-12, -7, -4, -2, -1, -0.5, 0, 0.5, 1, 2, 4, 7, 12)
TRACK_ANGLES = (-2, -1, -0.5, 0.5, 1, 2)  # a peer votes on the truth if it follows these turns
QUICK_ANGLES = (-4, -1, 0, 2, 7)
# unpaper takes ~2 s on a 300-dpi page: by default it gets a subset of DEFAULT_ANGLES (its own
# search range is 5°); --angles and --quick give every tool the same angles
TOOL_ANGLES = {"unpaper": (-7, -2, -0.5, 0, 1, 4)}
BATCHED = ("sohoa", "ocrmypdf")  # run once per corpus page on all its variants
TURNS = (90, 180, 270)
BORDER_ANGLES = (0, 2, -5)
GENERATION = 2          # bump when generate_page makes different images from the same page
DARK_REMOVED_MM = 1.0   # a ragged bar cropped at its inner edge leaves up to about this much
CALIBRATION_TURNS = {"+3": 3.0, "-3": -3.0}
QUARTER_FONT_SIZES = (32, 40)
OSD_CONFIDENCE = 14.0   # ocrmypdf's default --rotate-pages-threshold
SKEW_PEERS = ("jdeskew", "deskew", "unpaper", "ocrmypdf")
# Resolution of a peer's answer with its defaults: deskew's Hough transform tries 180 angles
# (1° apart), unpaper steps by 0.1°. Such a peer agrees within AGREE + step / 2, and a 1° step
# is too coarse to set the truth.
PEER_STEP = {"deskew": 1.0, "unpaper": 0.1}
ALL_TOOLS = ("sohoa", *SKEW_PEERS, "tesseract")
INSTALL = {
    "jdeskew": "pip install jdeskew",
    "deskew": "pip install deskew",
    "ocrmypdf": "pip install ocrmypdf (and apt-get install tesseract-ocr)",
    "unpaper": "apt-get install unpaper",
    "tesseract": "apt-get install tesseract-ocr tesseract-ocr-osd",
}
CLASSES = ("g4-text", "gray-book", "colour-form", "camera")
PHOTO = "photo"         # pictures without text: only looked at unturned, no tool should turn them
TOOL_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1", "SOHOA_LANG": "en"}


# ---------------------------------------------------------------------------------------------
# Pages and their variants

@dataclass(frozen=True)
class Page:
    file: str
    cls: str
    dpi: float
    path: Path


@dataclass(frozen=True)
class Variant:
    """A page turned by `angle` degrees counter-clockwise, or by a quarter `turn`, with or
    without a scanner bar on one side, on a paper-coloured or dark (lid) background."""
    page: str
    kind: str            # skew | orient | border
    angle: float = 0.0
    turn: int = 0
    bar: str | None = None
    lid: bool = False    # dark scanner background around the turned sheet (else paper colour)

    def name(self, ext: str) -> str:
        bar = (f"_bar-{self.bar}" if self.bar else "") + ("-lid" if self.lid else "")
        return f"{self.kind}_{self.angle:+05.1f}_r{self.turn:03d}{bar}{ext}"


def load_manifest(corpus: Path) -> list[Page]:
    manifest = corpus / "manifest.tsv"
    if not manifest.is_file():
        sys.exit(f"{manifest} missing: run scripts/fetch-scan-corpus.py {corpus}")
    rows = [line.split("\t") for line in manifest.read_text().splitlines()[1:] if line.strip()]
    return [Page(r[0], r[1], float(r[2]), corpus / "pages" / r[0]) for r in rows]


def output_ext(page: Page) -> str:
    if page.cls == "g4-text":
        return ".tif"
    return ".jpg" if page.path.suffix.lower() in (".jpg", ".jpeg") else ".png"


def base_image(page: Page) -> Image.Image:
    """The page as L (1-bit and gray pages) or RGB."""
    with Image.open(page.path) as im:
        rgb = im.convert("RGB")
    if page.cls == "g4-text":
        return rgb.convert("L")
    r, g, b = (np.asarray(c, dtype=np.int16) for c in rgb.split())
    if max(np.abs(r - g).max(), np.abs(g - b).max()) < 8:
        return rgb.convert("L")
    return rgb


def paper_colour(im: Image.Image) -> int | tuple[int, ...]:
    """Median colour of the brightest tenth of the page."""
    gray = np.asarray(im.convert("L"))
    bright = gray >= np.percentile(gray, 90)
    if im.mode == "L":
        return int(np.median(gray[bright]))
    arr = np.asarray(im)
    return tuple(int(np.median(arr[..., c][bright])) for c in range(3))


def add_bar(im: Image.Image, side: str, seed: int, paper) -> tuple[Image.Image, dict]:
    """The page with a ragged dark scanner bar beside it (the canvas grows by the bar)."""
    rng = np.random.default_rng(seed)
    w, h = im.size
    width = w * rng.uniform(0.03, 0.06)
    ys = np.arange(h)
    wave = sum(rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * ys / (h / k) + rng.uniform(0, 6.3)) for k in (1, 3, 7))
    edge = width + 0.004 * w * wave / 2.0 + rng.normal(0, 1.0, h)
    pad = int(math.ceil(edge.max())) + 2
    canvas = Image.new(im.mode, (w + pad, h), paper)
    canvas.paste(im, (pad if side == "left" else 0, 0))
    arr = np.array(canvas)
    xs = np.arange(w + pad)
    dist = xs[None, :] if side == "left" else (w + pad - 1 - xs)[None, :]
    bar = dist < edge[:, None]
    level = 0 if im.mode == "L" and len(np.unique(np.asarray(im))) <= 2 else 28
    noise = rng.normal(0, 6, bar.sum()).clip(-20, 20)
    if arr.ndim == 2:
        arr[bar] = (level + noise).clip(0, 255)
    else:
        arr[bar] = (level + noise[:, None]).clip(0, 255)
    geometry = {"pad": pad, "offset_x": pad if side == "left" else 0, "edge": edge.round(2).tolist(),
                "side": side, "level": level}
    return Image.fromarray(arr), geometry


def turn_image(im: Image.Image, angle: float, paper) -> Image.Image:
    if angle == 0:
        return im
    return im.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)


def save_variant(im: Image.Image, page: Page, path: Path) -> None:
    dpi = (page.dpi, page.dpi)
    if page.cls == "g4-text":
        im.point(lambda v: 255 if v >= 128 else 0).convert("1").save(path, compression="group4", dpi=dpi)
    elif path.suffix == ".jpg":
        im.save(path, quality=90, dpi=dpi)
    else:
        im.save(path, dpi=dpi)


def ink_points(im: Image.Image) -> np.ndarray:
    """(x, y) of the page's ink: pixels darker than half the paper, less the dark components that
    touch the page's edge (scanner borders, camera surroundings)."""
    from scipy import ndimage
    gray = np.asarray(im.convert("L"))
    dark = gray < np.percentile(gray, 90) * 0.5
    labels, _ = ndimage.label(dark, structure=np.ones((3, 3)))
    edge_labels = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    ink = dark & ~np.isin(labels, edge_labels[edge_labels > 0])
    ys, xs = np.nonzero(ink)
    return np.stack([xs, ys], axis=1).astype(np.int32)


def generate_page(page: Page, variants: list[Variant], pages_dir: Path) -> dict:
    """Writes the page's missing variants and its ink points; returns the bar geometry."""
    folder = pages_dir / Path(page.file).stem
    stamp, want = folder / "generated-by.txt", f"{GENERATION} {page.cls} {page.dpi:g}\n"
    if not stamp.is_file() or stamp.read_text() != want:  # made otherwise: made again
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        stamp.write_text(want)
    ext = output_ext(page)
    geometry_file = folder / "bars.json"
    geometry = json.loads(geometry_file.read_text()) if geometry_file.is_file() else {}
    missing = [v for v in variants if not (folder / v.name(ext)).is_file()]
    if not missing and (folder / "ink.npy").is_file() and all(
            v.bar in geometry for v in variants if v.bar):
        return geometry
    im = base_image(page)
    paper = 255 if page.cls == "g4-text" else paper_colour(im)
    np.save(folder / "ink.npy", ink_points(im))
    barred = {}
    for v in variants:
        if v.bar and v.bar not in barred:
            barred[v.bar] = add_bar(im, v.bar, zlib.crc32(page.file.encode()), paper)
            geometry[v.bar] = barred[v.bar][1]
        target = folder / v.name(ext)
        if target.is_file():
            continue
        lid = geometry[v.bar]["level"] if v.lid else None
        fill = paper if lid is None else (lid if im.mode == "L" else (lid,) * 3)
        out = turn_image(barred[v.bar][0] if v.bar else im, v.angle, fill)
        if v.turn:
            out = out.rotate(v.turn, expand=True)
        save_variant(out, page, target)
    geometry_file.write_text(json.dumps(geometry))
    return geometry


def variant_path(pages_dir: Path, page: Page, v: Variant) -> Path:
    return pages_dir / Path(page.file).stem / v.name(output_ext(page))


# ---------------------------------------------------------------------------------------------
# Tools: each returns raw numbers as the tool states them; calibration turns them into signs.

def run_sohoa(binary: str, paths: list[Path]) -> list[dict]:
    """`sohoa inspect --json` on a batch: measured skew, applied rotation, crop, orientation."""
    p = subprocess.run([binary, "--lang", "en", "inspect", "--json", *map(str, paths)],
                       capture_output=True, text=True, env=TOOL_ENV)
    if p.returncode != 0 and len(paths) > 1:
        return [r for path in paths for r in run_sohoa(binary, [path])]
    try:
        files = json.loads(p.stdout)["files"]
    except (json.JSONDecodeError, KeyError):
        return [{"error": failure(p)} for _ in paths]
    out = []
    for f in files:
        pages = f.get("pages") or []
        if not pages:
            out.append({"error": json.dumps(f)[:300]})
            continue
        n = pages[0].get("normalization") or {}
        out.append({"measure": n.get("skew"), "confidence": n.get("skew_confidence"),
                    "correction": n.get("rotated"), "crop": n.get("crop"),
                    "crop_after_deskew": n.get("crop_after_deskew"),
                    "orientation": n.get("orientation"), "sideways": n.get("sideways", False),
                    "warnings": [w["code"] for w in pages[0].get("warnings", [])]})
    return out


def gray_array(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("L"))


def run_jdeskew(path: Path) -> dict:
    from jdeskew.estimator import get_angle
    a = float(get_angle(gray_array(path)))
    return {"measure": a, "correction": a}


def run_deskew(path: Path) -> dict:
    from deskew import determine_skew
    a = determine_skew(gray_array(path))
    a = None if a is None else float(a)
    return {"measure": a, "correction": a}


def run_unpaper(path: Path, keep: Path | None = None) -> dict:
    """unpaper with its defaults on the page decoded to PNM (its documented input: it refuses
    JPEG's pixel format); -v prints the average detected rotation and the applied one (radians,
    0 when it declines)."""
    with tempfile.TemporaryDirectory(prefix="eval-unpaper-") as tmp:
        with Image.open(path) as im:
            mode = im.mode if im.mode in ("1", "L") else "RGB"
            pnm = Path(tmp) / {"1": "in.pbm", "L": "in.pgm"}.get(mode, "in.ppm")
            im.convert(mode).save(pnm)
        out = keep or Path(tmp) / f"out{pnm.suffix}"
        p = subprocess.run(["unpaper", "-v", "--overwrite", str(pnm), str(out)],
                           capture_output=True, text=True, env=TOOL_ENV)
    avg = re.search(r"rotation average: (-?[\d.]+)\s+deviation: ([\d.]+)\s+rotation-scan-deviation \(maximum\): ([\d.]+)", p.stdout)
    rot = re.search(r"^rotate \(\d+,\d+\): (-?[\d.]+)", p.stdout, re.M)
    if not avg:
        return {"error": failure(p)}
    within = float(avg.group(2)) <= float(avg.group(3))
    return {"measure": math.degrees(float(avg.group(1))) if within else None,
            "correction": math.degrees(float(rot.group(1))) if rot else None}


def run_ocrmypdf(paths: list[Path], keep: Path | None = None) -> list[dict]:
    """ocrmypdf --deskew without OCR on a batch of images joined into one PDF with img2pdf (as
    ocrmypdf itself converts an image); its -v 1 log states, page by page, the angle it passes
    to PIL's rotate. A page without that line had no text lines for Tesseract: left as is."""
    import img2pdf
    with tempfile.TemporaryDirectory(prefix="eval-ocrmypdf-") as tmp:
        joined = Path(tmp) / "in.pdf"
        joined.write_bytes(img2pdf.convert([str(p) for p in paths]))
        out = keep or Path(tmp) / "out.pdf"
        p = subprocess.run(["ocrmypdf", "-v", "1", "--deskew", "--tesseract-timeout", "0",
                            "--output-type", "pdf", "--optimize", "0", "-j", "1", str(joined), str(out)],
                           capture_output=True, text=True, env=TOOL_ENV)
    if p.returncode != 0:
        return [{"error": failure(p)} for _ in paths]
    angles = {int(n): float(a) for n, a in re.findall(r"^\s*(\d+) Deskew angle: (-?[\d.]+)", p.stderr + p.stdout, re.M)}
    return [{"measure": angles.get(i), "correction": angles.get(i)} for i in range(1, len(paths) + 1)]


def run_tesseract(path: Path) -> dict:
    """Tesseract OSD: 'Rotate' and its confidence; no answer on pages with too little text."""
    p = subprocess.run(["tesseract", str(path), "-", "--psm", "0"], capture_output=True, text=True, env=TOOL_ENV)
    rot = re.search(r"Rotate: (\d+)", p.stdout)
    conf = re.search(r"Orientation confidence: ([\d.]+)", p.stdout)
    if not rot:
        return {"orientation": None, "said": (p.stderr or p.stdout).strip()[-200:]}
    return {"orientation": int(rot.group(1)), "confidence": float(conf.group(1)) if conf else None}


def failure(p: subprocess.CompletedProcess) -> str:
    """Exit status and the lines that say what went wrong."""
    lines = (p.stderr + p.stdout).splitlines()
    said = [l.strip() for l in lines if re.search(r"error|exception|fail", l, re.I)] or lines[-3:]
    return f"exit {p.returncode}: " + " | ".join(said[-3:])[-400:]


def tool_version(tool: str, sohoa: Path) -> str:
    """A key that changes when the tool does (for sohoa: the binary's hash)."""
    if tool == "sohoa":
        return "sha-" + file_hash(sohoa)[:16]
    if tool in ("jdeskew", "deskew", "ocrmypdf"):
        v = importlib.metadata.version(tool)
        return v + ("-tess" + tool_version("tesseract", sohoa) if tool == "ocrmypdf" else "")
    cmd = {"unpaper": ["unpaper", "--version"], "tesseract": ["tesseract", "--version"]}[tool]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return (p.stdout + p.stderr).split("\n")[0].split()[-1]


def missing_tools(tools: list[str], sohoa: Path) -> dict[str, str]:
    missing = {}
    for t in tools:
        if t == "sohoa":
            ok = sohoa.is_file() and os.access(sohoa, os.X_OK)
            hint = f"{sohoa} missing: cargo build --release"
        elif t in ("jdeskew", "deskew", "ocrmypdf"):
            try:
                importlib.metadata.version(t)
                ok = t != "ocrmypdf" or bool(shutil.which("ocrmypdf")) and bool(shutil.which("tesseract"))
            except importlib.metadata.PackageNotFoundError:
                ok = False
            hint = INSTALL[t]
        else:
            ok = bool(shutil.which(t))
            hint = INSTALL[t]
        if not ok:
            missing[t] = hint
    return missing


# ---------------------------------------------------------------------------------------------
# Cache and the worker pool

def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Cache:
    def __init__(self, root: Path, versions: dict[str, str]):
        self.root = root
        self.versions = versions

    def file(self, tool: str, digest: str) -> Path:
        return self.root / f"{tool}-{self.versions[tool]}" / digest[:2] / f"{digest}.json"

    def get(self, tool: str, digest: str) -> dict | None:
        f = self.file(tool, digest)
        return json.loads(f.read_text()) if f.is_file() else None

    def put(self, tool: str, digest: str, result: dict) -> None:
        f = self.file(tool, digest)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(result))


def tool_job(job: tuple) -> list[tuple[str, str, dict]]:
    """Runs one tool on one file (or sohoa on a batch); returns (tool, digest, result)."""
    tool, items, sohoa = job
    start = time.monotonic()
    if tool == "sohoa":
        results = run_sohoa(sohoa, [p for p, _ in items])
    elif tool == "ocrmypdf":
        results = run_ocrmypdf([p for p, _ in items])
    else:
        fn = {"jdeskew": run_jdeskew, "deskew": run_deskew, "unpaper": run_unpaper, "tesseract": run_tesseract}[tool]
        try:
            results = [fn(p) for p, _ in items]
        except Exception as e:  # a tool crashing on one page is a result, not the end of the run
            results = [{"error": f"{type(e).__name__}: {e}"[:300]} for _ in items]
    seconds = (time.monotonic() - start) / len(items)
    return [(tool, digest, {**r, "seconds": round(seconds, 3)}) for (_, digest), r in zip(items, results)]


def init_worker() -> None:
    try:
        import cv2
        cv2.setNumThreads(1)
    except ImportError:
        pass


def run_tools(pool, cache: Cache, work: dict[str, list[Path]], sohoa: str, hashes: dict[Path, str]) -> dict:
    """Results of every (tool, file): from the cache, else run in the pool (sohoa in batches)."""
    results: dict[tuple[str, Path], dict] = {}
    jobs = []
    for tool, paths in work.items():
        todo = []
        for p in paths:
            hit = cache.get(tool, hashes[p])
            if hit is None:
                todo.append((p, hashes[p]))
            else:
                results[(tool, p)] = hit
        if tool in BATCHED:  # one call per corpus page: its variants share a folder
            folders = {}
            for item in todo:
                folders.setdefault(item[0].parent, []).append(item)
            jobs += [(tool, items, sohoa) for items in folders.values()]
        else:
            jobs += [(tool, [item], sohoa) for item in todo]
    by_digest = {}
    for (tool, paths) in work.items():
        for p in paths:
            by_digest.setdefault((tool, hashes[p]), []).append(p)
    if jobs:
        print(f"running {sum(len(j[1]) for j in jobs)} tool calls "
              f"({', '.join(f'{t}: {sum(len(j[1]) for j in jobs if j[0] == t)}' for t in work)}); "
              f"{len(results)} from the cache", file=sys.stderr, flush=True)
    done, last = 0, time.monotonic()
    slow_first = ("ocrmypdf", "unpaper", "deskew", "jdeskew", "tesseract", "sohoa")
    for batch in pool.imap_unordered(tool_job, sorted(jobs, key=lambda j: slow_first.index(j[0]))):
        for tool, digest, result in batch:
            if "error" not in result:  # a failure may be passing: tried again next time
                cache.put(tool, digest, result)
            for p in by_digest[(tool, digest)]:
                results[(tool, p)] = result
        done += 1
        if time.monotonic() - last > 30:
            print(f"  {done}/{len(jobs)} jobs", file=sys.stderr, flush=True)
            last = time.monotonic()
    return results


# ---------------------------------------------------------------------------------------------
# Calibration: signs measured on a synthetic page of text lines, never assumed

TEXT = ("This form is made out in two copies, one of which stays with the office that received the "
        "file. The quick brown fox jumps over the lazy dog; records of the district office were "
        "scanned in 1998 and filed by case number, date of receipt and the officer in charge.")


def synthetic_page(size: int = 32) -> Image.Image:
    """A 300-dpi A4 page of justified horizontal text lines (straight left and right edges, so
    that unpaper, which scans the text block's edges, finds its skew too). Tesseract's layout
    analysis finds no text at some font sizes: 32 px works for every tool."""
    im = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=size)
    words, width, i = TEXT.split(), 2000, 0
    for y in range(250, 3250, round(size * 1.6)):
        line = []
        while sum(draw.textlength(w, font=font) + 12 for w in line) + draw.textlength(words[i % len(words)], font=font) < width:
            line.append(words[i % len(words)])
            i += 1
        gap = (width - sum(draw.textlength(w, font=font) for w in line)) / max(1, len(line) - 1)
        x = 240.0
        for w in line:
            draw.text((x, y), w, fill=0, font=font)
            x += draw.textlength(w, font=font) + gap
    return im


def spectrum_profile(gray: np.ndarray, step: float) -> np.ndarray:
    """Angular profile of the ink's Fourier magnitude (translation invariant), 0-180 degrees."""
    from scipy import ndimage
    scale = 1024 / max(gray.shape)
    small = np.asarray(Image.fromarray(gray).resize(
        (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale))), Image.Resampling.BOX), float)
    ink = np.percentile(small, 90) - small
    ink[ink < 0] = 0
    spec = np.log1p(np.abs(np.fft.fftshift(np.fft.fft2(ink, s=(1024, 1024)))))
    angles = np.radians(np.arange(0, 180, step))
    radii = np.arange(40, 480, 1.0)
    xs = 512 + radii[None, :] * np.cos(angles)[:, None]
    ys = 512 - radii[None, :] * np.sin(angles)[:, None]
    return ndimage.map_coordinates(spec, [ys.ravel(), xs.ravel()], order=1).reshape(xs.shape).sum(axis=1)


def registered_rotation(before: Path, after: Path, search: float = 15.0, step: float = 0.05) -> float:
    """Rotation (degrees, counter-clockwise) that turns image `before` into image `after`: the
    peak of the circular cross-correlation of their spectra's angular profiles. Crops, shifts and
    canvas changes do not move the peak, so it serves any tool that writes an image."""
    a, b = spectrum_profile(gray_array(before), step), spectrum_profile(gray_array(after), step)
    a, b = a - a.mean(), b - b.mean()
    shifts = np.arange(-int(search / step), int(search / step) + 1)
    corr = np.array([np.dot(np.roll(a, s), b) for s in shifts])
    k = int(corr.argmax())
    frac = 0.0
    if 0 < k < len(corr) - 1:
        y0, y1, y2 = corr[k - 1], corr[k], corr[k + 1]
        frac = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2) if (y0 - 2 * y1 + y2) else 0.0
    return float((shifts[k] + frac) * step)


def pdf_image(pdf: Path, stem: Path) -> Path:
    subprocess.run(["pdfimages", "-png", "-f", "1", "-l", "1", str(pdf), str(stem)], check=True)
    return sorted(stem.parent.glob(stem.name + "-*.png"))[0]


def calibrate(tools: list[str], sohoa: str, folder: Path) -> dict:
    """Signs of every tool's numbers from a synthetic page turned by +3 and -3 degrees (and by a
    quarter turn for the orientation tools): {tool: {"raw", "registered", quantity: sign}}."""
    folder.mkdir(parents=True, exist_ok=True)
    base = synthetic_page()
    page = Page("synthetic", "gray-book", 300.0, folder / "synthetic.png")
    turned = {}
    for label, angle in CALIBRATION_TURNS.items():
        turned[label] = folder / f"turned{label}.png"
        save_variant(turn_image(base, angle, 255), page, turned[label])
    quarters = {}
    for size in QUARTER_FONT_SIZES:
        for turn in (90, 270):
            quarters[(size, turn)] = folder / f"quarter{turn}-{size}px.png"
            save_variant(synthetic_page(size).rotate(turn, expand=True), page, quarters[(size, turn)])
    table = {}
    for tool in tools:
        entry = {"raw": {}, "registered": {}}
        for label, f in turned.items():
            if tool == "sohoa":
                entry["raw"][label] = run_sohoa(sohoa, [f])[0]
            elif tool == "unpaper":
                out = folder / f"unpaper{label}.pgm"
                entry["raw"][label] = run_unpaper(f, keep=out)
                entry["registered"][label] = registered_rotation(f, out) if out.is_file() else None
            elif tool == "ocrmypdf":
                out = folder / f"ocrmypdf{label}.pdf"
                entry["raw"][label] = run_ocrmypdf([f], keep=out)[0]
                entry["registered"][label] = (registered_rotation(f, pdf_image(out, out.with_suffix("")))
                                              if out.is_file() else None)
            elif tool != "tesseract":
                entry["raw"][label] = tool_job((tool, [(f, "")], sohoa))[0][2]
        if tool != "tesseract":
            entry["measure"] = sign_of(entry["raw"], "measure", 1.0)
            entry["correction"] = sign_of(entry["raw"], "correction", -1.0)
        if tool in ("sohoa", "tesseract"):
            run = (lambda f: run_sohoa(sohoa, [f])[0]) if tool == "sohoa" else run_tesseract
            entry["quarter_raw"] = {f"{turn} ccw, {size} px": run(f).get("orientation")
                                    for (size, turn), f in quarters.items()}
            entry["orientation"] = orientation_convention(
                {(turn, run_value) for (size, turn), run_value in zip(quarters, entry["quarter_raw"].values())})
        table[tool] = entry
    return table


def sign_of(raw: dict, quantity: str, want: float) -> float | None:
    """+1 or -1 such that sign * value equals `want` * angle on both turned pages; None when the
    tool gives no such value or the two pages disagree."""
    signs = set()
    for label, r in raw.items():
        v, expected = r.get(quantity), want * CALIBRATION_TURNS[label]
        if v is None:
            return None
        s = 1.0 if v * expected > 0 else -1.0
        if abs(s * v - expected) > 1.0:
            return None
        signs.add(s)
    return signs.pop() if len(signs) == 1 else None


def orientation_convention(answers: set[tuple[int, int | None]]) -> str | None:
    """What a tool's orientation number means, from (ccw quarter turn, answer) pairs: 'ccw' if
    it reads the page's counter-clockwise turn, 'cw' if its clockwise turn; None when the tool
    answered none of the pages or contradicts itself."""
    readings = {"ccw" if v == t else "cw" if v == (360 - t) % 360 else "other"
                for t, v in answers if v is not None}
    return readings.pop() if len(readings) == 1 and "other" not in readings else None


def detected_turn(value, convention: str | None) -> int | None:
    """A tool's orientation answer as the page's counter-clockwise quarter turn."""
    if value is None or convention is None:
        return None
    return int(value) % 360 if convention == "ccw" else (360 - int(value)) % 360


# ---------------------------------------------------------------------------------------------
# Evaluation

def truths(pages: list[Page], measure, angles_of) -> tuple[dict, list]:
    """Each page's own skew from the peers' measurements on its unturned variant. A peer votes
    only where it follows the page turned by small angles (the TRACK_ANGLES it was run on: its
    median miss within WITHIN): a tool that answers 0 when it finds nothing must not pass for
    one measuring a straight page."""
    kept, dropped = {}, []
    for page in pages:
        if page.cls == PHOTO:
            continue
        measured, untracked = {}, []
        for tool in SKEW_PEERS:
            m0 = measure(tool, page.file, 0.0)
            if m0 is None:
                continue
            misses = [abs(m - m0 - a) if m is not None else abs(a)
                      for a, m in ((a, measure(tool, page.file, a)) for a in TRACK_ANGLES if a in angles_of(tool))]
            if not misses or statistics.median(misses) <= WITHIN + PEER_STEP.get(tool, 0) / 2:
                measured[tool] = round(m0, 3)
            else:
                untracked.append(tool)
        fine = [v for t, v in measured.items() if PEER_STEP.get(t, 0) < 0.5]
        s0 = statistics.median(fine) if len(fine) >= 2 else None
        outliers = [t for t, v in measured.items() if abs(v - s0) > AGREE + PEER_STEP.get(t, 0) / 2] if s0 is not None else []
        if s0 is not None and len(measured) >= 3 and len(outliers) <= 1:
            kept[page.file] = {"s0": s0, "measured": measured, "outlier": outliers, "untracked": untracked}
        else:
            dropped.append({"file": page.file, "class": page.cls, "measured": measured, "untracked": untracked})
    return kept, dropped


def with_hand_truth(pages: list[Page], kept: dict, dropped: list, listed: dict) -> tuple[dict, list]:
    """The hand-measured skew (scripts/eval-truth.tsv, hand_truth.py) replaces the peers' median
    on the pages listed there: a listed page measured by hand is kept with that truth, a listed
    page without a single skew is dropped with the reason, whatever the peers said."""
    peers = {f: t["measured"] for f, t in kept.items()} | {d["file"]: d["measured"] for d in dropped}
    kept, dropped = dict(kept), [d for d in dropped if d["file"] not in listed]
    for page in pages:
        if page.file not in listed:
            continue
        with Image.open(page.path) as im:
            m = hand_truth.measure(im, listed[page.file]["regions"])
        hand = {"spread": m["spread"], "bands": f"{m['used']}/{m['bands']}", "note": listed[page.file]["note"]}
        if m["s0"] is None:
            kept.pop(page.file, None)
            dropped.append({"file": page.file, "class": page.cls, "measured": peers.get(page.file, {}),
                            "untracked": [], "hand": hand | {"why": m["why"]}})
        else:
            old = kept.get(page.file, {})
            kept[page.file] = {"s0": m["s0"], "measured": peers.get(page.file, {}), "outlier": [],
                               "untracked": old.get("untracked", []), "hand": hand,
                               "peer_s0": old.get("s0")}
    return kept, dropped


def correction_of(result: dict | None, sign: float | None, quantity: str) -> float | None:
    """A tool's answer as the rotation it applies, counter-clockwise (a tool that failed or left
    the page alone: 0), or None when it did not run or has no calibrated sign."""
    if result is None or sign is None:
        return None
    value = result.get(quantity)
    return 0.0 if value is None else (sign * value if quantity == "correction" else -sign * value)


def follow_table(pages, variants, paths, results, signs, angles_of) -> list[dict]:
    """How often a tool follows a known turn: on the page turned by theta its correction should
    be its own correction on the unturned page minus theta. Needs no ground truth, so it covers
    the pages that have none (camera captures): consistency, not accuracy."""
    rows = []
    for tool, quantity in rows_of(signs):
        name = tool if quantity == "correction" else f"{tool} (measured skew)"
        per_class: dict[str, list[float]] = {}
        for v in variants:
            if v.kind != "skew" or v.angle == 0 or v.angle not in angles_of(tool):
                continue
            c0 = correction_of(results.get((tool, paths[Variant(v.page, "skew", 0.0)])), signs[tool].get(quantity), quantity)
            c = correction_of(results.get((tool, paths[v])), signs[tool].get(quantity), quantity)
            if c0 is None or c is None:
                continue
            per_class.setdefault(pages[v.page].cls, []).append(abs(c - c0 + v.angle))
        for cls in (*CLASSES, None):
            errs = [e for k, es in per_class.items() if cls in (None, k) for e in es]
            if errs:
                rows.append({"tool": name, "class": cls or "all", "cases": len(errs),
                             "follows": sum(e <= WITHIN for e in errs) / len(errs),
                             "median_error": statistics.median(errs)})
    return rows


def photo_table(pages, paths, results, signs) -> list[dict]:
    """Photos without text, unturned: what each tool would do to them. Any rotation is a false
    turn; for sohoa also a quarter turn (orientation) or a crop."""
    photos = [p for p in pages.values() if p.cls == PHOTO]
    rows = []
    for tool, quantity in rows_of(signs):
        if quantity != "correction":
            continue
        turned, cropped, faced, ran = [], [], [], 0
        for p in photos:
            r = results.get((tool, paths[Variant(p.file, "skew", 0.0)]))
            c = correction_of(r, signs[tool].get(quantity), quantity)
            if c is None:
                continue
            ran += 1
            if abs(c) >= 0.05:
                turned.append(f"{p.file} {c:+.2f}°")
            if r.get("crop") or r.get("crop_after_deskew"):
                cropped.append(p.file)
            if r.get("orientation") or r.get("sideways"):
                faced.append(f"{p.file} {r.get('orientation') or 'sideways'}")
        if ran:
            rows.append({"tool": tool, "photos": ran, "turned": len(turned),
                         "quarter_turned": len(faced) if tool == "sohoa" else "",
                         "cropped": len(cropped) if tool == "sohoa" else "",
                         "which": "; ".join(turned + faced + [f"{f} cropped" for f in cropped])})
    return rows


def skew_cases(pages, variants, paths, results, truth, signs, angles_of) -> list[dict]:
    cases = []
    for v in variants:
        if v.kind != "skew" or v.page not in truth:
            continue
        page = pages[v.page]
        t = truth[v.page]["s0"] + v.angle
        for tool, quantity in rows_of(signs):
            if v.angle not in angles_of(tool):
                continue
            r = results.get((tool, paths[v]))
            c = correction_of(r, signs[tool].get(quantity), quantity)
            if c is None:
                continue
            row = tool if quantity == "correction" else f"{tool} (measured skew)"
            cases.append({"tool": row, "file": v.page, "class": page.cls, "theta": v.angle,
                          "truth": round(t, 3), "correction": round(c, 3), "error": round(abs(t + c), 3),
                          "wrong": c != 0 and math.copysign(1, c) == math.copysign(1, t) and abs(t) > WITHIN,
                          "left_alone": c == 0 and abs(t) > WITHIN, "failed": "error" in r})
    return cases


def rows_of(signs: dict) -> list[tuple[str, str]]:
    rows = [(t, "correction") for t in ("sohoa", *SKEW_PEERS) if t in signs]
    return rows + ([("sohoa", "measure")] if "sohoa" in signs else [])


def skew_table(cases: list[dict], cls: str | None) -> list[dict]:
    out = []
    for tool in dict.fromkeys(c["tool"] for c in cases):
        sel = [c for c in cases if c["tool"] == tool and (cls is None or c["class"] == cls)]
        if not sel:
            continue
        errors = [c["error"] for c in sel]
        out.append({"tool": tool, "pages": len({c["file"] for c in sel}), "cases": len(sel),
                    "within": sum(e <= WITHIN for e in errors) / len(sel),
                    "median_error": statistics.median(errors),
                    "p90_error": float(np.percentile(errors, 90)),
                    "wrong_direction": sum(c["wrong"] for c in sel),
                    "left_alone_when_skewed": sum(c["left_alone"] for c in sel),
                    "failed": sum(c["failed"] for c in sel)})
    return out


def orientation_table(pages, variants, paths, results, signs, zero) -> list[dict]:
    rows = []
    orient = [v for v in variants if v.kind == "orient"]
    cases = [(p, 0, zero[p]) for p in pages] + [(v.page, v.turn, paths[v]) for v in orient]
    for tool in ("sohoa", "tesseract"):
        if tool not in signs:
            continue
        conv = signs[tool].get("orientation")
        for turn in (0, *TURNS):
            sel = [(p, f) for p, t, f in cases if t == turn]
            if not sel:
                continue
            answers = [results.get((tool, f)) or {} for _, f in sel]
            found = [detected_turn(a.get("orientation"), conv) for a in answers]
            if turn == 0:  # upright: no answer is the right answer
                found = [d or 0 for d in found]
            row = {"tool": tool, "turn": turn, "pages": len(sel),
                   "correct": sum(d == turn for d in found),
                   "wrong": sum(d is not None and d != turn for d in found),
                   "not_detected": sum(d is None for d in found)}
            if tool == "tesseract":
                conf = [a.get("confidence") or 0 for a in answers]
                row["correct_confident"] = sum(d == turn and c >= OSD_CONFIDENCE for d, c in zip(found, conf))
                row["wrong_confident"] = sum(d is not None and d != turn and c >= OSD_CONFIDENCE for d, c in zip(found, conf))
            else:
                row["sideways_flag"] = sum(bool(a.get("sideways")) for a in answers)
            row["wrong_files"] = [p for (p, _), d in zip(sel, found) if d is not None and d != turn]
            row["missed_files"] = [p for (p, _), d in zip(sel, found) if d is None]
            rows.append(row)
    return rows


def forward(points: np.ndarray, size: tuple[int, int], turned: tuple[int, int], angle: float) -> np.ndarray:
    """Where points of a canvas land after PIL's rotate(angle, expand=True)."""
    a = math.radians(angle)
    dx, dy = points[:, 0] + 0.5 - size[0] / 2, points[:, 1] + 0.5 - size[1] / 2
    x = math.cos(a) * dx + math.sin(a) * dy + turned[0] / 2
    y = -math.sin(a) * dx + math.cos(a) * dy + turned[1] / 2
    return np.stack([x, y], axis=1)


def crop_check(page: Page, v: Variant, path: Path, result: dict, geometry: dict, ink: np.ndarray) -> dict:
    """How a crop treats the page's ink and the added dark (bar, lid): dark left as a mean width
    along the kept height, in mm, and the side where most of it is."""
    with Image.open(path) as im:
        turned = im.size
    with Image.open(page.path) as im:
        w, h = im.size
    bar = geometry.get(v.bar) if v.bar else None
    pad, off = (bar["pad"], bar["offset_x"]) if bar else (0, 0)
    crop = result.get("crop") or {}
    left, top = crop.get("left", 0), crop.get("top", 0)
    right, bottom = turned[0] - crop.get("right", 0), turned[1] - crop.get("bottom", 0)
    mm = 25.4 / page.dpi

    out = {"crop": crop or None, "rotated": result.get("correction")}
    step = max(1, len(ink) // 400000)
    sample = ink[::step] + np.array([off, 0], dtype=np.int32)
    q = forward(sample, (w + pad, h), turned, v.angle)
    beyond = np.maximum.reduce([left - q[:, 0], q[:, 0] - right, top - q[:, 1], q[:, 1] - bottom, np.zeros(len(q))])
    # A second crop after deskew (sohoa's rotation keeps the kept rectangle's size, about its centre).
    after = result.get("crop_after_deskew") or {}
    rot = result.get("correction") or 0.0
    kw, kh = right - left, bottom - top
    if after:
        out["crop_after_deskew"] = after
        a = math.radians(rot)
        dx, dy = q[:, 0] - left - (kw - 1) / 2, q[:, 1] - top - (kh - 1) / 2
        ox = math.cos(a) * dx + math.sin(a) * dy + (kw - 1) / 2
        oy = -math.sin(a) * dx + math.cos(a) * dy + (kh - 1) / 2
        l2, t2 = after.get("left", 0), after.get("top", 0)
        r2, b2 = kw - after.get("right", 0), kh - after.get("bottom", 0)
        beyond = np.maximum.reduce([beyond, l2 - ox, ox - r2, t2 - oy, oy - b2])
    cut = int((beyond > 1.5).sum()) * step
    out["ink_cut_px"] = cut
    out["ink_cut_depth_mm"] = round(float(beyond.max(initial=0)) * mm, 1)
    out["through_ink"] = bool(cut > max(20, 0.0005 * len(ink)))
    if bar:
        dark = dark_mask(bar, (w + pad, h), v.angle, v.lid)
        kept = dark[top:bottom, left:right]
        if after:
            # As stored: turned by sohoa's correction (the new corners are paper), cropped again.
            turned_kept = Image.fromarray(kept.astype(np.uint8) * 255).rotate(
                rot, resample=Image.Resampling.NEAREST, expand=False, fillcolor=0)
            kept = (np.asarray(turned_kept) > 127)[after.get("top", 0):kh - after.get("bottom", 0),
                                                    after.get("left", 0):kw - after.get("right", 0)]
        out["dark_mm"] = round(float(dark.sum()) / turned[1] * mm, 1)
        out["dark_left_mm"] = round(float(kept.sum()) / max(1, kept.shape[0]) * mm, 1)
        if kept.any():
            bands = {"left": kept[:, : kept.shape[1] // 10], "right": kept[:, -(kept.shape[1] // 10):],
                     "top": kept[: kept.shape[0] // 10], "bottom": kept[-(kept.shape[0] // 10):]}
            out["dark_left_at"] = max(bands, key=lambda k: bands[k].sum())
    return out


def dark_mask(bar: dict, size: tuple[int, int], angle: float, lid: bool) -> np.ndarray:
    """Where the turned page shows the scanner's dark: the bar, and with a lid the background."""
    xs = np.arange(size[0])
    dist = xs if bar["side"] == "left" else size[0] - 1 - xs
    m = (dist[None, :] < np.array(bar["edge"])[:, None]).astype(np.uint8) * 255
    turned = Image.fromarray(m).rotate(angle, resample=Image.Resampling.NEAREST, expand=True,
                                       fillcolor=255 if lid else 0)
    return np.asarray(turned) > 127


def border_report(pages, variants, paths, results, geometries, pages_dir) -> tuple[list, list]:
    cases, inks = [], {}
    for v in variants:
        if v.kind not in ("border", "skew"):
            continue
        r = results.get(("sohoa", paths[v]))
        if not r or "error" in r:
            continue
        page = pages[v.page]
        if v.page not in inks:
            inks[v.page] = np.load(pages_dir / Path(page.file).stem / "ink.npy")
        ink = inks[v.page]
        c = crop_check(page, v, paths[v], r, geometries[v.page], ink)
        model = "no bar" if not v.bar else "bar, dark lid around" if v.lid else "bar, paper around"
        cases.append({"file": v.page, "class": page.cls, "theta": v.angle, "bar": v.bar, "model": model, **c})
    table = []
    for cls in (*CLASSES, None):
        for model in ("bar, paper around", "bar, dark lid around", "no bar"):
            sel = [c for c in cases if (cls is None or c["class"] == cls) and c["model"] == model]
            if not sel:
                continue
            row = {"class": cls or "all", "model": model, "cases": len(sel),
                   "cropped": sum(c["crop"] is not None for c in sel),
                   "through_ink": sum(c["through_ink"] for c in sel)}
            if model != "no bar":
                row["removed"] = sum(c["dark_left_mm"] <= DARK_REMOVED_MM for c in sel)
                row["partly"] = sum(DARK_REMOVED_MM < c["dark_left_mm"] < 0.5 * c["dark_mm"] for c in sel)
                row["kept"] = sum(c["dark_left_mm"] >= max(DARK_REMOVED_MM, 0.5 * c["dark_mm"]) for c in sel)
                for angle in BORDER_ANGLES:
                    at = [c["dark_left_mm"] for c in sel if c["theta"] == angle]
                    if at:
                        row[f"dark_left_at_{angle:+g}"] = statistics.median(at)
                sides = [c["dark_left_at"] for c in sel if c["dark_left_mm"] > DARK_REMOVED_MM]
                row["left_at"] = ", ".join(f"{k} {sides.count(k)}" for k in sorted(set(sides)))
            table.append(row)
    return table, cases


# ---------------------------------------------------------------------------------------------
# Report

def md_table(rows: list[dict], cols: list[tuple[str, str]]) -> str:
    def fmt(v):
        if isinstance(v, float):
            return f"{v:.2f}"
        if isinstance(v, list):
            return ", ".join(map(str, v[:4])) + (" …" if len(v) > 4 else "")
        return str(v)
    head = "| " + " | ".join(h for _, h in cols) + " |\n| " + " | ".join("---" for _ in cols) + " |\n"
    return head + "".join("| " + " | ".join(fmt(r.get(k, "")) for k, _ in cols) + " |\n" for r in rows)


def markdown(report: dict) -> str:
    out = ["# Real-scan evaluation", "", f"sohoa: `{report['sohoa']}` ({report['versions'].get('sohoa')})",
           "Tool versions: " + ", ".join(f"{t} {v}" for t, v in report["versions"].items()), ""]
    out += ["## Sign conventions (synthetic text page turned by +3 / -3 degrees)", ""]
    cal = []
    for tool, e in report["calibration"].items():
        for q in ("measure", "correction"):
            if q in e:
                reg = e["registered"]
                cal.append({"tool": tool, "q": q, "plus": (e["raw"]["+3"]).get(q), "minus": (e["raw"]["-3"]).get(q),
                            "conv": convention_text(q, e[q]),
                            "reg": " / ".join(f"{reg[k]:+.2f}" if reg.get(k) is not None else "-" for k in ("+3", "-3"))
                            if reg and q == "correction" else ""})
        if "orientation" in e:
            cal.append({"tool": tool, "q": "orientation",
                        "plus": "; ".join(f"{k}: {v}" for k, v in e["quarter_raw"].items()), "minus": "",
                        "conv": {"ccw": "the page's turn counter-clockwise (= the clockwise turn that makes it upright)",
                                 "cw": "the page's turn clockwise (= the counter-clockwise turn that makes it upright)"
                                 }.get(e["orientation"], "not detected")})
    out.append(md_table(cal, [("tool", "tool"), ("q", "number"), ("plus", "raw at +3° (orientation: on quarter turns)"),
                              ("minus", "raw at -3°"), ("conv", "convention"),
                              ("reg", "output image's registered rotation +3/-3")]))
    out += ["Angles: counter-clockwise positive. A correction brings a page turned by θ to "
            f"s0 + θ + correction; within = |that| ≤ {WITHIN}°.", ""]
    cols = [("tool", "tool"), ("pages", "pages"), ("cases", "cases"), ("within", f"share within {WITHIN}°"),
            ("median_error", "median abs error °"), ("p90_error", "p90 error °"),
            ("wrong_direction", "wrong-direction turns"), ("left_alone_when_skewed", "left alone when skewed"),
            ("failed", "tool failed")]
    subsets = {t: a for t, a in report["tool_angles"].items() if a != report["angles"]}
    for cls, rows in report["skew"].items():
        rows = [r | {"tool": f"{r['tool']} (θ in {subsets[r['tool']]})"} if r["tool"] in subsets else r for r in rows]
        out += [f"## Skew: {cls}", "", md_table(rows, cols)]
    out += [f"## Follows known turns (|c(θ) − c(0) + θ| ≤ {WITHIN}°, θ ≠ 0; no ground truth needed)", ""]
    out.append(md_table(report["follows"], [("tool", "tool"), ("class", "class"), ("cases", "cases"),
                                            ("follows", "share following"), ("median_error", "median miss °")]))
    out += ["## Photos without text, unturned (any turn or crop is a false one)", ""]
    out.append(md_table(report["photos"], [("tool", "tool"), ("photos", "photos"), ("turned", "turned"),
                                           ("quarter_turned", "quarter-turned or flagged sideways"),
                                           ("cropped", "cropped"), ("which", "which")]))
    hand = {f: t for f, t in report["truth"].items() if "hand" in t}
    out += [f"Angles: {report['angles']}" + "".join(f"; {t} only at {a}" for t, a in subsets.items()) + ".",
            f"Ground truth: {report['kept_pages']} pages kept, {len(hand)} of them measured by hand "
            "(scripts/eval-truth.tsv, hand_truth.py: median slope of the text lines in hand-chosen regions), "
            "the others the peers' median:", ""]
    out += [f"- {f} ({report_class(report, f)}): hand {t['s0']:+.2f} (spread {t['hand']['spread']:.2f}, "
            f"{t['hand']['bands']} bands; {t['hand']['note']}); peers "
            + (", ".join(f"{p} {v:+.2f}" for p, v in t["measured"].items()) or "none")
            for f, t in hand.items()] or ["- none"]
    out += ["", f"Dropped (listed by hand without a single skew; or fewer than three peers with a vote, "
            f"or more than one off the median by over {AGREE}°):", ""]
    out += [f"- {d['file']} ({d['class']}): " + (f"hand: {d['hand']['why']}; peers " if "hand" in d else "")
            + (", ".join(f"{t} {v:+.2f}" for t, v in d["measured"].items()) or "none")
            + (f"; not following the turns: {', '.join(d['untracked'])}" if d["untracked"] else "")
            for d in report["dropped"]] or ["- none"]
    odd = [(f, t["outlier"][0]) for f, t in report["truth"].items() if t["outlier"]]
    out += ["", f"Kept pages where one peer was off by more than {AGREE}° (truth = median of the others): "
            + ("; ".join(f"{f} ({tool})" for f, tool in odd) or "none"), ""]
    out += ["", f"## Worst pages per tool (each at its worst θ; errors over {WITHIN}° only)", ""]
    for tool, worst in report["worst"].items():
        out.append(f"**{tool}**: " + "; ".join(f"{w['file']} θ={w['theta']:+g} (truth {w['truth']:+.2f}, "
                                                f"correction {w['correction']:+.2f}, error {w['error']:.2f})" for w in worst))
        out.append("")
    out += ["## Orientation (pages turned by a quarter turn; turn 0 = upright: wrong there = false turn)", ""]
    out.append(md_table(report["orientation"], [("tool", "tool"), ("turn", "turn ° ccw"), ("pages", "pages"),
                                                ("correct", "correct"), ("wrong", "wrong"), ("not_detected", "not detected"),
                                                ("correct_confident", f"correct, conf ≥ {OSD_CONFIDENCE:g}"),
                                                ("wrong_confident", f"wrong, conf ≥ {OSD_CONFIDENCE:g}"),
                                                ("sideways_flag", "sohoa sideways flag"), ("wrong_files", "wrong on")]))
    out += ["## Borders (sohoa crop)", "", f"A ragged dark bar is added beside the page, then the page is turned by "
            f"{BORDER_ANGLES}° onto paper colour or onto a dark lid (which also darkens the corners of a turned "
            "sheet). 'dark left' = dark area still inside the kept rectangle per unit of its height (mm): sohoa "
            f"crops, deskews, and crops again what deskew straightened (`crop_after_deskew`, applied here to the dark mask turned as sohoa turns the page); what is left ends up as a strip along the side named. 'Crop through ink' counts the page's own ink, including dark rules and bars printed or scanned at its edges. Removed = at most "
            f"{DARK_REMOVED_MM} mm left.", ""]
    out.append(md_table(report["borders"], [("class", "class"), ("model", "case"), ("cases", "cases"),
                                            ("cropped", "cropped"), ("removed", "dark removed"),
                                            ("partly", "partly"), ("kept", "kept"),
                                            *[(f"dark_left_at_{a:+g}", f"median dark left mm at {a:+g}°") for a in BORDER_ANGLES],
                                            ("left_at", "left at side"), ("through_ink", "crop through ink")]))
    through = report["crop_through_ink"]
    out += ["Crops through ink: " + ("; ".join(f"{c['file']} θ={c['theta']:+g}{' bar ' + c['bar'] if c['bar'] else ''} "
                                             f"({c['ink_cut_px']} ink px, up to {c['ink_cut_depth_mm']} mm deep, crop {c['crop']})"
                                             for c in through[:20]) or "none"), ""]
    return "\n".join(out)


def report_class(report: dict, file: str) -> str:
    return next((c["class"] for c in report["skew_cases"] if c["file"] == file), "?")


def convention_text(quantity: str, sign: float | None) -> str:
    if sign is None:
        return "no consistent sign: left out"
    what = "page skew" if quantity == "measure" else "rotation applied"
    return f"{what}, positive = {'counter-clockwise' if sign > 0 else 'clockwise'}"


# ---------------------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="sohoa normalization vs peers on real scans")
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("SOHOA_SCAN_CORPUS", DEFAULT_CORPUS)))
    ap.add_argument("--sohoa", type=Path, default=ROOT / "target" / "release" / "sohoa")
    ap.add_argument("--angles", help="comma-separated skew angles, degrees counter-clockwise")
    ap.add_argument("--tools", default=",".join(ALL_TOOLS))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pages", help="only the corpus files whose names contain one of these comma-separated words")
    ap.add_argument("--out", type=Path, default=ROOT / "eval-out")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="print the JSON report instead of Markdown")
    ap.add_argument("--truth", type=Path, default=Path(__file__).resolve().with_name("eval-truth.tsv"),
                    help="hand-measured skews (hand_truth.py) that replace the peers' median")
    return ap.parse_args()


def plan_variants(pages: list[Page], angles: tuple, quick: bool) -> list[Variant]:
    variants = []
    for p in pages:
        if p.cls == PHOTO:
            variants.append(Variant(p.file, "skew", 0.0))
            continue
        variants += [Variant(p.file, "skew", a) for a in angles]
        variants += [Variant(p.file, "orient", 0.0, t) for t in TURNS if not (quick and t == 180)]
        side = "left" if zlib.crc32(p.file.encode()) % 2 == 0 else "right"
        variants += [Variant(p.file, "border", a, 0, side) for a in BORDER_ANGLES]
        variants += [Variant(p.file, "border", a, 0, side, lid=True) for a in BORDER_ANGLES if a]
    return variants


def main() -> int:
    args = parse_args()
    angles = tuple(float(a) for a in args.angles.split(",")) if args.angles else (QUICK_ANGLES if args.quick else DEFAULT_ANGLES)
    angles = tuple(sorted(set(angles) | {0.0}))
    subsets = TOOL_ANGLES if not (args.angles or args.quick) else {}
    tool_angles = {t: tuple(a for a in angles if a in subsets.get(t, angles)) for t in ALL_TOOLS}
    sohoa = args.sohoa.resolve()
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(wanted) - set(ALL_TOOLS)
    if unknown:
        sys.exit(f"unknown tools: {', '.join(sorted(unknown))} (known: {', '.join(ALL_TOOLS)})")
    needed = list(dict.fromkeys([*wanted, *SKEW_PEERS]))
    missing = missing_tools(needed, sohoa)
    for t, hint in missing.items():
        print(f"missing {t}: {hint} — left out", file=sys.stderr)
    needed = [t for t in needed if t not in missing]
    wanted = [t for t in wanted if t in needed]
    out = args.out.resolve()
    pages_dir = out / "pages"
    versions = {t: tool_version(t, sohoa) for t in needed}
    out.mkdir(parents=True, exist_ok=True)
    (out / ".gitignore").write_text("# written by scripts/eval-scans.py: nothing here belongs in git\n*\n")
    if "sohoa" in needed:  # pinned, so that a rebuild during the run cannot mix two binaries
        pinned = out / "bin" / f"sohoa-{versions['sohoa']}"
        if not pinned.is_file():
            pinned.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(sohoa, pinned)  # cargo writes a new file on rebuild: the link keeps this one
            except OSError:
                shutil.copy2(sohoa, pinned)
        sohoa_run = pinned
    else:
        sohoa_run = sohoa
    cache = Cache(out / "cache", versions)

    print("calibrating signs on a synthetic page ...", file=sys.stderr, flush=True)
    calibration = calibrate(needed, str(sohoa_run), out / "calibration")

    pages = load_manifest(args.corpus.resolve())
    if args.pages:
        pages = [p for p in pages if any(w in p.file for w in args.pages.split(","))]
    by_name = {p.file: p for p in pages}
    variants = plan_variants(pages, angles, args.quick)
    print(f"{len(pages)} pages, {len(variants)} variants: generating missing ones ...", file=sys.stderr, flush=True)
    # spawn, not fork: the calibration left OpenCV's and OpenMP's threads in this process.
    with multiprocessing.get_context("spawn").Pool(args.jobs, initializer=init_worker) as pool:
        per_page = {p.file: [v for v in variants if v.page == p.file] for p in pages}
        geoms = pool.starmap(generate_page, [(p, per_page[p.file], pages_dir) for p in pages])
        geometries = dict(zip(per_page, geoms))
        paths = {v: variant_path(pages_dir, by_name[v.page], v) for v in variants}
        hashes = {p: file_hash(p) for p in paths.values()}
        zero = {p.file: paths[Variant(p.file, "skew", 0.0)] for p in pages}
        work = {}
        for tool in needed:
            if tool == "tesseract":
                files = [paths[v] for v in variants if v.kind == "orient"] + list(zero.values())
            elif tool == "sohoa":
                files = list(paths.values())
            elif tool in wanted:
                allowed = tool_angles[tool]
                files = [paths[v] for v in variants if v.kind == "skew" and v.angle in allowed]
            else:  # a peer not evaluated still sets the truth
                track = {0.0, *TRACK_ANGLES} & set(tool_angles[tool])
                files = [paths[v] for v in variants if v.kind == "skew" and v.angle in track]
            work[tool] = files
        results = run_tools(pool, cache, work, str(sohoa_run), hashes)

    def measure(tool: str, page: str, angle: float) -> float | None:
        """A peer's measured skew (degrees, counter-clockwise) on a page turned by `angle`."""
        r = results.get((tool, paths.get(Variant(page, "skew", angle))))
        k = (calibration.get(tool) or {}).get("measure")
        return None if not r or not k or r.get("measure") is None else k * r["measure"]

    truth, dropped = truths(pages, measure, lambda t: tool_angles[t])
    truth, dropped = with_hand_truth(pages, truth, dropped, hand_truth.load_truth(args.truth))
    evaluated = {t: e for t, e in calibration.items() if t in wanted}
    cases = skew_cases(by_name, variants, paths, results, truth, evaluated,
                       lambda t: tool_angles[t])
    skew = {cls: skew_table(cases, cls) for cls in CLASSES}
    skew["all classes"] = skew_table(cases, None)
    # Lines that curve or are sheared over more than twice WITHIN leave no angle that puts all of
    # a page's lines within WITHIN: the same table without those pages (hand spread).
    one = {f for f, t in truth.items() if t.get("hand", {}).get("spread", 0) <= 2 * WITHIN}
    skew[f"all classes, pages with one skew (hand-measured lines spread ≤ {2 * WITHIN:g}°)"] = \
        skew_table([c for c in cases if c["file"] in one], None)
    worst = {}
    for tool in dict.fromkeys(c["tool"] for c in cases):
        at_worst = {}  # each page once, at its worst angle
        for c in (c for c in cases if c["tool"] == tool and c["error"] > WITHIN):
            if c["error"] > at_worst.get(c["file"], {"error": 0})["error"]:
                at_worst[c["file"]] = c
        worst[tool] = sorted(at_worst.values(), key=lambda c: -c["error"])[:10]
    photos = photo_table(by_name, paths, results, evaluated)
    follows = follow_table(by_name, variants, paths, results, evaluated, lambda t: tool_angles[t])
    orientation = orientation_table([p.file for p in pages if p.cls != PHOTO], variants, paths, results, evaluated, zero) if evaluated else []
    borders, border_cases = (border_report(by_name, variants, paths, results, geometries, pages_dir)
                             if "sohoa" in evaluated else ([], []))
    report = {
        "sohoa": str(sohoa), "versions": versions, "angles": list(angles),
        "tool_angles": {t: list(tool_angles[t]) for t in SKEW_PEERS},
        "calibration": calibration,
        "kept_pages": len(truth), "truth": truth, "dropped": dropped,
        "skew": skew, "follows": follows, "photos": photos, "worst": worst, "orientation": orientation,
        "borders": borders, "crop_through_ink": [c for c in border_cases if c["through_ink"]],
        "skew_cases": cases, "border_cases": border_cases,
        "seconds_per_page": {t: statistics.median(r.get("seconds", 0) for (tt, _), r in results.items() if tt == t)
                             for t in needed if any(tt == t for tt, _ in results)},
    }
    (out / "report.json").write_text(json.dumps(report, indent=1, default=str))
    text = markdown(report)
    (out / "report.md").write_text(text)
    print(json.dumps(report, indent=1, default=str) if args.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
