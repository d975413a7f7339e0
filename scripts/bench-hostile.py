#!/usr/bin/env python3
"""Peak memory of an ingest over a batch holding every decoding bomb of issue 13, with --jobs 2: a
631-byte JPEG declaring 65500x65500, a 16x16 JPEG declaring 30000x40000, JPEGs missing 50 % and 90 %
of their scan data, a 13 KB G4 FillOrder=2 TIFF declaring 60000x60000, a 34 KB one declaring a width
of 2^32-1, a PNG declaring 65535x65535, and an XLSX register whose one shared string unpacks to 1 GiB
(about 1 MB on disk); next to the sample cases. Compared in the same runs with the same batch without
the bombs, and (with --previous BIN) with an earlier sohoa on the bomb batch.

usage: python3 scripts/bench-hostile.py [--runs 3] [--out bench-out-hostile] [--sohoa BIN] [--previous BIN]
Prints per run wall time, peak RSS (MiB), exit code and bags written; then medians.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import shutil
import statistics
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "scripts" / "bench-ingest.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def jpeg_declaring(width: int, height: int) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 120, 200)).save(buf, "JPEG", quality=80)
    b = bytearray(buf.getvalue())
    sof = b.find(b"\xff\xc0")
    b[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(b)


def jpeg_missing_scan_data(keep: float) -> bytes:
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(3)
    img = Image.fromarray(rng.integers(0, 255, (1240, 874, 3), dtype=np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, dpi=(150, 150))
    b = buf.getvalue()
    sos = b.find(b"\xff\xda")
    data = sos + 2 + struct.unpack(">H", b[sos + 2:sos + 4])[0]
    cut = data + int((len(b) - 2 - data) * keep)
    body = b[:cut].rstrip(b"\xff")
    return body + b"\xff\xd9"


def g4_tiff_declaring(width: int, height: int, data_len: int) -> bytes:
    entries = [(256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, 4), (262, 3, 0),
               (266, 3, 2), (273, 4, 0), (278, 4, height), (279, 4, data_len)]
    data_at = 8 + 2 + len(entries) * 12 + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, kind, value in entries:
        value = data_at if tag == 273 else value
        out += struct.pack("<HHI", tag, kind, 1)
        out += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
    out += struct.pack("<I", 0) + bytes(data_len)
    return bytes(out)


def png_declaring(width: int, height: int) -> bytes:
    import zlib
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


def xlsx_bomb(path: Path, gib: float) -> None:
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, body in parts.items():
            z.writestr(name, body)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * (1 << 20)
            for _ in range(int(gib * 1024)):
                f.write(chunk)
            f.write(b"</t></si></sst>")


def batches(out: Path) -> tuple[Path, Path]:
    clean, bombs = out / "clean", out / "bombs"
    if (bombs / ".done").is_file():
        return clean, bombs
    for d in (clean, bombs):
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(ROOT / "samples" / "batch", d)
    files = {
        "bomb-jpeg-65500/1.jpg": jpeg_declaring(65500, 65500),
        "bomb-jpeg-30000x40000/1.jpg": jpeg_declaring(30000, 40000),
        "bomb-jpeg-cut-50/1.jpg": jpeg_missing_scan_data(0.5),
        "bomb-jpeg-cut-90/1.jpg": jpeg_missing_scan_data(0.1),
        "bomb-g4-60000/1.tif": g4_tiff_declaring(60000, 60000, 13_000),
        "bomb-g4-width-max/1.tif": g4_tiff_declaring(0xFFFFFFFF, 16, 34_000),
        "bomb-png-65535/1.png": png_declaring(65535, 65535),
    }
    for rel, data in files.items():
        p = bombs / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (bombs / "hoso.csv").unlink()
    xlsx_bomb(bombs / "hoso.xlsx", 1.0)
    (clean / ".done").write_text("")
    (bombs / ".done").write_text("")
    return clean, bombs


def main() -> int:
    ap = argparse.ArgumentParser(description="peak RSS of ingest over decoding bombs")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench-out-hostile")
    ap.add_argument("--sohoa", type=Path)
    ap.add_argument("--previous", type=Path, help="an earlier sohoa, run on the bomb batch too")
    args = ap.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    log = out / "bench.log"
    log.write_text("")
    bench.build_launcher(out)
    clean, bombs = batches(out)
    print(f"bombs: {sum(f.stat().st_size for f in bombs.rglob('bomb-*/*'))} bytes of images, "
          f"hoso.xlsx {(bombs / 'hoso.xlsx').stat().st_size} bytes (1 GiB unpacked)")
    if args.sohoa:
        sohoa = args.sohoa.resolve()
    else:
        subprocess.run(["cargo", "build", "--release", "--bin", "sohoa"], cwd=ROOT, check=True)
        sohoa = ROOT / "target" / "release" / "sohoa"
    runs = [("sohoa, clean batch", sohoa, clean), ("sohoa, bomb batch", sohoa, bombs)]
    if args.previous:
        runs.append(("previous, bomb batch", args.previous.resolve(), bombs))
    results: dict[str, list[tuple[int, float, int, int]]] = {name: [] for name, _, _ in runs}
    for run in range(1, args.runs + 1):
        for name, binary, batch in runs:
            archive = out / "archive"
            shutil.rmtree(archive, ignore_errors=True)
            rc, secs, rss = bench.run_measured([str(binary), "ingest", str(batch), "--archive", str(archive),
                                                "--jobs", "2", "--ocr", "off"], log)
            _, bags = bench.count_sohoa_pages(archive) if (archive / "bags").is_dir() else (0, 0)
            results[name].append((rc, secs, rss, bags))
            print(f"run {run}: {name}: exit {rc}, {secs:.2f} s, {rss / 1024:.1f} MiB, {bags} bags", flush=True)
    print()
    hdr = f"{'':<24} {'exit':>5} {'median s':>9} {'peak RSS MiB':>13} {'bags':>5}"
    print(hdr)
    print("-" * len(hdr))
    for name, rs in results.items():
        print(f"{name:<24} {rs[0][0]:>5} {statistics.median(r[1] for r in rs):>9.2f} "
              f"{max(r[2] for r in rs) / 1024:>13.1f} {rs[0][3]:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
