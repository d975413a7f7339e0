#!/usr/bin/env python3
"""Independent conformance checks of a sohoa archive (called by scripts/conformance.sh).
Orchestration, reporting and the validators; pixel decoding and comparison are in conformance_pixels.py.

Every bag under ARCHIVE/bags/*/ and ARCHIVE/versions/*/*/ is checked with tools that share no code with
sohoa: bagit-python (BagIt 1.0 validity), pikepdf.pdfa (PDF/A-2b rules), qpdf --check (structure), Apache
PDFBox Preflight (a PDF/A-1b validator; only the findings a 2b file must produce are ignored), and a
page-by-page comparison of every bundle page against its scanned source: raw bytes for DCT pages, pixels
decoded by poppler's pdfimages for CCITT/Flate pages against the source decoded by Pillow (or by the small
16-bit decoders in conformance_pixels.py where Pillow truncates to 8 bits). A scanned PDF source is compared
through its page's image as pdfimages extracts it (`-j` JPEG bytes, `-png` pixels).

Prints one PASS/FAIL line per check (with indented details), NOTE lines for what could not be checked,
and ends with `conformance: N passed, M failed`. Exits 1 if M > 0 or no bag was found, 2 on usage errors.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pikepdf
import pikepdf.pdfa
from PIL import Image

from conformance_pixels import (LOSSY, NORMALIZING, Unsupported, check_normalized, check_rendered, placement, compare, decode_fillorder2, expected_pixels, extracted_array,
                                load_source)

PREFLIGHT_JARS = [
    "preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar",
    "javax.activation.jar", "jaxb-api.jar",
]
# Findings PDFBox Preflight (strict PDF/A-1b) necessarily reports on a valid PDF/A-2b file
# (docs: shared/docs/standards.md). Each is matched by code AND message text, because some codes
# (1.4 = any trailer error, e.g. a missing /ID) also cover real problems.
PREFLIGHT_EXPECTED_FOR_2B = [
    ("1.4", "cross reference streams are not allowed", "xref streams are legal from PDF 1.5 / PDF/A-2"),
    ("7.11.2", "part must be 1", "pdfaid:part is 2 for PDF/A-2b"),
    ("2.1.6", "", "ICC v4 OutputIntent profile is legal in PDF/A-2"),
    ("3.1.11", "", "CIDSet is not required by PDF/A-2"),
]
PAGE_KEYS = ("number", "source", "frame", "width", "height", "dpi_x", "dpi_y", "colour", "encoding",
             "conversions")
CHUNK = 16  # pages extracted by pdfimages at a time (keeps temp disk use bounded)


# --------------------------------------------------------------------------------------------- reporting
class Results:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.notes = 0

    def report(self, ok: bool, check: str, target: str, details: list[str] | None = None) -> None:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {check:<10} {target}", flush=True)
        for line in details or []:
            print(f"       {line}", flush=True)

    def note(self, target: str, text: str) -> None:
        self.notes += 1
        print(f"NOTE {'':<10} {target}: {text}", flush=True)


def tail(text: str, n: int = 15) -> list[str]:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-n:]


# --------------------------------------------------------------------------------------------- validators
def check_bagit(bag: Path) -> tuple[bool, list[str]]:
    exe = shutil.which("bagit.py")
    cmd = [exe] if exe else [sys.executable, "-m", "bagit"]
    proc = subprocess.run(cmd + ["--validate", str(bag)], capture_output=True, text=True, timeout=3600)
    out = "\n".join(l for l in (proc.stdout + proc.stderr).splitlines() if " - INFO - " not in l)
    return proc.returncode == 0, ([] if proc.returncode == 0 else tail(out))


def signature_form_only(pdf: Path) -> bool:
    """True when the PDF has an /AcroForm whose fields are all signature fields (a signed
    bundle, `sohoa sign`), each with a printable widget (PDF/A-2 6.3.2)."""
    with pikepdf.open(pdf) as doc:
        form = doc.Root.get("/AcroForm")
        if form is None or "/Fields" not in form or len(form.Fields) == 0:
            return False
        return all(f.get("/FT") == "/Sig" and int(f.get("/F", 0)) & 4 for f in form.Fields)


def check_pdfa(pdf: Path) -> tuple[bool, list[str]]:
    report = pikepdf.pdfa.validate_written(pdf, "2b")
    if report.passed:
        return True, []
    findings = list(report.findings)
    notes = []
    # pikepdf's checker does not cover interactive forms: on a signed bundle it reports the
    # /AcroForm that holds the signature field as "unsupported" (not a violation). Accepted only
    # when every field is a signature field; PDFBox Preflight checks the form and the widget.
    unsupported_form = [f for f in findings if f.kind == "unsupported" and "/AcroForm" in f.message]
    if unsupported_form and signature_form_only(pdf):
        findings = [f for f in findings if f not in unsupported_form]
        notes.append("(accepted: /AcroForm holding only signature fields, not covered by pikepdf's checker)")
        if not findings:
            return True, notes
    return False, [f"{f.rule} [{f.kind}] at {f.where}: {f.message}" for f in findings[:40]] + (
        [f"... and {len(findings) - 40} more"] if len(findings) > 40 else [])


def check_qpdf(pdf: Path) -> tuple[bool, list[str]]:
    proc = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True, timeout=1800)
    if proc.returncode == 0:
        return True, []
    # qpdf exits 2 on errors, 3 on warnings: both fail the check.
    return False, [f"qpdf exit {proc.returncode}"] + tail(proc.stdout + proc.stderr)


def preflight_classpath() -> str | None:
    if os.environ.get("PREFLIGHT_CP"):
        return os.environ["PREFLIGHT_CP"]
    base = Path(os.environ.get("PREFLIGHT_JAR_DIR", "/usr/share/java"))
    jars = [base / j for j in PREFLIGHT_JARS]
    if not all(j.is_file() for j in jars):
        return None
    return ":".join(str(j) for j in jars)


def check_preflight(pdf: Path, classpath: str) -> tuple[bool, list[str]]:
    """Runs `java -cp ... org.apache.pdfbox.preflight.Validator_A1b FILE` (text output).

    Output: `The file F is a valid PDF/A-1b file` (exit 0), or `The file F is not a valid PDF/A-1b
    file, error(s) :` followed by `CODE : message` lines (exit 255)."""
    proc = subprocess.run(["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(pdf)],
                          capture_output=True, text=True, timeout=1800)
    out = proc.stdout + proc.stderr
    if proc.returncode == 0 and "is a valid PDF/A-1b file" in out:
        return True, []
    findings = re.findall(r"^(\d+(?:\.\d+)*) : (.*)$", proc.stdout, re.M)
    if not findings:
        return False, [f"preflight exit {proc.returncode}, no findings parsed"] + tail(out)
    bad, ignored = [], []
    for code, msg in findings:
        if any(code == c and m.lower() in msg.lower() for c, m, _ in PREFLIGHT_EXPECTED_FOR_2B):
            ignored.append(code)
        else:
            bad.append(f"{code} : {msg}")
    details = bad + ([f"(ignored as expected for 2b: {', '.join(sorted(set(ignored)))})"] if ignored else [])
    return not bad, details


# --------------------------------------------------------------------------------------------- helpers
_sha_cache: dict[Path, str] = {}


def sha256(path: Path) -> str:
    path = path.resolve()
    if path not in _sha_cache:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _sha_cache[path] = h.hexdigest()
    return _sha_cache[path]


def path_variants(rel: str) -> list[str]:
    out = [rel]
    for form in ("NFC", "NFD"):
        v = unicodedata.normalize(form, rel)
        if v not in out:
            out.append(v)
    return out


class SourceFinder:
    """Finds a case's source files: the bag's data/originals/ first, then the SCANS folder."""

    def __init__(self, bag: Path, case_id: str, meta: dict, scans: Path | None):
        self.records = {s.get("path"): s for s in meta.get("sources", []) if isinstance(s, dict)}
        roots: list[Path] = []
        if (bag / "data" / "originals").is_dir():
            roots.append(bag / "data" / "originals")
        self.scan_roots: list[Path] = []
        if scans is not None and scans.is_dir():
            cands = [scans / case_id]
            for key in ("source_dir", "source_folder", "folder", "scan_folder", "case_folder", "source_root"):
                v = meta.get(key)
                if isinstance(v, str) and v:
                    cands += [Path(v), scans / v, scans / Path(v).name]
            cands += [p for p in scans.rglob(case_id) if p.is_dir()]
            cands.append(scans)
            for c in cands:
                if c.is_dir() and c.resolve() not in [r.resolve() for r in self.scan_roots]:
                    self.scan_roots.append(c)
        self.roots = roots + self.scan_roots
        self.scans = scans
        self._all_dirs: list[Path] | None = None

    def _candidates(self):
        for r in self.roots:
            yield r, True
        if self.scans is not None and self.scans.is_dir():
            if self._all_dirs is None:  # last resort: the case folder is named differently from the case id
                self._all_dirs = [p for p in self.scans.rglob("*") if p.is_dir()]
            for d in self._all_dirs:
                yield d, False

    def find(self, rel: str) -> tuple[Path | None, str]:
        """Returns (path, problem). A path whose sha256 differs from the record is not returned."""
        want = (self.records.get(rel) or {}).get("sha256")
        mismatched = None
        for root, primary in self._candidates():
            for v in path_variants(rel):
                p = root / v
                if p.is_file():
                    if want is None or sha256(p) == str(want).lower():
                        return p, ""
                    if primary and mismatched is None:
                        mismatched = p
        if mismatched is not None:
            return None, f"{mismatched} exists but its sha256 differs from metadata.json (changed since ingest?)"
        return None, "not found with the sha256 recorded in metadata.json"


# --------------------------------------------------------------------------------------------- page checks
COLOUR_SPACE = {"rgb": ("/DeviceRGB", 8), "gray": ("/DeviceGray", 8), "bilevel": ("/DeviceGray", 1)}
FILTER = {"dct": "/DCTDecode", "dct-reencoded": "/DCTDecode", "ccitt-g4": "/CCITTFaxDecode", "flate": "/FlateDecode"}


def _filters(obj) -> list[str]:
    f = obj.get("/Filter")
    if f is None:
        return []
    return [str(x) for x in f] if isinstance(f, pikepdf.Array) else [str(f)]


def _parms(obj) -> dict:
    p = obj.get("/DecodeParms")
    if isinstance(p, pikepdf.Array):
        p = p[0] if len(p) else None
    return p if isinstance(p, pikepdf.Dictionary) else pikepdf.Dictionary()


def structural_page_checks(page: pikepdf.Page, meta: dict) -> tuple[pikepdf.Stream | None, list[str]]:
    errs: list[str] = []
    for k in PAGE_KEYS:
        if k not in meta:
            errs.append(f"metadata page entry lacks {k!r}")
    if errs:
        return None, errs
    mb = [float(x) for x in page.mediabox]
    w_pt, h_pt = mb[2] - mb[0], mb[3] - mb[1]
    placed = placement(meta)
    shown_w, shown_h = placed["size"] if placed else (meta["width"], meta["height"])
    exp_w, exp_h = shown_w * 72 / meta["dpi_x"], shown_h * 72 / meta["dpi_y"]
    if abs(w_pt - exp_w) > 0.01 or abs(h_pt - exp_h) > 0.01:
        errs.append(f"MediaBox {w_pt:.3f}x{h_pt:.3f} pt != {exp_w:.3f}x{exp_h:.3f} pt from pixels and dpi")
    res = page.obj.get("/Resources")
    xobjs = res.get("/XObject") if isinstance(res, pikepdf.Dictionary) else None
    if xobjs is None:
        return None, errs + ["page has no own /Resources /XObject"]
    names = list(xobjs.keys())
    images = [n for n in names if xobjs[n].get("/Subtype") == "/Image"]
    if len(names) != 1 or len(images) != 1:
        return None, errs + [f"page has {len(images)} image XObjects and {len(names) - len(images)} others (want 1 image)"]
    img = xobjs[images[0]]
    # the image is drawn over the whole page, or placed as the record says (crops, turn)
    try:
        ops = pikepdf.parse_content_stream(page)
        cms, clip, drawn = [], None, 0
        near = lambda a, b, tol: len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))  # noqa: E731
        for operands, op in ops:
            if str(op) == "cm":
                cms.append([float(x) for x in operands])
            elif str(op) == "re":
                clip = [float(x) for x in operands]
            elif str(op) == "Do":
                drawn += 1
                if str(operands[0]) != images[0]:
                    errs.append(f"content draws {operands[0]} instead of {images[0]}")
                elif placed is None:
                    cm = cms[-1] if cms else None
                    if len(cms) != 1 or abs(cm[0] - w_pt) > 0.01 or abs(cm[3] - h_pt) > 0.01 or cm[1] or cm[2]:
                        errs.append(f"image drawn with cm {cms}, not scaled to the {w_pt:.2f}x{h_pt:.2f} MediaBox")
                elif len(cms) != 2 or not near(cms[0][:4], placed["cm"][:4], 2e-4) or not near(cms[0][4:], placed["cm"][4:], 0.01) \
                        or not near(cms[1], placed["unit"], 1e-6) or clip is None or not near(clip, placed["clip"], 1e-6):
                    errs.append(f"placed image drawn with cm {cms} clip {clip}; the record gives cm {[round(v, 4) for v in placed['cm']]} "
                                f"clip {placed['clip']} then {placed['unit']}")
        if drawn != 1:
            errs.append(f"content stream has {drawn} Do operators (want 1)")
    except Exception as e:  # noqa: BLE001
        errs.append(f"content stream unreadable: {e}")
    if int(img.get("/Width", -1)) != meta["width"] or int(img.get("/Height", -1)) != meta["height"]:
        errs.append(f"image {img.get('/Width')}x{img.get('/Height')} != metadata {meta['width']}x{meta['height']}")
    filters = _filters(img)
    enc = meta["encoding"]
    if enc not in FILTER:
        errs.append(f"unknown encoding {enc!r}")
    elif filters != [FILTER[enc]]:
        errs.append(f"/Filter {filters} but encoding {enc!r} wants [{FILTER[enc]}]")
    cs_want = COLOUR_SPACE.get(meta["colour"])
    cs = img.get("/ColorSpace")
    bpc = int(img.get("/BitsPerComponent", 0))
    if cs_want is None:
        errs.append(f"unknown colour {meta['colour']!r}")
    elif str(cs) != cs_want[0] or bpc != cs_want[1]:
        errs.append(f"image {cs} {bpc}-bit but colour {meta['colour']!r} wants {cs_want[0]} {cs_want[1]}-bit")
    if enc == "ccitt-g4":
        p = _parms(img)
        if int(p.get("/K", 0)) >= 0:
            errs.append(f"CCITT /K {p.get('/K', 0)} is not Group 4 (K<0)")
        if int(p.get("/Columns", 1728)) != meta["width"]:
            errs.append(f"CCITT /Columns {p.get('/Columns', 1728)} != width {meta['width']}")
        if bool(p.get("/BlackIs1", False)):
            errs.append("CCITT /BlackIs1 true (contract: 0 = black)")
    if "/Decode" in img:
        errs.append(f"image has /Decode {img.Decode}")
    if bool(img.get("/Interpolate", False)):
        errs.append("image has /Interpolate true")
    if "/SMask" in img or "/Mask" in img:
        errs.append("image has a mask")
    # A JPEG file has one frame; a scanned PDF's JPEG pages are its pages.
    if enc == "dct" and meta["frame"] != 0 and not str(meta.get("source", "")).lower().endswith(".pdf"):
        errs.append("dct page with frame != 0")
    return img, errs


def extract_pages(pdf: Path, first: int, last: int, outdir: Path) -> dict[int, list[Path]]:
    for f in outdir.iterdir():
        f.unlink()
    subprocess.run(["pdfimages", "-p", "-j", "-png", "-f", str(first), "-l", str(last), str(pdf),
                    str(outdir / "x")], check=True, capture_output=True, timeout=3600)
    found: dict[int, list[Path]] = {}
    for f in sorted(outdir.iterdir()):
        m = re.match(r"x-(\d+)-(\d+)\.\w+$", f.name)
        if m:
            found.setdefault(int(m.group(1)), []).append(f)
    return found


def is_pdf(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(5) == b"%PDF-"


# What pdfimages has already done to a PDF source's image, or cannot show (it ignores soft masks
# and truncates 16-bit samples where sohoa rounds them).
PDF_APPLIED = {"palette-expanded"}
PDF_NOT_COMPARABLE = {"alpha-flattened", "16-to-8-bit", "cmyk-to-rgb"}


def source_record(pm: dict) -> dict:
    """The page record as its source was: without the normalizing conversions, in the colour
    before the profile changed the mode (compact profile)."""
    base = dict(pm, conversions=[c for c in pm["conversions"] if c not in NORMALIZING])
    if "rgb-to-gray" in pm["conversions"]:
        base["colour"] = "rgb"
    elif "gray-to-bilevel" in pm["conversions"]:
        base["colour"] = "gray"
    return base


def rendered_check(pdf: Path, number: int, pm: dict, src: Path, tmp: Path) -> tuple[str, str]:
    """Renders a placed page with pdftoppm at its image's resolution (undoing the page's
    /Rotate) and compares it with the source as the record says it is shown."""
    gray = pm["colour"] != "rgb"
    stem = tmp / f"render-{number}"
    subprocess.run(["pdftoppm", "-rx", f"{pm['dpi_x']}", "-ry", f"{pm['dpi_y']}", "-f", str(number), "-l", str(number),
                    "-singlefile", *(["-gray"] if gray else []), str(pdf), str(stem)], check=True)
    path = stem.with_suffix(".pgm" if gray else ".ppm")
    shown = np.rot90(np.asarray(Image.open(path)), k=(int(pm.get("rotate", 0)) // 90) % 4)
    path.unlink()
    arr, smode, _ = load_source(src, int(pm["frame"]))
    exp, problems, _ = expected_pixels(arr, smode, source_record(pm)) if arr is not None else (None, ["source unreadable"], [])
    if problems:
        return ("; ".join(problems), "")
    src_arr = exp if exp is not None else arr
    if src_arr.dtype == bool:
        src_arr = src_arr.astype(np.uint8) * 255
    return check_rendered(src_arr, pm, shown)


def pdf_page_image(src: Path, frame: int, pm: dict, tmp: Path) -> tuple[Path, dict]:
    """The one image of page frame+1 of a scanned PDF (pdfimages -j -png), and the page record
    with the conversions pdfimages has already applied taken out."""
    out = tmp.with_name(tmp.name + "-pdf-source")
    out.mkdir(exist_ok=True)
    for f in out.iterdir():
        f.unlink()
    subprocess.run(["pdfimages", "-j", "-png", "-f", str(frame + 1), "-l", str(frame + 1), str(src),
                    str(out / "s")], check=True, capture_output=True, timeout=3600)
    files = sorted(out.iterdir())
    if len(files) != 1:
        raise Unsupported(f"pdfimages extracted {len(files)} images from page {frame + 1} of {src.name}")
    conv = set(pm.get("conversions") or [])
    if pm["encoding"] != "dct" and conv & PDF_NOT_COMPARABLE:
        raise Unsupported(f"{', '.join(sorted(conv & PDF_NOT_COMPARABLE))}: pdfimages shows the PDF image otherwise")
    return files[0], dict(pm, frame=0, conversions=[c for c in pm.get("conversions") or [] if c not in PDF_APPLIED])


def check_pages(pdf_path: Path, meta: dict, finder: SourceFinder | None, current: bool,
                tmp: Path) -> tuple[bool, list[str], list[str]]:
    """Returns (ok, failure details, notes)."""
    pages_meta = meta.get("pages") or []
    fails: list[str] = []
    notes: list[str] = []
    stats = {"bytes": 0, "pixels": 0, "normalized": 0, "rendered": 0, "dims": 0, "skipped": 0}
    with pikepdf.open(pdf_path) as pdf:
        if len(pdf.pages) != len(pages_meta):
            fails.append(f"PDF has {len(pdf.pages)} pages, metadata.json lists {len(pages_meta)}")
        n = min(len(pdf.pages), len(pages_meta))
        for start in range(0, n, CHUNK):
            end = min(n, start + CHUNK)
            extracted = extract_pages(pdf_path, start + 1, end, tmp)
            for i in range(start, end):
                pm = pages_meta[i]
                label = f"p{i + 1} ({pm.get('source')} frame {pm.get('frame')}, {pm.get('encoding')}/{pm.get('colour')})"
                if pm.get("number") != i + 1:
                    fails.append(f"{label}: number {pm.get('number')} != {i + 1}")
                img, errs = structural_page_checks(pdf.pages[i], pm)
                fails += [f"{label}: {e}" for e in errs]
                files = extracted.get(i + 1, [])
                if len(files) != 1:
                    fails.append(f"{label}: pdfimages extracted {len(files)} images")
                    continue
                if img is None:
                    continue
                if finder is None:
                    stats["skipped"] += 1
                    continue
                src, problem = finder.find(pm["source"])
                if src is None:
                    stats["skipped"] += 1
                    msg = f"{label}: source {problem}; content check skipped"
                    (fails if (current and finder is not None and finder.scans is not None) else notes).append(msg)
                    continue
                try:
                    if is_pdf(src):
                        # A scanned PDF's page: its image as poppler extracts it (JPEG bytes, or
                        # pixels with /Decode, palettes and CMYK already applied).
                        src, pm = pdf_page_image(src, int(pm["frame"]), pm, tmp)
                    if placement(pm) is not None:
                        # What a reader sees: the page rendered by poppler against the source
                        # cropped and turned by Pillow as the record says.
                        problem, note = rendered_check(pdf_path, i + 1, pm, src, tmp)
                        if problem:
                            fails.append(f"{label}: {problem}")
                        else:
                            stats["rendered"] += 1
                        if note:
                            notes.append(f"{label}: {note}")
                    if pm["encoding"] == "dct":
                        raw = img.read_raw_bytes()
                        data = src.read_bytes()
                        if raw != data:
                            fails.append(f"{label}: DCT stream ({len(raw)} bytes) differs from {src.name} ({len(data)} bytes)")
                        elif files[0].suffix == ".jpg" and files[0].read_bytes() != data:
                            fails.append(f"{label}: pdfimages -j output differs from the source bytes")
                        else:
                            stats["bytes"] += 1
                        continue
                    got, got_mode = extracted_array(files[0])
                    want_mode = {"rgb": "RGB", "gray": "L", "bilevel": "1"}.get(pm["colour"])
                    if got_mode != want_mode:
                        fails.append(f"{label}: pdfimages decoded a {got_mode} image, colour wants {want_mode}")
                        continue
                    arr, smode, snote = load_source(src, int(pm["frame"]))
                    if snote:
                        notes.append(f"{label}: {snote}")
                    normalized = set(pm["conversions"]) & NORMALIZING
                    if normalized or pm["encoding"] == "dct-reencoded":
                        # The page was changed on purpose: check it against the recorded decision.
                        exp, problems, cnotes = expected_pixels(arr, smode, source_record(pm))
                        fails += [f"{label}: {p}" for p in problems]
                        src_arr = exp if exp is not None else arr
                        if src_arr.dtype == bool:
                            src_arr = src_arr.astype(np.uint8) * 255
                        if got.dtype == bool:
                            got = got.astype(np.uint8) * 255
                        # A placed page's image is the whole source: its crops and turn are the
                        # page's (checked by rendering above).
                        image_pm = pm if placement(pm) is None else dict(pm, normalization={
                            k: v for k, v in pm["normalization"].items() if k not in ("crop", "crop_after_deskew", "rotated")})
                        problem, note = check_normalized(src_arr, image_pm, got)
                        if problem:
                            fails.append(f"{label}: {problem}")
                        else:
                            stats["normalized"] += 1
                        if note:
                            notes.append(f"{label}: {note}")
                        continue
                    exp, problems, cnotes = expected_pixels(arr, smode, pm)
                    fails += [f"{label}: {p}" for p in problems]
                    notes += [f"{label}: {c}" for c in cnotes]
                    if exp is None:
                        sh = arr.shape[:2]
                        if sh != got.shape[:2]:
                            fails.append(f"{label}: size {got.shape[1]}x{got.shape[0]} != source {sh[1]}x{sh[0]}")
                        else:
                            stats["dims"] += 1
                        continue
                    bad = compare(exp, got)
                    if bad and smode == "1" and "FillOrder" in snote and "reversing" not in snote:
                        # Pillow decoded a FillOrder=2 TIFF without complaint: try the other reading
                        im = Image.open(src)
                        im.seek(int(pm["frame"]))
                        alt = np.array(decode_fillorder2(src, im))
                        if not compare(alt.astype(bool), got):
                            bad = ""
                            notes.append(f"{label}: matched after decoding the FillOrder=2 strips by bit reversal")
                    if bad:
                        lossy = sorted(set(pm["conversions"]) & LOSSY)
                        fails.append(f"{label}: {bad}" + (f" (vs formula for {', '.join(lossy)})" if lossy else ""))
                    else:
                        stats["pixels"] += 1
                except Unsupported as e:
                    stats["skipped"] += 1
                    notes.append(f"{label}: pixel check skipped: {e}")
                except Exception as e:  # noqa: BLE001
                    fails.append(f"{label}: {type(e).__name__}: {e}")
    if finder is None:
        notes.append("no source files (no --scans, no data/originals/): byte/pixel comparison skipped")
    summary = (f"{len(pages_meta)} pages: {stats['bytes']} DCT byte-identical, {stats['pixels']} pixel-exact, "
               f"{stats['normalized']} normalized as recorded, {stats['rendered']} placed pages rendered as recorded, "
               f"{stats['dims']} size/mode only (cmyk-to-rgb), {stats['skipped']} not compared")
    return not fails, fails, [summary] + notes


# --------------------------------------------------------------------------------------------- bag checks
def check_text_layer(pdf: Path, bag: Path, meta: dict) -> tuple[bool, list[str]]:
    """Pages with OCR text: poppler's pdftotext finds NFC text on them that shares most words with
    the page text in the bag; pdffonts sees an embedded font with a Unicode map."""
    import unicodedata
    errs: list[str] = []
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True)
    rows = [l for l in fonts.stdout.splitlines()[2:] if l.strip()]
    for r in rows:
        cols = r.split()
        # name type... emb sub uni object ID: emb/sub/uni are the 3 yes/no before "N 0".
        flags = cols[-5:-2]
        if flags[0] != "yes" or flags[2] != "yes":
            errs.append(f"font not embedded or without ToUnicode: {r.strip()}")
    if not rows:
        errs.append("pages have OCR text but the PDF has no font")
    for p in meta.get("pages", []):
        o = p.get("ocr") or {}
        if o.get("status") != "done" or not o.get("words"):
            continue
        n = p["number"]
        got = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                             capture_output=True, text=True).stdout
        if unicodedata.normalize("NFC", got) != got:
            errs.append(f"p{n}: pdftotext output is not NFC")
        want = (bag / o["text"]).read_text(encoding="utf-8")
        a, b = set(want.split()), set(got.split())
        share = len(a & b) / max(1, len(a))
        if share < 0.9:
            errs.append(f"p{n}: only {share:.0%} of the page text's words are in the text layer")
    return not errs, errs


def check_layout(bag: Path, case_id: str) -> tuple[dict | None, list[str]]:
    errs = []
    for f in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
              "data/metadata.json", "data/events.json", f"data/{case_id}.pdf"):
        if not (bag / f).is_file():
            errs.append(f"missing {f}")
    meta = None
    try:
        meta = json.loads((bag / "data" / "metadata.json").read_text(encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        errs.append(f"data/metadata.json unreadable: {e}")
        return None, errs
    try:
        json.loads((bag / "data" / "events.json").read_text(encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        errs.append(f"data/events.json unreadable: {e}")
    if meta.get("case_id") != case_id:
        errs.append(f"case_id {meta.get('case_id')!r} != bag name {case_id!r}")
    bundle = (meta.get("bundle") or {}).get("path")
    if bundle != f"data/{case_id}.pdf":
        errs.append(f"bundle.path {bundle!r} != 'data/{case_id}.pdf'")
    pages = meta.get("pages")
    if not isinstance(pages, list) or not pages:
        errs.append("metadata.json has no pages")
        pages = []
    srcs = meta.get("sources")
    if not isinstance(srcs, list) or not srcs:
        errs.append("metadata.json has no sources")
        srcs = []
    names = {s.get("path") for s in srcs if isinstance(s, dict)}
    missing = sorted({str(p.get("source")) for p in pages if isinstance(p, dict) and p.get("source") not in names})
    if missing:
        errs.append(f"page sources not listed in sources: {missing[:5]}")
    orig = bag / "data" / "originals"
    if orig.is_dir():
        for s in srcs:
            p = orig / str(s.get("path"))
            if not p.is_file():
                errs.append(f"originals: {s.get('path')} missing")
            elif sha256(p) != str(s.get("sha256", "")).lower() or p.stat().st_size != s.get("size"):
                errs.append(f"originals: {s.get('path')} sha256/size differ from metadata.json sources")
    return meta, errs


def find_bags(archive: Path) -> list[tuple[Path, str, bool]]:
    """(bag dir, case id, is current version)"""
    out = []
    bags = archive / "bags"
    if bags.is_dir():
        for d in sorted(bags.iterdir()):
            if d.is_dir() and not d.name.startswith("."):
                out.append((d, d.name, True))
    versions = archive / "versions"
    if versions.is_dir():
        for c in sorted(versions.iterdir()):
            if c.is_dir() and not c.name.startswith("."):
                for v in sorted(c.iterdir(), key=lambda p: (len(p.name), p.name)):
                    if v.is_dir() and not v.name.startswith("."):
                        out.append((v, c.name, False))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("archive", type=Path)
    ap.add_argument("--scans", type=Path, help="the SCANS folder the archive was ingested from")
    ap.add_argument("--no-preflight", action="store_true", help="skip PDFBox Preflight (reported as NOTE)")
    args = ap.parse_args()
    archive: Path = args.archive
    if not archive.is_dir():
        print(f"conformance: {archive} is not a directory", file=sys.stderr)
        return 2
    if args.scans is not None and not args.scans.is_dir():
        print(f"conformance: --scans {args.scans} is not a directory", file=sys.stderr)
        return 2
    res = Results()
    cp = None if args.no_preflight else preflight_classpath()
    bags = find_bags(archive)
    print(f"checking {len(bags)} bag(s) in {archive}" + (f" against sources in {args.scans}" if args.scans else ""))
    if not bags:
        res.report(False, "archive", str(archive), ["no bags under bags/*/ or versions/*/*/"])
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmpd:
        tmp = Path(tmpd)
        for bag, case_id, current in bags:
            rel = bag.relative_to(archive).as_posix()
            ok, det = check_bagit(bag)
            res.report(ok, "bagit", rel, det)
            meta, errs = check_layout(bag, case_id)
            res.report(not errs, "layout", rel, errs)
            for pdf in sorted((bag / "data").glob("*.pdf")):
                prel = pdf.relative_to(archive).as_posix()
                try:
                    ok, det = check_pdfa(pdf)
                except Exception as e:  # noqa: BLE001
                    ok, det = False, [f"{type(e).__name__}: {e}"]
                res.report(ok, "pdfa-2b", prel, det)
                ok, det = check_qpdf(pdf)
                res.report(ok, "qpdf", prel, det)
                if args.no_preflight:
                    res.note(prel, "PDFBox Preflight skipped (--no-preflight)")
                elif cp is None:
                    res.report(False, "preflight", prel, ["PDFBox Preflight jars not found in /usr/share/java"])
                else:
                    ok, det = check_preflight(pdf, cp)
                    res.report(ok, "preflight", prel, det)
                if meta is None:
                    res.report(False, "pages", prel, ["no usable metadata.json: pages cannot be checked"])
                    continue
                if pdf.name != f"{case_id}.pdf":
                    res.note(prel, "not the bundle named in metadata.json; page checks skipped")
                    continue
                finder = SourceFinder(bag, case_id, meta, args.scans)
                if not finder.roots and finder.scans is None:
                    finder = None
                pdir = tmp / "pages"
                pdir.mkdir(exist_ok=True)
                try:
                    ok, det, notes = check_pages(pdf, meta, finder, current, pdir)
                except Exception as e:  # noqa: BLE001
                    ok, det, notes = False, [f"{type(e).__name__}: {e}"], []
                res.report(ok, "pages", prel, notes[:1] + det)
                for n in notes[1:]:
                    res.note(prel, n)
                if any((p.get("ocr") or {}).get("status") == "done" for p in meta.get("pages", [])):
                    ok, det = check_text_layer(pdf, bag, meta)
                    res.report(ok, "textlayer", prel, det)
    print(f"conformance: {res.passed} passed, {res.failed} failed")
    return 1 if res.failed or not bags else 0


if __name__ == "__main__":
    sys.exit(main())
