"""Whole-page drawings that are not flowed text: the CCCD card photocopy and the cadastral map.
Each page_* returns a drawer used as a ("page", fn) block by the document builders."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

from PIL import ImageDraw

from .flow import Flow
from .people import Ctx
from .text import BLACK_INK, Canvas
from .words import area_s, dmy, ngay


def page_cccd_copy(x: Ctx):
    """A photocopy of the two sides of a chip CCCD card at 100 % scale."""
    p = x.applicant

    def draw(c: Canvas, rng):
        f7 = c.font(7)
        f7b = c.font(7, "bold")
        f9b = c.font(9.5, "bold")
        mono = c.fonts.get("mono", "regular", c.pt(9))
        W, H = c.mm(85.6), c.mm(54)
        x0 = (c.W - W) // 2
        for side, y0 in (("front", c.mm(40)), ("back", c.mm(40) + H + c.mm(14))):
            c.draw.rounded_rectangle([x0, y0, x0 + W, y0 + H], radius=c.mm(3), outline=70, width=3, fill=228)
            lx = x0 + c.mm(3)
            if side == "front":
                c.center_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f7b, x0 + c.mm(16), x0 + W - c.mm(3), y0 + c.mm(3))
                c.center_text("Độc lập - Tự do - Hạnh phúc", f7b, x0 + c.mm(16), x0 + W - c.mm(3), y0 + c.mm(6.5))
                c.center_text("CĂN CƯỚC CÔNG DÂN", f9b, x0 + c.mm(16), x0 + W - c.mm(3), y0 + c.mm(10.5))
                c.draw.ellipse([lx, y0 + c.mm(3), lx + c.mm(11), y0 + c.mm(14)], outline=80, width=2)
                c.draw.rectangle([lx, y0 + c.mm(17), lx + c.mm(20), y0 + c.mm(44)], fill=120)
                tx = lx + c.mm(23)
                lines = [("Số / No.: ", p.cccd), ("Họ và tên / Full name: ", ""), ("", p.name.upper()),
                         ("Ngày sinh / Date of birth: ", dmy(p.birth)),
                         ("Giới tính / Sex: ", ("Nữ" if p.female else "Nam") + "   Quốc tịch / Nationality: Việt Nam"),
                         ("Quê quán / Place of origin: ", ""), ("", p.address.split(", ", 1)[1]),
                         ("Nơi thường trú / Place of residence: ", ""), ("", p.address)]
                y = y0 + c.mm(16)
                for lab, val in lines:
                    c.text(tx, y, lab, f7)
                    c.text(tx + c.tw(lab, f7), y, val, f7b)
                    y += c.mm(3.6)
                # QR code
                q = c.mm(12)
                qx, qy = x0 + W - q - c.mm(3), y0 + c.mm(15)
                mod = q / 25
                bits = rng.random((25, 25)) < 0.5
                for fy in (0, 18):
                    for fx in (0, 18):
                        if (fx, fy) != (18, 18):
                            bits[fy:fy + 7, fx:fx + 7] = True
                            bits[fy + 1:fy + 6, fx + 1:fx + 6] = False
                            bits[fy + 2:fy + 5, fx + 2:fx + 5] = True
                for j in range(25):
                    for i in range(25):
                        if bits[j, i]:
                            c.draw.rectangle([qx + i * mod, qy + j * mod, qx + (i + 1) * mod - 1,
                                              qy + (j + 1) * mod - 1], fill=20)
            else:
                c.text(lx, y0 + c.mm(4), "Đặc điểm nhân dạng / Personal identification:", f7)
                c.text(lx, y0 + c.mm(7.5), "Nốt ruồi C:1cm trên trước đầu mày phải", f7b)
                issued = dt.date(max(2021, p.birth.year + 18), 4, 12)
                c.text(lx, y0 + c.mm(12), f"Ngày, tháng, năm / Date, month, year: {dmy(issued)}", f7)
                c.text(lx, y0 + c.mm(16), "CỤC TRƯỞNG CỤC CẢNH SÁT", f7b)
                c.text(lx, y0 + c.mm(19), "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", f7b)
                for k in range(2):
                    fx = x0 + W - c.mm(36) + k * c.mm(17)
                    c.draw.rectangle([fx, y0 + c.mm(4), fx + c.mm(15), y0 + c.mm(24)], outline=60, width=2)
                    for r in range(2, 14, 2):
                        c.draw.ellipse([fx + c.mm(7.5) - r * 2.2, y0 + c.mm(14) - r * 3,
                                        fx + c.mm(7.5) + r * 2.2, y0 + c.mm(14) + r * 3], outline=90, width=2)
                yb = int(y0 + c.mm(34))
                surname, *given = unicodedata.normalize("NFD", p.name.upper().replace("Đ", "D")).encode(
                    "ascii", "ignore").decode().split()
                mrz = [f"IDVNM{p.cccd[3:]}{p.cccd[-1]}{p.cccd}<<{rng.integers(0, 10)}",
                       f"{p.birth:%y%m%d}{rng.integers(0, 10)}{'F' if p.female else 'M'}{issued.year + 25 - 2000:02d}"
                       f"{issued:%m%d}{rng.integers(0, 10)}VNM<<<<<<<<<<<{rng.integers(0, 10)}",
                       (f"{surname}<<{'<'.join(given)}" + "<" * 30)[:30]]
                for i, line in enumerate(mrz):
                    c.text(lx, yb + i * c.mm(5.5), line[:30], mono)
        c.text(c.left, c.mm(40) + 2 * H + c.mm(24), "Bản sao chụp căn cước công dân (hai mặt).", c.font(11, "italic"))
    return draw


def page_trich_do(x: Ctx):
    """Bản trích đo địa chính: a small cadastral map with the parcel outlined in red."""

    def draw(c: Canvas, rng):
        fl = Flow(lambda: c, 1, rng)
        fl.c = c
        fl.b_natl(["VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", f"TỈNH {x.agency.province.upper()}"])
        fl.b_title("BẢN TRÍCH ĐO ĐỊA CHÍNH THỬA ĐẤT", 14)
        fl.b_center(f"Tờ bản đồ số: {x.sheet}    Thửa đất số: {x.parcel}    Diện tích: {area_s(x.area)} m²", 12)
        fl.b_center(f"Địa chỉ thửa đất: {x.agency.villages[0]}, {x.agency.place}, tỉnh {x.agency.province}", 12)
        fl.b_center("Mục đích sử dụng: ONT    Tỷ lệ 1:500    Hệ tọa độ VN-2000", 12)
        top = c.y + c.mm(3)
        L, R, B = c.left, c.right, top + c.mm(100)
        c.draw.rectangle([L, top, R, B], outline=BLACK_INK, width=3)
        # road along the bottom
        ry = B - c.mm(22)
        c.draw.line([(L, ry), (R, ry)], fill=BLACK_INK, width=3)
        c.draw.line([(L, ry + c.mm(9)), (R, ry + c.mm(9))], fill=BLACK_INK, width=3)
        fs = c.font(10, "italic")
        c.center_text("Đường liên thôn", fs, L, R, ry + c.mm(2.5))
        # parcels: two rows
        xs = [L]
        while xs[-1] < R - c.mm(30):
            xs.append(xs[-1] + c.mm(rng.uniform(25, 40)))
        xs[-1] = R
        mid = top + c.mm(rng.uniform(40, 52))
        target = len(xs) // 2 - 1
        rd = c.layer("red")
        dr = ImageDraw.Draw(rd)
        f9 = c.font(9)
        for row, (y0, y1) in enumerate(((top, mid), (mid, ry))):
            for i in range(len(xs) - 1):
                j = [rng.uniform(-1, 1) * c.mm(2) for _ in range(4)]
                pts = [(xs[i] + (j[0] if i else 0), y0), (xs[i + 1] + (j[1] if i + 1 < len(xs) - 1 else 0), y0),
                       (xs[i + 1] + (j[2] if i + 1 < len(xs) - 1 else 0), y1), (xs[i] + (j[3] if i else 0), y1)]
                num = x.parcel + (i - target) + (0 if row else 40)
                cx = sum(p[0] for p in pts) / 4
                cy = sum(p[1] for p in pts) / 4
                if row == 1 and i == target:
                    dr.polygon(pts, fill=45)
                    dr.line(pts + [pts[0]], fill=255, width=max(4, c.pt(1.6)))
                    for k, (px, py) in enumerate(pts):
                        dr.ellipse([px - 7, py - 7, px + 7, py + 7], outline=255, width=3)
                        dr.text((px + 9, py + (4 if k < 2 else -30)), str(k + 1), font=f9, fill=255)
                    fb = c.font(11, "bold")
                    c.center_text(f"{num}", fb, cx - 60, cx + 60, cy - c.mm(5))
                    c.center_text(f"ONT  {area_s(x.area)}", c.font(10), cx - 120, cx + 120, cy + c.mm(1))
                    target_pts = pts
                else:
                    c.draw.line(pts + [pts[0]], fill=BLACK_INK, width=2)
                    c.center_text(str(num), f9, cx - 50, cx + 50, cy - c.mm(4))
                    c.center_text(f"{rng.choice(['ONT', 'CLN', 'BHK'])}  {area_s(rng.uniform(90, 600))}", f9,
                                  cx - 120, cx + 120, cy + c.mm(1))
        # north arrow and scale bar
        nx, ny = R - c.mm(12), top + c.mm(8)
        c.draw.polygon([(nx, ny), (nx - c.mm(3), ny + c.mm(10)), (nx, ny + c.mm(7)), (nx + c.mm(3), ny + c.mm(10))],
                       fill=BLACK_INK)
        c.center_text("N", c.font(11, "bold"), nx - 40, nx + 40, ny - c.mm(6))
        sx, sy = L + c.mm(6), B - c.mm(5)
        for k in range(4):
            c.draw.rectangle([sx + k * c.mm(10), sy, sx + (k + 1) * c.mm(10), sy + c.mm(1.5)], outline=BLACK_INK,
                             fill=BLACK_INK if k % 2 == 0 else 255, width=2)
        c.text(sx + c.mm(42), sy - c.mm(1.5), "0   5   10   15   20 m", c.font(8))
        # coordinate table
        c.y = B + c.mm(5)
        fh, fr = c.font(11, "bold"), c.font(11)
        cols = [c.left, c.left + c.mm(30), c.left + c.mm(75), c.left + c.mm(120), c.right]
        heads = ["Số hiệu đỉnh", "X (m)", "Y (m)", "Cạnh (m)"]
        rows = []
        X0, Y0 = rng.uniform(1_300_000, 1_330_000), rng.uniform(530_000, 560_000)
        for k, (px, py) in enumerate(target_pts):
            nxp, nyp = target_pts[(k + 1) % 4]
            edge = math.hypot(nxp - px, nyp - py) / c.dpi * 25.4 * 0.5
            rows.append([str(k + 1), f"{X0 - (py - top) / c.dpi * 12.7:.2f}", f"{Y0 + (px - L) / c.dpi * 12.7:.2f}",
                         f"{edge:.2f}"])
        rh = c.lh(fr, 1.25)
        for r_i, row in enumerate([heads] + rows):
            y = c.y + r_i * rh
            for k in range(4):
                c.draw.rectangle([cols[k], y, cols[k + 1], y + rh], outline=BLACK_INK, width=2)
                c.center_text(row[k], fh if r_i == 0 else fr, cols[k], cols[k + 1], y + rh * 0.12)
        c.y += rh * (len(rows) + 1) + c.mm(5)
        fl.b_right(f"{x.agency.place}, {ngay(x.received - dt.timedelta(days=6))}", 12)
        fl.b_signs([{"title": "NGƯỜI ĐO ĐẠC", "note": "(Ký, ghi rõ họ tên)", "name": x.other.name},
                    {"title": "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", "name": x.chairman.name,
                     "stamp": f"VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI - TỈNH {x.agency.province}"}])
    return draw
