"""The administrative world of a case: agencies, procedures, people, CCCD numbers, working days.
Ctx gathers everything one case's documents and register row talk about."""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import sys
from dataclasses import dataclass

from .text import nfc

# samples/rules: the working-day calendar and the procedure rule files sohoa's audit reads too
RULES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rules")


MALE = ["Nguyễn Văn An", "Lê Hoàng Đức", "Trần Quốc Bảo", "Phạm Minh Tuấn", "Hoàng Văn Dũng",
        "Vũ Đức Thắng", "Đặng Quang Huy", "Bùi Tiến Dũng", "Đỗ Mạnh Hùng", "Ngô Thanh Sơn",
        "Huỳnh Tấn Lộc", "Phan Văn Khải", "Dương Minh Trí", "Lý Quốc Việt"]
FEMALE = ["Trần Thị Bình", "Phạm Thị Thu Hằng", "Nguyễn Thị Mai", "Lê Thị Hồng Nhung", "Hoàng Thị Lan",
          "Đỗ Thị Ngọc Ánh", "Vũ Thị Hương", "Bùi Thị Thảo", "Đặng Thị Kim Oanh", "Ngô Thị Phương Thảo",
          "Trần Thị Lan", "Võ Thị Yến", "Huỳnh Thị Tuyết", "Phan Thị Diệu Linh"]
CHILD_MIDDLE = ["Minh", "Gia", "Bảo", "Ngọc", "Anh", "Khánh", "Hoài", "Thanh"]
CHILD_BOY = ["Khôi", "Huy", "Nam", "Phúc", "Long", "Quân", "Đăng", "Khang"]
CHILD_GIRL = ["Hân", "Vy", "Linh", "An", "Ngân", "Trâm", "Nhi", "Thư"]

# CCCD province codes (birth registration place), see domain.md §8.3
CCCD_PROVINCES = ["001", "025", "017", "068", "079", "048", "031", "038", "040", "075", "092"]


@dataclass
class Agency:
    code: str           # mã định danh, ^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$
    name: str           # for the register 'Cơ quan'
    place: str          # "xã Tân Hòa"
    province: str       # "Phú Thọ"
    archive: str        # mã cơ quan lưu trữ prefix for 'Mã hồ sơ giấy'
    villages: list

    @property
    def c1(self):
        return self.code.split(".")[-1]


AGENCIES = {
    "tanhoa": Agency("000.00.15.H12", "UBND xã Tân Hòa", "xã Tân Hòa", "Phú Thọ", "H12",
                     ["Xóm Đồng Bến", "Xóm Bãi Cả", "Xóm Tân Lập", "Xóm Đồi Cọ"]),
    "hiepthanh": Agency("000.00.23.H36", "UBND xã Hiệp Thạnh", "xã Hiệp Thạnh", "Lâm Đồng", "H36",
                        ["Thôn Phú Thạnh", "Thôn Bồng Lai", "Thôn Quảng Hiệp", "Thôn Ninh Thiện"]),
    "honggai": Agency("000.00.04.H49", "UBND phường Hồng Gai", "phường Hồng Gai", "Quảng Ninh", "H49",
                      ["Tổ 3, khu 2", "Tổ 5, khu 4", "Tổ 1, khu 6", "Tổ 7, khu 1"]),
    "vpdkdd": Agency("000.00.21.H36", "Văn phòng đăng ký đất đai tỉnh Lâm Đồng", "xã Hiệp Thạnh", "Lâm Đồng",
                     "H36", ["Thôn Phú Thạnh", "Thôn Bồng Lai", "Thôn Quảng Hiệp", "Thôn Ninh Thiện"]),
}


@dataclass
class Person:
    name: str
    female: bool
    birth: dt.date
    cccd: str
    address: str


def make_cccd(rnd: random.Random, birth_year: int, female: bool, province: str | None = None) -> str:
    """12-digit CCCD: province(3) + century/gender(1) + yy(2) + random(6)."""
    prov = province or rnd.choice(CCCD_PROVINCES)
    century = (birth_year - 1900) // 100
    d4 = 2 * century + (1 if female else 0)
    return f"{prov}{d4}{birth_year % 100:02d}{rnd.randrange(10**6):06d}"


def make_person(rnd, agency: Agency, name=None, female=None, year=None, province=None) -> Person:
    if name is None:
        female = rnd.random() < 0.5 if female is None else female
        name = rnd.choice(FEMALE if female else MALE)
    if female is None:
        female = " Thị " in f" {name} "
    year = year or rnd.randint(1958, 2002)
    birth = dt.date(year, rnd.randint(1, 12), rnd.randint(1, 28))
    addr = f"{rnd.choice(agency.villages)}, {agency.place}, tỉnh {agency.province}"
    return Person(nfc(name), female, birth, make_cccd(rnd, year, female, province), nfc(addr))


def _toml(name: str) -> dict:
    try:
        import tomllib
    except ImportError:  # pragma: no cover
        sys.exit("error: the generator needs Python 3.11 or newer (tomllib) to read samples/rules")
    with open(os.path.join(RULES_DIR, name), "rb") as fh:
        return tomllib.load(fh)


@dataclass
class Calendar:
    weekend: set        # weekday numbers (Monday = 0)
    holidays: set       # dt.date
    working: set        # dt.date: weekend days that are working days (làm bù)


@functools.lru_cache(maxsize=None)
def calendar() -> Calendar:
    """samples/rules/calendar.toml: weekend days, public holidays and make-up working days."""
    c = _toml("calendar.toml")
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return Calendar({days.index(w.lower()) for w in c.get("weekend", [])},
                    {dt.date.fromisoformat(d) for d in c.get("holidays", [])},
                    {dt.date.fromisoformat(d) for d in c.get("working_days", [])})


def is_working_day(d: dt.date) -> bool:
    c = calendar()
    return d in c.working or (d.weekday() not in c.weekend and d not in c.holidays)


def add_working_days(d: dt.date, n: int) -> dt.date:
    """The n-th working day after d (n = 0: d itself if it is a working day, else the next one), by
    calendar.toml: weekends and holidays skipped, make-up days counted, as sohoa's audit counts."""
    if n == 0:
        while not is_working_day(d):
            d += dt.timedelta(days=1)
        return d
    while n > 0:
        d += dt.timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


PROCEDURES = {
    "khai_sinh": dict(code="1.001193", name="Đăng ký khai sinh", field="Hộ tịch", retention="01", mode="02",
                      due_days=3),
    "chung_thuc": dict(code="2.000815", name="Chứng thực bản sao từ bản chính", field="Chứng thực",
                       retention="06", mode="01", due_days=1),
    "dat_dai": dict(code="1.013978.H36",
                    name="Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
                    field="Đất đai", retention="01", mode="02", due_days=17),
    "trich_luc": dict(code="2.000635", name="Cấp bản sao trích lục hộ tịch", field="Hộ tịch", retention="01",
                      mode="02", due_days=1),
}


@functools.lru_cache(maxsize=None)
def statutory_days(proc: str) -> int:
    """Time limit in working days from the procedure's rule file (samples/rules/<code>.toml), the
    limit the audit checks 'Ngày hẹn trả' against; due_days above is what the curated cases use."""
    code = ".".join(PROCEDURES[proc]["code"].split(".")[:2])
    return int(_toml(f"{code}.toml").get("time_limit", PROCEDURES[proc]["due_days"]))


class Ctx:
    """Everything the documents of one case talk about."""

    def __init__(self, rnd: random.Random, proc: str, agency: Agency, received: dt.date, seq: int, **over):
        self.proc, self.agency, self.received, self.seq = proc, agency, received, seq
        self.code = f"{agency.code}-{received:%y%m%d}-{seq:04d}"
        self.value_ink = over.pop("value_ink", "blue")
        if proc in ("khai_sinh",):
            fa = make_person(rnd, agency, over.pop("father", None), False, rnd.randint(1985, 1999))
            mo = make_person(rnd, agency, over.pop("mother", None), True, rnd.randint(1988, 2001))
            mo.address = fa.address
            girl = over.pop("child_female", rnd.random() < 0.5)
            cname = over.pop("child", None) or (fa.name.split()[0] + " " + rnd.choice(CHILD_MIDDLE) + " "
                                                + rnd.choice(CHILD_GIRL if girl else CHILD_BOY))
            born = received - dt.timedelta(days=rnd.randint(10, 50))
            self.child = Person(nfc(cname), girl, born, "", fa.address)
            self.father, self.mother = fa, mo
            self.applicant = fa if over.pop("applicant_is_father", True) else mo
        else:
            self.applicant = make_person(rnd, agency, over.pop("applicant", None))
        self.other = make_person(rnd, agency)      # counter-party / witness
        if self.other.name == self.applicant.name:
            self.other = make_person(rnd, agency, rnd.choice(MALE + FEMALE))
        self.officer = make_person(rnd, agency)
        self.chairman = make_person(rnd, agency)
        self.hospital = f"Bệnh viện Đa khoa tỉnh {agency.province}"
        self.parcel = over.pop("parcel", rnd.randint(30, 480))
        self.sheet = over.pop("sheet", rnd.randint(3, 42))
        self.area = over.pop("area", round(rnd.uniform(80, 420), 1))
        self.gcs_no = rnd.randint(100, 2400)
        self.transfer_signed = dt.date(received.year - rnd.randint(1, 8), rnd.randint(1, 12), rnd.randint(1, 28))
        for k, v in over.items():
            setattr(self, k, v)

    # ---- register fields
    def title(self) -> str:
        a = self.applicant.name
        return nfc({
            "khai_sinh": lambda: f"Hồ sơ đăng ký khai sinh cho {self.child.name}",
            "chung_thuc": lambda: f"Hồ sơ chứng thực bản sao từ bản chính Hợp đồng thuê nhà ở của {a}",
            "dat_dai": lambda: (f"Hồ sơ đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu thửa đất số "
                                f"{self.parcel}, tờ bản đồ số {self.sheet} của {a}"),
            "trich_luc": lambda: f"Hồ sơ cấp bản sao trích lục khai sinh cho {a}",
        }[self.proc]())
