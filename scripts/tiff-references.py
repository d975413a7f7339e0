#!/usr/bin/env python3
"""Renders every page of TIFF files as a viewer shows them, as PNG references for sohoa's decoder.

usage: python3 scripts/tiff-references.py OUT FILE.tif [FILE.tif ...]

Each page N (1-based) of FILE.tif becomes OUT/FILE.tif.pN.png: libtiff's `tiff2rgba` (the
TIFFReadRGBAImage path most viewers use: colour maps, min-is-white, YCbCr, CMYK, alpha), its alpha
laid over white with Pillow, saved as 8-bit RGB. A page libtiff cannot render gets no reference (a
line on standard error says why). Two things differ from plain `tiff2rgba`:
  * the Orientation tag is set to 1 on a copy first: references are the pixels as stored, as
    sohoa decodes them (it turns the page with `/Rotate` instead);
  * gray with an unassociated alpha sample: libtiff copies the gray sample unchanged yet labels
    the output associated (premultiplied); the label is corrected before Pillow reads it.

Compare with sohoa's decoding:
    SOHOA_TIFF_CORPUS=DIR SOHOA_TIFF_REFERENCES=OUT \
        cargo test -p sohoa-imaging -- --ignored tiff_corpus_decodes_as_libtiff_shows_it

Needs `tiff2rgba`, `tiffinfo` and `tiffset` (Debian: libtiff-tools) and Pillow.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

# Scans are big: an A4 page at 600 dpi is over Pillow's "decompression bomb" warning.
Image.MAX_IMAGE_PIXELS = None


def directories(path: str) -> list[str]:
    """tiffinfo's description of each directory (page) of a file."""
    out = subprocess.run(["tiffinfo", path], capture_output=True, text=True).stdout
    return out.split("=== TIFF directory")[1:] or [""]


def render(path: str, out_dir: str) -> None:
    name = os.path.basename(path)
    dirs = directories(path)
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "source.tif")
        shutil.copyfile(path, source)
        for n, d in enumerate(dirs):
            if "Orientation:" in d and "row 0 top, col 0 lhs" not in d:
                subprocess.run(["tiffset", "-d", str(n), "-s", "274", "1", source], check=True)
        rgba = os.path.join(tmp, "rgba.tif")
        run = subprocess.run(["tiff2rgba", "-c", "none", source, rgba], capture_output=True, text=True)
        if run.returncode != 0 or not os.path.exists(rgba):
            print(f"{name}: tiff2rgba failed: {run.stderr.strip()}", file=sys.stderr)
            return
        for n, d in enumerate(dirs):
            if "min-is-" in d and "unassoc-alpha" in d:
                subprocess.run(["tiffset", "-d", str(n), "-s", "338", "1", "2", rgba], check=True)
        try:
            img = Image.open(rgba)
        except Exception as e:  # noqa: BLE001 - any unreadable output: no reference
            print(f"{name}: Pillow cannot read tiff2rgba's output: {e}", file=sys.stderr)
            return
        for n in range(len(dirs)):
            try:
                img.seek(n)
            except EOFError:
                print(f"{name}: tiff2rgba wrote {n} of the pages", file=sys.stderr)
                break
            # Pillow un-premultiplies associated alpha when it reads it as RGBA.
            page = img.convert("RGBA") if img.mode != "RGBA" else img
            white = Image.new("RGBA", page.size, (255, 255, 255, 255))
            shown = Image.alpha_composite(white, page).convert("RGB")
            shown.save(os.path.join(out_dir, f"{name}.p{n + 1}.png"))


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for path in sys.argv[2:]:
        render(path, out_dir)


if __name__ == "__main__":
    main()
