"""Vietnamese wording: numbers and dates in words, date formats, and the filler sentences.
Pure text helpers used by the document builders and the flow layout (filler_blocks)."""

from __future__ import annotations

import datetime as dt
import random

from .text import nfc


_U = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def vn_num(n: int) -> str:
    """Vietnamese reading of 0..9999 (for 'ghi bằng chữ' lines)."""
    def two(n):
        t, u = divmod(n, 10)
        if t == 0:
            return _U[u]
        if t == 1:
            return "mười" + ("" if u == 0 else " " + ("lăm" if u == 5 else _U[u]))
        s = _U[t] + " mươi"
        if u:
            s += " " + {1: "mốt", 4: "tư", 5: "lăm"}.get(u, _U[u])
        return s

    def three(n, full=False):
        h, r = divmod(n, 100)
        if h == 0 and not full:
            return two(r)
        s = _U[h] + " trăm"
        if r == 0:
            return s
        return s + (" linh " + _U[r] if r < 10 else " " + two(r))

    th, r = divmod(n, 1000)
    if th == 0:
        return three(r)
    s = _U[th] + " nghìn"
    return s if r == 0 else s + " " + three(r, full=True)


MONTHS = ["", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai"]


def date_words(d: dt.date) -> str:
    day = ("mồng " + _U[d.day] if d.day < 10 else ("mồng mười" if d.day == 10 else vn_num(d.day)))
    return nfc(f"Ngày {day} tháng {MONTHS[d.month]} năm {vn_num(d.year)}")


def ngay(d: dt.date) -> str:
    """NĐ 30/2020 style: zero-pad days below 10 and months 1-2 only."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def dmy(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def area_s(v: float) -> str:
    return f"{v:.1f}".replace(".", ",")


GENERIC_SENTENCES = [
    "Hồ sơ được tiếp nhận tại Bộ phận Một cửa và chuyển đến công chức chuyên môn để thẩm định theo đúng quy trình nội bộ đã được phê duyệt.",
    "Người yêu cầu chịu trách nhiệm trước pháp luật về tính chính xác, trung thực của các thông tin đã kê khai và các giấy tờ đã nộp kèm theo.",
    "Trường hợp hồ sơ chưa đầy đủ, chưa hợp lệ thì cán bộ tiếp nhận hướng dẫn người nộp bổ sung, hoàn thiện một lần bằng văn bản.",
    "Kết quả giải quyết thủ tục hành chính được trả trực tiếp tại Bộ phận Một cửa hoặc gửi qua dịch vụ bưu chính công ích theo yêu cầu của người nộp.",
    "Cơ quan giải quyết có trách nhiệm số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và lưu trữ theo quy định của pháp luật về lưu trữ.",
    "Thông tin cá nhân của người yêu cầu được bảo vệ theo quy định về bảo vệ dữ liệu cá nhân và chỉ được sử dụng cho mục đích giải quyết hồ sơ.",
    "Việc khai thác, sử dụng dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư được thực hiện thông qua hệ thống thông tin giải quyết thủ tục hành chính.",
    "Trong thời hạn quy định, nếu cần xác minh thêm thì cơ quan giải quyết thông báo bằng văn bản cho người yêu cầu, nêu rõ lý do và thời hạn trả kết quả mới.",
    "Phí, lệ phí được thu theo quy định hiện hành; người nộp được cấp biên lai thu phí, lệ phí theo mẫu của Bộ Tài chính.",
    "Các bên cam kết thực hiện đúng các nội dung đã thỏa thuận; mọi sửa đổi, bổ sung phải được lập thành văn bản và có chữ ký của các bên.",
    "Ủy ban nhân dân xã đã niêm yết công khai danh mục thủ tục hành chính, thành phần hồ sơ, thời hạn giải quyết và mức phí, lệ phí tại trụ sở.",
    "Công chức tư pháp - hộ tịch kiểm tra tính hợp lệ của giấy tờ, đối chiếu thông tin với sổ hộ tịch và cơ sở dữ liệu hộ tịch điện tử.",
    "Trường hợp người yêu cầu nộp bản sao không có chứng thực thì phải xuất trình bản chính để người tiếp nhận đối chiếu.",
    "Sau khi nhận đủ hồ sơ hợp lệ, cơ quan có thẩm quyền cấp giấy tiếp nhận hồ sơ và hẹn ngày trả kết quả cho người nộp.",
    "Mọi khiếu nại, phản ánh về việc giải quyết hồ sơ được gửi đến Bộ phận Một cửa hoặc qua Cổng Dịch vụ công quốc gia.",
]

EQUIPMENT = [
    "Điều hòa nhiệt độ 1,5 HP", "Tủ lạnh hai cánh 250 lít", "Máy giặt cửa trên 8 kg", "Bình nóng lạnh 30 lít",
    "Giường gỗ 1,6 m x 2 m", "Tủ quần áo gỗ ba cánh", "Bàn ăn kèm bốn ghế", "Bếp từ đôi", "Quạt trần",
    "Rèm cửa phòng khách", "Bồn rửa bát inox", "Đèn chiếu sáng phòng ngủ", "Kệ ti vi", "Sofa phòng khách",
]


def filler_blocks(rnd: random.Random, kind="generic"):
    """Endless continuation blocks used to pad a document to the requested page count."""
    if kind == "equipment":
        yield ("title", "PHỤ LỤC: DANH MỤC TRANG THIẾT BỊ BÀN GIAO", 13)
        yield ("gap", 6)
        i = 1
        while True:
            item = EQUIPMENT[(i - 1) % len(EQUIPMENT)]
            yield ("para", f"{i}. {item}: số lượng {rnd.randint(1, 3):02d}; tình trạng khi bàn giao: "
                   f"{rnd.choice(['hoạt động tốt', 'còn mới', 'đã qua sử dụng, hoạt động bình thường'])}.",
                   13, 5, "regular", False)
            i += 1
    while True:
        s = rnd.sample(GENERIC_SENTENCES, rnd.randint(2, 4))
        yield ("para", " ".join(s))
