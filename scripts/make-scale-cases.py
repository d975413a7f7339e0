#!/usr/bin/env python3
"""Generates N small case folders for the scale-out harness and benchmark (standard library only).

usage: python3 scripts/make-scale-cases.py N OUT [--pages 1] [--seed 1]

Each case folder HS-NNNNN holds `hoso.json` (a unique TTHC case code, a Vietnamese title and applicant)
and PAGES grayscale PNG pages (A5 at 100 dpi: text-like bars that differ per case and page, so every
case has its own scans and its own source fingerprint).
"""
from __future__ import annotations

import argparse
import json
import random
import struct
import zlib
from pathlib import Path

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Khôi", "Thu Hằng", "Quốc Bảo", "Ngọc Lan", "Đức Huy", "Thị Mai"]
PROCEDURES = [
    "Hồ sơ đăng ký khai sinh cho",
    "Hồ sơ cấp Giấy chứng nhận quyền sử dụng đất lần đầu của",
    "Hồ sơ đăng ký kết hôn của",
    "Hồ sơ chứng thực bản sao cho",
]


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + r for r in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"pHYs", struct.pack(">IIB", 3937, 3937, 1))  # 100 dpi
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def page(rng: random.Random, width: int = 583, height: int = 827) -> bytes:
    white = bytes([250]) * width
    rows = [white] * height
    y = 60
    while y < height - 60:
        line = bytearray(white)
        x = 50
        while x < width - 60:
            w = rng.randint(8, 40)
            for i in range(x, min(x + w, width - 50)):
                line[i] = 20
            x += w + rng.randint(4, 10)
        for dy in range(9):
            rows[y + dy] = bytes(line)
        y += 22
    return png(width, height, rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    for i in range(1, a.n + 1):
        case = a.out / f"HS-{i:05d}"
        case.mkdir(exist_ok=True)
        name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        meta = {
            "case_code": f"000.00.15.H12-251204-{i:05d}",
            "title": f"{rng.choice(PROCEDURES)} {name}",
            "applicant_name": name,
        }
        (case / "hoso.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        for p in range(1, a.pages + 1):
            (case / f"trang_{p}.png").write_bytes(page(rng))
    print(f"{a.n} cases in {a.out}")


if __name__ == "__main__":
    main()
