#!/usr/bin/env python3
"""Load benchmark of `sohoa serve`: search and case pages on a generated archive.

    python3 scripts/bench-web.py [--cases 100000] [--seconds 20] [--connections 8]

1. Generates an archive of N cases (target/bench-web/archive-N, kept for the next run): each
   bag has the case record and events of a real sohoa bag (tests/fixtures/archive-v0.1),
   varied per case (codes, names, agencies, sectors, procedures, dates, access modes) and
   three pages of OCR text; no PDF (the pages measured do not read it).
2. `sohoa reindex`, then `sohoa serve` (release build) on loopback.
3. Signs in (archivist, and reader for the access-filtered search), then wrk with a Lua
   script cycling over URL lists: search pages (words with and without diacritics, a phrase,
   a case code, the tail of a receipt number, facet filters, a date range, browsing, page 3)
   and case pages (random cases). wrk's latency histogram gives p50/p95/p99.
Prints a table and writes target/bench-web/results.json. Target (issue 15): p95 < 100 ms.
"""

import argparse
import datetime
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOHOA = ROOT / "target" / "release" / "sohoa"
TEMPLATE = ROOT / "tests" / "fixtures" / "archive-v0.1" / "bags" / "000.00.15.H12-260708-0001"
PASSWORD = "mật khẩu đo tải 2026"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Đức", "Thu", "Hoài", "Kim", "Xuân"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hùng", "Khôi", "Lan", "Linh", "Lộc", "Mai", "Nam", "Ngân", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Tuấn", "Uyên", "Việt", "Yến"]
PLACES = ["xã Tân Hòa", "phường Hồng Gai", "xã Yên Lạc", "phường Bến Thành", "xã Đông Hưng", "thị trấn Phú Mỹ", "phường Lê Lợi", "xã Hòa Bình"]
PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
    ("1.000656", "Đăng ký kết hôn", "Hộ tịch"),
    ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực"),
    ("1.013978.H36", "Đăng ký đất đai lần đầu", "Đất đai"),
    ("1.004227", "Cấp giấy phép xây dựng", "Xây dựng"),
    ("2.001023", "Đăng ký hộ kinh doanh", "Thành lập và hoạt động doanh nghiệp"),
]
AGENCIES = [(f"000.00.{15 + i:02d}.H{12 + i:02d}", f"UBND {p}") for i, p in enumerate(PLACES)]
WORDS = ("hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất thửa số tờ bản đồ diện tích "
         "mục đích sử dụng đất ở thời hạn sử dụng lâu dài nguồn gốc sử dụng nhà nước giao "
         "đăng ký khai sinh họ và tên ngày tháng năm sinh nơi sinh quốc tịch dân tộc cha mẹ "
         "kết hôn hộ kinh doanh vốn kinh doanh ngành nghề địa điểm giấy phép xây dựng công trình "
         "chứng thực bản sao hợp đồng thuê nhà ở bên cho thuê bên thuê giá thuê").split()


def name(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def page_text(rng, who, place):
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 260)))
    return (f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
            f"Họ và tên: {who}\nĐịa chỉ: {place}\n{body}\n")


def generate(archive, n):
    done = archive / ".complete"
    if done.exists():
        return
    if archive.exists():
        shutil.rmtree(archive)
    record = json.loads((TEMPLATE / "data" / "metadata.json").read_text(encoding="utf-8"))
    events = (TEMPLATE / "data" / "events.json").read_bytes()
    page = record["pages"][0]
    rng = random.Random(20261205)
    t0 = time.time()
    for i in range(n):
        agency, agency_name = AGENCIES[i % len(AGENCIES)]
        code, proc, sector = PROCEDURES[rng.randrange(len(PROCEDURES))]
        # 8 agencies, 100 cases per agency on a day, a day a week from 2023.
        k = i // len(AGENCIES)
        d = datetime.date(2023, 1, 2) + datetime.timedelta(days=7 * (k // 100))
        year, month, day = d.year, d.month, d.day
        case_id = f"{agency}-{year % 100:02d}{month:02d}{day:02d}-{k % 100 + 1:04d}"
        who = name(rng)
        place = PLACES[i % len(PLACES)]
        r = json.loads(json.dumps(record))
        r["case_id"] = case_id
        c = r["case"]
        c.update(case_code=case_id, procedure_code=code, procedure_name=proc, sector=sector,
                 agency_code=agency, agency_name=agency_name, applicant_name=who,
                 applicant_id=f"0{rng.randrange(10**10, 10**11)}",
                 received_date=f"{year}-{month:02d}-{day:02d}T08:00:00+07:00",
                 resolved_date=(d + datetime.timedelta(days=3)).isoformat(),
                 returned_date=(d + datetime.timedelta(days=3)).isoformat())
        r["hoso"].update(arcFileCode=case_id, title=f"Hồ sơ {proc.lower()} của {who}",
                         mode=["01", "01", "02", "03"][i % 4], numberOfPage=3)
        r["pages"] = []
        bag = archive / "bags" / case_id
        (bag / "data" / "text").mkdir(parents=True)
        for p in (1, 2, 3):
            pr = json.loads(json.dumps(page))
            pr["number"] = p
            pr["ocr"]["text"] = f"data/text/page-{p:04d}.txt"
            pr["ocr"]["hocr"] = None
            r["pages"].append(pr)
            (bag / "data" / "text" / f"page-{p:04d}.txt").write_text(page_text(rng, who, place), encoding="utf-8")
        r["bundle"]["pages"] = 3
        r["bundle"]["path"] = f"data/{case_id}.pdf"
        (bag / "data" / "metadata.json").write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
        (bag / "data" / "events.json").write_bytes(events)
        (bag / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        if i % 10000 == 9999:
            print(f"  {i + 1} cases ({time.time() - t0:.0f} s)", flush=True)
    done.write_text(str(n))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(base, name):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf": csrf, "name": name, "password": PASSWORD}).encode()
    opener.open(base + "/login", data=data).read()
    cookie = next(c for c in jar if c.name == "sohoa_session")
    return f"sohoa_session={cookie.value}"


LUA = r"""
local urls = {}
for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line end
local i = 0
request = function()
  i = i % #urls + 1
  return wrk.format("GET", urls[i], { ["Cookie"] = os.getenv("COOKIE") })
end
done = function(summary, latency, requests)
  local out = io.open(os.getenv("OUT"), "w")
  out:write(string.format('{"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d, "p50": %f, "p95": %f, "p99": %f, "max": %f}',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
  out:close()
end
"""


def wrk(base, cookie, urls, seconds, connections, work):
    url_file, out, lua = work / "urls.txt", work / "out.json", work / "bench.lua"
    url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    lua.write_text(LUA)
    env = dict(os.environ, URLS=str(url_file), COOKIE=cookie, OUT=str(out))
    subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                    "-s", str(lua), base + "/"], env=env, check=True, capture_output=True)
    r = json.loads(out.read_text())
    r["rps"] = r["requests"] / r["seconds"]
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=8)
    a = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "sohoa"], cwd=ROOT, check=True)
    work = ROOT / "target" / "bench-web"
    archive = work / f"archive-{a.cases}"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SOHOA_ID_KEY=str(work / "id.key"), SOHOA_LOG="warn")
    print(f"archive of {a.cases} cases: {archive}")
    generate(archive, a.cases)
    if not (archive / "index").exists():
        t = time.time()
        subprocess.run([str(SOHOA), "reindex", "--archive", str(archive)], env=env, check=True,
                       capture_output=True)
        print(f"  indexed in {time.time() - t:.1f} s")
    if (archive / "access").exists():
        shutil.rmtree(archive / "access")
    for user, role in [("bench", "archivist"), ("reader", "reader")]:
        subprocess.run([str(SOHOA), "user", "add", user, "--role", role, "--archive", str(archive),
                        "--password-stdin"], input=PASSWORD, text=True, env=env, check=True,
                       capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(SOHOA), "serve", "--archive", str(archive), "--listen",
                               f"127.0.0.1:{port}"], env=env)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        ids = sorted(os.listdir(archive / "bags"))
        rng = random.Random(7)
        q = urllib.parse.quote
        searches = [
            "/search?q=" + q("Nguyễn Văn An"), "/search?q=nguyen+van+an",
            "/search?q=" + q('"quyền sử dụng đất"'), "/search?q=" + q("thua dat so"),
            "/search?q=" + q(ids[len(ids) // 2]), "/search?q=" + ids[len(ids) // 3][-11:],
            "/search?q=khai+sinh&sector=" + q("Hộ tịch"), "/search?q=" + q("Lê Thị Mai") + "&year=2025",
            "/search?from=01%2F03%2F2025&to=31%2F03%2F2025", "/search", "/search?q=ket+hon&page=3",
            "/search?q=giay+phep+xay+dung&sort=newest",
        ]
        cases = ["/cases/" + q(rng.choice(ids)) + "?q=dat&page=2" for _ in range(500)]
        archivist = sign_in(base, "bench")
        reader = sign_in(base, "reader")
        # Warm the page cache and the index once, as an office server runs all day.
        wrk(base, archivist, searches + cases[:50], 3, 2, work)
        results = {}
        for label, cookie, urls in [("search (archivist)", archivist, searches),
                                    ("search (reader, access-filtered)", reader, searches),
                                    ("case page (archivist)", archivist, cases)]:
            results[label] = wrk(base, cookie, urls, a.seconds, a.connections, work)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\n{a.cases} cases, {a.connections} connections, {a.seconds} s each, 2 cores (server and wrk share them)")
    print(f"{'page':36} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, r in results.items():
        print(f"{label:36} {r['rps']:8.1f} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} {r['errors'] + r['non2xx']:7d}")
    (work / "results.json").write_text(json.dumps({"cases": a.cases, "connections": a.connections,
                                                   "seconds": a.seconds, "results": results}, indent=2))
    bad = [k for k, r in results.items() if r["errors"] or r["non2xx"]]
    if bad:
        sys.exit(f"errors in: {bad}")


if __name__ == "__main__":
    main()
