"""Planted defects for testing sohoa's audit: turns the first cases of a --generic batch into cases with one
known defect each, plus control cases, and reports what was planted and which finding to expect (--defects)."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .degrade import degrade_tone, pick_degradation
from .people import PROCEDURES
from .plan import (CSV_HEADERS, CasePlan, FileSpec, Part, case_doc_count, case_page_count, number_cases,
                   register_row)
from .words import dmy
from .writers import COLOUR_FMTS, EXT


# ---- legacy Vietnamese encodings, as they look when the bytes are read as Windows-1252 (domain.md §9)
#
# Every Vietnamese vowel in six forms: no tone, huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot).
VOWELS = [  # (lower case, upper case, VIQR base: letter + shape mark)
    ("aàảãáạ", "AÀẢÃÁẠ", "a"),
    ("ăằẳẵắặ", "ĂẰẲẴẮẶ", "a("),
    ("âầẩẫấậ", "ÂẦẨẪẤẬ", "a^"),
    ("eèẻẽéẹ", "EÈẺẼÉẸ", "e"),
    ("êềểễếệ", "ÊỀỂỄẾỆ", "e^"),
    ("iìỉĩíị", "IÌỈĨÍỊ", "i"),
    ("oòỏõóọ", "OÒỎÕÓỌ", "o"),
    ("ôồổỗốộ", "ÔỒỔỖỐỘ", "o^"),
    ("ơờởỡớợ", "ƠỜỞỠỚỢ", "o+"),
    ("uùủũúụ", "UÙỦŨÚỤ", "u"),
    ("ưừửữứự", "ƯỪỬỮỨỰ", "u+"),
    ("yỳỷỹýỵ", "YỲỶỸÝỴ", "y"),
]

# TCVN3 (ABC, TCVN 5712:1993 VN3) bytes of the lower-case letters, rows and columns as in VOWELS.
# Source: glibc iconv TCVN5712-1 (iconvdata/tcvn5712-1.c; `iconv -t TCVN5712-1` gives these bytes for
# A0-FF), which agrees with domain.md §9 ("Việt Nam" -> "ViÖt Nam") and duydev/vietnamese-conversion
# (src/charsets.ts).  VN3 has no upper-case letters with a tone: .VnTime text uses the lower-case byte
# and the .VnTimeH fonts draw it as a capital, so upper case maps to the lower-case byte (plain A-Y
# stay ASCII).  0xAD (ư) reads as a soft hyphen in Windows-1252.
TCVN3_BYTES = [
    (0x61, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),    # a à ả ã á ạ
    (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),    # ă ằ ẳ ẵ ắ ặ
    (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),    # â ầ ẩ ẫ ấ ậ
    (0x65, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),    # e è ẻ ẽ é ẹ
    (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),    # ê ề ể ễ ế ệ
    (0x69, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),    # i ì ỉ ĩ í ị
    (0x6F, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),    # o ò ỏ õ ó ọ
    (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),    # ô ồ ổ ỗ ố ộ
    (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),    # ơ ờ ở ỡ ớ ợ
    (0x75, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),    # u ù ủ ũ ú ụ
    (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),    # ư ừ ử ữ ứ ự
    (0x79, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),    # y ỳ ỷ ỹ ý ỵ
]
TCVN3_OWN_UPPER = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}   # same source
TCVN3_D = 0xAE      # đ

# VNI-Windows: base letter + one modifier byte, written here as Windows-1252 reads the bytes.
# Modifiers, lower / upper case: huyền F8 ø / D8 Ø, hỏi FB û / DB Û, ngã F5 õ / D5 Õ, sắc F9 ù / D9 Ù,
# nặng EF ï / CF Ï; circumflex E2 â / C2 Â, with huyền, hỏi, ngã, sắc, nặng E0 à, E5 å, E3 ã, E1 á, E4 ä /
# C0 À, C5 Å, C3 Ã, C1 Á, C4 Ä; breve EA ê / CA Ê, with tones E8 è, FA ú, FC ü, E9 é, EB ë / C8 È, DA Ú,
# DC Ü, C9 É, CB Ë.  Single bytes: ơ F4 ô / D4 Ô, ư F6 ö / D6 Ö, đ F1 ñ / D1 Ñ, the toned i (ì EC, ỉ E6,
# ĩ F3, í ED, ị F2 / CC, C6, D3, CD, D2) and ỵ EE î / Ỵ CE Î.
# Sources: duydev/vietnamese-conversion (src/charsets.ts) and the "Bảng đối chiếu encoding các bộ chữ
# hiện hành với Unicode" (VISCII/VPS/VNI/TCVN3/Unicode table, https://www.scribd.com/document/23311958);
# they agree with domain.md §9 ("Việt" -> "Vieät", "Nước" -> "Nöôùc").  ỷ and ỹ are y + hỏi/ngã modifier
# (the charsets.ts row for them repeats other letters' codes).
VNI = [  # (lower case, upper case), six forms each, rows as in VOWELS
    (("a", "aø", "aû", "aõ", "aù", "aï"), ("A", "AØ", "AÛ", "AÕ", "AÙ", "AÏ")),
    (("aê", "aè", "aú", "aü", "aé", "aë"), ("AÊ", "AÈ", "AÚ", "AÜ", "AÉ", "AË")),
    (("aâ", "aà", "aå", "aã", "aá", "aä"), ("AÂ", "AÀ", "AÅ", "AÃ", "AÁ", "AÄ")),
    (("e", "eø", "eû", "eõ", "eù", "eï"), ("E", "EØ", "EÛ", "EÕ", "EÙ", "EÏ")),
    (("eâ", "eà", "eå", "eã", "eá", "eä"), ("EÂ", "EÀ", "EÅ", "EÃ", "EÁ", "EÄ")),
    (("i", "ì", "æ", "ó", "í", "ò"), ("I", "Ì", "Æ", "Ó", "Í", "Ò")),
    (("o", "oø", "oû", "oõ", "où", "oï"), ("O", "OØ", "OÛ", "OÕ", "OÙ", "OÏ")),
    (("oâ", "oà", "oå", "oã", "oá", "oä"), ("OÂ", "OÀ", "OÅ", "OÃ", "OÁ", "OÄ")),
    (("ô", "ôø", "ôû", "ôõ", "ôù", "ôï"), ("Ô", "ÔØ", "ÔÛ", "ÔÕ", "ÔÙ", "ÔÏ")),
    (("u", "uø", "uû", "uõ", "uù", "uï"), ("U", "UØ", "UÛ", "UÕ", "UÙ", "UÏ")),
    (("ö", "öø", "öû", "öõ", "öù", "öï"), ("Ö", "ÖØ", "ÖÛ", "ÖÕ", "ÖÙ", "ÖÏ")),
    (("y", "yø", "yû", "yõ", "yù", "î"), ("Y", "YØ", "YÛ", "YÕ", "YÙ", "Î")),
]
VNI_D = ("ñ", "Ñ")  # đ, Đ

# VIQR (RFC 1456, "Vietnamese Quoted-Readable"): the letter, its shape mark ( breve, ^ circumflex,
# + horn), then its tone mark in the column order of VOWELS; đ/Đ = dd/DD.  A mark character that
# follows a vowel in the text itself is escaped with a backslash (RFC 1456 §3.2).
VIQR_TONES = ("", "`", "?", "~", "'", ".")
VIQR_MARKS = "(^+`?~'."


def _tables() -> dict:
    tcvn3, vni, viqr = {"đ": chr(TCVN3_D)}, {"đ": VNI_D[0], "Đ": VNI_D[1]}, {"đ": "dd", "Đ": "DD"}
    tcvn3["Đ"] = chr(TCVN3_OWN_UPPER["Đ"])
    for (lower, upper, base), codes, (vni_l, vni_u) in zip(VOWELS, TCVN3_BYTES, VNI):
        for i in range(6):
            code = bytes([codes[i]]).decode("cp1252")
            tcvn3[lower[i]] = code
            tcvn3[upper[i]] = upper[i] if i == 0 and len(base) == 1 else code   # A E I O U Y stay ASCII
            vni[lower[i]], vni[upper[i]] = vni_l[i], vni_u[i]
            viqr[lower[i]] = base + VIQR_TONES[i]
            viqr[upper[i]] = base[0].upper() + base[1:] + VIQR_TONES[i]
    tcvn3.update({k: chr(v) for k, v in TCVN3_OWN_UPPER.items()})
    for t in (tcvn3, vni, viqr):   # plain vowels map to themselves, no need to keep them
        for c in "aeiouyAEIOUY":
            if t.get(c) == c:
                del t[c]
    return {"tcvn3": tcvn3, "vni": vni, "viqr": viqr}


LEGACY = _tables()


def legacy(encoding: str, text: str) -> str:
    """`text` (Unicode) typed in a legacy encoding and read back as Windows-1252: tcvn3, vni or viqr."""
    table = LEGACY[encoding]
    out = []
    for c in unicodedata.normalize("NFC", text):
        if encoding == "viqr" and c in VIQR_MARKS and out and out[-1][-1:].lower() in "aeiouy(^+`?~'.":
            out.append("\\" + c)
        else:
            out.append(table.get(c, c))
    enc = "".join(out)
    # self-check: the text changed, and only characters of the encoding appear
    allowed = {chr(i) for i in range(0x20, 0x7F)} | {ch for v in table.values() for ch in v}
    assert enc != text, f"{encoding}: {text!r} has no letter that changes"
    assert set(enc) <= allowed, f"{encoding}: unexpected characters in {enc!r}"
    return enc


def _check_encoders():
    """The examples of domain.md §9 (and RFC 1456)."""
    for enc, text, want in [("tcvn3", "Việt Nam", "ViÖt Nam"), ("tcvn3", "Hà Nội", "Hµ Néi"),
                            ("tcvn3", "Nguyễn Văn An", "NguyÔn V¨n An"), ("tcvn3", "Đặng", "§Æng"),
                            ("vni", "Việt", "Vieät"), ("vni", "Nước", "Nöôùc"),
                            ("vni", "Đăng ký khai sinh", "Ñaêng kyù khai sinh"),
                            ("viqr", "Việt Nam", "Vie^.t Nam"), ("viqr", "Thư Đức", "Thu+ DDu+'c"),
                            ("viqr", "Có không?", "Co' kho^ng?"), ("viqr", "Đi đâu?", "DDi dda^u\\?")]:
        got = legacy(enc, text)
        assert got == want, f"{enc}({text!r}) = {got!r}, expected {want!r}"


# ---- pages the plan cannot express with render_page alone

def render_double_feed(canvas, fmt: str, shape, state: dict, rng) -> Image.Image:
    """The page of a sheet that went through the scanner twice: the skew, borders and paper of the
    first pass (replayed from the rng state saved before it), new sensor noise from rng."""
    if fmt not in ("jpeg_rgb", "jpeg_gray"):
        raise ValueError(f"double feed is only planted in JPEG pages, not {fmt}")
    twin = np.random.default_rng()
    twin.bit_generator.state = state
    d = pick_degradation(twin, fmt, False)
    arr, _ = degrade_tone(canvas, shape, d, rng, fmt in COLOUR_FMTS)
    return Image.fromarray((arr + 0.5).astype(np.uint8))


# ---- the defects: each function changes its case(s) and returns what the audit should report

COLUMNS = ("Tổng số tài liệu", "Nộp thay (ủy quyền)")   # register columns added for every row
PROXY = "Nộp thay (ủy quyền)"


@dataclass
class Mark:
    plan: CasePlan
    code: str           # finding code expected (planted) or not expected (control)
    note: str
    control: bool = False


def _cell(p: CasePlan, header: str, value: str):
    p.register.setdefault("cells", {})[header] = value


def _renumber(p: CasePlan):
    """File names 1, 2, ... per folder in plan order (a flat case counts across its parts), in the
    case's naming pattern and with the extension of each file's format, as generic_case names them."""
    count: dict = {}
    for part in p.parts:
        for f in part.files:
            n = count[part.folder] = count.get(part.folder, 0) + 1
            f.name = p.naming.format(n=n) + "." + EXT[f.fmt]


def component_missing(p, post):
    p.parts = [part for part in p.parts if part.doc != "giay_chung_sinh"]
    return [Mark(p, "du.component_missing", "khai sinh case without its '02 Giấy chứng sinh' component folder; "
                                            "declared page and sheet counts match what is on disk")]


def proxy_missing(p, post):
    _cell(p, PROXY, "Có")
    return [Mark(p, "du.component_missing", f"'{PROXY}' = 'Có' (submitted by proxy) but no giấy ủy quyền "
                                            "component folder")]


def proxy_control(p, post):
    _cell(p, PROXY, "Có")
    # one page: the nearly empty second page (the signature certification) hashes close to other sparse pages
    p.parts.append(Part("03 Giấy ủy quyền", "giay_uy_quyen", [FileSpec("", "jpeg_rgb", [0])]))
    _renumber(p)
    return [Mark(p, "du.component_missing", f"'{PROXY}' = 'Có' and the case has the component folder "
                                            "'03 Giấy ủy quyền' (a one-page giấy ủy quyền)", control=True)]


def metadata_missing(p, post):
    _cell(p, "Người nộp", "")
    return [Mark(p, "du.metadata_missing", "'Người nộp' (applicant name) is empty")]


def page_gap(p, post):
    p.naming = "{n}"
    part = p.parts[0]
    part.files = [FileSpec("", "jpeg_rgb", [i]) for i in range(3)]
    _renumber(p)
    part.files[2].name = "4.jpg"
    return [Mark(p, "du.page_gap", f"folder '{part.folder}' holds single-page files 1.jpg, 2.jpg, 4.jpg "
                                   "(no 3.jpg)")]


def page_count(p, post):
    n = case_page_count(p)
    _cell(p, "Số lượng trang", str(n + 2))
    return [Mark(p, "du.page_count_mismatch", f"'Số lượng trang' = {n + 2}, {n} pages on disk")]


def doc_count(p, post):
    n = case_doc_count(p)
    _cell(p, "Tổng số tài liệu", str(n + 1))
    return [Mark(p, "du.doc_count_mismatch", f"'Tổng số tài liệu' = {n + 1}, {n} component subfolders")]


def conditional_missing(p, post):
    _cell(p, "Mã hồ sơ giấy", "")
    return [Mark(p, "du.conditional_missing", "'Mã hồ sơ giấy' (paperFileCode) empty while 'Mức độ tin cậy' "
                                              "is 02 (số hóa)")]


def case_code(p, post):
    x = p.ctx
    p.numbered = False
    x.seq = 1
    x.code = p.folder = f"{x.agency.code}-{x.received:%y%m}32-{x.seq:04d}"
    return [Mark(p, "dung.case_code", f"case code with day 32 in its YYMMDD part; 'Ngày tiếp nhận' is "
                                      f"{dmy(x.received)}; the folder is named after the code"),
            Mark(p, "dung.file_code", "secondary (warning): the archival code defaults to the malformed case "
                                      "code, which has no year segment")]


def case_code_date(p, post):
    p.code_date = p.ctx.received + dt.timedelta(days=1)
    return [Mark(p, "dung.case_code_date", f"the code's YYMMDD is {p.code_date:%y%m%d}, one day after "
                                           f"'Ngày tiếp nhận' {dmy(p.ctx.received)}")]


def agency_code(p, post):
    parts = p.ctx.agency.code.split(".")
    parts[1] = parts[1][1:]
    _cell(p, "Mã cơ quan", ".".join(parts))
    return [Mark(p, "dung.agency_code", f"'Mã cơ quan' = {'.'.join(parts)} (cấp-3 segment of one digit); the "
                                        "case code keeps the well-formed agency code")]


def procedure_code(p, post):
    _cell(p, "Mã TTHC", "1.00119")
    return [Mark(p, "dung.procedure_code", "'Mã TTHC' = 1.00119 (a digit short of 1.001193); 'Tên TTHC' still "
                                           "names the procedure")]


def date_invalid(p, post):
    _cell(p, "Ngày có kết quả", "31/02/2025")
    return [Mark(p, "dung.date_invalid", "'Ngày có kết quả' = 31/02/2025 (no such date)")]


def date_order(p, post):
    due = p.ctx.received - dt.timedelta(days=3)
    _cell(p, "Ngày hẹn trả", dmy(due))
    return [Mark(p, "dung.date_order", f"'Ngày hẹn trả' {dmy(due)} is before 'Ngày tiếp nhận' "
                                       f"{dmy(p.ctx.received)}"),
            Mark(p, "dung.due_date", "secondary (warning): that due date also differs from the statutory one")]


def cccd_short(p, post):
    _cell(p, "Số CCCD", p.ctx.applicant.cccd[:11])
    return [Mark(p, "dung.cccd", "'Số CCCD' has 11 digits (last digit dropped)")]


def cccd_future(p, post):
    a = p.ctx.applicant
    d4 = "3" if a.female else "2"
    _cell(p, "Số CCCD", a.cccd[:3] + d4 + "95" + a.cccd[6:])
    return [Mark(p, "dung.cccd", f"'Số CCCD' digits 4-6 = {d4}95: birth year 2095, in the future")]


def cccd_province(p, post):
    _cell(p, "Số CCCD", "003" + p.ctx.applicant.cccd[3:])
    return [Mark(p, "dung.cccd_province", "'Số CCCD' starts with 003, not a province code (domain.md §8.3)")]


def retention_label(p, post):
    assert PROCEDURES[p.ctx.proc]["retention"] == "01"
    _cell(p, "Thời hạn lưu trữ", "Vĩnh viễn")
    return [Mark(p, "dung.code_list", "'Thời hạn lưu trữ' = 'Vĩnh viễn', the label instead of the code 01")]


def mode_code(p, post):
    _cell(p, "Chế độ sử dụng", "04")
    return [Mark(p, "dung.code_list", "'Chế độ sử dụng' = 04, not in the code list (01-03)")]


def duplicate_code(a, b, post):
    b.numbered = False

    def same_code():
        x = b.ctx
        x.seq = a.ctx.seq
        agency = a.ctx.agency.code
        x.code = b.folder = agency[:-3] + agency[-3].lower() + agency[-2:] + a.ctx.code[len(agency):]
    post.append(same_code)
    return [Mark(a, "sach.duplicate_case_code", "first of two cases with the same case code (the second "
                                                "writes the agency letter in lower case)"),
            Mark(b, "sach.duplicate_case_code", "second of two cases with the same case code, agency letter in "
                                                "lower case; same receipt date, same sequence number"),
            Mark(b, "dung.case_code", "its case code has a lower-case agency letter"),
            Mark(b, "dung.file_code", "secondary (warning): the archival code defaults to the malformed case "
                                      "code, which has no year segment")]


def duplicate_file(a, b, post):
    src = a.parts[0].files[0]
    src.fmt = "jpeg_rgb"
    _renumber(a)
    copy = FileSpec("", src.fmt, [0])
    b.parts[0].files.append(copy)
    _renumber(b)

    def link():
        copy.copy_from = os.path.join(a.folder, a.parts[0].folder or "", src.name)
    post.append(link)
    return [Mark(a, "sach.duplicate_file", "its first scan file is copied byte for byte into another case"),
            Mark(b, "sach.duplicate_file", "an extra page is a byte copy of another case's first scan file; "
                                           "declared page and sheet counts include it")]


def double_feed(p, post):
    part = p.parts[0]
    first = part.files[0]
    assert isinstance(first.pages[0], int)
    first.fmt = "jpeg_rgb"
    part.files.insert(1, FileSpec("", "jpeg_rgb", [("again", first.pages[0])]))
    _renumber(p)
    return [Mark(p, "sach.near_duplicate_page", f"double feed: '{part.folder}' pages 1 and 2 are the same sheet "
                                                "scanned twice (same skew, new noise: different bytes); counted "
                                                "as a page, not as a sheet")]


def blank_page(p, post):
    p.parts[0].files.insert(1, FileSpec("", "jpeg_rgb", ["B"]))
    _renumber(p)
    return [Mark(p, "sach.blank_page", f"a near-white blank page after the first page of '{p.parts[0].folder}' "
                                       "(back side, counted as a page)")]


def low_dpi(p, post):
    p.dpi = 150
    return [Mark(p, "sach.low_dpi", "every page scanned at 150 dpi (A4 = 1240 x 1754 px, files say 150 dpi)")]


def not_colour(p, post):
    for part in p.parts:
        for f in part.files:
            f.fmt = "jpeg_gray"
    _renumber(p)
    return [Mark(p, "sach.not_colour", "every page is an 8-bit grey JPEG")]


def text_not_nfc(p, post):
    name = p.ctx.applicant.name
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    _cell(p, "Người nộp", nfd)
    return [Mark(p, "sach.text_not_nfc", "'Người nộp' written in NFD (decomposed diacritics)")]


def tcvn3(p, post):
    _cell(p, "Người nộp", legacy("tcvn3", p.ctx.applicant.name))
    return [Mark(p, "sach.legacy_encoding", "'Người nộp' in TCVN3 (ABC) read as Windows-1252")]


def vni(p, post):
    _cell(p, "Tên TTHC", legacy("vni", PROCEDURES[p.ctx.proc]["name"]))
    return [Mark(p, "sach.legacy_encoding", "'Tên TTHC' in VNI-Windows read as Windows-1252")]


def viqr(p, post):
    _cell(p, "Tiêu đề hồ sơ", legacy("viqr", p.ctx.title()))
    return [Mark(p, "sach.legacy_encoding", "'Tiêu đề hồ sơ' in VIQR")]


def retention_expired(p, post):
    _cell(p, "Thời hạn lưu trữ", "06")
    return [Mark(p, "song.retention_expired", "received, resolved and returned in March 2012, 'Thời hạn lưu trữ' "
                                              "06 (10 years): expired on 01/01/2023")]


def retention_expiring(p, post):
    _cell(p, "Thời hạn lưu trữ", "06")
    return [Mark(p, "song.retention_expiring", "received, resolved and returned in December 2016, 'Thời hạn lưu "
                                               "trữ' 06 (10 years): ends on 01/01/2027, within a year of "
                                               "23/11/2026 (audit --as-of 2026-11-23)")]


def due_holidays(p, post):
    return [Mark(p, "dung.due_date", "received Thu 28/08/2025, due 04/09/2025: 3 working days skip the "
                                     "Quốc khánh holidays 01-02/09/2025", control=True)]


def due_makeup_day(p, post):
    return [Mark(p, "dung.due_date", "received Thu 24/04/2025, due 28/04/2025: Saturday 26/04/2025 is a make-up "
                                     "working day", control=True)]


def copies_control(p, post):
    return [Mark(p, "sach.near_duplicate_page", "certified copies next to their originals (rule 2.000815 "
                                                "similar_pages = true)", control=True)]


KS = dict(proc="khai_sinh")
DEFECTS = [  # (defect, generic_case arguments of each of its cases)
    (component_missing, [KS]),
    (proxy_missing, [KS]),
    (proxy_control, [KS]),
    (metadata_missing, [KS]),
    (page_gap, [KS]),
    (page_count, [KS]),
    (doc_count, [dict(proc="dat_dai")]),
    (conditional_missing, [KS]),
    (case_code, [KS]),
    (case_code_date, [KS]),
    (agency_code, [KS]),
    (procedure_code, [KS]),
    (date_invalid, [dict(proc="khai_sinh", closed=True)]),
    (date_order, [KS]),
    (cccd_short, [KS]),
    (cccd_future, [KS]),
    (cccd_province, [KS]),
    (retention_label, [KS]),
    (mode_code, [KS]),
    (duplicate_code, [dict(proc="khai_sinh", agency="tanhoa", received=dt.date(2025, 8, 1))] * 2),
    (duplicate_file, [KS, KS]),
    (double_feed, [KS]),
    (blank_page, [KS]),
    (low_dpi, [KS]),
    (not_colour, [KS]),
    (text_not_nfc, [KS]),
    (tcvn3, [KS]),
    (vni, [KS]),
    (viqr, [KS]),
    (retention_expired, [dict(proc="dat_dai", received=dt.date(2012, 3, 5), closed=True, late=False)]),
    (retention_expiring, [dict(proc="dat_dai", received=dt.date(2016, 12, 5), closed=True, late=False)]),
    (due_holidays, [dict(proc="khai_sinh", received=dt.date(2025, 8, 28))]),
    (due_makeup_day, [dict(proc="khai_sinh", received=dt.date(2025, 4, 24))]),
    (copies_control, [dict(proc="chung_thuc")]),
]
MIN_CASES = 40      # the planted and control cases, then at least a few clean ones
assert sum(len(needs) for _, needs in DEFECTS) < MIN_CASES


def case_needs() -> list[dict]:
    """generic_case arguments for the first cases of the batch, the ones plant() changes."""
    return [need for _, needs in DEFECTS for need in needs]


def plant(plans: list[CasePlan], seed: int) -> dict:
    """Plants every defect in the first cases of a generic batch (planned with case_needs()), numbers
    the cases again and returns the PLANTED_JSON report."""
    _check_encoders()
    marks, post, k = [], [], 0
    for fn, needs in DEFECTS:
        marks += fn(*plans[k:k + len(needs)], post)
        k += len(needs)
    number_cases(plans)
    for fix in post:
        fix()
    headers = CSV_HEADERS + list(COLUMNS)
    report: dict = {"seed": seed, "planted": [], "controls": []}
    for m in marks:
        row = dict(zip(headers, register_row(m.plan, COLUMNS)))
        entry = {"folder": m.plan.folder, "case_code": row["Mã hồ sơ"]}
        if m.control:
            report["controls"].append({**entry, "not_code": m.code, "note": m.note})
        else:
            report["planted"].append({**entry, "code": m.code, "note": m.note})
    return report
