#!/usr/bin/env python3
"""Ingest benchmark: sohoa (--jobs 1 and --jobs 2) against img2pdf on the same synthetic corpus.

usage: python3 scripts/bench-ingest.py [--pages 200] [--runs 3] [--seed 7] [--out bench-out]
                                      [--sohoa BIN] [--previous BIN]

--previous BIN runs an earlier sohoa build on the same corpus in the same runs (before/after ratios).

Generates a corpus with samples/generate.py, builds target/release/sohoa, then per run ingests the corpus
into a fresh archive with each tool and measures wall time and peak RSS of every child process
(os.wait4 ru_maxrss, KiB on Linux). img2pdf runs as one process per case folder (files in natural order,
multi-page TIFFs as-is); files it refuses are left out and counted. Pages are counted from the outputs:
sohoa from the bags' metadata.json `pages`, img2pdf from its PDFs (pikepdf). Prints medians and ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".jp2", ".gif", ".bmp"}


def natural_key(p: Path):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", p.as_posix())]


# Linux records the RSS high-water mark of the forking process into the child's ru_maxrss at exec, so a
# child forked from this (large) Python process would report at least our own RSS. A tiny C launcher
# forks the measured command from a ~1 MiB process and reports wait4()'s ru_maxrss and the wall time.
MEASURE_C = r"""
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <time.h>
int main(int argc, char **argv) {
    if (argc < 3) return 125;
    FILE *out = fopen(argv[1], "we");
    if (!out) return 125;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) return 125;
    if (pid == 0) { execvp(argv[2], argv + 2); _exit(127); }
    int status; struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return 125;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(out, "%d %.6f %ld\n", code, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss);
    fclose(out);
    return code;
}
"""
_launcher: list[str] = []


def build_launcher(out: Path) -> None:
    src, exe = out / "measure.c", out / "measure"
    src.write_text(MEASURE_C)
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc and subprocess.run([cc, "-O2", "-o", str(exe), str(src)], capture_output=True).returncode == 0:
        _launcher[:] = [str(exe)]
    else:  # a bare Python launcher: RSS floor of ~14 MiB instead of ~1 MiB
        print("note: no C compiler; measuring through a Python launcher (RSS floor ~14 MiB)")
        _launcher[:] = [sys.executable, "-c", "import os,sys,time,subprocess\n"
                        "t=time.perf_counter();p=subprocess.Popen(sys.argv[2:]);_,s,r=os.wait4(p.pid,0)\n"
                        "c=os.waitstatus_to_exitcode(s);open(sys.argv[1],'w').write(f'{c} {time.perf_counter()-t} {r.ru_maxrss}')\n"
                        "sys.exit(c)"]


def run_measured(cmd: list[str], log: Path, cwd: Path | None = None) -> tuple[int, float, int]:
    """Runs cmd through the launcher; returns (exit code, wall seconds, peak RSS KiB of that process)."""
    result = log.with_name("measure.out")
    result.unlink(missing_ok=True)
    with open(log, "ab") as out:
        subprocess.run(_launcher + [str(result)] + cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    code, wall, rss = result.read_text().split()
    return int(code), float(wall), int(rss)


def generate(out: Path, pages: int, seed: int) -> Path:
    corpus = out / "corpus"
    stamp = out / "corpus.stamp"
    gen = ROOT / "samples" / "generate.py"
    # the generator is generate.py plus its package samples/gen/: any edit there invalidates the corpus
    mtime = max(f.stat().st_mtime_ns for f in [gen, *sorted((gen.parent / "gen").glob("*.py"))])
    want = f"pages={pages} seed={seed} generator_mtime={mtime}"
    if corpus.is_dir() and stamp.is_file() and stamp.read_text() == want:
        print(f"corpus: reusing {corpus}")
        return corpus
    shutil.rmtree(corpus, ignore_errors=True)
    print(f"corpus: python3 samples/generate.py {corpus} --pages {pages} --seed {seed}", flush=True)
    subprocess.run([sys.executable, str(gen), str(corpus), "--pages", str(pages), "--seed", str(seed)], check=True)
    stamp.write_text(want)
    return corpus


def case_folders(corpus: Path) -> list[Path]:
    return sorted((d for d in corpus.iterdir() if d.is_dir() and not d.name.startswith(".")), key=natural_key)


def frames_of(path: Path) -> int:
    from PIL import Image
    try:
        with Image.open(path) as im:
            return getattr(im, "n_frames", 1)
    except Exception:  # noqa: BLE001
        return 1


def img2pdf_plan(corpus: Path) -> tuple[list[tuple[str, list[Path]]], list[tuple[Path, int, str]]]:
    """Per case: the files img2pdf accepts (tried in-process, untimed); and the refused files."""
    import logging

    import img2pdf
    logging.getLogger("img2pdf").setLevel(logging.ERROR)
    plan, refused = [], []
    for case in case_folders(corpus):
        files = sorted((p for p in case.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXT),
                       key=lambda p: natural_key(p.relative_to(case)))
        ok = []
        for f in files:
            try:
                img2pdf.convert(str(f))
                ok.append(f)
            except Exception as e:  # noqa: BLE001
                refused.append((f, frames_of(f), f"{type(e).__name__}: {str(e)[:80]}"))
        if ok:
            plan.append((case.name, ok))
    return plan, refused


def count_sohoa_pages(archive: Path) -> tuple[int, int]:
    pages = bags = 0
    for meta in (archive / "bags").glob("*/data/metadata.json"):
        if meta.parent.parent.name.startswith("."):
            continue
        bags += 1
        pages += len(json.loads(meta.read_text(encoding="utf-8")).get("pages", []))
    return pages, bags


def count_pdf_pages(pdfs: list[Path]) -> int:
    import pikepdf
    n = 0
    for p in pdfs:
        with pikepdf.open(p) as pdf:
            n += len(pdf.pages)
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description="sohoa vs img2pdf ingest benchmark")
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "bench-out", help="work dir (default bench-out/)")
    ap.add_argument("--sohoa", type=Path, help="use this sohoa binary instead of building target/release/sohoa")
    ap.add_argument("--previous", type=Path, help="an earlier sohoa binary, run alongside for before/after ratios")
    args = ap.parse_args()
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    log = out / "bench.log"
    log.write_text("")

    build_launcher(out)
    corpus = generate(out, args.pages, args.seed)
    if args.sohoa:
        sohoa = args.sohoa.resolve()
    else:
        print("build: cargo build --release --bin sohoa", flush=True)
        subprocess.run(["cargo", "build", "--release", "--bin", "sohoa"], cwd=ROOT, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        sohoa = (target if target.is_absolute() else ROOT / target) / "release" / "sohoa"

    plan, refused = img2pdf_plan(corpus)
    # the module directly (what the img2pdf console script does), not through a pyenv/venv shim
    img2pdf_cmd = [sys.executable, "-m", "img2pdf"]

    results: dict[str, dict[str, list]] = {}
    notes: list[str] = []

    def record(tool, secs, rss_kib, pages):
        r = results.setdefault(tool, {"secs": [], "rss": [], "pages": []})
        r["secs"].append(secs)
        r["rss"].append(rss_kib)
        r["pages"].append(pages)

    builds = [("sohoa", sohoa)] + ([("previous", args.previous.resolve())] if args.previous else [])
    for run in range(1, args.runs + 1):
        for (name, binary), jobs in [(b, j) for j in (1, 2) for b in builds]:
            tool = f"{name} --jobs {jobs}"
            archive = out / f"archive-j{jobs}"
            shutil.rmtree(archive, ignore_errors=True)
            rc, secs, rss = run_measured([str(binary), "ingest", str(corpus), "--archive", str(archive),
                                          "--jobs", str(jobs)], log)
            if rc not in (0, 1):
                print(f"{tool}: exit {rc}; see {log}", file=sys.stderr)
                return 1
            pages, bags = count_sohoa_pages(archive)
            if rc == 1 and run == 1:
                notes.append(f"{tool}: exit 1 (partial): {bags} bags written")
            record(tool, secs, rss, pages)
            print(f"run {run}: {tool}: {secs:.2f} s, {rss / 1024:.1f} MiB, {pages} pages in {bags} bags", flush=True)
            shutil.rmtree(archive, ignore_errors=True)
        pdf_dir = out / "img2pdf"
        shutil.rmtree(pdf_dir, ignore_errors=True)
        pdf_dir.mkdir()
        total, peak, outputs = 0.0, 0, []
        for name, files in plan:
            dest = pdf_dir / f"{name}.pdf"
            rc, secs, rss = run_measured(img2pdf_cmd + [str(f) for f in files] + ["-o", str(dest)], log)
            if rc != 0:
                print(f"img2pdf failed on case {name} (exit {rc}); see {log}", file=sys.stderr)
                return 1
            total += secs
            peak = max(peak, rss)
            outputs.append(dest)
        pages = count_pdf_pages(outputs)
        record("img2pdf", total, peak, pages)
        print(f"run {run}: img2pdf: {total:.2f} s over {len(plan)} processes, {peak / 1024:.1f} MiB, {pages} pages",
              flush=True)
        # The same pages in one img2pdf process: its throughput without interpreter start-ups.
        every = [f for _, files in plan for f in files]
        dest = pdf_dir / "all.pdf"
        rc, secs, rss = run_measured(img2pdf_cmd + [str(f) for f in every] + ["-o", str(dest)], log)
        if rc != 0:
            print(f"img2pdf failed on all pages (exit {rc}); see {log}", file=sys.stderr)
            return 1
        pages = count_pdf_pages([dest])
        record("img2pdf 1 proc", secs, rss, pages)
        print(f"run {run}: img2pdf 1 proc: {secs:.2f} s, {rss / 1024:.1f} MiB, {pages} pages", flush=True)
        shutil.rmtree(pdf_dir, ignore_errors=True)

    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    print()
    print(f"corpus: {corpus} ({args.pages} pages requested, seed {args.seed}); runs: {args.runs}; "
          f"cores: {cores} ({usable} usable)")
    hdr = f"{'tool':<16} {'pages':>7} {'median s':>9} {'pages/s':>9} {'peak RSS MiB':>13}"
    print(hdr)
    print("-" * len(hdr))
    summary = {}
    for tool, r in results.items():
        med = statistics.median(r["secs"])
        pages = statistics.median(r["pages"])
        pps = pages / med if med > 0 else float("nan")
        rss = max(r["rss"]) / 1024
        summary[tool] = (pps, rss)
        pg = f"{min(r['pages'])}" if min(r["pages"]) == max(r["pages"]) else f"{min(r['pages'])}-{max(r['pages'])}"
        print(f"{tool:<16} {pg:>7} {med:>9.2f} {pps:>9.1f} {rss:>13.1f}")
    print()
    for baseline in ("img2pdf", "img2pdf 1 proc"):
        base = summary.get(baseline)
        for tool in ("sohoa --jobs 1", "sohoa --jobs 2"):
            if base and tool in summary:
                pps, rss = summary[tool]
                print(f"{tool} / {baseline}: pages/s x{pps / base[0]:.2f}, peak RSS x{rss / base[1]:.2f}")
    for jobs in (1, 2):
        new, old = summary.get(f"sohoa --jobs {jobs}"), summary.get(f"previous --jobs {jobs}")
        if new and old:
            print(f"sohoa --jobs {jobs} / previous: pages/s x{new[0] / old[0]:.3f}, peak RSS x{new[1] / old[1]:.2f}")
    skipped_pages = sum(n for _, n, _ in refused)
    print()
    print(f"img2pdf skipped {len(refused)} file(s), {skipped_pages} page(s) it refuses"
          + (":" if refused else ""))
    for f, n, why in refused:
        print(f"  {f.relative_to(corpus)} ({n} page{'s' if n != 1 else ''}): {why}")
    for n in notes:
        print(n)
    print("(img2pdf: summed time and max RSS over its one-process-per-case runs, as an archivist would run it "
          "(one PDF per case); img2pdf 1 proc: every page in one process. sohoa also decodes every page to "
          "validate it, hashes every file, and writes and fsyncs BagIt bags)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
