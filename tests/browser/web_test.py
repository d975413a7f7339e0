#!/usr/bin/env python3
"""Browser tests of `sohoa serve` in real headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright), as the archive's people use it:

- an admin ingests the sample scans from the browser and watches the job's progress to the end;
- each role signs in; search with and without diacritics gives the same cases;
- a page hit opens the case with the viewer at that page and the words highlighted;
- thumbnails load;
- a reader cannot reach a mode-03 (secret) case by search, URL, thumbnail or PDF link;
- the audit runs as a job and its page links to the cases; a Biểu 06 report is made.

A screenshot of every page goes to target/browser-shots/ (look at them).
Run by scripts/test.sh after `cargo test`; needs target/debug/sohoa built.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SOHOA = ROOT / "target" / "debug" / "sohoa"
SHOTS = ROOT / "target" / "browser-shots"
PASSWORD = "mật khẩu thử nghiệm"
SECRET_CASE = "000.00.15.H12-250707-0002"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sohoa(*args, stdin=None, env=None):
    return subprocess.run(
        [str(SOHOA), *args], input=stdin, text=True, capture_output=True, env=env, check=True
    )


def main():
    SHOTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sohoa-browser-"))
    archive = work / "archive"
    archive.mkdir()
    sources = work / "scans"
    shutil.copytree(ROOT / "samples" / "batch", sources / "batch")
    env = dict(os.environ, SOHOA_ID_KEY=str(work / "id.key"), SOHOA_LOG="warn")
    for name, role, extra in [
        ("admin", "admin", []),
        ("lan", "archivist", []),
        ("motcua", "intake", ["--agency", "000.00.21.H36"]),
        ("doc", "reader", []),
    ]:
        sohoa("user", "add", name, "--role", role, *extra, "--archive", str(archive),
              "--password-stdin", stdin=PASSWORD + "\n", env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(SOHOA), "serve", "--archive", str(archive), "--listen", f"127.0.0.1:{port}",
         "--source", str(sources), "--agency-name", "UBND xã Tân Hòa"],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            run(browser, base, archive, env)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"\n{len(failures)} browser check(s) failed:", *failures, sep="\n  ")
        sys.exit(1)
    print(f"\nbrowser tests passed; screenshots in {SHOTS}")


def new_page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return page


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(browser, name):
    page = new_page(browser)
    page.goto(BASE + "/search")
    check("/login" in page.url, f"{name}: a page without a session goes to sign-in")
    shot(page, f"login-{name}")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    check(page.url.endswith("/search"), f"{name}: signed in, on the search page")
    check(name in page.inner_text("header"), f"{name}: the header names the account")
    return page


def total_cases(page):
    return int(page.inner_text("#total-cases"))


def run(browser, base, archive, env):
    global BASE
    BASE = base
    admin = login(browser, "admin")
    shot(admin, "search-empty-archive")

    # Ingest from the browser, with live progress.
    admin.goto(base + "/jobs")
    shot(admin, "jobs")
    admin.select_option("#folder", "scans/batch")
    admin.click("#start-ingest")
    admin.wait_for_load_state()
    check("/jobs/" in admin.url, "ingest: the job page opens at once")
    seen = set()
    deadline = time.time() + 600
    while time.time() < deadline:
        state = admin.get_attribute("#progress", "data-state")
        seen.add(admin.inner_text("#counts"))
        if state != "running":
            break
        time.sleep(0.3)
    shot(admin, "job-ingest-done")
    check(state in ("done", "done_with_problems"), f"ingest: finished ({state})")
    counts = admin.inner_text("#counts")
    done, total = (int(x) for x in counts.split("/"))
    check(total >= 6 and done == total, f"ingest: every case counted ({counts})")
    check(len(seen) >= 2, f"ingest: progress was seen moving ({sorted(seen)})")
    check(admin.locator(".outputs a").count() >= 1, "ingest: its report is offered")
    admin.goto(base + "/jobs")
    check(admin.locator("#jobs tr").count() >= 2, "jobs: the history lists the ingest")

    # Make one case secret (TT 05/2025 mode 03) and rebuild the index, as an archivist would
    # after correcting a record.
    meta = archive / "bags" / SECRET_CASE / "data" / "metadata.json"
    record = json.loads(meta.read_text(encoding="utf-8"))
    record["hoso"]["mode"] = "03"
    meta.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    sohoa("reindex", "--archive", str(archive), env=env)

    # Search with and without diacritics.
    admin.goto(base + "/search?q=" + urllib.parse.quote("Trần Thị Bình"))
    with_marks = total_cases(admin)
    shot(admin, "search-diacritics")
    admin.goto(base + "/search?q=tran+thi+binh")
    without = total_cases(admin)
    shot(admin, "search-no-diacritics")
    check(with_marks >= 1 and with_marks == without,
          f"search: same cases with and without diacritics ({with_marks}, {without})")
    admin.goto(base + "/search?q=khai+sinh")
    shot(admin, "search-khai-sinh")
    check(admin.locator("a.page-hit").count() >= 1, "search: page hits under their case")
    check(admin.locator("aside.facets a").count() >= 3, "search: facets with counts")

    # English, one click away (and back).
    admin.click("a.lang")
    admin.wait_for_load_state()
    check("Search" in admin.inner_text("header nav") and "cases" in admin.inner_text("main"),
          "English: the interface switches language")
    shot(admin, "search-english")
    admin.click("a.lang")
    admin.wait_for_load_state()
    check("Tìm kiếm" in admin.inner_text("header nav"), "Tiếng Việt: back to Vietnamese")

    # A page hit opens the viewer at that page, words highlighted.
    hit = admin.locator("a.page-hit").nth(1)
    label = hit.inner_text()
    wanted = label.split()[1].split("/")[0]
    hit.click()
    admin.wait_for_selector("body[data-rendered]", state="attached", timeout=30000)
    admin.wait_for_selector("body[data-matches]", state="attached", timeout=30000)
    admin.wait_for_timeout(800)
    shot(admin, "case-viewer")
    check(admin.get_attribute("body", "data-current-page") == wanted,
          f"viewer: opened at the hit page ({label})")
    check(int(admin.get_attribute("body", "data-matches")) > 0, "viewer: the words are highlighted")
    check(admin.locator(".textLayer .highlight").count() > 0, "viewer: highlights drawn")
    thumbs_ok = wait_thumbs(admin)
    check(thumbs_ok, "case: every thumbnail loaded")
    check(admin.locator("#download").count() == 1, "case: archivists may download the PDF/A")
    check(not admin.errors, f"case: no script errors ({admin.errors})")
    admin.goto(base + f"/cases/{SECRET_CASE}")
    check(admin.locator("h1").count() == 1 and "Không tìm thấy" not in admin.inner_text("h1"),
          "case: an admin opens the secret case")

    # Audit as a job; its page links to cases.
    admin.goto(base + "/audit")
    shot(admin, "audit-before")
    admin.click("#start-audit")
    admin.wait_for_load_state()
    wait_job(admin)
    shot(admin, "job-audit-done")
    admin.goto(base + "/audit")
    shot(admin, "audit")
    links = admin.locator("a.finding-case")
    check(links.count() >= 1, "audit: findings link to their cases")
    if links.count():
        case_id = links.first.inner_text()
        links.first.click()
        admin.wait_for_load_state()
        check(case_id in admin.url, "audit: a finding opens its case")

    # Biểu 06 for last year and this year.
    admin.goto(base + "/reports")
    shot(admin, "reports")
    admin.locator("a.preset").nth(4).click()
    admin.click("#start-report")
    admin.wait_for_load_state()
    wait_job(admin)
    shot(admin, "job-report-done")
    names = [a.inner_text() for a in admin.locator(".outputs a").all()]
    check("bieu-06.xlsx" in names and "bieu-06.csv" in names, f"report: files offered ({names})")
    # The official form names the server's agency and the signed-in preparer.
    href = admin.locator(".outputs a", has_text="bieu-06.xlsx").first.get_attribute("href")
    got = admin.request.get(urllib.parse.urljoin(admin.url, href))
    check(got.ok, f"report: bieu-06.xlsx downloads ({got.status})")
    if got.ok:
        import io  # noqa: PLC0415
        import openpyxl  # noqa: PLC0415
        form = openpyxl.load_workbook(io.BytesIO(got.body()))["Biểu 06"]
        cells = [str(c.value) for row in form.iter_rows() for c in row if c.value is not None]
        check("Đơn vị báo cáo: UBND xã Tân Hòa" in cells, "report: the form's reporting unit is the agency")
        check("admin" in cells, "report: the preparer is the signed-in user")

    # Admin pages.
    admin.goto(base + "/admin/users")
    shot(admin, "admin-users")
    admin.goto(base + "/admin/log")
    shot(admin, "admin-log")
    check("nguyên vẹn" in admin.inner_text("main"), "access log: its hash chain is whole")

    # Other roles.
    lan = login(browser, "lan")
    lan.goto(base + "/search?q=nguyen")
    shot(lan, "search-archivist")
    check(total_cases(lan) >= 1, "archivist: searches every case")

    motcua = login(browser, "motcua")
    motcua.goto(base + "/search")
    shot(motcua, "search-intake")
    codes = motcua.inner_text("ol.cases")
    check(total_cases(motcua) >= 1 and "000.00.15.H12" not in codes,
          "intake: sees their agency's cases only")

    doc = login(browser, "doc")
    for q in ["Trần Thị Bình", "tran thi binh", SECRET_CASE]:
        doc.goto(base + "/search?q=" + urllib.parse.quote(q))
        check(doc.locator(f'a[href^="/cases/{SECRET_CASE}"]').count() == 0,
              f"reader: the secret case is not found by search {q!r}")
    shot(doc, "search-reader")
    for path in [f"/cases/{SECRET_CASE}", f"/cases/{SECRET_CASE}/thumbs/1.jpg",
                 f"/cases/{SECRET_CASE}/bundle.pdf", f"/cases/{SECRET_CASE}/bundle.pdf?download=1"]:
        status = doc.request.get(base + path).status
        check(status == 404, f"reader: {path} refused ({status})")
    doc.goto(base + f"/cases/{SECRET_CASE}")
    shot(doc, "case-secret-reader")
    # A public case opens as a reading copy: no download, the agency's name on each page.
    doc.goto(base + "/search")
    first = doc.locator("a.case-title")
    if first.count():
        first.first.click()
        doc.wait_for_selector("body[data-rendered]", state="attached", timeout=30000)
        doc.wait_for_timeout(500)
        shot(doc, "case-reading-copy")
        check(doc.locator("#download").count() == 0, "reader: no download button")
        check(doc.locator(".reading-mark").count() >= 1
              and "UBND xã Tân Hòa" in doc.locator(".reading-mark").first.inner_text(),
              "reader: the agency's name on the page")
    else:
        check(False, "reader: a public case is listed")
    check(doc.request.get(base + "/admin/log").status == 403, "reader: no admin pages")


def wait_thumbs(page):
    for _ in range(150):
        ok = page.evaluate(
            "() => { const i = [...document.querySelectorAll('ol.thumbs img')];"
            " i.forEach(x => x.scrollIntoView());"
            " return i.length > 0 && i.every(x => x.complete && x.naturalWidth > 0); }"
        )
        if ok:
            return True
        time.sleep(0.2)
    return False


def wait_job(page):
    check("/jobs/" in page.url, "job: its page opens at once")
    for _ in range(3000):
        if page.get_attribute("#progress", "data-state") != "running":
            break
        time.sleep(0.2)
    state = page.get_attribute("#progress", "data-state")
    check(state in ("done", "done_with_problems"), f"job finished ({state})")


if __name__ == "__main__":
    main()
