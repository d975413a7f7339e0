#!/usr/bin/env python3
"""Makes the TIFF fixtures of this folder that are not Leptonica's, and every PNG reference.

usage: python3 make-fixtures.py LEPTONICA_PROG_DIR

Needs numpy, tifffile and Pillow (pip), libtiff-tools (tiffcp, tiff2rgba, tiffinfo, tiffset) and
leptonica-progs (convertformat) from Debian. The pictures are synthetic (made here) except the
two weasels, which are Leptonica's test images converted by Leptonica itself. Run it again only
to add a fixture: the references are what the test compares with.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
import tifffile
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
# Leptonica's own TIFFs copied unchanged (see README.md for their licence).
LEPTONICA_TIFFS = ["gray-alpha.tif", "jpeg-coded.tif", "testbuffer.tif", "test16.tif",
                   "minisblack.tif", "miniswhite.tif"]


def run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def palette_tiff(indices: np.ndarray, bits: int, colormap: np.ndarray) -> bytes:
    """An uncompressed little-endian palette TIFF, packed by hand (tifffile cannot pack 4-bit
    samples, Pillow writes 8-bit palettes)."""
    h, w = indices.shape
    rows = bytearray()
    for r in indices:
        acc, n, row = 0, 0, bytearray()
        for v in r:
            acc, n = (acc << bits) | int(v), n + bits
            while n >= 8:
                row.append((acc >> (n - 8)) & 255)
                n -= 8
        if n:
            row.append((acc << (8 - n)) & 255)
        rows += row
    cmap = [int(v) for v in colormap.reshape(-1)]
    tags = [(256, 4, [w]), (257, 4, [h]), (258, 3, [bits]), (259, 3, [1]), (262, 3, [3]),
            (273, 4, [8]), (277, 3, [1]), (278, 4, [h]), (279, 4, [len(rows)]), (320, 3, cmap)]
    b = bytearray(b"II*\0\0\0\0\0") + rows
    if len(b) % 2:
        b.append(0)
    ifd = len(b)
    struct.pack_into("<I", b, 4, ifd)
    extra_at, extra = ifd + 2 + 12 * len(tags) + 4, bytearray()
    b += struct.pack("<H", len(tags))
    for tag, kind, values in tags:
        data = b"".join(struct.pack("<H" if kind == 3 else "<I", v) for v in values)
        b += struct.pack("<HHI", tag, kind, len(values))
        if len(data) <= 4:
            b += data.ljust(4, b"\0")
        else:
            b += struct.pack("<I", extra_at + len(extra))
            extra += data
    return bytes(b + b"\0\0\0\0" + extra)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    prog = sys.argv[1]
    for name in LEPTONICA_TIFFS:
        shutil.copyfile(os.path.join(prog, name), os.path.join(HERE, name))
    h, w = 60, 90
    yy, xx = np.mgrid[0:h, 0:w]
    rgb = np.stack([(xx * 3) % 256, (yy * 4) % 256, ((xx + yy) * 2) % 256], -1).astype(np.uint8)
    gray = ((xx * 2 + yy) % 256).astype(np.uint8)
    alpha = ((xx * 3) % 256).astype(np.uint8)
    with tempfile.TemporaryDirectory() as tmp:
        t = lambda n: os.path.join(tmp, n)  # noqa: E731
        out = lambda n: os.path.join(HERE, n)  # noqa: E731
        tifffile.imwrite(t("rgb.tif"), rgb, photometric="rgb")
        tifffile.imwrite(t("gray.tif"), gray, photometric="minisblack")
        # JPEG-in-TIFF (JPEGTables), YCbCr 2x2 and RGB (libtiff's JPEGCOLORMODE RGB, ':r').
        run("tiffcp", "-r", "16", "-c", "jpeg", t("rgb.tif"), out("rgb-jpeg-ycbcr.tif"))
        run("tiffcp", "-r", "16", "-c", "jpeg:r", t("rgb.tif"), out("rgb-jpeg-rgb.tif"))
        # Separate planes in 32x32 tiles, Deflate.
        run("tiffcp", "-c", "zip", "-p", "separate", "-t", "-w", "32", "-l", "32",
            t("rgb.tif"), out("rgb-planar-tiled-zip.tif"))
        # Associated alpha on RGB; min-is-white gray with unassociated alpha; CMYK.
        pre = (rgb.astype(np.uint32) * alpha[..., None] // 255).astype(np.uint8)
        tifffile.imwrite(t("rgba.tif"), np.concatenate([pre, alpha[..., None]], -1),
                         photometric="rgb", extrasamples=[1])
        run("tiffcp", "-c", "zip:2", t("rgba.tif"), out("rgba-associated-zip.tif"))
        tifffile.imwrite(t("ga.tif"), np.stack([255 - gray, alpha], -1),
                         photometric="miniswhite", extrasamples=[2])
        run("tiffcp", "-c", "zip:2", t("ga.tif"), out("graya-miniswhite-zip.tif"))
        cmyk = np.stack([(xx * 2) % 256, (yy * 3) % 256, (xx + yy) % 256, (xx % 5) * 20],
                        -1).astype(np.uint8)
        tifffile.imwrite(t("cmyk.tif"), cmyk, photometric="separated")
        run("tiffcp", "-c", "zip:2", t("cmyk.tif"), out("cmyk-zip.tif"))
        # 4-bit palettes written by Leptonica (gray map, colour map).
        run("convertformat", os.path.join(prog, "weasel4.16g.png"), out("weasel-pal4-gray.tif"), "TIFF")
        run("convertformat", os.path.join(prog, "weasel4.11c.png"), out("weasel-pal4-colour.tif"), "TIFF")
        # The page: 4-bit gray text whose ColorMap holds 8-bit values (0, 17 ... 255).
        idx = np.where(((yy // 4) % 5 == 2) & (xx % 13 < 9), 2, 15).astype(np.uint8)
        cmap = np.zeros((3, 16), np.uint16)
        cmap[:, :] = np.arange(16) * 17
        with open(t("pal4.tif"), "wb") as f:
            f.write(palette_tiff(idx, 4, cmap))
        run("tiffcp", "-c", "lzw", t("pal4.tif"), out("pal4-gray-8-bit-map-lzw.tif"))
        # Several pages of different kinds: G4, 8-bit gray LZW, RGB Deflate, 4-bit gray palette.
        Image.fromarray(((gray > 100) * 255).astype(np.uint8)).convert("1").save(
            t("bw.tif"), compression="group4")
        run("tiffcp", "-c", "lzw", t("gray.tif"), t("gray-lzw.tif"))
        run("tiffcp", "-c", "zip", t("rgb.tif"), t("rgb-zip.tif"))
        run("tiffcp", t("bw.tif"), t("gray-lzw.tif"), t("rgb-zip.tif"), out("weasel-pal4-gray.tif"),
            out("multipage-mixed.tif"))
    refs = os.path.join(HERE, "ref")
    shutil.rmtree(refs, ignore_errors=True)
    tifs = sorted(os.path.join(HERE, n) for n in os.listdir(HERE) if n.endswith(".tif"))
    script = os.path.join(HERE, "..", "..", "..", "..", "scripts", "tiff-references.py")
    subprocess.run([sys.executable, script, refs, *tifs], check=True)


if __name__ == "__main__":
    main()
