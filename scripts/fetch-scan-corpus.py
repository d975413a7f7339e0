#!/usr/bin/env python3
"""Fetch a corpus of REAL scanned pages for scripts/eval-scans.py.

usage: python3 scripts/fetch-scan-corpus.py [DIR] [--force]

DIR defaults to $SOHOA_SCAN_CORPUS, else /work/corpus/real (outside the repository: the pages
are other projects' files under their own licences). The script writes there:

  pages/<source>-<name>   the selected pages, as their sources ship them (PDF pages: the image
                          extracted with pdfimages, JPEG kept as is, CCITT stored as G4 TIFF)
  manifest.tsv            file, class, dpi, source, licence (read by eval-scans.py)
  SOURCES.md              where each page comes from and under which licence
  .downloads/             the source packages, kept so a re-run needs no network

Sources, all reached through package registries only:
  * Debian source package `leptonlib` (Leptonica's prog/ test images) and `tesseract` (its
    orig-test tarball: testing/), fetched with `apt-get source --download-only` from a private
    deb-src list in a temporary directory, so deb-src need not be configured on the machine;
  * the OCRmyPDF sdist from PyPI (tests/resources), `pip download --no-binary :all:`;
  * the scikit-image wheel from PyPI (skimage/data/page.png, and photos without text).
unpaper's test images (Debian source `unpaper`, tests/source_images) were looked at and left out:
they are rendered, not scanned.

Each page has a class for the evaluation: g4-text (1-bit), gray-book (8-bit gray), colour-form
(colour scans), camera (camera captures of documents) or photo (pictures without text, which no
tool should turn). The table PAGES below sets it by hand;
a page missing there would fall back by colour (see fallback_class). Pages without a resolution
tag get the dpi given in the table (estimated from the paper size).

Idempotent: a corpus whose manifest lists files that all exist is left alone (--force redoes it).
Needs: apt-get (Debian), pip, pdfimages (poppler-utils), Pillow.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from PIL import Image

DEFAULT_DIR = "/work/corpus/real"
DEBIAN_SUITE = "bookworm"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

# source -> how to get it, which archive holds the pages, its licence.
SOURCES = {
    "lept": {
        "what": "Leptonica 1.82 test images (prog/), Debian source package leptonlib",
        "apt": "leptonlib",
        "archive": "leptonlib_*.orig.tar.gz",
        "licence": "BSD-2-Clause-style Leptonica licence (leptonica-license.txt; debian/copyright)",
    },
    "tess": {
        "what": "Tesseract test images (testing/), Debian source package tesseract, orig-test tarball",
        "apt": "tesseract",
        "archive": "tesseract_*.orig-test.tar.gz",
        "licence": "Apache-2.0 (debian/copyright of tesseract: Files: *)",
    },
    "ocrmypdf": {
        "what": "OCRmyPDF 17.13.0 test resources (tests/resources), PyPI sdist",
        "pip": ["--no-binary", ":all:", "ocrmypdf==17.13.0"],
        "archive": "ocrmypdf-*.tar.gz",
        "licence": "per file in the sdist's REUSE.toml (noted for each page below)",
    },
    "skimage": {
        "what": "scikit-image 0.26.0 sample data (skimage/data/: page.png and photos), PyPI wheel",
        "pip": ["--only-binary", ":all:", "--python-version", "3.11", "--platform",
                "manylinux_2_28_x86_64", "scikit-image==0.26.0"],
        "archive": "scikit_image-*.whl",
        "licence": "BSD-3-Clause (scikit-image; skimage.data.page: 'Scanned page')",
    },
}

# (source, path inside the archive after its top folder, class, dpi when the file has no tag,
#  licence note when it differs from the source's)
PAGES = [
    # 1-bit scans: book pages, articles, newspapers, patents, tables.
    ("lept", "prog/feyn.tif", "g4-text", None, None),
    ("lept", "prog/pageseg1.tif", "g4-text", None, None),
    ("lept", "prog/pageseg2.tif", "g4-text", None, None),
    ("lept", "prog/pageseg3.tif", "g4-text", None, None),
    ("lept", "prog/pageseg4.tif", "g4-text", None, None),
    ("lept", "prog/patent.png", "g4-text", None, None),
    ("lept", "prog/rabi.png", "g4-text", 300, None),
    ("lept", "prog/scots-frag.tif", "g4-text", None, None),
    ("lept", "prog/shearer.148.tif", "g4-text", None, None),
    ("lept", "prog/table.15.tif", "g4-text", None, None),
    ("lept", "prog/table.27.tif", "g4-text", None, None),
    ("lept", "prog/witten.tif", "g4-text", None, None),
    ("lept", "prog/words.15.tif", "g4-text", None, None),
    ("lept", "prog/words.44.tif", "g4-text", None, None),
    ("lept", "prog/harmoniam-11.tif", "g4-text", None, None),
    ("lept", "prog/arabic.png", "g4-text", 300, None),
    ("lept", "prog/arabic2.png", "g4-text", 300, None),
    ("lept", "prog/cootoots.png", "g4-text", None, None),
    ("lept", "prog/tribune-page-4x.png", "g4-text", 150, None),
    ("tess", "testing/8087_054.3B.tif", "g4-text", None, None),
    ("tess", "testing/8071_093.3B.tif", "g4-text", None, None),
    ("tess", "testing/phototest.tif", "g4-text", None, None),
    ("tess", "testing/eurotext.tif", "g4-text", None, None),
    ("ocrmypdf", "tests/resources/linn.png", "g4-text", 300, "CC-BY-SA-3.0 (Wikimedia: LinnSequencer brochure)"),
    ("ocrmypdf", "tests/resources/typewriter.png", "g4-text", 300,
     "GFDL-1.2-or-later or CC-BY-SA-1.0..3.0, (C) 2005 Ellywa (Wikimedia: Triumph typewriter text)"),
    ("ocrmypdf", "tests/resources/epson.pdf", "g4-text", None,
     "CC-BY-SA-3.0 (printout of the Wikipedia article 'Optical character recognition', scanned)"),
    # 8-bit gray scans.
    ("lept", "prog/lucasta.047.jpg", "gray-book", 300, None),
    ("lept", "prog/contrast-orig-60.jpg", "gray-book", 60, None),
    ("lept", "prog/lighttext.jpg", "gray-book", 300, None),
    ("lept", "prog/w91frag.jpg", "gray-book", 150, None),
    ("lept", "prog/stampede2.jpg", "gray-book", 100, None),
    ("skimage", "skimage/data/page.png", "gray-book", None, None),
    # Colour scans of book pages, tables and forms.
    ("lept", "prog/amoris.2.150.jpg", "colour-form", None, None),
    ("lept", "prog/brev.20.75.jpg", "colour-form", 75, None),
    ("lept", "prog/breviar.38.150.jpg", "colour-form", None, None),
    ("lept", "prog/brothers.150.jpg", "colour-form", 150, None),
    ("lept", "prog/candelabrum.011.jpg", "colour-form", None, None),
    ("lept", "prog/cavalerie.29.jpg", "colour-form", None, None),
    ("lept", "prog/colorpage.030.jpg", "colour-form", None, None),
    ("lept", "prog/german.png", "colour-form", None, None),
    ("lept", "prog/pedante.079.jpg", "colour-form", None, None),
    ("lept", "prog/zanotti-78.jpg", "colour-form", None, None),
    ("ocrmypdf", "tests/resources/c03-29.pdf", "colour-form", None,
     "public domain (Project Gutenberg, Huckleberry Finn, page 29)"),
    # Camera captures of book pages (dark surroundings, curl, uneven light).
    ("lept", "prog/1555.003.jpg", "camera", 150, None),
    ("lept", "prog/1555.007.jpg", "camera", 150, None),
    ("lept", "prog/cat.007.jpg", "camera", 200, None),
    ("lept", "prog/cat.035.jpg", "camera", 200, None),
    ("lept", "prog/boxedpage.jpg", "camera", None, None),
    ("lept", "prog/binding-example.45.jpg", "camera", None, None),
    ("lept", "prog/lapide.052.100.jpg", "camera", None, None),
    # Photos and pictures without text, as a case may hold (a site photo, a portrait): no tool
    # should turn them. 72 dpi, a camera's usual tag.
    ("skimage", "skimage/data/astronaut.png", "photo", 72, "public domain (NASA; skimage.data.astronaut)"),
    ("skimage", "skimage/data/camera.png", "photo", 72, "CC0 (Lav Varshney; skimage.data.camera)"),
    ("skimage", "skimage/data/coffee.png", "photo", 72, "CC0 (Rachel Michetti; skimage.data.coffee)"),
    ("skimage", "skimage/data/chelsea.png", "photo", 72, "CC0 (Stefan van der Walt; skimage.data.chelsea)"),
    ("skimage", "skimage/data/rocket.jpg", "photo", 72, "public domain (SpaceX; skimage.data.rocket)"),
    ("skimage", "skimage/data/brick.png", "photo", 72, "CC0 (CC0Textures Bricks25; skimage.data.brick)"),
    ("skimage", "skimage/data/grass.png", "photo", 72, "CC0 (linolafett; skimage.data.grass)"),
    ("skimage", "skimage/data/gravel.png", "photo", 72, "CC0 (CC0Textures Gravel04; skimage.data.gravel)"),
    ("skimage", "skimage/data/hubble_deep_field.jpg", "photo", 72, "public domain (NASA; skimage.data.hubble_deep_field)"),
    ("skimage", "skimage/data/retina.jpg", "photo", 72, "CC0 (Wikimedia; skimage.data.retina)"),
    ("skimage", "skimage/data/coins.png", "photo", 72, "no known copyright restrictions (Brooklyn Museum; skimage.data.coins)"),
    ("skimage", "skimage/data/horse.png", "photo", 72, "CC0 (Andreas Preuss; skimage.data.horse)"),
    ("skimage", "skimage/data/ihc.png", "photo", 72, "no known copyright restrictions (skimage.data.immunohistochemistry)"),
    ("skimage", "skimage/data/cell.png", "photo", 72, "CC0 (skimage.data.cell)"),
]


def run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)


def apt_source(package: str, downloads: Path) -> None:
    """Download a Debian source package through a private deb-src list (no system change)."""
    with tempfile.TemporaryDirectory(prefix="sohoa-apt-") as tmp:
        t = Path(tmp)
        (t / "parts").mkdir()
        (t / "lists" / "partial").mkdir(parents=True)
        (t / "cache" / "archives" / "partial").mkdir(parents=True)
        (t / "sources.list").write_text(
            f"deb-src [signed-by={KEYRING}] http://deb.debian.org/debian {DEBIAN_SUITE} main\n")
        opts = ["-o", f"Dir::Etc::SourceList={t}/sources.list", "-o", f"Dir::Etc::SourceParts={t}/parts",
                "-o", f"Dir::State::Lists={t}/lists", "-o", f"Dir::Cache={t}/cache",
                "-o", "APT::Sandbox::User=root", "-qq"]
        run(["apt-get", *opts, "update"])
        # A missing debian.tar.xz on the mirror makes apt-get fail after the orig tarballs are in:
        # the caller checks for the archive it needs.
        subprocess.run(["apt-get", *opts, "source", "--download-only", package], cwd=downloads,
                       capture_output=True, text=True)


def fetch_source(name: str, downloads: Path) -> Path:
    """The archive of one source, downloaded unless already there."""
    src = SOURCES[name]
    found = sorted(downloads.glob(src["archive"]))
    if not found:
        print(f"fetch {name}: {src['what']}", flush=True)
        if "apt" in src:
            apt_source(src["apt"], downloads)
        else:
            run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(downloads), *src["pip"]])
        found = sorted(downloads.glob(src["archive"]))
    if not found:
        sys.exit(f"could not fetch {name} ({src['what']})")
    return found[-1]


def read_member(archive: Path, inner: str) -> bytes:
    """A file of a tarball or wheel, by its path under the archive's top folder."""
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            return z.read(inner)
    with tarfile.open(archive) as t:
        for m in t.getmembers():
            if m.isfile() and m.name.split("/", 1)[-1] == inner:
                return t.extractfile(m).read()
    raise FileNotFoundError(f"{inner} not in {archive.name}")


def pdf_page_image(pdf: Path, out_stem: Path) -> tuple[Path, float]:
    """The first image of a PDF: JPEG kept as is, CCITT decoded and stored as G4 TIFF."""
    listing = run(["pdfimages", "-list", str(pdf)]).stdout.splitlines()[2].split()
    dpi = float(listing[12])
    tmp = out_stem.parent / (out_stem.name + ".x")
    run(["pdfimages", "-j", "-tiff", "-f", "1", "-l", "1", str(pdf), str(tmp)])
    extracted = sorted(out_stem.parent.glob(tmp.name + "-*"))
    first, rest = extracted[0], extracted[1:]
    for extra in rest:
        extra.unlink()
    if first.suffix == ".jpg":
        return first.rename(out_stem.with_suffix(".jpg")), dpi
    target = out_stem.with_suffix(".tif")
    with Image.open(first) as im:
        im.convert("1").save(target, compression="group4", dpi=(dpi, dpi))
    first.unlink()
    return target, dpi


def fallback_class(im: Image.Image) -> str:
    """Class of a page that the table does not name, from its colour."""
    if im.mode == "1" or (im.mode == "P" and len(im.getcolors(256) or []) <= 2):
        return "g4-text"
    if im.mode in ("L", "LA", "I;16") or (im.mode == "P" and all(
            r == g == b for r, g, b, *_ in (im.convert("RGB").getcolors(1 << 16) or [(0, (0, 0, 1))]))):
        return "gray-book"
    return "colour-form"


def file_dpi(path: Path) -> float | None:
    with Image.open(path) as im:
        d = im.info.get("dpi")
    return float(d[0]) if d and d[0] > 1 else None


def up_to_date(corpus: Path) -> bool:
    manifest = corpus / "manifest.tsv"
    if not manifest.is_file():
        return False
    rows = manifest.read_text().splitlines()[1:]
    return len(rows) == len(PAGES) and all((corpus / "pages" / r.split("\t")[0]).is_file() for r in rows)


def build(corpus: Path) -> list[dict]:
    downloads = corpus / ".downloads"
    pages_dir = corpus / "pages"
    downloads.mkdir(parents=True, exist_ok=True)
    pages_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for source, inner, cls, dpi_guess, licence in PAGES:
        archive = fetch_source(source, downloads)
        name = f"{source}-{Path(inner).name}"
        target = pages_dir / name
        if inner.endswith(".pdf"):
            pdf = downloads / name
            pdf.write_bytes(read_member(archive, inner))
            target, dpi = pdf_page_image(pdf, pages_dir / Path(name).stem)
            pdf.unlink()
        else:
            target.write_bytes(read_member(archive, inner))
            dpi = file_dpi(target) or dpi_guess
        if dpi is None:
            sys.exit(f"{name}: no resolution tag and no dpi in the table")
        with Image.open(target) as im:
            cls = cls or fallback_class(im)
        rows.append({"file": target.name, "class": cls, "dpi": dpi, "source": source, "archive": archive.name,
                     "origin": inner, "licence": licence or SOURCES[source]["licence"]})
        print(f"  {target.name:36s} {cls:12s} {dpi:g} dpi", flush=True)
    return rows


def write_manifest(corpus: Path, rows: list[dict]) -> None:
    lines = ["file\tclass\tdpi\tsource\tlicence"]
    lines += [f"{r['file']}\t{r['class']}\t{r['dpi']:g}\t{r['source']}\t{r['licence']}" for r in rows]
    (corpus / "manifest.tsv").write_text("\n".join(lines) + "\n")
    md = ["# Real scanned pages for scripts/eval-scans.py", "",
          "Written by `scripts/fetch-scan-corpus.py` of sohoa. These pages are other projects' files,",
          "redistributed here under their own licences; they are not part of sohoa.", "", "## Sources", ""]
    archives = {r["source"]: r["archive"] for r in rows}
    md += [f"- `{k}`: {v['what']}, from `{archives[k]}`. Licence: {v['licence']}."
           for k, v in SOURCES.items() if k in archives]
    md += ["", "## Pages", "", "| file | class | dpi | taken from | licence |", "| --- | --- | --- | --- | --- |"]
    md += [f"| {r['file']} | {r['class']} | {r['dpi']:g} | {r['source']}: {r['origin']} | {r['licence']} |"
           for r in rows]
    (corpus / "SOURCES.md").write_text("\n".join(md) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", type=Path,
                    default=Path(os.environ.get("SOHOA_SCAN_CORPUS", DEFAULT_DIR)))
    ap.add_argument("--force", action="store_true", help="extract every page again")
    args = ap.parse_args()
    corpus = args.dir.resolve()
    if up_to_date(corpus) and not args.force:
        print(f"{corpus}: up to date ({len(PAGES)} pages)")
        return 0
    print(f"corpus: {corpus}")
    rows = build(corpus)
    write_manifest(corpus, rows)
    counts = {c: sum(r["class"] == c for r in rows) for c in dict.fromkeys(r["class"] for r in rows)}
    print(f"{len(rows)} pages: " + ", ".join(f"{n} {c}" for c, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
