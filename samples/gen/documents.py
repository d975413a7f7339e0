"""Document builders: one doc_* function per paper form or contract, returning Flow blocks.
DOCS maps a document kind to its builder; build_doc renders it to canvases, make_certified_copies stamps copies."""

from __future__ import annotations

import datetime as dt

from .drawings import page_cccd_copy, page_trich_do
from .flow import render_doc
from .marks import draw_rect_stamp, draw_round_stamp, draw_signature
from .people import PROCEDURES, Ctx, add_working_days
from .text import Canvas, Fonts
from .words import area_s, date_words, dmy, ngay


def agency_header(x: Ctx):
    a = x.agency
    if a.name.startswith("UBND"):
        return [f"UBND {a.place.upper()}", "BỘ PHẬN MỘT CỬA"]
    return [f"SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH {a.province.upper()}".replace("TỈNH TỈNH", "TỈNH"),
            "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI"]


def ubnd_stamp(x: Ctx):
    return f"ỦY BAN NHÂN DÂN {x.agency.place} - TỈNH {x.agency.province}"


def doc_to_khai_khai_sinh(x: Ctx, rnd):
    ch, fa, mo, ap = x.child, x.father, x.mother, x.applicant
    v = x.value_ink
    d = x.received
    rel = "Cha" if ap is fa else "Mẹ"
    reg_no = rnd.randint(40, 260)
    return [
        ("natl",),
        ("gap", 8),
        ("title", "TỜ KHAI ĐĂNG KÝ KHAI SINH", 15),
        ("gap", 6),
        ("center", f"Kính gửi: (1) Ủy ban nhân dân {x.agency.place}, tỉnh {x.agency.province}"),
        ("gap", 8),
        ("field", "Họ, chữ đệm, tên người yêu cầu: ", ap.name, v),
        ("field", "Nơi cư trú: (2) ", ap.address, v),
        ("field", "Giấy tờ tùy thân: (3) ", f"Căn cước công dân số {ap.cccd}", v),
        ("field", "Quan hệ với người được khai sinh: ", rel, v),
        ("para", "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", 13, 0, "bold"),
        ("field", "Họ, chữ đệm, tên: ", ch.name.upper(), v),
        ("field", "Ngày, tháng, năm sinh: ", dmy(ch.birth), v),
        ("field", "ghi bằng chữ: ", date_words(ch.birth), v),
        ("fields", [("Giới tính: ", "Nữ" if ch.female else "Nam"), ("Dân tộc: ", "Kinh"),
                    ("Quốc tịch: ", "Việt Nam")], v),
        ("field", "Nơi sinh: (4) ", x.hospital, v),
        ("field", "Quê quán: ", f"{x.agency.place}, tỉnh {x.agency.province}", v),
        ("field", "Họ, chữ đệm, tên người mẹ: ", mo.name, v),
        ("fields", [("Năm sinh: ", str(mo.birth.year)), ("Dân tộc: ", "Kinh"), ("Quốc tịch: ", "Việt Nam")], v),
        ("field", "Nơi cư trú: (2) ", mo.address, v),
        ("field", "Họ, chữ đệm, tên người cha: ", fa.name, v),
        ("fields", [("Năm sinh: ", str(fa.birth.year)), ("Dân tộc: ", "Kinh"), ("Quốc tịch: ", "Việt Nam")], v),
        ("field", "Nơi cư trú: (2) ", fa.address, v),
        ("gap", 4),
        ("para", "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận "
                 "nhất trí của các bên liên quan theo quy định pháp luật."),
        ("para", "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình."),
        ("right", f"Làm tại: {x.agency.place}, {ngay(d)}"),
        ("signs", [{"title": "Đề nghị cấp bản sao: (5)", "note": "Có, số lượng: 02 bản", "sign": False},
                   {"title": "Người yêu cầu", "note": "(Ký, ghi rõ họ, chữ đệm, tên)", "name": ap.name}]),
        ("break",),
        ("para", "Chú thích:", 12, 0, "bold"),
        ("para", "(1) Ghi rõ tên cơ quan đăng ký khai sinh.", 12, 5),
        ("para", "(2) Ghi theo nơi đăng ký thường trú; nếu không có nơi đăng ký thường trú thì ghi theo nơi đăng ký "
                 "tạm trú; trường hợp không có nơi đăng ký thường trú và nơi đăng ký tạm trú thì ghi theo nơi "
                 "đang sinh sống.", 12, 5),
        ("para", "(3) Ghi thông tin về giấy tờ tùy thân của người đi đăng ký, ghi rõ số, cơ quan cấp, ngày cấp hộ "
                 "chiếu, căn cước công dân hoặc giấy tờ hợp lệ thay thế.", 12, 5),
        ("para", "(4) Trường hợp trẻ em sinh tại cơ sở y tế thì ghi tên cơ sở y tế và địa chỉ trụ sở cơ sở y tế; "
                 "trường hợp sinh ngoài cơ sở y tế thì ghi địa danh hành chính của nơi sinh.", 12, 5),
        ("para", "(5) Đề nghị đánh dấu X vào ô nếu có yêu cầu cấp bản sao và ghi rõ số lượng.", 12, 5),
        ("gap", 14),
        ("title", "PHẦN GHI CỦA CƠ QUAN ĐĂNG KÝ HỘ TỊCH", 13),
        ("gap", 4),
        ("para", f"Ủy ban nhân dân {x.agency.place} đã đăng ký khai sinh cho {ch.name.upper()}, sinh "
                 f"{dmy(ch.birth)}; số đăng ký: {reg_no}, Quyển số: 01/{d.year}, {ngay(add_working_days(d, 1))}."),
        ("para", "Đã cấp 01 bản chính Giấy khai sinh và 02 bản sao Giấy khai sinh; thông tin đăng ký khai sinh đã "
                 "được cập nhật vào Cơ sở dữ liệu hộ tịch điện tử và Cơ sở dữ liệu quốc gia về dân cư."),
        ("gap", 8),
        ("signs", [{"title": "Người tiếp nhận", "note": "(Ký, ghi rõ họ tên)", "name": x.officer.name},
                   {"title": "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH", "note": "(Ký, ghi rõ họ tên)",
                    "name": x.officer.name, "stamp": ubnd_stamp(x)}]),
    ]


def doc_giay_chung_sinh(x: Ctx, rnd):
    ch, mo = x.child, x.mother
    v = x.value_ink
    b = ch.birth
    return [
        ("natl", [f"SỞ Y TẾ TỈNH {x.agency.province.upper()}", x.hospital.upper()],
         f"Số: {x.gcs_no}/GCS"),
        ("gap", 4),
        ("title", "GIẤY CHỨNG SINH", 17),
        ("center", f"Quyển số: {rnd.randint(1, 9):02d}/{b.year}", 12, "italic"),
        ("gap", 8),
        ("field", "Họ và tên mẹ / Người nuôi dưỡng: ", mo.name, v),
        ("fields", [("Năm sinh: ", str(mo.birth.year)), ("Dân tộc: ", "Kinh")], v),
        ("field", "Nơi đăng ký thường trú: ", mo.address, v),
        ("field", "Số định danh cá nhân / CCCD: ", mo.cccd, v),
        ("field", "Đã sinh con vào lúc: ", f"{rnd.randint(0, 23):02d} giờ {rnd.randint(0, 59):02d} phút, {ngay(b)}", v),
        ("field", "Tại: ", x.hospital, v),
        ("fields", [("Số lần sinh: ", f"{rnd.randint(1, 3):02d}"), ("Số con hiện sống: ", f"{rnd.randint(1, 3):02d}")], v),
        ("field", "Số con trong lần sinh này: ", "01", v),
        ("fields", [("Giới tính của con: ", "Nữ" if ch.female else "Nam"),
                    ("Cân nặng: ", f"{rnd.randint(26, 39) * 100:,} gram".replace(",", "."))], v),
        ("field", "Hiện trạng sức khỏe của con: ", "Bình thường", v),
        ("field", "Dự định đặt tên con: ", ch.name, v),
        ("field", "Ghi chú: ", "Con thứ " + rnd.choice(["nhất", "hai"]) + ", sinh thường, đủ tháng", v),
        ("gap", 6),
        ("right", f"{x.agency.province}, {ngay(b + dt.timedelta(days=2))}"),
        ("signs", [{"title": "Người đỡ đẻ", "note": "(Ký, ghi rõ họ tên)", "name": x.other.name},
                   {"title": "THỦ TRƯỞNG CƠ SỞ Y TẾ", "note": "(Ký, ghi rõ họ tên, đóng dấu)",
                    "name": "BS. " + x.officer.name, "stamp": x.hospital}]),
    ]


def doc_to_khai_trich_luc(x: Ctx, rnd):
    ap, v, d = x.applicant, x.value_ink, x.received
    reg = dt.date(ap.birth.year, min(12, ap.birth.month + 1), ap.birth.day)
    return [
        ("natl",),
        ("gap", 8),
        ("title", "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", 15),
        ("gap", 6),
        ("center", f"Kính gửi: Ủy ban nhân dân {x.agency.place}, tỉnh {x.agency.province}"),
        ("gap", 8),
        ("field", "Họ, chữ đệm, tên người yêu cầu: ", ap.name, v),
        ("field", "Nơi cư trú: ", ap.address, v),
        ("field", "Giấy tờ tùy thân: ", f"Căn cước công dân số {ap.cccd}", v),
        ("field", "Quan hệ với người được cấp bản sao trích lục hộ tịch: ", "Bản thân", v),
        ("para", "Đề nghị cơ quan cấp bản sao trích lục khai sinh cho người có tên dưới đây:", 13, 0, "bold"),
        ("field", "Họ, chữ đệm, tên: ", ap.name.upper(), v),
        ("field", "Ngày, tháng, năm sinh: ", dmy(ap.birth), v),
        ("fields", [("Giới tính: ", "Nữ" if ap.female else "Nam"), ("Dân tộc: ", "Kinh"),
                    ("Quốc tịch: ", "Việt Nam")], v),
        ("field", "Nơi cư trú: ", ap.address, v),
        ("field", "Đã đăng ký khai sinh tại: ", f"Ủy ban nhân dân {x.agency.place}", v),
        ("field", "Ngày đăng ký: ", f"{dmy(reg)}, số: {rnd.randint(10, 300)}, Quyển số: 01/{reg.year}", v),
        ("field", "Số lượng bản sao đề nghị cấp: ", "02 bản", v),
        ("field", "Hình thức nhận kết quả: ", "Qua dịch vụ bưu chính công ích", v),
        ("gap", 4),
        ("para", "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
                 "về cam đoan của mình."),
        ("right", f"Làm tại: {x.agency.place}, {ngay(d - dt.timedelta(days=2))}"),
        ("signs", [None, {"title": "Người yêu cầu", "note": "(Ký, ghi rõ họ, chữ đệm, tên)", "name": ap.name}]),
    ]


def doc_hop_dong_thue_nha(x: Ctx, rnd):
    a, b = x.other, x.applicant
    signed = x.received - dt.timedelta(days=rnd.randint(15, 40))
    start = dt.date(signed.year, signed.month, 1) + dt.timedelta(days=31)
    start = dt.date(start.year, start.month, 1)
    rent = rnd.choice([4_500_000, 5_000_000, 6_500_000, 7_200_000])

    def party(title, p):
        return [("para", title, 13, 0, "bold"),
                ("field", "Ông/Bà: ", p.name),
                ("fields", [("Sinh năm: ", str(p.birth.year)), ("CCCD số: ", p.cccd)]),
                ("field", "Địa chỉ thường trú: ", p.address)]

    words = {4_500_000: "Bốn triệu năm trăm nghìn đồng", 5_000_000: "Năm triệu đồng",
             6_500_000: "Sáu triệu năm trăm nghìn đồng", 7_200_000: "Bảy triệu hai trăm nghìn đồng"}[rent]
    rent_s = f"{rent:,}".replace(",", ".")
    return [
        ("natl",),
        ("gap", 6),
        ("title", "HỢP ĐỒNG THUÊ NHÀ Ở", 16),
        ("gap", 6),
        ("para", "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;", 13, 10, "italic"),
        ("para", "Căn cứ Luật Nhà ở số 27/2023/QH15 ngày 27 tháng 11 năm 2023;", 13, 10, "italic"),
        ("para", "Căn cứ nhu cầu và khả năng thực tế của các bên,", 13, 10, "italic"),
        ("para", f"Hôm nay, {ngay(signed)}, tại {x.agency.place}, tỉnh {x.agency.province}, chúng tôi gồm có:"),
        *party("BÊN CHO THUÊ (sau đây gọi là Bên A):", a),
        *party("BÊN THUÊ (sau đây gọi là Bên B):", b),
        ("para", "Hai bên thỏa thuận ký kết hợp đồng thuê nhà ở với các điều khoản sau đây:"),
        ("para", "Điều 1. Đối tượng của hợp đồng", 13, 0, "bold"),
        ("para", f"Bên A đồng ý cho Bên B thuê toàn bộ căn nhà tại địa chỉ {a.address}, diện tích sử dụng "
                 f"{rnd.randint(55, 120)} m², gồm 02 phòng ngủ, 01 phòng khách, 01 bếp và 02 nhà vệ sinh, "
                 "cùng các trang thiết bị kèm theo được liệt kê tại Phụ lục của hợp đồng này."),
        ("para", "Điều 2. Giá thuê và phương thức thanh toán", 13, 0, "bold"),
        ("para", f"Giá thuê nhà là {rent_s} đồng/tháng (Bằng chữ: {words}). Giá thuê này đã bao gồm các khoản "
                 "thuế theo quy định nhưng chưa bao gồm chi phí điện, nước, internet."),
        ("para", "Bên B thanh toán tiền thuê nhà theo định kỳ 03 tháng một lần, trong năm ngày đầu tiên của kỳ "
                 "thanh toán, bằng tiền mặt hoặc chuyển khoản vào tài khoản do Bên A chỉ định."),
        ("para", f"Bên B đặt cọc cho Bên A số tiền {2 * rent:,} đồng để bảo đảm thực hiện hợp đồng; khoản tiền "
                 "này được hoàn trả khi hợp đồng chấm dứt.".replace(",", ".")),
        ("para", "Điều 3. Thời hạn thuê", 13, 0, "bold"),
        ("para", f"Thời hạn thuê là 24 tháng, kể từ {ngay(start)}. Khi hết hạn, nếu Bên B có nhu cầu tiếp tục "
                 "thuê thì hai bên thỏa thuận gia hạn bằng văn bản."),
        ("para", "Điều 4. Quyền và nghĩa vụ của Bên A", 13, 0, "bold"),
        ("para", "a) Giao nhà và trang thiết bị kèm theo cho Bên B đúng thời hạn đã thỏa thuận.", 13, 5),
        ("para", "b) Bảo đảm quyền sử dụng ổn định nhà cho Bên B trong thời hạn thuê.", 13, 5),
        ("para", "c) Bảo dưỡng, sửa chữa nhà theo định kỳ hoặc theo thỏa thuận; nếu Bên A không sửa chữa thì Bên B "
                 "được quyền tự sửa chữa và trừ vào tiền thuê.", 13, 5),
        ("para", "d) Được nhận đủ tiền thuê nhà theo đúng kỳ hạn đã thỏa thuận.", 13, 5),
        ("para", "Điều 5. Quyền và nghĩa vụ của Bên B", 13, 0, "bold"),
        ("para", "a) Sử dụng nhà đúng mục đích để ở, giữ gìn nhà và có trách nhiệm sửa chữa những hư hỏng do mình "
                 "gây ra.", 13, 5),
        ("para", "b) Trả đủ tiền thuê nhà đúng thời hạn đã thỏa thuận.", 13, 5),
        ("para", "c) Không được cho thuê lại, chuyển nhượng quyền thuê nếu không có sự đồng ý bằng văn bản của "
                 "Bên A.", 13, 5),
        ("para", "d) Chấp hành các quy định về giữ gìn vệ sinh môi trường, an ninh trật tự và phòng cháy, chữa "
                 "cháy tại khu vực cư trú.", 13, 5),
        ("para", "đ) Trả lại nhà cho Bên A khi hết thời hạn thuê trong tình trạng như khi nhận, trừ hao mòn tự "
                 "nhiên.", 13, 5),
        ("para", "Điều 6. Đơn phương chấm dứt hợp đồng", 13, 0, "bold"),
        ("para", "Bên nào muốn đơn phương chấm dứt hợp đồng trước thời hạn phải thông báo cho bên kia biết trước "
                 "ít nhất 30 ngày. Trường hợp vi phạm nghĩa vụ thông báo mà gây thiệt hại thì phải bồi thường theo "
                 "quy định của pháp luật."),
        ("para", "Điều 7. Giải quyết tranh chấp", 13, 0, "bold"),
        ("para", "Trong quá trình thực hiện hợp đồng, nếu phát sinh tranh chấp, các bên cùng nhau thương lượng giải "
                 "quyết trên tinh thần hòa giải, tôn trọng quyền lợi của nhau. Trường hợp không thương lượng được "
                 "thì một trong hai bên có quyền yêu cầu Tòa án nhân dân có thẩm quyền giải quyết."),
        ("para", "Điều 8. Cam kết của các bên", 13, 0, "bold"),
        ("para", "Các bên cam kết những thông tin đã ghi trong hợp đồng này là đúng sự thật; việc giao kết hợp đồng "
                 "là hoàn toàn tự nguyện, không bị lừa dối hoặc ép buộc."),
        ("para", "Hợp đồng này được lập thành 02 bản, mỗi bên giữ 01 bản, có giá trị pháp lý như nhau và có hiệu "
                 "lực kể từ ngày ký."),
        ("gap", 6),
        ("signs", [{"title": "BÊN CHO THUÊ", "note": "(Ký, ghi rõ họ tên)", "name": a.name, "ink": "blue"},
                   {"title": "BÊN THUÊ", "note": "(Ký, ghi rõ họ tên)", "name": b.name, "ink": "blue"}]),
    ]


def doc_phieu_tiep_nhan(x: Ctx, rnd):
    p = PROCEDURES[x.proc]
    ap = x.applicant
    due = add_working_days(x.received, p["due_days"])
    return [
        ("natl", agency_header(x), f"Số: {x.seq:04d}/TN"),
        ("gap", 4),
        ("title", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 14),
        ("center", f"Mã hồ sơ: {x.code}", 13, "bold"),
        ("gap", 8),
        ("para", f"Bộ phận tiếp nhận và trả kết quả {x.agency.name.replace('UBND', 'Ủy ban nhân dân')} đã tiếp "
                 "nhận hồ sơ của:"),
        ("field", "Ông/Bà: ", ap.name),
        ("field", "Địa chỉ: ", ap.address),
        ("field", "Số điện thoại: ", f"09{rnd.randint(10, 99)} {rnd.randint(100, 999)} {rnd.randint(100, 999)}"),
        ("field", "Nội dung yêu cầu giải quyết: ", p["name"]),
        ("para", "Thành phần hồ sơ nộp gồm: theo danh mục thành phần hồ sơ của thủ tục hành chính đã được công "
                 "bố; số lượng hồ sơ: 01 bộ."),
        ("field", "Thời gian nhận hồ sơ: ", f"{rnd.randint(7, 10):02d} giờ {rnd.randint(0, 59):02d} phút, "
                                            f"{dmy(x.received)}"),
        ("field", "Thời gian trả kết quả giải quyết hồ sơ: ", f"{dmy(due)}"),
        ("field", "Nhận kết quả tại: ", f"Bộ phận Một cửa {x.agency.place}"),
        ("gap", 6),
        ("signs", [{"title": "NGƯỜI NỘP HỒ SƠ", "note": "(Ký và ghi rõ họ tên)", "name": ap.name},
                   {"title": "NGƯỜI TIẾP NHẬN HỒ SƠ", "note": "(Ký và ghi rõ họ tên)", "name": x.officer.name}]),
    ]


def doc_don_dang_ky_dat(x: Ctx, rnd):
    ap, v = x.applicant, x.value_ink
    since = rnd.randint(1990, 2010)
    honor = "Bà" if ap.female else "Ông"
    return [
        ("tag", "Mẫu số 15"),
        ("natl",),
        ("gap", 4),
        ("title", "ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT", 14),
        ("center", f"Kính gửi: Văn phòng đăng ký đất đai tỉnh {x.agency.province}"),
        ("gap", 6),
        ("para", "I. PHẦN KÊ KHAI CỦA NGƯỜI ĐĂNG KÝ", 13, 0, "bold"),
        ("para", "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", 13, 0, "bold"),
        ("field", "1.1. Tên: ", f"{honor} {ap.name.upper()}", v),
        ("field", "1.2. Giấy tờ nhân thân: ", f"CCCD số {ap.cccd}", v),
        ("field", "1.3. Địa chỉ thường trú: ", ap.address, v),
        ("para", "2. Đề nghị", 13, 0, "bold"),
        ("fields", [("2.1. Đăng ký: ", "Quyền sử dụng đất"), ("2.2. Cấp Giấy chứng nhận: ", "Có")], v),
        ("para", "3. Thửa đất đăng ký", 13, 0, "bold"),
        ("fields", [("3.1. Thửa đất số: ", str(x.parcel)), ("3.2. Tờ bản đồ số: ", str(x.sheet))], v),
        ("field", "3.3. Địa chỉ tại: ", f"{x.agency.villages[0]}, {x.agency.place}, tỉnh {x.agency.province}", v),
        ("field", "3.4. Diện tích: ", f"{area_s(x.area)} m²; sử dụng chung: 0 m²; sử dụng riêng: {area_s(x.area)} m²", v),
        ("field", "3.5. Sử dụng vào mục đích: ", f"Đất ở tại nông thôn (ONT), từ thời điểm: năm {since}", v),
        ("field", "3.6. Thời hạn đề nghị được sử dụng đất: ", "Lâu dài", v),
        ("field", "3.7. Nguồn gốc sử dụng: ", f"Nhận chuyển nhượng quyền sử dụng đất năm {since + 5}", v),
        ("para", "4. Tài sản gắn liền với đất", 13, 0, "bold"),
        ("field", "4.1. Loại tài sản: ", "Nhà ở riêng lẻ", v),
        ("fields", [("4.2. Diện tích xây dựng: ", f"{area_s(x.area * 0.6)} m²"), ("Số tầng: ", "01")], v),
        ("field", "4.3. Kết cấu: ", "Tường gạch, mái tôn, nền lát gạch men", v),
        ("para", "5. Giấy tờ nộp kèm theo", 13, 0, "bold"),
        ("para", "- Hợp đồng chuyển nhượng quyền sử dụng đất có công chứng;", 13, 5),
        ("para", f"- Bản trích đo địa chính thửa đất số {x.parcel}, tờ bản đồ số {x.sheet};", 13, 5),
        ("para", "- Biên lai nộp thuế sử dụng đất phi nông nghiệp các năm gần nhất.", 13, 5),
        ("para", "Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi hoàn toàn chịu trách "
                 "nhiệm trước pháp luật."),
        ("right", f"{x.agency.place}, {ngay(x.received - dt.timedelta(days=3))}"),
        ("signs", [None, {"title": "Người viết đơn", "note": "(Ký, ghi rõ họ tên)", "name": ap.name}]),
        ("para", "II. XÁC NHẬN CỦA ỦY BAN NHÂN DÂN CẤP XÃ", 13, 0, "bold"),
        ("para", "Nội dung kê khai so với hiện trạng: Đúng với hiện trạng sử dụng đất.", 13, 5),
        ("para", f"Nguồn gốc sử dụng đất: Nhận chuyển nhượng, sử dụng ổn định từ năm {since}.", 13, 5),
        ("para", "Tình trạng tranh chấp đất đai, tài sản gắn liền với đất: Không có tranh chấp.", 13, 5),
        ("para", "Sự phù hợp với quy hoạch sử dụng đất: Phù hợp với quy hoạch đã được phê duyệt.", 13, 5),
        ("signs", [{"title": "Công chức địa chính", "note": "(Ký, ghi rõ họ tên)", "name": x.officer.name},
                   {"title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "name": x.chairman.name,
                    "stamp": ubnd_stamp(x)}]),
    ]


def doc_hop_dong_chuyen_nhuong(x: Ctx, rnd):
    a, b = x.other, x.applicant
    price = rnd.randint(8, 40) * 100_000_000
    price_s = f"{price:,}".replace(",", ".")
    signed = x.transfer_signed
    arts = [
        ("Điều 1. Quyền sử dụng đất chuyển nhượng",
         f"Quyền sử dụng đất chuyển nhượng là thửa đất số {x.parcel}, tờ bản đồ số {x.sheet}, diện tích "
         f"{area_s(x.area)} m², mục đích sử dụng: đất ở tại nông thôn, thời hạn sử dụng: lâu dài, tại "
         f"{x.agency.villages[0]}, {x.agency.place}, tỉnh {x.agency.province}."),
        ("Điều 2. Giá chuyển nhượng và phương thức thanh toán",
         f"Giá chuyển nhượng quyền sử dụng đất nêu tại Điều 1 là {price_s} đồng. Bên B thanh toán cho Bên A toàn "
         "bộ số tiền trên một lần ngay sau khi hợp đồng được công chứng; việc giao nhận tiền do hai bên tự thực "
         "hiện và chịu trách nhiệm trước pháp luật."),
        ("Điều 3. Việc giao và đăng ký quyền sử dụng đất",
         "Bên A có nghĩa vụ giao thửa đất nêu tại Điều 1 cùng toàn bộ giấy tờ về quyền sử dụng đất cho Bên B "
         "ngay sau khi ký hợp đồng. Bên B có nghĩa vụ thực hiện đăng ký biến động đất đai tại cơ quan có thẩm "
         "quyền theo quy định của pháp luật."),
        ("Điều 4. Trách nhiệm nộp thuế, phí và lệ phí",
         "Thuế thu nhập cá nhân do Bên A chịu trách nhiệm nộp; lệ phí trước bạ, phí công chứng và các chi phí "
         "khác liên quan đến việc đăng ký do Bên B chịu trách nhiệm nộp."),
        ("Điều 5. Phương thức giải quyết tranh chấp",
         "Trong quá trình thực hiện hợp đồng, nếu phát sinh tranh chấp, các bên cùng nhau thương lượng giải "
         "quyết; trường hợp không giải quyết được thì một trong các bên có quyền khởi kiện tại Tòa án nhân dân "
         "có thẩm quyền."),
        ("Điều 6. Cam đoan của các bên",
         "Bên A cam đoan thửa đất không có tranh chấp, không bị kê biên để bảo đảm thi hành án và còn trong thời "
         "hạn sử dụng đất. Bên B cam đoan đã xem xét kỹ, biết rõ về thửa đất và các giấy tờ về quyền sử dụng đất."),
        ("Điều 7. Điều khoản cuối cùng",
         "Hai bên đã hiểu rõ quyền, nghĩa vụ, lợi ích hợp pháp của mình và hậu quả pháp lý của việc giao kết hợp "
         "đồng này; hai bên đã tự đọc lại hợp đồng, đồng ý toàn bộ nội dung và ký tên dưới đây."),
    ]
    blocks = [("natl",), ("gap", 6), ("title", "HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT", 15), ("gap", 6),
              ("para", f"Hôm nay, {ngay(signed)}, tại Văn phòng công chứng {x.agency.place.split(' ', 1)[1]}, "
                       "chúng tôi gồm có:"),
              ("para", "BÊN CHUYỂN NHƯỢNG (sau đây gọi là Bên A):", 13, 0, "bold"),
              ("field", "Ông/Bà: ", a.name), ("fields", [("Sinh năm: ", str(a.birth.year)), ("CCCD số: ", a.cccd)]),
              ("field", "Địa chỉ thường trú: ", a.address),
              ("para", "BÊN NHẬN CHUYỂN NHƯỢNG (sau đây gọi là Bên B):", 13, 0, "bold"),
              ("field", "Ông/Bà: ", b.name), ("fields", [("Sinh năm: ", str(b.birth.year)), ("CCCD số: ", b.cccd)]),
              ("field", "Địa chỉ thường trú: ", b.address),
              ("para", "Hai bên đồng ý thực hiện việc chuyển nhượng quyền sử dụng đất với các thỏa thuận sau đây:")]
    for t, body in arts:
        blocks += [("para", t, 13, 0, "bold"), ("para", body)]
    blocks += [("gap", 6),
               ("signs", [{"title": "BÊN A", "note": "(Ký, ghi rõ họ tên)", "name": a.name, "ink": "black"},
                          {"title": "BÊN B", "note": "(Ký, ghi rõ họ tên)", "name": b.name, "ink": "black"}]),
               ("break",),
               ("title", "LỜI CHỨNG CỦA CÔNG CHỨNG VIÊN", 13),
               ("para", f"{ngay(signed).capitalize()}, tại Văn phòng công chứng {x.agency.place.split(' ', 1)[1]}, "
                        f"tỉnh {x.agency.province}, tôi, công chứng viên ký tên dưới đây, chứng nhận: hợp đồng "
                        "chuyển nhượng quyền sử dụng đất được giao kết giữa Bên A và Bên B; các bên đã tự nguyện "
                        "thỏa thuận giao kết hợp đồng, có năng lực hành vi dân sự phù hợp theo quy định của pháp "
                        "luật; mục đích, nội dung của hợp đồng không vi phạm pháp luật, không trái đạo đức xã hội."),
               ("para", f"Số công chứng: {rnd.randint(100, 4000)}, quyển số {rnd.randint(1, 12):02d}/"
                        f"{signed.year} TP/CC-SCC/HĐGD."),
               ("signs", [None, {"title": "CÔNG CHỨNG VIÊN", "name": x.chairman.name, "ink": "black",
                                 "stamp": f"VĂN PHÒNG CÔNG CHỨNG {x.agency.place.split(' ', 1)[1]}"}])]
    return blocks


def doc_giay_uy_quyen(x: Ctx, rnd):
    a, b = x.applicant, x.other
    d = x.received - dt.timedelta(days=rnd.randint(2, 9))
    return [
        ("natl",), ("gap", 6), ("title", "GIẤY ỦY QUYỀN", 16), ("gap", 6),
        ("para", "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;", 13, 10, "italic"),
        ("para", f"Hôm nay, {ngay(d)}, tại {x.agency.place}, tỉnh {x.agency.province}, chúng tôi gồm:"),
        ("para", "BÊN ỦY QUYỀN:", 13, 0, "bold"),
        ("field", "Họ và tên: ", a.name), ("fields", [("Ngày sinh: ", dmy(a.birth)), ("CCCD số: ", a.cccd)]),
        ("field", "Địa chỉ thường trú: ", a.address),
        ("para", "BÊN NHẬN ỦY QUYỀN:", 13, 0, "bold"),
        ("field", "Họ và tên: ", b.name), ("fields", [("Ngày sinh: ", dmy(b.birth)), ("CCCD số: ", b.cccd)]),
        ("field", "Địa chỉ thường trú: ", b.address),
        ("para", "1. Nội dung ủy quyền", 13, 0, "bold"),
        ("para", f"Bên nhận ủy quyền được thay mặt Bên ủy quyền liên hệ với Ủy ban nhân dân {x.agency.place} để "
                 "nộp hồ sơ, bổ sung giấy tờ theo yêu cầu của cơ quan giải quyết, nộp phí, lệ phí và nhận kết quả "
                 "giải quyết thủ tục hành chính."),
        ("para", "2. Thời hạn ủy quyền", 13, 0, "bold"),
        ("para", "Kể từ ngày ký giấy ủy quyền này cho đến khi hoàn thành công việc được ủy quyền."),
        ("para", "3. Cam kết", 13, 0, "bold"),
        ("para", "Bên ủy quyền chịu trách nhiệm trước pháp luật về mọi công việc do Bên nhận ủy quyền thực hiện "
                 "trong phạm vi ủy quyền. Bên nhận ủy quyền thực hiện đúng nội dung được ủy quyền, không ủy quyền "
                 "lại cho người khác."),
        ("gap", 6),
        ("signs", [{"title": "BÊN NHẬN ỦY QUYỀN", "note": "(Ký, ghi rõ họ tên)", "name": b.name},
                   {"title": "BÊN ỦY QUYỀN", "note": "(Ký, ghi rõ họ tên)", "name": a.name}]),
        ("title", "CHỨNG THỰC CHỮ KÝ", 13),
        ("para", f"{ngay(d).capitalize()}, tại Ủy ban nhân dân {x.agency.place}, tỉnh {x.agency.province}, "
                 f"tôi, {x.chairman.name}, Phó Chủ tịch Ủy ban nhân dân {x.agency.place}, chứng thực: "
                 f"{'Bà' if a.female else 'Ông'} {a.name} đã ký vào giấy ủy quyền này trước mặt tôi."),
        ("para", f"Số chứng thực: {rnd.randint(100, 900)}, quyển số 01/{d.year}-SCT/CK,ĐC."),
        ("signs", [None, {"title": "NGƯỜI THỰC HIỆN CHỨNG THỰC", "name": x.chairman.name,
                          "stamp": ubnd_stamp(x)}]),
    ]


DOCS = {
    "to_khai_khai_sinh": (doc_to_khai_khai_sinh, "generic", False),
    "giay_chung_sinh": (doc_giay_chung_sinh, "generic", False),
    "to_khai_trich_luc": (doc_to_khai_trich_luc, "generic", False),
    "hop_dong_thue_nha": (doc_hop_dong_thue_nha, "equipment", True),
    "phieu_tiep_nhan": (doc_phieu_tiep_nhan, "generic", False),
    "don_dang_ky_dat": (doc_don_dang_ky_dat, "generic", True),
    "hop_dong_chuyen_nhuong": (doc_hop_dong_chuyen_nhuong, "generic", True),
    "giay_uy_quyen": (doc_giay_uy_quyen, "generic", True),
    "cccd_copy": (lambda x, rnd: [("page", page_cccd_copy(x))], "generic", False),
    "trich_do": (lambda x, rnd: [("page", page_trich_do(x))], "generic", False),
}


def build_doc(kind: str, x: Ctx, n_pages: int, fonts: Fonts, dpi: int, rng, rnd) -> list[Canvas]:
    fn, filler, numbered = DOCS[kind]
    return render_doc(fn(x, rnd), n_pages, lambda: Canvas(fonts, dpi), rng, rnd, filler, numbered)


def make_certified_copies(pages: list[Canvas], x: Ctx, rng) -> list[Canvas]:
    """'Bản sao' of a document: same pages, plus the copy stamp and the certification stamp on the last one."""
    out = []
    for i, p in enumerate(pages):
        c = p.copy()
        draw_rect_stamp(c, c.right - c.mm(45), c.mm(6), ["BẢN SAO"], rng, size=14)
        if i == len(pages) - 1:
            draw_rect_stamp(c, c.left, c.bottom - c.mm(55),
                            ["CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH",
                             f"Số chứng thực: {rng.integers(100, 2000)}  Quyển số: 01/{x.received.year}-SCT/BS",
                             f"{ngay(x.received).capitalize()}"], rng, size=10)
            draw_signature(c, c.left + c.mm(95), c.bottom - c.mm(40), c.mm(35), c.mm(14), rng)
            draw_round_stamp(c, c.left + c.mm(95), c.bottom - c.mm(30), c.mm(17), ubnd_stamp(x), rng)
        out.append(c)
    return out
