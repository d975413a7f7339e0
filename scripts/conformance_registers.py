#!/usr/bin/env python3
"""Independent check of how `sohoa register check` reads the sample registers (samples/registers/):
each file is decoded here with glibc iconv (TCVN5712-1, CP1258) or Python's UTF-16 codec, parsed with
Python's csv module, and every value sohoa reports is compared with the value computed here.

    python3 scripts/conformance_registers.py [--bin target/debug/sohoa] [--dir samples/registers]

Prints one line per check and `registers: N passed, M failed`; exit 1 when any failed.
"""
import argparse
import csv
import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# file -> (how to decode, delimiter, sohoa's encoding label, legacy encoding of the values)
FILES = {
    "so-dang-ky-tcvn3.csv": ("iconv:TCVN5712-1", ";", "tcvn3", "tcvn3"),
    "so-dang-ky-windows-1258.csv": ("iconv:CP1258", ",", "windows-1258", None),
    "so-dang-ky-unicode.txt": ("python:utf-16", "\t", "utf-16le", None),
}
HEADERS = {  # column header -> sohoa field
    "Số hồ sơ": "case_code", "Họ và tên": "applicant_name", "Số CMND/CCCD": "applicant_id",
    "Tên thủ tục": "procedure_name", "Mã TTHC": "procedure_code", "Ngày nhận hồ sơ": "received_date",
    "Ngày hẹn trả": "due_date", "Số trang": "number_of_page", "Đơn vị tiếp nhận": "agency_name",
    "Ghi chú": "description",
}

passed = failed = 0


def check(ok: bool, what: str) -> None:
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def decode(raw: bytes, how: str) -> str:
    kind, name = how.split(":")
    if kind == "iconv":
        out = subprocess.run(["iconv", "-f", name, "-t", "UTF-8"], input=raw, check=True, capture_output=True)
        return nfc(out.stdout.decode())
    return nfc(raw.decode(name))


def fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.lower()).replace("đ", "d")
    return "".join(c for c in s if not unicodedata.combining(c))


def expect_date(v: str) -> str:
    v = v.strip()
    m = re.fullmatch(r"ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})", fold(v))
    if m:
        d, mo, y = map(int, m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v)
    if m:
        return v
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?: (\d{1,2}):(\d{2}))?", v)
    if not m:
        raise ValueError(v)
    d, mo, y = int(m[1]), int(m[2]), int(m[3])
    if len(m[3]) == 2:
        y += 2000 if y < 50 else 1900
    iso = f"{y:04d}-{mo:02d}-{d:02d}"
    return iso if m[4] is None else f"{iso}T{int(m[4]):02d}:{m[5]}:00+07:00"


def expect(field: str, v: str) -> str:
    v = v.strip()
    if field in ("received_date", "due_date"):
        return expect_date(v)
    if field == "number_of_page":
        return str(int(re.sub(r"[.\s]|trang", "", v)))
    if field == "case_code":
        return re.sub(r"\s*([.\-/])\s*", r"\1", v)
    if field == "applicant_id":
        # docs/safety.md: identity numbers leave the bag only masked, first 4 and last 2 digits kept
        d = re.sub(r"[\s.\-]", "", v)
        return d[:4] + "*" * (len(d) - 6) + d[-2:] if len(d) > 6 else "*" * len(d)
    return v


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/debug/sohoa"))
    ap.add_argument("--dir", default=str(ROOT / "samples/registers"))
    args = ap.parse_args()
    for name, (how, delim, label, legacy) in FILES.items():
        path = Path(args.dir) / name
        raw = path.read_bytes()
        out = subprocess.run([args.bin, "register", "check", "--json", "--rows", str(path)], capture_output=True)
        check(out.returncode == 0, f"{name}: sohoa register check exit {out.returncode} (0 expected)")
        try:
            report = json.loads(out.stdout)
        except json.JSONDecodeError:
            check(False, f"{name}: JSON output")
            continue
        check(report.get("encoding") == label, f"{name}: encoding {report.get('encoding')!r} == {label!r}")
        check(report.get("delimiter") == delim, f"{name}: delimiter {report.get('delimiter')!r}")
        rows = list(csv.reader(io.StringIO(decode(raw, how), newline=""), delimiter=delim))
        header_at = next(i for i, r in enumerate(rows) if "Số hồ sơ" in r)
        header = rows[header_at]
        check(report["sheets"][0]["header_row"] == header_at + 1, f"{name}: header row {header_at + 1}")
        mapped = {c["header"]: c["field"] for c in report["columns"]}
        check(all(mapped.get(h) == f for h, f in HEADERS.items()), f"{name}: every column mapped as expected")
        records = {r["row"]: r for r in report.get("records", [])}
        expected_rows = [(i + 1, r) for i, r in enumerate(rows[header_at + 1:], header_at + 1)
                         if len(r) == len(header)]
        check(sorted(records) == [n for n, _ in expected_rows], f"{name}: rows {sorted(records)}")
        mismatches = []
        for n, cells in expected_rows:
            got = records.get(n, {}).get("fields", {})
            for h, v in zip(header, cells):
                field = HEADERS.get(h)
                if field and v.strip() and got.get(field) != expect(field, v):
                    mismatches.append(f"row {n} {field}: sohoa {got.get(field)!r}, here {expect(field, v)!r}")
        check(not mismatches, f"{name}: every value equals the independent reading"
              + ("".join("\n      " + m for m in mismatches[:10])))
        clear = sorted({re.sub(r"[\s.\-]", "", v) for _, cells in expected_rows
                        for h, v in zip(header, cells) if HEADERS.get(h) == "applicant_id" and v.strip()})
        leaked = [d for d in clear if d in out.stdout.decode("utf-8", "replace")]
        check(clear and not leaked, f"{name}: {len(clear)} identity numbers, none in the output in clear"
              + (f" (leaked: {len(leaked)})" if leaked else ""))
        conv = report["conversions"]
        if legacy:
            # The originals kept are the cells as Windows-1252 shows the bytes; the text, iconv's.
            typed = list(csv.reader(io.StringIO(raw.decode("cp1252"), newline=""), delimiter=delim))
            def cell(table, c):
                try:
                    return table[c["row"] - 1][ord(c["column"][0]) - 65]
                except (IndexError, KeyError, TypeError):
                    return None
            bad = [c for c in conv
                   if c["encoding"] != legacy or cell(typed, c) != c["original"] or cell(rows, c) != c["text"]]
            non_ascii = sum(1 for _, r in expected_rows for c in r if not c.isascii())
            check(len(conv) == non_ascii and not bad,
                  f"{name}: {len(conv)} conversions, one per non-ASCII cell ({non_ascii}), originals and texts match"
                  + "".join(f"\n      {c}" for c in bad[:5]))
        else:
            check(not conv, f"{name}: valid Unicode is never converted ({len(conv)} conversions)")
    print(f"registers: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
