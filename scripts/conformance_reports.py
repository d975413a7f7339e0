#!/usr/bin/env python3
"""Independent checks of `sohoa audit` / `sohoa report` outputs (called by scripts/conformance.sh): JSON counts and
invariants recomputed, CSV/HTML re-parsed by stdlib, the XLSX by openpyxl (check_bieu06.py), apology letters checked by qpdf and poppler.
"""
# usage: conformance_reports.py ARCHIVE --bin PATH_TO_SOHOA [--keep]
# Runs both commands (SOHOA_LANG=vi) into a temp dir (kept and named when a check fails, or with --keep), prints one
# `PASS <name>: ...` / `FAIL <name>: ...` line per check and ends with `reports: N passed, M failed`; exits 1 if
# M > 0, 2 on usage errors.
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

AS_OF = "2026-11-23"
PERIOD = ("2025-07-01", "2025-07-31")
LETTER_DATE = "2025-08-01"
LETTER_TITLE = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
CRITERIA = ("dung", "du", "sach", "song")
SEVERITIES = ("error", "warning")
# Biểu 06 columns B..L, in this order.
FORM_KEYS = ("recv_total", "recv_online", "recv_offline", "carried_over", "done_total", "done_early", "done_ontime",
             "done_late", "pending_total", "pending_ok", "pending_late")
INT_KEYS = FORM_KEYS + ("recv_direct", "recv_postal", "withdrawn")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


# --------------------------------------------------------------------------------------------- reporting
class Results:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def report(self, ok: bool, name: str, text: str, details: list[str] | None = None) -> None:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}: {text}", flush=True)
        for line in (details or [])[:30]:
            print(f"       {line}", flush=True)
        if details and len(details) > 30:
            print(f"       ... and {len(details) - 30} more", flush=True)

    def run(self, name: str, fn, *args) -> object:
        """Calls fn(*args) -> (ok, text, details[, value]); an exception is a FAIL of that check."""
        try:
            out = fn(*args)
        except Exception as e:  # noqa: BLE001 - any error of a check is its failure
            self.report(False, name, f"{type(e).__name__}: {e}")
            return None
        ok, text, details = out[0], out[1], list(out[2])
        if not ok and details:  # the text says what a pass means; a failure leads with its first problem
            text, details = details[0], details[1:]
        self.report(ok, name, text, details)
        return out[3] if len(out) > 3 else None


def tail(text: str, n: int = 12) -> list[str]:
    return [l for l in text.strip().splitlines() if l.strip()][-n:]


def squash(text: str) -> str:
    """Whitespace runs to one space (pdftotext -layout may wrap or pad a name)."""
    return re.sub(r"\s+", " ", text).strip()


def load_json(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: top level is not an object")
    return data


def read_csv(path: Path, sep: str = ",") -> list[list[str]]:
    raw = path.read_bytes()
    if not raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError(f"{path.name}: no UTF-8 BOM (starts with {raw[:8]!r})")
    text = raw[3:].decode("utf-8")  # strict: a bad byte is a failure
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))


# --------------------------------------------------------------------------------------------- audit
def check_audit_json(a: dict, archive: Path) -> tuple:
    errs = []
    if a.get("schema") != "sohoa/audit" or a.get("schema_version") != 1:
        errs.append(f"schema {a.get('schema')!r} version {a.get('schema_version')!r}, want 'sohoa/audit' 1")
    findings = a["findings"]
    summary = a["summary"]
    by_sev = {s: 0 for s in SEVERITIES}
    for i, f in enumerate(findings):
        sev, crit, code = f.get("severity"), f.get("criterion"), f.get("code", "")
        if sev not in SEVERITIES:
            errs.append(f"finding {i} ({code}): severity {sev!r}")
        else:
            by_sev[sev] += 1
        if crit not in CRITERIA:
            errs.append(f"finding {i} ({code}): criterion {crit!r}")
        if not isinstance(code, str) or not code.startswith(f"{crit}."):
            errs.append(f"finding {i}: code {code!r} does not start with its criterion {crit!r}")
    if summary.get("errors") != by_sev["error"]:
        errs.append(f"summary.errors {summary.get('errors')} != {by_sev['error']} error findings")
    if summary.get("warnings") != by_sev["warning"]:
        errs.append(f"summary.warnings {summary.get('warnings')} != {by_sev['warning']} warning findings")
    bags = [p for p in (archive / "bags").iterdir() if p.is_dir() and not p.name.startswith(".")]
    if summary.get("cases") != len(bags):
        errs.append(f"summary.cases {summary.get('cases')} != {len(bags)} bags in {archive / 'bags'}")
    text = (f"{len(findings)} findings ({by_sev['error']} errors, {by_sev['warning']} warnings), "
            f"{summary.get('cases')} cases = {len(bags)} bags")
    return not errs, text, errs


def check_audit_exit(rc: int, secs: float, a: dict | None, log: Path) -> tuple:
    if rc not in (0, 1):
        return False, f"sohoa audit exit {rc} (cannot run) in {secs:.1f} s", tail(log.read_text("utf-8", "replace"))
    if a is None:
        return True, f"exit {rc} in {secs:.1f} s", []
    errors = a.get("summary", {}).get("errors")
    ok = rc == (1 if errors else 0)
    return ok, f"exit {rc} in {secs:.1f} s with {errors} error finding(s) (exit 1 iff some finding is an error)", []


def check_audit_csv(path: Path, a: dict) -> tuple:
    rows = read_csv(path, ";")  # SOHOA_LANG=vi: an Excel in Vietnamese splits at ';'
    n = len(a["findings"])
    errs = [] if len(rows) == n + 1 else [f"{len(rows)} rows, want {n} findings + 1 header"]
    widths = sorted({len(r) for r in rows})
    if len(widths) > 1:
        errs.append(f"row widths vary: {widths}")
    if rows and len(rows[0]) != 11:
        errs.append(f"header of {len(rows[0])} cells split at ';', want 11: {rows[0][:3]}")
    return not errs, f"UTF-8 BOM, ';' parses, {len(rows)} rows = {n} findings + 1 header", errs


# --------------------------------------------------------------------------------------------- HTML
class TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.errors: list[str] = []
        self.html_lang: list[str | None] = []
        self.head_title: list[str] = []
        self.svgs = 0
        self._in_head_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html_lang.append(dict(attrs).get("lang"))
        if tag == "svg":
            self.svgs += 1
        if tag == "title" and self.stack and self.stack[-1][0] == "head":
            self._in_head_title = True
            self.head_title.append("")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):  # <rect/>: opens and closes itself
        if tag == "svg":
            self.svgs += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append(f"line {self.getpos()[0]}: end tag </{tag}> of a void element")
            return
        if not self.stack:
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> with nothing open")
            return
        top, pos = self.stack[-1]
        if top != tag:
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> closes <{top}> opened at line {pos[0]}")
            # resynchronise when the tag is open further down, so one slip is not reported a hundred times
            names = [t for t, _ in self.stack]
            if tag in names:
                del self.stack[len(names) - 1 - names[::-1].index(tag):]
            return
        self.stack.pop()
        if tag == "title":
            self._in_head_title = False

    def handle_data(self, data):
        if self._in_head_title:
            self.head_title[-1] += data


def check_html(path: Path, title_words: tuple[str, ...]) -> tuple:
    text = path.read_bytes().decode("utf-8")
    p = TagChecker()
    p.feed(text)
    p.close()
    errs = list(p.errors)
    errs += [f"<{t}> opened at line {pos[0]} never closed" for t, pos in p.stack]
    if p.svgs == 0 or "<svg" not in text:
        errs.append("no <svg")
    for scheme in ("http://", "https://"):
        n = text.lower().count(scheme)
        if n:
            i = text.lower().index(scheme)
            errs.append(f"{n} × {scheme!r}, first: {text[max(0, i - 40):i + 60]!r}")
    if p.html_lang != ["vi"]:
        errs.append(f"<html lang> {p.html_lang}, want exactly one <html lang=\"vi\">")
    if not re.search(r"<html\b[^>]*\blang=\"vi\"", text):
        errs.append("no literal <html lang=\"vi\">")
    title = p.head_title[0] if p.head_title else ""
    missing = [w for w in title_words if w not in title]
    if missing:
        errs.append(f"<title> {title!r} lacks {missing}")
    return not errs, f"balanced tags, {p.svgs} <svg>, lang=vi, no http(s)://, title {title!r}", errs


# --------------------------------------------------------------------------------------------- report JSON
def check_report_json(r: dict) -> tuple:
    errs = []
    if r.get("schema") != "sohoa/report" or r.get("schema_version") != 1:
        errs.append(f"schema {r.get('schema')!r} version {r.get('schema_version')!r}, want 'sohoa/report' 1")
    if (r.get("from"), r.get("to")) != PERIOD or r.get("group_by") != "agency":
        errs.append(f"from/to/group_by {r.get('from')}/{r.get('to')}/{r.get('group_by')}, want {PERIOD} agency")
    inv = r.get("invariants") or []
    if not inv:
        errs.append("no invariants[]")
    errs += [f"invariant does not hold: {i.get('name')}: {i.get('detail')}" for i in inv if i.get("holds") is not True]
    rows, total = r["rows"], r["total"]
    for row in rows + [total]:
        c, k = row["counts"], row.get("key")
        bad = [key for key in INT_KEYS if not isinstance(c.get(key), int) or isinstance(c.get(key), bool) or c[key] < 0]
        if bad:
            errs += [f"{k}: {key} = {c.get(key)!r}, not a count" for key in bad]
            continue
        eqs = [
            ("recv_total = recv_online + recv_offline + carried_over",
             c["recv_total"], c["recv_online"] + c["recv_offline"] + c["carried_over"]),
            ("recv_offline = recv_direct + recv_postal", c["recv_offline"], c["recv_direct"] + c["recv_postal"]),
            ("done_total = done_early + done_ontime + done_late",
             c["done_total"], c["done_early"] + c["done_ontime"] + c["done_late"]),
            ("pending_total = pending_ok + pending_late", c["pending_total"], c["pending_ok"] + c["pending_late"]),
            ("recv_total = done_total + pending_total + withdrawn",
             c["recv_total"], c["done_total"] + c["pending_total"] + c["withdrawn"]),
        ]
        errs += [f"{k}: {name}: {lhs} != {rhs}" for name, lhs, rhs in eqs if lhs != rhs]
    for key in INT_KEYS:
        s = sum(row["counts"].get(key) or 0 for row in rows)
        if s != total["counts"].get(key):
            errs.append(f"Σ rows {key} = {s} != total {total['counts'].get(key)}")
    t = total["counts"]
    text = (f"{len(inv)} invariants hold; recomputed on {len(rows)} rows + total "
            f"(recv {t['recv_total']} = {t['recv_online']}+{t['recv_offline']}+{t['carried_over']} = "
            f"done {t['done_total']} + pending {t['pending_total']} + withdrawn {t['withdrawn']}); rows sum to total")
    return not errs, text, errs


def check_report_late(r: dict) -> tuple:
    errs = []
    end = date.fromisoformat(r["to"])
    late = r["late"]
    for x in late:
        code = x.get("case_code")
        due = date.fromisoformat(x["due"])
        if x.get("resolved"):
            resolved = date.fromisoformat(x["resolved"])
            if not resolved > due:
                errs.append(f"{code}: resolved {resolved} not after due {due}")
        elif x.get("state") == "pending":
            if not due < end:
                errs.append(f"{code}: pending, due {due} not before the period end {end}")
        else:
            errs.append(f"{code}: no resolved date and state {x.get('state')!r} (not pending)")
        if not (x.get("applicant_name") or "").strip():
            errs.append(f"{code}: no applicant_name")
    t = r["total"]["counts"]
    if len(late) != t["done_late"] + t["pending_late"]:
        errs.append(f"{len(late)} late cases != done_late {t['done_late']} + pending_late {t['pending_late']}")
    return not errs, f"{len(late)} late case(s), each resolved after due or pending past due before {end}", errs


def check_report_csv(path: Path, r: dict) -> tuple:
    rows = read_csv(path, ";")  # SOHOA_LANG=vi: an Excel in Vietnamese splits at ';'
    if rows and len(rows[0]) < 12:
        return False, f"header of {len(rows[0])} cells split at ';': {rows[0][:3]}", []
    if len(rows) < 2:
        return False, f"{len(rows)} rows", []
    last = rows[-1]
    errs = [] if last and last[0] == "total" else [f"last row's key {last[:1]}, want 'total'"]
    # header cells "Label (key)": the total row must carry the JSON total counts
    t = r["total"]["counts"]
    compared = 0
    for i, h in enumerate(rows[0]):
        m = re.search(r"\((\w+)\)\s*$", h)
        if m and m.group(1) in INT_KEYS and i < len(last):
            compared += 1
            if last[i].strip() != str(t[m.group(1)]):
                errs.append(f"total {m.group(1)} = {last[i]!r}, JSON {t[m.group(1)]}")
    rate = last[-1] if last else ""
    if rate and not re.fullmatch(r"\d+,\d", rate):
        errs.append(f"on-time rate {rate!r}: want a decimal comma")
    return not errs, f"BOM, ';', {len(rows)} rows, last row 'total', {compared} counts = JSON total", errs


# --------------------------------------------------------------------------------------------- XLSX
def check_xlsx(path: Path, r: dict) -> tuple:
    """The official form and the other sheets, read by openpyxl (scripts/check_bieu06.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import check_bieu06  # noqa: PLC0415

    errs = check_bieu06.check(path, r)
    return not errs, (f"(openpyxl) Biểu 06: {len(r['rows'])} rows + total = JSON, merged headers, (1)…(13), "
                      f"signatures, A4 landscape; {len(r['late'])} late cases with date cells"), errs


# --------------------------------------------------------------------------------------------- letters
def pdffonts_rows(out: str) -> list[dict[str, str]]:
    """Columns are cut at the dashes line under the header (names of types and encodings contain spaces)."""
    lines = out.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("---"):
            spans = [(m.start(), m.end()) for m in re.finditer(r"-+", l)]
            heads = [lines[i - 1][a:b if j + 1 < len(spans) else None].strip() for j, (a, b) in enumerate(spans)]
            rows = []
            for row in lines[i + 1:]:
                if row.strip():
                    rows.append({h: row[a:(spans[j + 1][0] if j + 1 < len(spans) else None)].strip()
                                 for j, (h, (a, _)) in enumerate(zip(heads, spans))})
            return rows
    raise ValueError(f"no table in pdffonts output: {tail(out, 3)}")


def run(cmd: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, timeout=timeout)


def check_letter(pdf: Path, case: dict) -> tuple:
    errs = []
    q = run(["qpdf", "--check", str(pdf)])
    if q.returncode != 0:  # 2 errors, 3 warnings: both fail
        errs += [f"qpdf --check exit {q.returncode}"] + tail((q.stdout + q.stderr).decode("utf-8", "replace"), 6)
    f = run(["pdffonts", str(pdf)])
    fonts = []
    if f.returncode != 0:
        errs += [f"pdffonts exit {f.returncode}"] + tail((f.stdout + f.stderr).decode("utf-8", "replace"), 4)
    else:
        fonts = pdffonts_rows(f.stdout.decode("utf-8", "replace"))
        if not fonts:
            errs.append("pdffonts lists no font")
        for fo in fonts:
            if fo.get("emb") != "yes" or fo.get("uni") != "yes":
                errs.append(f"font {fo.get('name')!r}: emb {fo.get('emb')!r} uni {fo.get('uni')!r}")
    t = run(["pdftotext", "-layout", str(pdf), "-"])
    if t.returncode != 0:
        errs += [f"pdftotext exit {t.returncode}"] + tail(t.stderr.decode("utf-8", "replace"), 4)
    else:
        text = t.stdout.decode("utf-8")
        if not unicodedata.is_normalized("NFC", text):
            errs.append("pdftotext output is not NFC")
        flat = squash(text)
        for what, s in (("case code", case["case_code"]), ("applicant", case["applicant_name"]),
                        ("title", LETTER_TITLE)):
            if s not in text and squash(s) not in flat:
                errs.append(f"{what} {s!r} not in the text")
    text_ok = f"qpdf ok, {len(fonts)} font(s) embedded with ToUnicode, NFC text with code, " \
              f"{case['applicant_name']!r} and the title"
    return not errs, f"{pdf.name}: {text_ok}", [f"{pdf.name}: {e}" for e in errs[:1]] + errs[1:]


def letters(res: Results, folder: Path, r: dict | None) -> None:
    if r is None:
        res.report(False, "letters", "no report JSON: the late cases are unknown")
        return
    late = r.get("late") or []
    pdfs = sorted(folder.glob("xin-loi-*.pdf")) if folder.is_dir() else []
    # a letter belongs to a case by its file name (xin-loi-<code>.pdf), else by the code in its text
    owner: dict[Path, str | None] = {}
    for pdf in pdfs:
        stem = pdf.name[len("xin-loi-"):-len(".pdf")]
        hit = [x["case_code"] for x in late if stem in (x.get("case_code"), x.get("case_id"))]
        if not hit:
            t = run(["pdftotext", "-layout", str(pdf), "-"])
            flat = squash(t.stdout.decode("utf-8", "replace")) if t.returncode == 0 else ""
            hit = [x["case_code"] for x in late if x["case_code"] in flat]
        owner[pdf] = hit[0] if len(hit) == 1 else None
    per_case = {x["case_code"]: [p for p, c in owner.items() if c == x["case_code"]] for x in late}
    errs = [f"{c}: {len(ps)} letters {[p.name for p in ps]}" for c, ps in per_case.items() if len(ps) != 1]
    errs += [f"{p.name}: belongs to no late case" for p, c in owner.items() if c is None]
    text = f"{len(pdfs)} xin-loi-*.pdf for {len(late)} late case(s)"
    res.report(not errs and len(pdfs) == len(late), "letters", text + (", one each" if not errs else ""), errs)
    for x in late:
        ps = per_case.get(x["case_code"]) or []
        if len(ps) == 1:
            res.run(f"letter[{x['case_code']}]", check_letter, ps[0], x)


# --------------------------------------------------------------------------------------------- main
def sohoa(bin_: str, args: list[str], out: Path, cwd: Path) -> tuple[int, float]:
    env = dict(os.environ, SOHOA_LANG="vi")
    t0 = time.monotonic()
    with out.open("wb") as fo, (cwd / (out.stem + ".log")).open("wb") as fe:
        rc = subprocess.run([bin_] + args, stdout=fo, stderr=fe, env=env, cwd=cwd, timeout=3600).returncode
    return rc, time.monotonic() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("archive", type=Path)
    ap.add_argument("--bin", required=True, help="the sohoa binary")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir of outputs even when all checks pass")
    args = ap.parse_args()
    archive = args.archive.resolve()
    if not (archive / "bags").is_dir():
        print(f"reports: {archive} has no bags/ folder", file=sys.stderr)
        return 2
    found = shutil.which(args.bin) if os.sep not in args.bin else args.bin
    bin_ = str(Path(found).resolve()) if found else args.bin
    if not os.path.isfile(bin_) or not os.access(bin_, os.X_OK):
        print(f"reports: --bin {args.bin} is not executable", file=sys.stderr)
        return 2
    for tool in ("qpdf", "pdffonts", "pdftotext"):
        if not shutil.which(tool):
            print(f"reports: {tool} not found (apt-get install qpdf poppler-utils)", file=sys.stderr)
            return 2
    res = Results()
    work = Path(tempfile.mkdtemp(prefix="sohoa-reports-"))
    t_start = time.monotonic()
    print(f"checking sohoa audit/report outputs on {archive} (outputs in {work})", flush=True)

    # ---- sohoa audit (exit 0: no error finding, 1: some, 2: cannot run)
    rc, secs = sohoa(bin_, ["audit", "--archive", str(archive), "--as-of", AS_OF, "--json",
                            "--html", "a.html", "--csv", "a.csv"], work / "a.json", work)
    a = None
    if rc in (0, 1):
        try:
            a = load_json(work / "a.json")
        except Exception as e:  # noqa: BLE001
            res.report(False, "audit-json", f"{type(e).__name__}: {e}")
    res.run("audit-run", check_audit_exit, rc, secs, a, work / "a.log")
    if a is not None:
        res.run("audit-json", check_audit_json, a, archive)
        res.run("audit-csv", check_audit_csv, work / "a.csv", a)
    else:
        res.report(False, "audit-csv", "no usable audit JSON to count the findings")
    res.run("audit-html", check_html, work / "a.html", ("Đúng", "Sống"))

    # ---- sohoa report
    letters_dir = work / "letters"
    rc, secs = sohoa(bin_, ["report", "--archive", str(archive), "--from", PERIOD[0], "--to", PERIOD[1],
                            "--by", "agency", "--json", "--html", "r.html", "--xlsx", "r.xlsx", "--csv", "r.csv",
                            "--apologies", "letters", "--letter-date", LETTER_DATE], work / "r.json", work)
    res.report(rc == 0, "report-run", f"exit {rc} in {secs:.1f} s",
               [] if rc == 0 else tail((work / "r.log").read_text("utf-8", "replace")))
    r = None
    try:
        r = load_json(work / "r.json")
    except Exception as e:  # noqa: BLE001
        res.report(False, "report-json", f"{type(e).__name__}: {e}")
    if r is not None:
        res.run("report-json", check_report_json, r)
        res.run("report-late", check_report_late, r)
        res.run("report-xlsx", check_xlsx, work / "r.xlsx", r)
        res.run("report-csv", check_report_csv, work / "r.csv", r)
    else:
        for name in ("report-late", "report-xlsx", "report-csv"):
            res.report(False, name, "no usable report JSON to compare with")
    res.run("report-html", check_html, work / "r.html", ("06/VPCP/KSTT",))
    letters(res, letters_dir, r)

    elapsed = time.monotonic() - t_start
    if res.failed or args.keep:
        print(f"outputs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"reports: checks took {elapsed:.1f} s")
    print(f"reports: {res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
