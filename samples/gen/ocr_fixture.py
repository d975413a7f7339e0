#!/usr/bin/env python3
"""Renders tests/fixtures/ocr/ (a case folder with one A4 page of known Vietnamese text at 300 dpi)
and its ground truth (expected.txt), for the OCR character-error-rate test.
usage: python3 samples/gen/ocr_fixture.py [OUT_DIR]"""
import os
import sys
from PIL import Image, ImageDraw, ImageFont

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ĐƠN ĐỀ NGHỊ CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
    "Kính gửi: Ủy ban nhân dân huyện Thạch Thất, thành phố Hà Nội",
    "Họ và tên người sử dụng đất: Trần Thị Bích Ngọc",
    "Năm sinh: 1987, căn cước công dân số 001187004512",
    "Địa chỉ thường trú: thôn Phùng Xá, xã Thạch Xá",
    "Thửa đất số 215, tờ bản đồ số 12, diện tích 356,4 mét vuông",
    "Mục đích sử dụng: đất ở tại nông thôn và đất trồng cây lâu năm",
    "Nguồn gốc: được Nhà nước công nhận quyền sử dụng đất",
    "Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật,",
    "nếu sai tôi hoàn toàn chịu trách nhiệm trước pháp luật.",
    "Xác nhận của cán bộ địa chính: ruộng vườn, khuyến nông, thuỷ lợi",
    "Người viết đơn ký và ghi rõ họ tên",
]

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "tests", "fixtures", "ocr")
    case = os.path.join(out, "HS-OCR-0001")
    os.makedirs(case, exist_ok=True)
    w, h = 2480, 3508  # A4 at 300 dpi
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 46)
    y = 260
    for i, line in enumerate(LINES):
        x = (w - draw.textlength(line, font=font)) / 2 if i < 3 else 230
        draw.text((x, y), line, font=font, fill=0)
        y += 130 if i in (1, 2) else 100
    img.save(os.path.join(case, "1.png"), dpi=(300, 300), optimize=True)
    with open(os.path.join(out, "expected.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(LINES) + "\n")


if __name__ == "__main__":
    main()
