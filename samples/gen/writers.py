"""Page image formats and file writers: JPEG, PNG (with or without pHYs), G4 TIFF (BlackIsZero,
WhiteIsZero multi-page, and the FillOrder=2 patcher with its round-trip check)."""

from __future__ import annotations

import io
import struct

import numpy as np
from PIL import Image

from .degrade import degrade_bilevel, degrade_tone, pick_degradation
from .text import Canvas


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
