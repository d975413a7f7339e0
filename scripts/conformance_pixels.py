"""Pixel side of the conformance check: exact decoders for what Pillow cannot read faithfully
(16-bit PNG/TIFF, FillOrder=2 TIFF), the recorded conversions applied to a source, and the pixel compare."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

Image.MAX_IMAGE_PIXELS = None  # scans are large; they are our own inputs

LOSSY = {"16-to-8-bit", "alpha-flattened", "cmyk-to-rgb"}
# Normalization (sohoa issue 4): pages changed on purpose, checked against the recorded decision.
NORMALIZING = {"deskewed", "borders-cropped", "rgb-to-gray", "gray-to-bilevel"}
KNOWN_CONVERSIONS = LOSSY | NORMALIZING | {"palette-expanded", "bilevel-from-gray"}


class Unsupported(Exception):
    """The source image cannot be decoded independently; the page's pixel check is skipped."""


_REV = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def _tiff_bytes(tags: dict[int, tuple[int, list[int]]], strips: list[bytes]) -> bytes:
    """A minimal little-endian single-IFD TIFF; tags maps tag -> (type 3|4, values)."""
    tags = dict(tags)
    tags[273] = (4, [0] * len(strips))
    tags[279] = (4, [len(s) for s in strips])
    n = len(tags)
    extra_off = 8 + 2 + 12 * n + 4
    extra = bytearray()
    entries = []
    for tag in sorted(tags):
        typ, vals = tags[tag]
        fmt = "<" + ("H" if typ == 3 else "I") * len(vals)
        size = struct.calcsize(fmt)
        entries.append([tag, typ, vals, fmt, size, None])
    # place out-of-line arrays (offsets fixed up after strip data placement)
    data_off = extra_off + sum(e[4] for e in entries if e[4] > 4)
    pos = data_off
    offsets = []
    for s in strips:
        offsets.append(pos)
        pos += len(s)
    for e in entries:
        if e[0] == 273:
            e[2] = offsets
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", n))
    for tag, typ, vals, fmt, size, _ in entries:
        packed = struct.pack(fmt, *vals)
        if size <= 4:
            out += struct.pack("<HHI", tag, typ, len(vals)) + packed.ljust(4, b"\0")
        else:
            out += struct.pack("<HHII", tag, typ, len(vals), extra_off + len(extra))
            extra += packed
    out += b"\0\0\0\0" + extra
    assert len(out) == data_off
    for s in strips:
        out += s
    return bytes(out)


def decode_fillorder2(path: Path, im: Image.Image) -> Image.Image:
    """Re-writes the current TIFF frame with its strips bit-reversed and FillOrder=1, then decodes it."""
    t = im.tag_v2
    if 322 in t:
        raise Unsupported("tiled FillOrder=2 TIFF")
    raw = path.read_bytes()
    strips = [raw[o:o + c].translate(_REV) for o, c in zip(t[273], t[279])]
    tags = {256: (4, [im.size[0]]), 257: (4, [im.size[1]]), 258: (3, list(np.atleast_1d(t.get(258, 1)))),
            259: (3, [t.get(259, 1)]), 262: (3, [t.get(262, 0)]), 266: (3, [1]),
            277: (3, [t.get(277, 1)]), 278: (4, [t.get(278, im.size[1])]), 284: (3, [t.get(284, 1)])}
    for opt in (292, 293):
        if opt in t:
            tags[opt] = (4, [int(t[opt])])
    return Image.open(io.BytesIO(_tiff_bytes(tags, strips)))


def _png_unfilter(raw: bytes, h: int, stride: int, bpp: int) -> np.ndarray:
    rows = np.frombuffer(raw, np.uint8)[: h * (stride + 1)].reshape(h, stride + 1)
    out = np.zeros((h, stride), np.uint8)
    prev = np.zeros(stride, np.uint8)
    for y in range(h):
        ft, line = rows[y, 0], rows[y, 1:]
        if ft == 0:
            cur = line.copy()
        elif ft == 1:
            cur = np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif ft == 2:
            cur = line + prev
        elif ft in (3, 4):
            ln, pv = line.tolist(), prev.tolist()
            c = [0] * stride
            for i in range(stride):
                a = c[i - bpp] if i >= bpp else 0
                b = pv[i]
                if ft == 3:
                    c[i] = (ln[i] + ((a + b) >> 1)) & 255
                else:
                    cc = pv[i - bpp] if i >= bpp else 0
                    p = a + b - cc
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                    pr = a if pa <= pb and pa <= pc else (b if pb <= pc else cc)
                    c[i] = (ln[i] + pr) & 255
            cur = np.array(c, np.uint8)
        else:
            raise Unsupported(f"bad PNG filter type {ft}")
        out[y] = cur
        prev = cur
    return out


def decode_png16(path: Path) -> tuple[np.ndarray, str]:
    """Exact 16-bit PNG decoder (Pillow reduces 16-bit colour PNGs to 8 bits by truncation)."""
    data = path.read_bytes()
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        pos += 12 + ln
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat.append(body)
        elif typ == b"IEND":
            break
    w, h, bd, ct, _, _, interlace = ihdr
    if bd != 16 or interlace:
        raise Unsupported("interlaced 16-bit PNG")
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ct]
    stride = w * ch * 2
    arr = _png_unfilter(zlib.decompress(b"".join(idat)), h, stride, ch * 2)
    arr = arr.reshape(-1).view(">u2").reshape(h, w, ch).astype(np.uint16)
    return arr, {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[ch]


def _lzw_decode(data: bytes) -> bytes:
    """TIFF LZW (MSB-first codes, early change)."""
    out = bytearray()
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    bitpos, nbits, prev = 0, 9, None
    total = len(data) * 8
    while bitpos + nbits <= total:
        byte = bitpos >> 3
        chunk = int.from_bytes(data[byte:byte + 4].ljust(4, b"\0"), "big")
        code = (chunk >> (32 - (bitpos & 7) - nbits)) & ((1 << nbits) - 1)
        bitpos += nbits
        if code == 256:
            table = table[:258]
            nbits, prev = 9, None
            continue
        if code == 257:
            break
        if prev is None:
            entry = table[code]
        elif code < len(table):
            entry = table[code]
            table.append(prev + entry[:1])
        else:
            entry = prev + prev[:1]
            table.append(entry)
        out += entry
        prev = entry
        if len(table) + 1 >= (1 << nbits) and nbits < 12:
            nbits += 1
    return bytes(out)


def decode_tiff16(path: Path, im: Image.Image) -> tuple[np.ndarray, str]:
    """Exact decoder for a 16-bit multi-channel TIFF frame (strips; none/Deflate/LZW; predictor 1/2)."""
    t = im.tag_v2
    if 322 in t or t.get(284, 1) != 1:
        raise Unsupported("tiled or planar 16-bit TIFF")
    comp, pred, spp = t.get(259, 1), t.get(317, 1), t.get(277, 1)
    w, h = im.size
    raw = path.read_bytes()
    buf = bytearray()
    for o, c in zip(t[273], t[279]):
        s = raw[o:o + c]
        if comp == 1:
            buf += s
        elif comp in (8, 32946):
            buf += zlib.decompress(s)
        elif comp == 5:
            buf += _lzw_decode(s)
        else:
            raise Unsupported(f"16-bit TIFF compression {comp}")
    endian = "<" if getattr(t, "_endian", "<") == "<" else ">"
    arr = np.frombuffer(bytes(buf[: w * h * spp * 2]), endian + "u2").reshape(h, w, spp)
    if pred == 2:
        arr = np.cumsum(arr, axis=1, dtype=np.uint16)
    elif pred != 1:
        raise Unsupported(f"TIFF predictor {pred}")
    photometric = t.get(262, 2)
    if photometric == 5:
        return arr.astype(np.uint16), "CMYK"
    return arr.astype(np.uint16), {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}.get(spp, "?")


def load_source(path: Path, frame: int) -> tuple[np.ndarray | None, str, str]:
    """Returns (array H×W[×C] of uint8/uint16/bool, mode, note). mode: 1, L, LA, RGB, RGBA, CMYK, P-*."""
    im = Image.open(path)
    n = getattr(im, "n_frames", 1)
    if frame >= n:
        raise Unsupported(f"frame {frame} requested but the file has {n}")
    for i, fr in enumerate(ImageSequence.Iterator(im)):
        if i == frame:
            im = fr
            break
    note = ""
    fmt = (Image.open(path).format or "").upper()
    bits16 = False
    if fmt == "PNG":
        head = path.read_bytes()[:33]
        if head[24] == 16:
            bits16 = True
            if head[25] != 0:
                arr, mode = decode_png16(path)
                return arr, mode, "16-bit colour PNG decoded by conformance.py"
    elif fmt == "TIFF":
        bps = np.atleast_1d(im.tag_v2.get(258, 1))
        bits16 = int(bps.max()) == 16
        if bits16 and im.tag_v2.get(277, 1) > 1:
            arr, mode = decode_tiff16(path, im)
            return arr, mode, "16-bit colour TIFF decoded by conformance.py"
        if im.tag_v2.get(266, 1) == 2:
            note = "FillOrder=2 TIFF decoded by Pillow"
    try:
        im.load()
    except Exception as e:  # noqa: BLE001
        if note.startswith("FillOrder=2"):
            im = decode_fillorder2(path, im)
            im.load()
            note = "FillOrder=2 TIFF decoded by reversing strip bits"
        else:
            raise Unsupported(f"Pillow cannot decode {path.name} frame {frame}: {e}") from e
    mode = im.mode
    if mode == "1":
        return np.array(im), "1", note
    if mode in ("L", "RGB", "RGBA", "LA", "CMYK"):
        return np.array(im), mode, note
    if mode.startswith("I;16") or (mode == "I" and bits16):
        return np.array(im).astype(np.uint16), "L", note
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in im.info
        conv = im.convert("RGBA" if has_alpha else "RGB")
        return np.array(conv), "P-" + conv.mode, note
    if mode == "I":
        a = np.array(im)
        if a.min() >= 0 and a.max() <= 255:
            return a.astype(np.uint8), "L", note
    raise Unsupported(f"Pillow mode {mode} not handled")


def expected_pixels(src: np.ndarray, mode: str, page: dict) -> tuple[np.ndarray | None, list[str], list[str]]:
    """Applies the page's recorded conversions to the source pixels.

    Returns (expected array or None for dimension-only checks, problems (fail), notes)."""
    conv = list(page.get("conversions") or [])
    colour = page.get("colour")
    problems, notes = [], []
    for c in conv:
        if c not in KNOWN_CONVERSIONS:
            problems.append(f"unknown conversion {c!r}")
    if mode == "CMYK":
        if "cmyk-to-rgb" not in conv:
            problems.append("source is CMYK but conversions lacks 'cmyk-to-rgb'")
        return None, problems, notes
    if "cmyk-to-rgb" in conv:
        problems.append("conversions has 'cmyk-to-rgb' but the source is not CMYK")
    a = src
    if a.dtype == np.uint16:
        if "16-to-8-bit" not in conv:
            problems.append("source is 16-bit but conversions lacks '16-to-8-bit'")
        a = ((a.astype(np.uint32) + 128) // 257).astype(np.uint8)
    elif "16-to-8-bit" in conv:
        problems.append("conversions has '16-to-8-bit' but the source is 8-bit")
    if mode.startswith("P-"):
        if "palette-expanded" not in conv:
            notes.append("palette source but conversions lacks 'palette-expanded'")
        mode = mode[2:]
    elif "palette-expanded" in conv:
        problems.append("conversions has 'palette-expanded' but the source has no palette")
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if mode in ("LA", "RGBA"):
        if "alpha-flattened" not in conv:
            problems.append("source has alpha but conversions lacks 'alpha-flattened'")
        col = a[..., :-1].astype(np.uint32)
        al = a[..., -1:].astype(np.uint32)
        a = ((col * al + 255 * (255 - al) + 127) // 255).astype(np.uint8)
        mode = mode[:-1]
        if a.shape[-1] == 1:
            a = a[..., 0]
    elif "alpha-flattened" in conv:
        problems.append("conversions has 'alpha-flattened' but the source has no alpha")
    # to the page's colour mode
    if colour == "bilevel":
        if mode == "1":
            return a.astype(bool), problems, notes
        if mode == "RGB" and a.ndim == 3 and (a == a[..., :1]).all():
            a, mode = a[..., 0], "L"
        if mode != "L":
            problems.append(f"bilevel page from a {mode} source")
            return None, problems, notes
        if not np.isin(a, (0, 255)).all():
            problems.append("bilevel page from a gray source with values other than 0/255 (lossy)")
        elif "bilevel-from-gray" not in conv:
            notes.append("gray 0/255 source stored as bilevel but conversions lacks 'bilevel-from-gray'")
        return a == 255, problems, notes
    if "bilevel-from-gray" in conv:
        problems.append(f"conversions has 'bilevel-from-gray' but the page colour is {colour}")
    if colour == "gray":
        if mode == "1":
            return (a.astype(np.uint8) * 255), problems, notes
        if mode == "RGB":
            if (a == a[..., :1]).all():
                return a[..., 0], problems, notes
            problems.append("gray page from a colour source")
            return None, problems, notes
        return a, problems, notes
    if colour == "rgb":
        if mode == "1":
            a = a.astype(np.uint8) * 255
        if a.ndim == 2:
            a = np.repeat(a[:, :, None], 3, axis=2)
        return a, problems, notes
    problems.append(f"unknown colour {colour!r}")
    return None, problems, notes


def extracted_array(path: Path) -> tuple[np.ndarray, str]:
    im = Image.open(path)
    im.load()
    return np.array(im), im.mode


def compare(exp: np.ndarray, got: np.ndarray) -> str:
    if exp.shape != got.shape:
        return f"shape {got.shape} != expected {exp.shape}"
    if np.array_equal(exp, got):
        return ""
    diff = exp != got if exp.dtype == bool else exp.astype(np.int32) != got.astype(np.int32)
    if diff.ndim == 3:
        diff = diff.any(axis=2)
    ys, xs = np.nonzero(diff)
    maxd = "" if exp.dtype == bool else f", max |diff| {int(np.abs(exp.astype(np.int32) - got.astype(np.int32)).max())}"
    return f"{int(diff.sum())} of {diff.size} pixels differ{maxd}, first at x={xs[0]} y={ys[0]}"


def check_normalized(source: np.ndarray, page: dict, got: np.ndarray) -> tuple[str, str]:
    """A normalized page against its source and the recorded decision: size equals the source
    less the recorded crop (and less the crop after deskew, of the rotated page); a crop alone is pixel-exact (lossless encodings); a rotation matches
    Pillow's own bilinear rotation of the cropped source by the recorded angle (mean absolute
    difference, margins excluded). Returns (problem, note)."""
    n = page.get("normalization") or {}
    crop = n.get("crop") or {}
    h, w = source.shape[:2]
    l, t, r, b = (int(crop.get(k, 0)) for k in ("left", "top", "right", "bottom"))
    cut = source[t:h - b, l:w - r]
    # Borders cropped again after deskew: pixels of the rotated page.
    after = n.get("crop_after_deskew") or {}
    al, at, ar, ab = (int(after.get(k, 0)) for k in ("left", "top", "right", "bottom"))
    again = lambda a: a[at:a.shape[0] - ab, al:a.shape[1] - ar]  # noqa: E731
    want = (cut.shape[0] - at - ab, cut.shape[1] - al - ar)
    if got.shape[:2] != want:
        return (f"size {got.shape[1]}x{got.shape[0]} != source less crops {want[1]}x{want[0]}", "")
    conv = set(page.get("conversions") or [])
    angle = n.get("rotated")
    channels = lambda a: a.shape[2] if a.ndim == 3 else 1  # noqa: E731
    if page.get("colour") == "bilevel" and channels(cut) == 1 and "gray-to-bilevel" not in conv:
        # A 1-bit source, rotated then thresholded again: compare with Pillow's rotation, thresholded.
        ref = cut if angle is None else again(np.asarray(Image.fromarray(cut, "L").rotate(float(angle), resample=Image.BILINEAR, fillcolor=255)))
        mh, mw = max(1, got.shape[0] // 20), max(1, got.shape[1] // 20)
        off = float(((ref[mh:-mh, mw:-mw] >= 128) != (got[mh:-mh, mw:-mw] >= 128)).mean())
        return ("" if off <= 0.01 else f"bilevel page differs from the thresholded rotation in {off:.2%} of pixels", f"bilevel, rotated {angle}: {off:.3%} pixels differ")
    if conv & {"rgb-to-gray", "gray-to-bilevel"}:
        return ("", "mode changed by the profile: size checked")
    if channels(cut) != channels(got):
        return ("", "colour layout differs (e.g. CMYK source): size checked")
    lossy = page.get("encoding") == "dct-reencoded"
    if angle is None:
        if lossy:
            diff = float(np.abs(cut.astype(np.int16) - got.astype(np.int16)).mean())
            return ("" if diff <= 3.0 else f"cropped page differs from the cropped source by {diff:.2f} levels on average", f"crop only, re-encoded: mean difference {diff:.2f}")
        return ("" if np.array_equal(cut, got) else "cropped page is not the cropped source pixel for pixel", "crop only: pixel-exact")
    mode = "RGB" if cut.ndim == 3 else "L"
    fill = tuple(int(v) for v in np.percentile(cut.reshape(-1, 3 if mode == "RGB" else 1), 90, axis=0)) if mode == "RGB" else int(np.percentile(cut, 90))
    ref = again(np.asarray(Image.fromarray(cut, mode).rotate(float(angle), resample=Image.BILINEAR, fillcolor=fill)))
    mh, mw = max(1, got.shape[0] // 20), max(1, got.shape[1] // 20)
    diff = float(np.abs(ref[mh:-mh, mw:-mw].astype(np.int16) - got[mh:-mh, mw:-mw].astype(np.int16)).mean())
    limit = 4.0 if lossy else 2.0
    problem = "" if diff <= limit else f"deskewed page differs from Pillow's rotation by {float(angle):.2f} deg: {diff:.2f} levels on average (limit {limit})"
    return (problem, f"rotated {float(angle):.2f} deg: mean difference to Pillow's rotation {diff:.2f}")


def placement(page: dict) -> dict | None:
    """Where a placed page's image lies, computed from the record alone (archive-format.md,
    "placed"): the page size in pixels, the `cm` operands mapping image pixels (y down) to the
    page's points (y up), and the clip rectangle in image pixels. None for a page that is its
    image."""
    n = page.get("normalization") or {}
    if not n.get("placed"):
        return None
    W, H, dx, dy = page["width"], page["height"], page["dpi_x"], page["dpi_y"]
    crop, after = n.get("crop") or {}, n.get("crop_after_deskew") or {}
    l, t, r, b = (int(crop.get(k, 0)) for k in ("left", "top", "right", "bottom"))
    al, at, ar, ab = (int(after.get(k, 0)) for k in ("left", "top", "right", "bottom"))
    cw, ch = W - l - r, H - t - b
    pw, ph = cw - al - ar, ch - at - ab
    deg = float(n.get("rotated") or 0.0)
    # Pillow's Image.rotate(deg) turns the content counter-clockwise on screen: a page point p
    # shows the cropped image's point R(deg)·(p + after − C) + C, R = [[c, −s], [s, c]] (y down).
    # Its inverse takes an image point to the page.
    import math
    c, s_ = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    cx, cy = cw / 2, ch / 2

    def to_page_pt(x: float, y: float) -> tuple[float, float]:
        qx, qy = x - l - cx, y - t - cy
        px, py = c * qx + s_ * qy + cx - al, -s_ * qx + c * qy + cy - at
        return px * 72 / dx, (ph - py) * 72 / dy

    e, f = to_page_pt(0, 0)
    x1, y1 = to_page_pt(1, 0)
    x2, y2 = to_page_pt(0, 1)
    return {"size": (pw, ph), "cm": [x1 - e, y1 - f, x2 - e, y2 - f, e, f], "clip": [l, t, cw, ch],
            "unit": [W, 0, 0, -H, 0, H], "turned": bool(n.get("rotated"))}


def check_rendered(source: np.ndarray, page: dict, shown: np.ndarray) -> tuple[str, str]:
    """A placed page as poppler renders it at the image's resolution against the source turned
    and cropped by Pillow as the record says (mean absolute difference, margins excluded; a
    1-bit page: share of pixels on the other side of mid-gray). Limits: 8 levels, 2.5 % of 1-bit
    pixels; measured on 95 placed pages at 300 dpi: median 2.4 levels (max 4.7) and 1.2 % (max
    2.2 %) as recorded, while the same pages turned 0.15 deg off differ by about 15 levels and 3-7 %.
    Returns (problem, note)."""
    n = page.get("normalization") or {}
    crop, after = n.get("crop") or {}, n.get("crop_after_deskew") or {}
    h, w = source.shape[:2]
    l, t, r, b = (int(crop.get(k, 0)) for k in ("left", "top", "right", "bottom"))
    al, at, ar, ab = (int(after.get(k, 0)) for k in ("left", "top", "right", "bottom"))
    cut = source[t:h - b, l:w - r]
    if cut.ndim == 3 and cut.shape[2] != 3:
        # A CMYK source: its colours are sohoa's conversion, not Pillow's; the size is checked.
        want = (cut.shape[0] - at - ab, cut.shape[1] - al - ar)
        if any(abs(a - b) > 1 for a, b in zip(want, shown.shape[:2])):
            return (f"rendered page {shown.shape[1]}x{shown.shape[0]} != source less crops {want[1]}x{want[0]}", "")
        return ("", "placed, colour layout differs (e.g. CMYK source): rendered size checked")
    if shown.ndim == 3 and cut.ndim == 2:
        shown = np.asarray(Image.fromarray(shown, "RGB").convert("L"))
    elif shown.ndim == 2 and cut.ndim == 3:
        cut = np.asarray(Image.fromarray(cut, "RGB").convert("L"))
    angle = n.get("rotated")
    mode = "RGB" if cut.ndim == 3 else "L"
    fill = tuple(int(v) for v in np.percentile(cut.reshape(-1, 3), 90, axis=0)) if mode == "RGB" else int(np.percentile(cut, 90))
    ref = cut if angle is None else np.asarray(Image.fromarray(cut, mode).rotate(float(angle), resample=Image.BILINEAR, fillcolor=fill))
    ref = ref[at:ref.shape[0] - ab, al:ref.shape[1] - ar]
    # pdftoppm rounds the page's size in points back to pixels (up, at times by one).
    if any(abs(a - b) > 1 for a, b in zip(ref.shape[:2], shown.shape[:2])):
        return (f"rendered page {shown.shape[1]}x{shown.shape[0]} != source less crops {ref.shape[1]}x{ref.shape[0]}", "")
    hh, ww = min(ref.shape[0], shown.shape[0]), min(ref.shape[1], shown.shape[1])
    ref, shown = ref[:hh, :ww], shown[:hh, :ww]
    mh, mw = max(1, ref.shape[0] // 20), max(1, ref.shape[1] // 20)
    ref, shown = ref[mh:-mh, mw:-mw], shown[mh:-mh, mw:-mw]
    what = f"rotated {float(angle):.2f} deg" if angle is not None else "cropped"
    if page.get("colour") == "bilevel":
        off = float(((ref >= 128) != (shown >= 128)).mean())
        return ("" if off <= 0.025 else f"rendered 1-bit page differs from the source {what} by Pillow in {off:.2%} of pixels",
                f"placed, {what}: rendered {off:.3%} pixels differ")
    diff = float(np.abs(ref.astype(np.int16) - shown.astype(np.int16)).mean())
    limit = 8.0
    return ("" if diff <= limit else f"rendered page differs from the source {what} by Pillow: {diff:.2f} levels on average (limit {limit})",
            f"placed, {what}: rendered mean difference {diff:.2f}")
