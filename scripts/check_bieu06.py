#!/usr/bin/env python3
"""Independent check of the Biểu 06 workbook of `sohoa report --xlsx` with openpyxl, against the same run's JSON.

usage: check_bieu06.py REPORT.xlsx REPORT.json   (prints one line per problem; exit 1 if any, 2 on usage errors)

What the official form (Biểu số 06/VPCP/KSTT, TT 01/2020/TT-VPCP) must have: the form number, both reporting units
and the period in words above it; merged two-level headers; the column numbers (1)…(13); one row per JSON row, in
order, numbered 1…n, and the total, equal to the JSON figures; the signature block; A4 landscape, one page wide,
headers repeated. The late cases' dates are typed as dates (equal to the JSON's); the checks sheet speaks in
sentences (the JSON's `text`), never in formulas. Used by scripts/conformance_reports.py and tests/report_form.rs.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

SHEETS = ("Biểu 06", "Chỉ tiêu bổ sung", "Hồ sơ trễ hạn", "Theo tháng", "Kiểm tra")
FORM_KEYS = ("recv_total", "recv_online", "recv_offline", "carried_over", "done_total", "done_early", "done_ontime",
             "done_late", "pending_total", "pending_ok", "pending_late")
# The merged header cells of the form (rows 5-7) and their text.
HEADERS = {
    "A5:A7": "STT",
    "C5:F5": "Số hồ sơ nhận giải quyết",
    "G5:J5": "Số hồ sơ đã giải quyết",
    "K5:M5": "Số hồ sơ đang giải quyết",
    "C6:C7": "Tổng số",
    "D6:F6": "Trong đó",
    "G6:G7": "Tổng số",
    "H6:H7": "Trước hạn",
    "I6:I7": "Đúng hạn",
    "J6:J7": "Quá hạn",
    "K6:K7": "Tổng số",
    "L6:L7": "Trong hạn",
    "M6:M7": "Quá hạn",
}
NUMBERED_ROW = 8


def text(v: object) -> str:
    return "" if v is None else str(v)


def check_form(ws, r: dict) -> list[str]:
    errs: list[str] = []
    merged = {str(m) for m in ws.merged_cells.ranges}
    for rng, want in HEADERS.items():
        first = rng.split(":")[0]
        if rng not in merged:
            errs.append(f"header {rng} ({want}) is not merged")
        elif text(ws[first].value).strip() != want:
            errs.append(f"header {rng}: {ws[first].value!r}, want {want!r}")
    if "B5:B7" not in merged:
        errs.append("the rows' heading B5:B7 is not merged")
    above = " ".join(text(c.value) for row in ws.iter_rows(min_row=1, max_row=3) for c in row)
    for want in ("Biểu số 06/VPCP/KSTT", "01/2020/TT-VPCP", "Đơn vị báo cáo", "Đơn vị nhận báo cáo",
                 f"Kỳ báo cáo: {r['period']}" if not r["period"].startswith("Từ ngày") else "Kỳ báo cáo: từ ngày"):
        if want not in above:
            errs.append(f"rows 1-3 lack {want!r}: {above!r}")
    numbers = [ws.cell(NUMBERED_ROW, c).value for c in range(1, 14)]
    if numbers != [f"({i})" for i in range(1, 14)]:
        errs.append(f"row {NUMBERED_ROW} is not the column numbers (1)…(13): {numbers}")
    y = NUMBERED_ROW + 1
    for n, row in enumerate(r["rows"], start=1):
        got = [ws.cell(y, c).value for c in range(1, 14)]
        want = [n, row["label"]] + [row["counts"][k] for k in FORM_KEYS]
        if got != want:
            errs.append(f"row {y}: {got}, want {want}")
        y += 1
    total = [ws.cell(y, c).value for c in range(1, 14)]
    want = ["Tổng cộng", None] + [r["total"]["counts"][k] for k in FORM_KEYS]
    if total != want:
        errs.append(f"total row {y}: {total}, want {want}")
    if f"A{y}:B{y}" not in merged:
        errs.append(f"the total's label A{y}:B{y} is not merged")
    below = " ".join(text(c.value) for row in ws.iter_rows(min_row=y + 1) for c in row)
    for want_text in ("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "ngày", "tháng", "năm"):
        if want_text not in below:
            errs.append(f"no {want_text!r} below the form (signature block)")
    ps = ws.page_setup
    if ps.orientation != "landscape":
        errs.append(f"orientation {ps.orientation!r}, want landscape")
    if str(ps.paperSize) != "9":
        errs.append(f"paper size {ps.paperSize!r}, want 9 (A4)")
    if not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage:
        errs.append("not fitted to the page width")
    elif str(ps.fitToWidth or 1) != "1" or str(ps.fitToHeight) != "0":
        # fitToWidth absent is 1 (the schema's default); fitToHeight 0 = as many pages as needed
        errs.append(f"fit to {ps.fitToWidth!r} pages wide, {ps.fitToHeight!r} tall, want 1 and 0")
    if ws.print_title_rows not in ("$5:$8", "5:8"):
        errs.append(f"rows repeated on each page: {ws.print_title_rows!r}, want 5:8")
    return errs


def as_date(s: str) -> dt.date:
    return dt.date.fromisoformat(s[:10])


def check_late(ws, r: dict) -> list[str]:
    errs: list[str] = []
    head = [c.value for c in ws[1]]
    cols = {name: head.index(name) + 1 for name in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả")
            if name in head}
    if len(cols) != 3:
        errs.append(f"late sheet headings {head}")
        return errs
    if ws.max_row - 1 != len(r["late"]):
        errs.append(f"{ws.max_row - 1} late lines, JSON {len(r['late'])}")
    for i, late in enumerate(r["late"], start=2):
        for name, key in (("Ngày tiếp nhận", "received"), ("Ngày hẹn trả", "due"), ("Ngày có kết quả", "resolved")):
            cell = ws.cell(i, cols[name])
            if late.get(key) is None:
                if cell.value is not None:
                    errs.append(f"{cell.coordinate}: {cell.value!r} for a pending case")
                continue
            if not isinstance(cell.value, dt.datetime) or not cell.is_date:
                errs.append(f"{cell.coordinate} ({name}) is {type(cell.value).__name__} {cell.value!r}, not a date")
            elif cell.value.date() != as_date(late[key]):
                errs.append(f"{cell.coordinate}: {cell.value.date()}, JSON {late[key]}")
            elif "dd/mm/yyyy" not in cell.number_format:
                errs.append(f"{cell.coordinate}: shown as {cell.number_format!r}, want dd/mm/yyyy")
    return errs


def check_checks(ws, r: dict) -> list[str]:
    errs: list[str] = []
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    want = [(i["text"], "Đạt" if i["holds"] else "KHÔNG ĐẠT") for i in r["invariants"]]
    got = [(row[0], row[1]) for row in rows]
    if got != want:
        errs.append(f"checks sheet {got}, want {want}")
    for row in rows:
        if any(k in text(row[0]) for k in FORM_KEYS) or "=" in text(row[0]):
            errs.append(f"a check written as a formula: {row[0]!r}")
    return errs


def check(xlsx: Path, r: dict) -> list[str]:
    import openpyxl  # noqa: PLC0415

    wb = openpyxl.load_workbook(xlsx)
    names = wb.sheetnames
    errs = [f"sheets {names}, want {list(SHEETS)}"] if tuple(names) != SHEETS else []
    if "Biểu 06" in names:
        errs += check_form(wb["Biểu 06"], r)
    if "Hồ sơ trễ hạn" in names:
        errs += check_late(wb["Hồ sơ trễ hạn"], r)
    if "Kiểm tra" in names:
        errs += check_checks(wb["Kiểm tra"], r)
    return errs


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    r = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    errs = check(Path(sys.argv[1]), r)
    for e in errs:
        print(e)
    if not errs:
        print(f"ok: {len(r['rows'])} rows and the total, {len(r['late'])} late cases, "
              f"{len(r['invariants'])} checks")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
