"""Case planning (the curated cases of the committed batch, random bulk cases and clean generic cases)
and the metadata written from a plan: the hoso.csv register and the hoso.json sidecars."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import unicodedata
from dataclasses import dataclass

from .people import AGENCIES, PROCEDURES, Ctx, add_working_days, is_working_day, statutory_days
from .text import nfc
from .words import dmy
from .writers import BILEVEL_FMTS, EXT


@dataclass
class FileSpec:
    name: str                   # file name inside the part folder
    fmt: str
    pages: list                 # tokens: int = doc page (new sheet), ("back", i) = doc page on the back, "B" = blank back,
                                #         ("again", i) = doc page i fed through the scanner a second time (same sheet)
    with_dpi: bool = True
    copy_from: str | None = None    # byte copy of this file of the batch (path under OUT_DIR) instead of a scan


@dataclass
class Part:
    folder: str | None          # component subfolder, None = directly in the case folder
    doc: str                    # DOCS key, or "copy:<part index>" for a certified copy of another part
    files: list


@dataclass
class CasePlan:
    folder: str
    ctx: Ctx
    parts: list
    register: dict | None = None        # extra/overridden register values; None = no metadata at all
    sidecar: dict | None = None         # sidecar options: {"title": ..., "nfd_applicant": bool}
    naming: str | None = None           # file name pattern of generic cases: "{n}" or "trang_{n}"
    dpi: int | None = None              # scan resolution of this case when not the batch's
    code_date: dt.date | None = None    # date in the case code when it is not the receipt date (planted)
    numbered: bool = True               # number_cases gives it a sequence number (False: code set by hand)


def curated_cases(seed: int) -> list[CasePlan]:
    """The hand-designed cases of the committed batch (every format and every metadata variant)."""
    A = AGENCIES
    plans = []

    def rr(i):
        return random.Random(seed * 1_000_003 + i)

    # A: khai sinh, Vietnamese component folders, colour JPEG + RGBA PNG + CMYK JPEG + blank back, sidecar
    x = Ctx(rr(0), "khai_sinh", A["tanhoa"], dt.date(2025, 7, 1), 1, father="Nguyễn Văn An",
            mother="Trần Thị Lan", child="Nguyễn Minh Khôi", child_female=False)
    plans.append(CasePlan(x.code, x, [
        Part("01 Tờ khai", "to_khai_khai_sinh", [FileSpec("1.jpg", "jpeg_rgb", [0]),
                                                 FileSpec("2.png", "png_rgba", [("back", 1)])]),
        Part("02 Giấy chứng sinh", "giay_chung_sinh", [FileSpec("1.jpg", "jpeg_cmyk", [0]),
                                                       FileSpec("2.jpg", "jpeg_rgb", ["B"])]),
    ], register={"received_time": "08:15", "resolved": dt.date(2025, 7, 2), "returned": dt.date(2025, 7, 3),
                 "channel": "Trực tiếp", "title": "Hồ sơ đăng ký khai sinh cho Nguyễn Minh Khoi",
                 "note": 'Người nộp ghi chú: "cần 02 bản sao, nhận trong ngày"'},
        sidecar={"title": x.title()}))

    # B: chứng thực, flat, 11 PNG pages trang_1..trang_11 (natural sort), late
    x = Ctx(rr(1), "chung_thuc", A["tanhoa"], dt.date(2025, 7, 3), 4, applicant="Lê Hoàng Đức")
    plans.append(CasePlan(x.code, x, [
        Part(None, "hop_dong_thue_nha", [FileSpec("trang_1.png", "png_gray", [0]),
                                         FileSpec("trang_2.png", "png_1bit", [1], with_dpi=False),
                                         FileSpec("trang_3.png", "png_1bit", [2]),
                                         FileSpec("trang_4.png", "png_1bit", [3]),
                                         FileSpec("trang_5.png", "png_1bit", [4])]),
        Part(None, "copy:0", [FileSpec(f"trang_{i}.png", "png_1bit", [i - 6]) for i in range(6, 11)]),
        Part(None, "phieu_tiep_nhan", [FileSpec("trang_11.png", "png_gray16", [0])]),
    ], register={"resolved": dt.date(2025, 7, 8), "returned": dt.date(2025, 7, 8), "channel": "Trực tiếp",
                 "note": "Trễ hạn do phải xác minh bản chính với cơ quan cấp; đã gửi phiếu xin lỗi và hẹn lại"}))

    # C: đất đai, 3 component folders, G4 TIFFs (single, FillOrder=2, multi-page) + colour PNG map, pending,
    #    sidecar with an NFD applicant name
    x = Ctx(rr(2), "dat_dai", A["vpdkdd"], dt.date(2025, 7, 4), 12, applicant="Phạm Thị Thu Hằng",
            parcel=245, sheet=12, area=156.3, value_ink="black")
    plans.append(CasePlan(x.code, x, [
        Part("01 Đơn đăng ký (Mẫu số 15)", "don_dang_ky_dat", [FileSpec("1.tif", "tiff_g4", [0]),
                                                                FileSpec("2.tif", "tiff_g4_fill2", [1])]),
        Part("02 Giấy tờ về quyền sử dụng đất", "hop_dong_chuyen_nhuong",
             [FileSpec("1.tif", "tiff_g4_multi", [0, 1, 2])]),
        Part("03 Trích đo địa chính", "trich_do", [FileSpec("1.png", "png_rgb", [0])]),
    ], register={"resolved": None, "returned": None, "channel": "Trực tuyến", "note": ""},
        sidecar={"nfd_applicant": True}))

    # D: trích lục, human folder name linked through 'Thư mục', by post
    x = Ctx(rr(3), "trich_luc", A["tanhoa"], dt.date(2025, 7, 7), 2, applicant="Trần Thị Bình")
    plans.append(CasePlan("Ho so Tran Thi Binh", x, [
        Part(None, "to_khai_trich_luc", [FileSpec("1.jpg", "jpeg_rgb", [0]), FileSpec("2.jpg", "jpeg_rgb", ["B"])]),
        Part(None, "cccd_copy", [FileSpec("3.jpg", "jpeg_gray", [0])]),
    ], register={"resolved": dt.date(2025, 7, 8), "returned": dt.date(2025, 7, 10),
                 "channel": "Bưu chính công ích",
                 "note": 'Gửi kết quả qua bưu điện, người nhận "Trần Thị Bình"'}))

    # E: khai sinh, ASCII component folders, duplex back page with content, online
    x = Ctx(rr(4), "khai_sinh", A["tanhoa"], dt.date(2025, 7, 9), 3, father="Đỗ Mạnh Hùng",
            mother="Hoàng Thị Mai", child="Đỗ Ngọc Hân", child_female=True, applicant_is_father=False)
    plans.append(CasePlan(x.code, x, [
        Part("01 To khai", "to_khai_khai_sinh", [FileSpec("1.jpg", "jpeg_rgb", [0]),
                                                 FileSpec("2.jpg", "jpeg_rgb", [("back", 1)])]),
        Part("02 Giay chung sinh", "giay_chung_sinh", [FileSpec("1.jpg", "jpeg_gray", [0])]),
    ], register={"resolved": dt.date(2025, 7, 9), "returned": dt.date(2025, 7, 10), "channel": "Trực tuyến",
                 "note": "Nộp trực tuyến qua Cổng Dịch vụ công quốc gia.\nĐã đối chiếu bản chính giấy chứng sinh."}))

    # F: no metadata at all (not in the CSV, no sidecar)
    x = Ctx(rr(5), "trich_luc", A["tanhoa"], dt.date(2025, 7, 10), 5, applicant="Vũ Đức Thắng")
    plans.append(CasePlan("HS-chua-co-thong-tin", x, [
        Part(None, "giay_uy_quyen", [FileSpec("1.jpg", "jpeg_gray", [0]), FileSpec("2.jpg", "jpeg_gray", [1])]),
        Part(None, "cccd_copy", [FileSpec("3.jpg", "jpeg_gray", [0])]),
    ], register=None))
    return plans


GENERIC_PARTS = {   # (folder or None, doc, min pages)
    "khai_sinh": [("01 Tờ khai", "to_khai_khai_sinh", 1), ("02 Giấy chứng sinh", "giay_chung_sinh", 1)],
    "chung_thuc": [(None, "hop_dong_thue_nha", 1), (None, "copy:0", 1)],
    "dat_dai": [("01 Đơn đăng ký (Mẫu số 15)", "don_dang_ky_dat", 1),
                ("02 Giấy tờ về quyền sử dụng đất", "hop_dong_chuyen_nhuong", 1),
                ("03 Trích đo địa chính", "trich_do", 1)],
    "trich_luc": [(None, "to_khai_trich_luc", 1), (None, "cccd_copy", 1)],
}
PROFILES = {        # format per page, weighted
    "colour": [("jpeg_rgb", 1.0)],
    "gray": [("jpeg_gray", 1.0)],
    "tiff": [("tiff_g4", 1.0)],
    "tiff_multi": [("tiff_g4_multi", 1.0)],
    "png_bilevel": [("png_1bit", 1.0)],
    "mixed": [("jpeg_rgb", 0.35), ("jpeg_gray", 0.25), ("png_1bit", 0.15), ("tiff_g4", 0.15),
              ("png_gray", 0.04), ("jpeg_cmyk", 0.03), ("png_gray16", 0.02), ("png_rgb", 0.01)],
    "clean": [("jpeg_rgb", 0.86), ("png_rgb", 0.08), ("jpeg_cmyk", 0.06)],     # --generic: 24-bit colour only
}
PROFILE_WEIGHTS = [("colour", 0.3), ("gray", 0.2), ("tiff", 0.12), ("tiff_multi", 0.08), ("png_bilevel", 0.1),
                   ("mixed", 0.2)]


def _wchoice(rnd, pairs):
    r, acc = rnd.random() * sum(w for _, w in pairs), 0.0
    for v, w in pairs:
        acc += w
        if r < acc:
            return v
    return pairs[-1][0]


def generic_case(seed: int, idx: int, n_pages: int, used: set, clean: bool = False, proc: str | None = None,
                 agency: str | None = None, received: dt.date | None = None, closed: bool | None = None,
                 late: bool | None = None) -> CasePlan:
    """A random case of exactly n_pages pages (bulk/benchmark mode).

    clean=True (--generic) makes a fully consistent case: 24-bit colour pages without blank backs,
    received on a working day, due date from the procedure's rule file and the holiday calendar.
    proc, agency (AGENCIES key), received, closed and late fix what is otherwise drawn at random."""
    rnd = random.Random(seed * 1_000_003 + idx)
    if proc is None:
        proc = _wchoice(rnd, [("khai_sinh", 0.35), ("chung_thuc", 0.25), ("dat_dai", 0.2), ("trich_luc", 0.2)])
    if agency is not None:
        agency = AGENCIES[agency]
    elif proc == "dat_dai":
        agency = AGENCIES["vpdkdd"]
    else:
        agency = AGENCIES[rnd.choice(["tanhoa", "hiepthanh", "honggai"])]
    while True:
        day = received or (dt.date(2025, 7, 1) + dt.timedelta(days=rnd.randint(0, 120)))
        if (not is_working_day(day)) if clean else day.weekday() >= 5:
            if received:
                raise ValueError(f"{received} is not a working day")
            continue
        seq = rnd.randint(1, 60)
        if (agency.code, day, seq) not in used:
            used.add((agency.code, day, seq))
            break
    x = Ctx(rnd, proc, agency, day, seq, value_ink=rnd.choice(["blue", "black"]))
    spec = GENERIC_PARTS[proc]
    if proc == "chung_thuc":
        k = max(1, (n_pages - 1) // 2)
        counts = [k, k]
        extra = n_pages - 2 * k
    else:
        counts = [m for _, _, m in spec]
        extra = n_pages - sum(counts)
        while extra > 0:
            counts[rnd.randrange(len(counts))] += 1
            extra -= 1
    profile = _wchoice(rnd, PROFILE_WEIGHTS)
    if clean:               # drawn all the same, so clean cases keep the rest of the random stream
        profile = "clean"
    naming = rnd.choice(["{n}", "trang_{n}"])
    parts, num = [], 0
    for (folder, doc, _), k in zip(spec, counts):
        if folder is None:
            start = num
        else:
            start = 0
        tokens, i = [], 0
        while len(tokens) < k:
            if (profile == "colour" and proc != "chung_thuc" and tokens and tokens[-1] != "B"
                    and rnd.random() < 0.2):
                tokens.append("B")
            else:
                tokens.append(i)
                i += 1
        files = []
        if profile == "tiff_multi" and k > 1 and "B" not in tokens:
            files.append(FileSpec(naming.format(n=start + 1) + ".tif", "tiff_g4_multi", tokens))
            num_used = 1
        else:
            for j, t in enumerate(tokens):
                fmt = _wchoice(rnd, PROFILES[profile])
                if fmt == "tiff_g4_multi":
                    fmt = "tiff_g4"
                if t == "B" and fmt in BILEVEL_FMTS:
                    fmt = "jpeg_gray"
                files.append(FileSpec(naming.format(n=start + j + 1) + "." + EXT[fmt], fmt, [t]))
            num_used = len(tokens)
        if folder is None:
            num += num_used
        parts.append(Part(folder, doc, files))
    if proc == "chung_thuc":      # 1 or 2 pages left over: receipt, then an ID card copy
        for j, doc in enumerate(["phieu_tiep_nhan", "cccd_copy"][:extra]):
            parts.append(Part(None, doc, [FileSpec(naming.format(n=num + j + 1) + ".jpg",
                                                   "jpeg_rgb" if clean else "jpeg_gray", [0])]))
    status_closed = rnd.random() < 0.75
    if closed is not None:
        status_closed = closed
    reg = {"channel": rnd.choice(["Trực tiếp", "Trực tuyến", "Bưu chính công ích"]),
           "note": rnd.choice(["", "", "", "Hồ sơ đầy đủ, hợp lệ", "Đã đối chiếu bản chính",
                               "Người nộp đề nghị nhận kết quả qua bưu điện"])}
    due_days = statutory_days(proc) if clean else PROCEDURES[proc]["due_days"]
    due = add_working_days(day, due_days)
    if clean:
        reg["due"] = due
    if status_closed:
        is_late = rnd.random() < 0.1
        if late is not None:
            is_late = late
        res = add_working_days(due, rnd.randint(1, 3)) if is_late else \
            add_working_days(day, rnd.randint(0, due_days))
        reg.update(resolved=res, returned=add_working_days(res, rnd.randint(0, 2)) if res < due else res)
    else:
        reg.update(resolved=None, returned=None)
    return CasePlan(x.code, x, parts, register=reg, naming=naming)


def plan_batch(seed: int, cases: int | None, pages: int | None, generic: bool = False,
               first: list | tuple = ()) -> list[CasePlan]:
    """The batch: curated cases first, then random ones (by count, or up to a total of pages).
    generic=True: clean generic cases only, numbered by number_cases; first[i] holds generic_case
    arguments for case i (the cases defects.py turns into planted ones)."""
    curated = [] if generic else curated_cases(seed)
    used = {(p.ctx.agency.code, p.ctx.received, p.ctx.seq) for p in curated}
    plans: list[CasePlan] = []
    if pages is None:
        plans = curated[:cases]
        rnd = random.Random(seed * 7919)
        for i in range(len(plans), cases):
            plans.append(generic_case(seed, 100 + i, rnd.randint(3, 8), used, generic,
                                      **(first[i] if i < len(first) else {})))
        if generic:
            number_cases(plans)
        return plans
    total = 0
    for p in curated:
        n = case_page_count(p)
        if total + n <= pages:
            plans.append(p)
            total += n
    rnd = random.Random(seed * 7919 + pages)
    remaining, i = pages - total, len(plans)
    while remaining >= 3:
        n = remaining if remaining <= 12 else rnd.randint(3, 12)
        if 0 < remaining - n < 3:
            n = remaining - 3
        plans.append(generic_case(seed, 100 + i, n, used, generic))
        remaining -= n
        i += 1
    if generic:
        number_cases(plans)
    return plans


def number_cases(plans: list[CasePlan]):
    """Generic batches: sequence numbers 1, 2, ... per agency and code date in plan order (no gaps,
    no duplicates); the case code is rebuilt from them and the case folder is the code."""
    seqs: dict = {}
    for p in plans:
        if not p.numbered:
            continue
        x = p.ctx
        day = p.code_date or x.received
        seqs[x.agency.code, day] = x.seq = seqs.get((x.agency.code, day), 0) + 1
        x.code = f"{x.agency.code}-{day:%y%m%d}-{x.seq:04d}"
        p.folder = x.code


def case_page_count(plan: CasePlan) -> int:
    return sum(len(f.pages) for part in plan.parts for f in part.files)


def case_sheet_count(plan: CasePlan) -> int:
    return sum(1 for part in plan.parts for f in part.files for t in f.pages if isinstance(t, int))


def case_doc_count(plan: CasePlan) -> int:
    """Component documents: the component subfolders, or 1 for a flat case."""
    return len({part.folder for part in plan.parts if part.folder is not None}) or 1


# ---- metadata written from a plan: the register row (hoso.csv) and the sidecar (hoso.json)

CSV_HEADERS = ["Mã hồ sơ", "Thư mục", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Mã cơ quan", "Cơ quan", "Người nộp",
               "Số CCCD", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Ngày trả kết quả",
               "Hình thức nộp", "Trạng thái", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Chế độ sử dụng", "Ngôn ngữ",
               "Số lượng tờ", "Số lượng trang", "Mức độ tin cậy", "Mã hồ sơ giấy", "Ghi chú"]
# Optional columns (--defects adds them for every row) and their value for a consistent case.
EXTRA_COLUMNS = {"Tổng số tài liệu": lambda plan: str(case_doc_count(plan)),
                 "Nộp thay (ủy quyền)": lambda plan: ""}


def register_row(plan: CasePlan, columns=()) -> list[str]:
    """The case's hoso.csv row: the 24 headers, then the EXTRA_COLUMNS named in `columns`.
    register["cells"] ({header: text}) replaces computed values as written, without NFC (planted)."""
    x, r = plan.ctx, plan.register
    p = PROCEDURES[x.proc]
    due = r.get("due") or add_working_days(x.received, p["due_days"])
    received = dmy(x.received) + (" " + r["received_time"] if r.get("received_time") else "")
    closed = r.get("returned") is not None
    resolved = r.get("resolved")
    returned = r.get("returned")
    paper = f"{x.agency.archive}.{x.received.month:02d}.{(x.seq % 40) + 1:02d}.{x.seq * 7 + x.received.day:03d}"
    row = [
        x.code, plan.folder, p["code"], p["name"], p["field"], x.agency.code, x.agency.name, x.applicant.name,
        x.applicant.cccd, received, dmy(due), dmy(resolved) if resolved else "", dmy(returned) if returned else "",
        r["channel"], "Đã trả kết quả" if closed else "Đang giải quyết", r.get("title") or x.title(),
        p["retention"], p["mode"], "01", str(case_sheet_count(plan)), str(case_page_count(plan)), "02", paper,
        r.get("note", ""),
    ] + [EXTRA_COLUMNS[c](plan) for c in columns]
    row = [nfc(v) for v in row]
    headers = CSV_HEADERS + list(columns)
    for header, value in r.get("cells", {}).items():
        row[headers.index(header)] = value
    return row


def write_register(plans: list[CasePlan], out: str, columns=()) -> str:
    path = os.path.join(out, "hoso.csv")
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        w.writerow(CSV_HEADERS + list(columns))
        for p in plans:
            if p.register is not None:
                w.writerow(register_row(p, columns))
    return path


COMPONENT_META = {
    "to_khai_khai_sinh": lambda x: ("Tờ khai đăng ký khai sinh", "", "", x.received, x.agency.name,
                                    f"Tờ khai đăng ký khai sinh cho {x.child.name}"),
    "giay_chung_sinh": lambda x: ("Giấy chứng sinh", str(x.gcs_no), "GCS",
                                  x.child.birth + dt.timedelta(days=2), x.hospital,
                                  f"Giấy chứng sinh của {x.child.name}"),
    "don_dang_ky_dat": lambda x: ("Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 15)", "", "",
                                  x.received - dt.timedelta(days=3), x.applicant.name,
                                  f"Đơn đăng ký đất đai thửa đất số {x.parcel}, tờ bản đồ số {x.sheet}"),
    "hop_dong_chuyen_nhuong": lambda x: ("Hợp đồng chuyển nhượng quyền sử dụng đất", "", "",
                                         x.transfer_signed,
                                         f"Văn phòng công chứng {x.agency.place.split(' ', 1)[1]}",
                                         f"Hợp đồng chuyển nhượng quyền sử dụng đất thửa đất số {x.parcel}"),
    "trich_do": lambda x: ("Bản trích đo địa chính thửa đất", "", "", x.received - dt.timedelta(days=6),
                           f"Văn phòng đăng ký đất đai tỉnh {x.agency.province}",
                           f"Trích đo địa chính thửa đất số {x.parcel}, tờ bản đồ số {x.sheet}"),
}


def write_sidecar(plan: CasePlan, case_dir: str) -> str:
    x, opt = plan.ctx, plan.sidecar
    name = x.applicant.name
    if opt.get("nfd_applicant"):
        name = unicodedata.normalize("NFD", name)     # deliberately NFD: the ingest must NFC-normalize
    comps = []
    for part in plan.parts:
        if part.folder is None:
            continue
        label, num, notation, issued, organ, subject = COMPONENT_META[part.doc](x)
        comps.append({"folder": nfc(part.folder), "label": nfc(label), "type_name": "32", "code_number": num,
                      "code_notation": notation, "issued_date": dmy(issued), "organ_name": nfc(organ),
                      "subject": nfc(subject)})
    doc = {"case_code": x.code, "title": nfc(opt.get("title") or x.title()), "applicant_name": name,
           "components": comps}
    path = os.path.join(case_dir, "hoso.json")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return path
