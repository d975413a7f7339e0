#!/usr/bin/env bash
# Builds the committed compatibility fixture: a small archive made by one sohoa release, which every
# later release must still read (tests/compat_archive.rs; issue 14).
#
#   scripts/make-fixture-archive.sh [SOHOA_BINARY] [--out DIR] [--force]
#
# SOHOA_BINARY (or $SOHOA) is the release that writes the archive; by default the archive goes to
# tests/fixtures/archive-v0.1/ and the identifier key to tests/fixtures/archive-v0.1.key (made once,
# fixed, public: it only protects the test index, never real numbers). Needs python3 with Pillow,
# DejaVu fonts, and Tesseract 5 with `vie` for the OCR case (without it that case has no text and
# the README says so). Set SOHOA_COMMIT to the commit the binary was built from, for the README.
#
# What it makes, in this order (each step is one sohoa command, all from a scratch folder with
# relative paths so nothing machine-specific lands in the reports):
#   1. batch1 (register hoso.csv, UTF-8 with BOM, Vietnamese headers; --organization; OCR off):
#      000.00.15.H12-260701-0001  register + hoso.json sidecar, component subfolders, deskewed page, JPEG
#      Ho so Dang Van Hung        register row by its Thư mục column, name typed in TCVN3, cropped page, late
#      000.00.21.H36-260703-0001  component subfolders without sidecar, name typed in VNI, 2-frame G4 TIFF,
#                                 gray page, pending
#      HS-chua-co-thong-tin       no metadata at all: incomplete, resolution inferred
#      000.00.15.H12-260706-0001  withdrawn afterwards (step 5)
#      000.00.15.H12-260707-0001  replaced afterwards (step 4)
#   2. batch-ocr, --ocr on: 000.00.15.H12-260708-0001, a page of text printing a CCCD
#   3. batch-originals, --keep-originals --drop-blank: 000.00.15.H12-260709-0001 (blank back dropped)
#   4. batch-replace, --replace --reason: 000.00.15.H12-260707-0001 from another applicant (versions/)
#   5. sohoa withdraw 000.00.15.H12-260706-0001 --reason ... (withdrawn/ and versions/)
#   6. sohoa ocr HS-chua-co-thong-tin: a new version with text added to an existing bag
#   7. sohoa verify (logs/fixity.jsonl); the derived index (ARCHIVE/index/) is then deleted: tests
#      copy the archive and run `sohoa reindex` on the copy.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out="$root/tests/fixtures/archive-v0.1"
key="$root/tests/fixtures/archive-v0.1.key"
force=0
bin="${SOHOA:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) bin="$1"; shift ;;
  esac
done
[ -n "$bin" ] || { echo "usage: $0 SOHOA_BINARY [--out DIR] [--force] (or set SOHOA)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }
out_parent=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)
out="$out_parent/$(basename "$out")"
if [ -e "$out" ]; then
  [ "$force" = 1 ] || { echo "$out exists (use --force to make it again)" >&2; exit 2; }
fi

# The identifier key: fixed and public (SHA-256 of a sentence), so the fixture is the same
# wherever it is made. It is kept outside the archive, as sohoa requires.
if [ ! -e "$key" ]; then
  printf 'sohoa archive-v0.1 fixture identifier key: public, for tests only' | sha256sum | cut -c1-64 | tr -d '\n' > "$key"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---------------------------------------------------------------------------------------------
# The scans: deterministic pages drawn with Pillow (DejaVu fonts), registers and a sidecar.
python3 - "$work" <<'PY'
import json, os, sys, unicodedata
from PIL import Image, ImageDraw, ImageFont

W = sys.argv[1]
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
SERIF = os.path.join(FONT_DIR, "DejaVuSerif.ttf")
BOLD = os.path.join(FONT_DIR, "DejaVuSerif-Bold.ttf")
for f in (SERIF, BOLD):
    if not os.path.isfile(f):
        sys.exit(f"missing font {f} (apt-get install fonts-dejavu-core)")

def nfc(s):
    return unicodedata.normalize("NFC", s)

def mkdir(*p):
    d = os.path.join(W, *p)
    os.makedirs(d, exist_ok=True)
    return d

def page(lines, dpi, paper=(8.27, 11.69), margin=0.9, skew=0.0, mode="1", border=False, boxes=()):
    """A page of text lines. lines: (text, pt, bold, centred). mode "1" (bilevel) or "L" (gray)."""
    w, h = round(paper[0] * dpi), round(paper[1] * dpi)
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    y = round(margin * dpi)
    left = round(margin * dpi)
    for text, pt, bold, centred in lines:
        px = max(8, round(pt * dpi / 72))
        font = ImageFont.truetype(BOLD if bold else SERIF, px)
        text = nfc(text)
        if text:
            x = left
            if centred:
                tw = d.textlength(text, font=font)
                x = round((w - tw) / 2)
            d.text((x, y), text, font=font, fill=0)
        y += round(px * 1.55)
    for (x0, y0, x1, y1, fill) in boxes:
        d.rectangle([x0 * dpi, y0 * dpi, x1 * dpi, y1 * dpi], outline=0, width=max(2, dpi // 100), fill=fill)
    if skew:
        im = im.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if border:
        b = round(0.12 * dpi)
        d = ImageDraw.Draw(im)
        d.rectangle([0, 0, w - 1, b], fill=0)
        d.rectangle([0, 0, b, h - 1], fill=0)
    if mode == "1":
        return im.point(lambda v: 255 if v >= 160 else 0).convert("1", dither=Image.Dither.NONE)
    return im

def save_png(im, path, dpi):
    if dpi:
        im.save(path, "PNG", dpi=(dpi, dpi), compress_level=9)
    else:
        im.info.pop("dpi", None)
        im.save(path, "PNG", compress_level=9)

def card(dpi, title, rows, tint, bleed=False):
    """A small colour document scanned in colour (A6), saved as JPEG. bleed: its title band runs
    off the top edge (a scanner border to crop), else it is inside the paper (stored as is)."""
    w, h = round(4.13 * dpi), round(5.83 * dpi)
    im = Image.new("RGB", (w, h), (250, 248, 240))
    d = ImageDraw.Draw(im)
    top = 0 if bleed else round(0.3 * dpi)
    d.rectangle([0 if bleed else round(0.3 * dpi), top, w if bleed else w - round(0.3 * dpi), top + round(0.55 * dpi)], fill=tint)
    f = ImageFont.truetype(BOLD, round(11 * dpi / 72))
    d.text((round(0.45 * dpi), top + round(0.15 * dpi)), nfc(title), font=f, fill=(255, 255, 255))
    f = ImageFont.truetype(SERIF, round(8 * dpi / 72))
    y = top + round(0.8 * dpi)
    for r in rows:
        d.text((round(0.3 * dpi), y), nfc(r), font=f, fill=(20, 20, 60))
        y += round(0.28 * dpi)
    # a round red stamp
    cx, cy, r = round(2.9 * dpi), round(4.6 * dpi), round(0.55 * dpi)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(200, 30, 30), width=max(3, dpi // 40))
    d.ellipse([cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2], outline=(200, 30, 30), width=max(2, dpi // 60))
    return im

HEAD = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, True),
        ("Độc lập - Tự do - Hạnh phúc", 12, True, True), ("", 12, False, False)]

# ---- batch1 ---------------------------------------------------------------------------------
DPI = 200
c1 = "000.00.15.H12-260701-0001"
p = mkdir("batch1", c1, "01 Tờ khai")
page(HEAD + [("TỜ KHAI ĐĂNG KÝ KHAI SINH", 14, True, True), ("", 12, False, False),
             ("Kính gửi: Ủy ban nhân dân xã Tân Hòa", 12, False, False),
             ("Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Lan", 12, False, False),
             ("Đề nghị đăng ký khai sinh cho: Trần Gia Huy", 12, False, False),
             ("Ngày, tháng, năm sinh: 12/06/2026   Giới tính: Nam", 12, False, False),
             ("Nơi sinh: Bệnh viện Đa khoa tỉnh Phú Thọ", 12, False, False),
             ("Quan hệ với người được khai sinh: Mẹ", 12, False, False)],
     DPI, skew=1.2).save(os.path.join(p, "1.png"), "PNG", dpi=(DPI, DPI), compress_level=9)
p = mkdir("batch1", c1, "02 Giấy chứng sinh")
card(DPI, "GIẤY CHỨNG SINH", ["Số: 1375/GCS", "Họ tên mẹ: Nguyễn Thị Lan", "Con: Trần Gia Huy",
                              "Sinh lúc 06 giờ 40, ngày 12/06/2026", "Cân nặng: 3.200 gram",
                              "Bệnh viện Đa khoa tỉnh Phú Thọ"], (40, 90, 160)
     ).save(os.path.join(p, "1.jpg"), "JPEG", quality=70, dpi=(DPI, DPI), optimize=False)
with open(os.path.join(W, "batch1", c1, "hoso.json"), "w", encoding="utf-8") as fh:
    json.dump({
        "case_code": c1,
        "title": "Hồ sơ đăng ký khai sinh cho Trần Gia Huy",
        "keyword": "khai sinh; Trần Gia Huy",
        "components": [
            {"folder": "01 Tờ khai", "label": "Tờ khai đăng ký khai sinh", "type_name": "32",
             "issued_date": "01/07/2026", "organ_name": "Nguyễn Thị Lan",
             "subject": "Tờ khai đăng ký khai sinh cho Trần Gia Huy"},
            {"folder": "02 Giấy chứng sinh", "label": "Giấy chứng sinh", "type_name": "32",
             "code_number": "1375", "code_notation": "GCS", "issued_date": "12/06/2026",
             "organ_name": "Bệnh viện Đa khoa tỉnh Phú Thọ", "subject": "Giấy chứng sinh của Trần Gia Huy"},
        ],
    }, fh, ensure_ascii=False, indent=2)

p = mkdir("batch1", "Ho so Dang Van Hung")
page(HEAD + [("HỢP ĐỒNG THUÊ NHÀ Ở", 14, True, True), ("(Bản chính)", 11, False, True), ("", 12, False, False),
             ("Bên cho thuê: Đặng Văn Hùng", 12, False, False),
             ("Bên thuê: Công ty TNHH Thương mại Sông Lô", 12, False, False),
             ("Địa chỉ nhà: số 18 đường Hùng Vương, xã Tân Hòa", 12, False, False),
             ("Thời hạn thuê: 24 tháng kể từ ngày 01/07/2026", 12, False, False)],
     DPI).save(os.path.join(p, "trang_1.png"), "PNG", dpi=(DPI, DPI), compress_level=9)
page([("BẢN SAO", 14, True, True), ("", 12, False, False),
      ("Chứng thực bản sao đúng với bản chính.", 12, False, False),
      ("Số chứng thực: 412   Quyển số: 03/2026-SCT/BS", 12, False, False),
      ("Ngày 06 tháng 7 năm 2026", 12, False, False),
      ("Người thực hiện chứng thực", 12, True, False)],
     DPI, boxes=[(0.9, 5.0, 3.6, 6.2, None)], border=True).save(os.path.join(p, "trang_2.png"), "PNG", dpi=(DPI, DPI), compress_level=9)

c3 = "000.00.21.H36-260703-0001"
p = mkdir("batch1", c3, "01 Đơn đăng ký (Mẫu số 15)")
f1 = page(HEAD + [("ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT", 13, True, True),
                  ("(Mẫu số 15)", 11, False, True), ("", 12, False, False),
                  ("Kính gửi: Văn phòng đăng ký đất đai tỉnh Lâm Đồng", 12, False, False),
                  ("Người sử dụng đất: Lò Thị Xuân", 12, False, False),
                  ("Thửa đất số: 318   Tờ bản đồ số: 27", 12, False, False),
                  ("Diện tích: 245,6 m²   Mục đích sử dụng: đất ở tại nông thôn", 12, False, False)], DPI)
f2 = page([("Phần kê khai của người đăng ký (tiếp theo)", 12, True, False), ("", 12, False, False),
           ("Nguồn gốc sử dụng đất: nhận chuyển nhượng năm 2019", 12, False, False),
           ("Tôi cam đoan nội dung kê khai trên đơn là đúng sự thật.", 12, False, False),
           ("", 12, False, False), ("Người viết đơn", 12, True, False), ("Lò Thị Xuân", 12, False, False)], DPI)
f1.save(os.path.join(p, "don.tif"), "TIFF", compression="group4", dpi=(DPI, DPI), save_all=True, append_images=[f2])
p = mkdir("batch1", c3, "02 Trích đo địa chính")
im = Image.new("L", (round(5.83 * DPI), round(8.27 * DPI)), 255)
d = ImageDraw.Draw(im)
d.text((round(0.6 * DPI), round(0.6 * DPI)), nfc("BẢN TRÍCH ĐO ĐỊA CHÍNH THỬA ĐẤT SỐ 318"),
       font=ImageFont.truetype(BOLD, round(11 * DPI / 72)), fill=0)
poly = [(1.2, 2.0), (4.4, 1.7), (4.9, 5.2), (1.6, 5.8)]
d.polygon([(x * DPI, y * DPI) for x, y in poly], fill=215, outline=40)
d.line([(1.2 * DPI, 2.0 * DPI), (4.9 * DPI, 5.2 * DPI)], fill=120, width=3)
d.text((round(2.6 * DPI), round(3.6 * DPI)), "ONT 245,6 m²", font=ImageFont.truetype(SERIF, round(10 * DPI / 72)), fill=30)
d.text((round(0.6 * DPI), round(7.2 * DPI)), nfc("Tỷ lệ 1:500"), font=ImageFont.truetype(SERIF, round(9 * DPI / 72)), fill=60)
save_png(im, os.path.join(p, "1.png"), DPI)

p = mkdir("batch1", "HS-chua-co-thong-tin")
save_png(page(HEAD + [("ĐƠN ĐỀ NGHỊ", 14, True, True), ("", 12, False, False),
                      ("Kính gửi: Ủy ban nhân dân xã Tân Hòa", 12, False, False),
                      ("Tôi tên là: Trịnh Văn Khoa", 12, False, False),
                      ("Đề nghị xác nhận nơi cư trú tại thôn Đồng Xuân.", 12, False, False)], DPI),
         os.path.join(p, "scan.png"), None)   # no pHYs: resolution inferred from the paper size

c5 = "000.00.15.H12-260706-0001"
p = mkdir("batch1", c5)
page(HEAD + [("TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", 13, True, True), ("", 12, False, False),
             ("Người yêu cầu: Bùi Thị Thanh Hương", 12, False, False),
             ("Đề nghị cấp 02 bản sao trích lục khai sinh.", 12, False, False)],
     DPI).save(os.path.join(p, "1.png"), "PNG", dpi=(DPI, DPI), compress_level=9)

c6 = "000.00.15.H12-260707-0001"
p = mkdir("batch1", c6)
page(HEAD + [("TỜ KHAI CẤP BẢN SAO TỪ SỔ GỐC", 13, True, True), ("", 12, False, False),
             ("Người yêu cầu: Vũ Văn Nam", 12, False, False),
             ("Giấy tờ cần cấp bản sao: Giấy khai sinh", 12, False, False)],
     DPI).save(os.path.join(p, "1.png"), "PNG", dpi=(DPI, DPI), compress_level=9)

# ---- batch-ocr: one page of clean text at 300 dpi; it prints a CCCD that is not the applicant's
c7 = "000.00.15.H12-260708-0001"
p = mkdir("batch-ocr", c7)
page(HEAD + [("TRÍCH LỤC KẾT HÔN", 16, True, True), ("(Bản sao)", 12, False, True), ("", 12, False, False),
             ("Họ tên chồng: Hoàng Minh Tuấn", 13, False, False),
             ("Họ tên vợ: Đinh Thị Phương Thảo", 13, False, False),
             ("Số định danh cá nhân của vợ: 022190005566", 13, False, False),
             ("Nơi đăng ký: Ủy ban nhân dân phường Hồng Gai, tỉnh Quảng Ninh", 13, False, False),
             ("Ngày đăng ký: 14 tháng 02 năm 2019", 13, False, False)],
     300).save(os.path.join(p, "1.png"), "PNG", dpi=(300, 300), compress_level=9)

# ---- batch-originals: kept originals, a blank back left out
c8 = "000.00.15.H12-260709-0001"
p = mkdir("batch-originals", c8, "01 Tờ khai")
page(HEAD + [("TỜ KHAI ĐĂNG KÝ KHAI SINH", 14, True, True), ("", 12, False, False),
             ("Họ, chữ đệm, tên người yêu cầu: Mai Văn Lộc", 12, False, False),
             ("Đề nghị đăng ký khai sinh cho: Mai Khánh Linh", 12, False, False)],
     DPI).save(os.path.join(p, "1.png"), "PNG", dpi=(DPI, DPI), compress_level=9)
blank = Image.new("1", (round(8.27 * DPI), round(11.69 * DPI)), 1)
for (x, y) in [(400, 700), (401, 700), (1200, 1900), (900, 1300)]:
    blank.putpixel((x, y), 0)
blank.save(os.path.join(p, "2.png"), "PNG", dpi=(DPI, DPI), compress_level=9)
p = mkdir("batch-originals", c8, "02 Giấy chứng sinh")
card(DPI, "GIẤY CHỨNG SINH", ["Số: 2291/GCS", "Họ tên mẹ: Cao Thị Hạnh", "Con: Mai Khánh Linh",
                              "Sinh ngày 30/06/2026", "Trung tâm Y tế huyện Tam Nông"], (30, 120, 90), bleed=True
     ).save(os.path.join(p, "1.jpg"), "JPEG", quality=70, dpi=(DPI, DPI), optimize=False)

# ---- batch-replace: the same case code, scanned from another applicant's file
p = mkdir("batch-replace", c6)
page(HEAD + [("TỜ KHAI CẤP BẢN SAO TỪ SỔ GỐC", 13, True, True), ("", 12, False, False),
             ("Người yêu cầu: Vũ Thị Ngọc Ánh", 12, False, False),
             ("Giấy tờ cần cấp bản sao: Giấy chứng nhận kết hôn", 12, False, False)],
     DPI).save(os.path.join(p, "1.png"), "PNG", dpi=(DPI, DPI), compress_level=9)

# ---- the registers (CSV, UTF-8 with BOM as Excel's "CSV UTF-8" writes it)
HEADERS = ["STT", "Mã hồ sơ", "Thư mục", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Mã cơ quan", "Cơ quan",
           "Người nộp", "Số CCCD", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Ngày trả kết quả",
           "Hình thức nộp", "Trạng thái", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Chế độ sử dụng", "Ngôn ngữ",
           "Tổng số văn bản", "Số lượng tờ", "Số lượng trang", "Mức độ tin cậy", "Mã hồ sơ giấy", "Ghi chú"]
H12 = ("000.00.15.H12", "UBND xã Tân Hòa")
ROWS = {
    "batch1": [
        # 11 digits: a spreadsheet dropped the CCCD's leading zero (restored, register.id_leading_zero)
        ["1", c1, "", "1.001193", "Đăng ký khai sinh", "Hộ tịch", *H12, "Nguyễn Thị Lan", "79186004521",
         "01/07/2026 08:30", "06/07/2026", "03/07/2026", "06/07/2026", "Trực tiếp", "Đã trả kết quả",
         "", "01", "02", "01", "2", "2", "2", "02", "H12.07.01.001", "Người nộp là mẹ của trẻ"],
        # the applicant's name typed with a TCVN3 (.VnTime) font: "Đặng Văn Hùng"; resolved late
        ["2", "000.00.15.H12 - 260702 - 0001", "Ho so Dang Van Hung", "2.000815", "Chứng thực bản sao từ bản chính",
         "Chứng thực", *H12, "§Æng V¨n Hïng", "036090011223", "2/7/26 09:10", "02/07/2026",
         "06/07/2026", "06/07/2026", "Trực tiếp", "Đã trả kết quả",
         "Hồ sơ chứng thực bản sao Hợp đồng thuê nhà ở của Đặng Văn Hùng", "06", "01", "01", "1", "1",
         "2 trang", "02", "H12.07.02.002", "Trễ hạn do phải xác minh bản chính"],
        # the applicant's name typed with a VNI font: "Lò Thị Xuân"
        ["3", c3, "", "1.013978.H36", "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
         "Đất đai", "000.00.21.H36", "Văn phòng đăng ký đất đai tỉnh Lâm Đồng", "Loø Thò Xuaân", "068190007788",
         "ngày 3 tháng 7 năm 2026", "28/07/2026", "", "", "Trực tuyến", "Đang giải quyết",
         "Hồ sơ đăng ký đất đai thửa đất số 318, tờ bản đồ số 27 của Lò Thị Xuân", "01", "02", "01",
         "2", "2", "3", "02", "H36.07.03.003", ""],
        ["4", c5, "", "2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", *H12, "Bùi Thị Thanh Hương",
         "001191002233", "06/07/2026", "07/07/2026", "07/07/2026", "07/07/2026", "Trực tiếp", "Đã trả kết quả",
         "", "01", "02", "01", "1", "1", "1", "02", "H12.07.04.005", ""],
        ["5", c6, "", "2.000908", "Cấp bản sao từ sổ gốc", "Hộ tịch", *H12, "Vũ Văn Nam", "031088004455",
         "07/07/2026 10:00", "07/07/2026", "07/07/2026", "07/07/2026", "Trực tiếp", "Đã trả kết quả",
         "", "01", "02", "01", "1", "1", "1", "02", "H12.07.05.006", ""],
    ],
    "batch-ocr": [
        ["1", c7, "", "2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", *H12, "Hoàng Minh Tuấn",
         "025087003344", "08/07/2026", "09/07/2026", "09/07/2026", "13/07/2026", "Bưu chính công ích",
         "Đã trả kết quả", "Hồ sơ cấp bản sao trích lục kết hôn cho Hoàng Minh Tuấn", "01", "02", "01",
         "1", "1", "1", "02", "H12.07.06.007", "Gửi kết quả qua bưu điện"],
    ],
    "batch-originals": [
        ["1", c8, "", "1.001193", "Đăng ký khai sinh", "Hộ tịch", *H12, "Mai Văn Lộc", "034089007711",
         "09/07/2026", "14/07/2026", "10/07/2026", "13/07/2026", "Trực tuyến", "Đã trả kết quả",
         "Hồ sơ đăng ký khai sinh cho Mai Khánh Linh", "01", "02", "01", "2", "2", "3", "02",
         "H12.07.07.008", "Nộp trực tuyến qua Cổng Dịch vụ công quốc gia"],
    ],
    "batch-replace": [
        ["1", c6, "", "2.000908", "Cấp bản sao từ sổ gốc", "Hộ tịch", *H12, "Vũ Thị Ngọc Ánh", "031190006677",
         "07/07/2026 10:00", "07/07/2026", "07/07/2026", "07/07/2026", "Trực tiếp", "Đã trả kết quả",
         "", "01", "02", "01", "1", "1", "1", "02", "H12.07.05.006", "Quét lại: lần trước nhập nhầm người nộp"],
    ],
}

def cell(v):
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n') else v

for batch, rows in ROWS.items():
    with open(os.path.join(W, batch, "hoso.csv"), "w", encoding="utf-8-sig", newline="") as fh:
        for r in [HEADERS] + rows:
            assert len(r) == len(HEADERS), r
            fh.write(",".join(cell(nfc(v)) for v in r) + "\r\n")
PY

# ---------------------------------------------------------------------------------------------
# The archive, made by the given release.
cd "$work"
export SOHOA_LANG=en SOHOA_ID_KEY="$key"
unset SOHOA_OCR SOHOA_LOG || true
run() { echo "+ sohoa $*" >&2; "$bin" "$@"; }
log="$work/commands.log"
ingest() { # ingest BATCH ARGS... (the JSON report goes to $work/BATCH.json)
  local batch=$1; shift
  local code=0
  run ingest "$batch" --archive archive --jobs 1 --json "$@" > "$batch.json" || code=$?
  echo "ingest $batch $* -> exit $code" >> "$log"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[1], r["summary"]); [print("  ", c["folder"], c["status"], c.get("case_id"), [p["code"] for p in c["warnings"]+c["errors"]]) for c in r["cases"]]; [print("   batch:", p["code"]) for p in r["batch_problems"]]' "$batch.json" >&2
  return 0
}

ingest batch1 --ocr off --organization "UBND xã Tân Hòa"
if tesseract --list-langs 2>/dev/null | grep -qx vie; then
  ingest batch-ocr --ocr on
  ocr_done=yes
else
  echo "warning: Tesseract with vie is not installed: the OCR case is stored without text" >&2
  ingest batch-ocr --ocr off
  ocr_done=no
fi
ingest batch-originals --ocr off --keep-originals --drop-blank
ingest batch-replace --ocr off --replace --reason "Lần số hóa trước nhập nhầm người nộp; quét lại đúng hồ sơ của người yêu cầu"
run withdraw 000.00.15.H12-260706-0001 --archive archive --json \
  --reason "Hồ sơ lưu nhầm: trùng với hồ sơ đã số hóa, người nộp đề nghị rút" > withdraw.json
echo "withdraw -> exit 0" >> "$log"
if [ "$ocr_done" = yes ]; then
  run ocr HS-chua-co-thong-tin --archive archive --jobs 1 --json > ocr.json || true
  echo "ocr HS-chua-co-thong-tin -> $(python3 -c 'import json; r=json.load(open("ocr.json")); print(r["added"], "added")')" >> "$log"
fi
run verify --archive archive --json > verify.json || { echo "verify failed" >&2; cat verify.json >&2; exit 1; }

# Derived and machine-specific things out: the index (tests rebuild it), the lock file.
rm -rf archive/index archive/.sohoa.lock
if [ -s archive/index-pending.txt ]; then echo "index-pending.txt not empty:" >&2; cat archive/index-pending.txt >&2; fi
if grep -rl -- "$work" archive >/dev/null 2>&1; then
  echo "the scratch path $work is written in:" >&2; grep -rl -- "$work" archive >&2; exit 1
fi

tess=$(tesseract --version 2>/dev/null | head -1 | awk '{print $2}' || true)
commit=${SOHOA_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}
cat > archive/README.md <<EOF
# Compatibility fixture: archive-v0.1

An archive written by **$("$bin" --version)** (commit $commit),
made by \`scripts/make-fixture-archive.sh\` on $(date -u +%Y-%m-%d) with Tesseract ${tess:-none} (OCR: $ocr_done),
Pillow $(python3 -c 'import PIL; print(PIL.__version__)'). Never edit it: every later sohoa must read it as it is
(\`tests/compat_archive.rs\` copies it and runs every command on the copy). To make it again, with the
release that should write it: \`scripts/make-fixture-archive.sh path/to/sohoa --force\`.

This file is not part of the archive (no sohoa command reads it). The search index (\`index/\`) is
derived and not committed: run \`sohoa reindex\` on a copy, with \`SOHOA_ID_KEY=tests/fixtures/archive-v0.1.key\`
(a fixed, public key: it only keys the hashes of identity numbers in the test index).

Commands that made it (exit codes):

\`\`\`
$(cat "$log")
\`\`\`

| case | where | what it exercises |
|---|---|---|
| 000.00.15.H12-260701-0001 | bags/ | register row + \`hoso.json\` sidecar (title, keyword, component document fields), two component folders, a deskewed bilevel page (CCITT G4), a colour JPEG stored byte for byte (\`dct\`), CCCD typed without its leading zero (batch warning \`register.id_leading_zero\`), unknown column \`STT\` in \`extra\` |
| 000.00.15.H12-260702-0001 | bags/ | folder \`Ho so Dang Van Hung\` matched by the register's Thư mục column, code typed with spaces, applicant typed in TCVN3 (\`text_conversions\`, \`metadata modification\` event), date typed \`2/7/26 09:10\`, count \`2 trang\`, pages loose in the case folder, a page with scanner borders cropped, resolved late (report, apology letter) |
| 000.00.21.H36-260703-0001 | bags/ | component folders without sidecar, applicant typed in VNI, a 2-frame G4 TIFF (\`frame\`), a gray page (\`flate\`), online, pending (late at the end of July), date typed \`ngày 3 tháng 7 năm 2026\` |
| HS-chua-co-thong-tin | bags/ (version 2), versions/…/1 | no metadata (incomplete, \`metadata.none\`), resolution inferred (\`page.dpi_inferred\`), \`--organization\` in bag-info; version 2 made by \`sohoa ocr\` (OCR events appended to the old ones) |
| 000.00.15.H12-260706-0001 | withdrawn/…/2, versions/…/1 | \`sohoa withdraw\`: \`withdrawn\` in metadata.json, \`deaccession\` event, \`Sohoa-Withdrawn\` in bag-info |
| 000.00.15.H12-260707-0001 | bags/ (version 2), versions/…/1 | re-ingested from another applicant with \`--replace --reason\` (\`modification\` event, \`previous_version\`) |
| 000.00.15.H12-260708-0001 | bags/ | OCR at ingest (\`data/text/page-0001.txt\` and \`.hocr\`, text layer), a CCCD printed on the page (not the applicant's), postal |
| 000.00.15.H12-260709-0001 | bags/ | \`--keep-originals --drop-blank\`: \`data/originals/\`, \`sources[].kept_as\`, \`dropped_pages\`, a colour JPEG cropped (\`dct-reencoded\`), online, resolved early |

Identity numbers: every applicant has a CCCD in \`metadata.json\` (in clear, as the bags keep them);
\`000.00.15.H12-260708-0001\`'s page prints \`022190005566\` (page text in clear, masked everywhere else).
EOF

mkdir -p "$(dirname "$out")"
rm -rf "$out"
mv archive "$out"
echo "fixture written to $out ($(du -sh "$out" | cut -f1))" >&2
