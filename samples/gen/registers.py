#!/usr/bin/env python3
"""Sample registers as old one-stop offices have them (samples/registers/), written with encoders
nobody here wrote: glibc iconv for TCVN3 (TCVN5712-1) and Windows-1258, Python's UTF-16.

    python3 samples/gen/registers.py [OUT_DIR]

Deterministic: the same files every run. `sohoa register check` reads them; scripts/conformance.sh
compares what it read with iconv's decoding (scripts/conformance_registers.py).
"""
import subprocess
import sys
import unicodedata
from pathlib import Path

TITLE = ["UBND XÃ TÂN HÒA", "SỔ THEO DÕI HỒ SƠ TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "Từ ngày 01/07/2025 đến ngày 31/07/2025"]
HEADER = ["STT", "Số hồ sơ", "Họ và tên", "Số CMND/CCCD", "Tên thủ tục", "Mã TTHC", "Ngày nhận hồ sơ",
          "Ngày hẹn trả", "Số trang", "Đơn vị tiếp nhận", "Ghi chú"]
# (applicant, procedure, code, received, due, pages, note); TCVN3 has no toned capitals: names use
# only plain or Ă Â Ê Ô Ơ Ư Đ capitals so the three files hold the same text.
ROWS = [
    ("Nguyễn Văn Đức", "Đăng ký khai sinh", "1.001193", "01/07/2025", "02/07/2025", "3", "nộp thay cho con"),
    ("Trần Thị Hương", "Chứng thực bản sao từ bản chính", "2.000815", "1/7/25", "1/7/25", "2", ""),
    ("Lê Hoàng Quỳnh", "Đăng ký kết hôn", "1.000894", "02/07/2025 14:30", "03/07/2025", "4", "hai bên cùng có mặt"),
    ("Phạm Thị Ngọc Hà", "Đăng ký thường trú", "1.004194", "ngày 3 tháng 7 năm 2025", "10/07/2025", "1.234", ""),
    ("Đặng Quốc Việt", "Cấp giấy chứng nhận quyền sử dụng đất", "1.012753", "2025-07-04", "15/08/2025", "12 trang", "đo đạc lại thửa đất"),
    ("Võ Thị Thu Thủy", "Đăng ký khai tử", "1.000656", "07/07/2025", "07/07/2025", "2", ""),
]
AGENCY = "UBND xã Tân Hòa"


def table() -> list[list[str]]:
    rows = [[t] for t in TITLE] + [[], HEADER]
    for i, (name, proc, code, received, due, pages, note) in enumerate(ROWS, 1):
        case = f" 000.00.15.H12 - 2507{i:02d} - {i:04d} "
        cccd = f"0790850{i:05d}"
        rows.append([str(i), case, name, cccd, proc, code, received, due, pages, AGENCY, note])
    rows.append([f"Tổng cộng: {len(ROWS)} hồ sơ"])
    return rows


def csv_text(rows: list[list[str]], delimiter: str) -> str:
    def cell(c: str) -> str:
        return f'"{c}"' if delimiter in c or '"' in c else c
    return "".join(delimiter.join(cell(c) for c in r) + "\r\n" for r in rows)


def iconv(text: str, to: str) -> bytes:
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", to], input=text.encode(), check=True,
                          capture_output=True).stdout


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "registers"
    out.mkdir(parents=True, exist_ok=True)
    rows = table()
    # TCVN3 has no toned capitals: the title lines are written in lower case, as .VnTime users did.
    tcvn_rows = [[c.lower() for c in r] if i < len(TITLE) else r for i, r in enumerate(rows)]
    files = {
        "so-dang-ky-tcvn3.csv": iconv(unicodedata.normalize("NFC", csv_text(tcvn_rows, ";")), "TCVN5712-1"),
        "so-dang-ky-windows-1258.csv": iconv(unicodedata.normalize("NFC", csv_text(rows, ",")), "CP1258"),
        "so-dang-ky-unicode.txt": b"\xff\xfe" + csv_text(rows, "\t").encode("utf-16-le"),
    }
    for name, data in files.items():
        (out / name).write_bytes(data)
        print(f"{out / name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
