#!/usr/bin/env python3
"""Normalization benchmark: sohoa (default and compact profiles: deskew, border removal, blank and
colour detection) against `ocrmypdf --output-type pdfa --deskew` and unpaper (when installed) on the
same 300-dpi A4 pages.

usage: python3 scripts/bench-normalize.py [--pages 200] [--runs 3] [--baseline-runs N] [--seed 11] [--out bench-out-norm]

The corpus comes from samples/generate.py --dpi 300. ocrmypdf gets the same pages as one PDF made
with img2pdf beforehand (not timed), runs with -j 2 like sohoa's --jobs 2, and OCR disabled
(--tesseract-timeout 0) so that both do normalization and PDF/A only. Wall time and peak RSS
come from the launcher of bench-ingest.py; medians of the runs and the ratios are printed.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "scripts" / "bench-ingest.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def generate(out: Path, pages: int, seed: int) -> Path:
    corpus = out / "corpus300"
    stamp = out / "corpus300.stamp"
    want = f"pages={pages} seed={seed} dpi=300"
    if corpus.is_dir() and stamp.is_file() and stamp.read_text() == want:
        print(f"corpus: reusing {corpus}")
        return corpus
    shutil.rmtree(corpus, ignore_errors=True)
    print(f"corpus: python3 samples/generate.py {corpus} --pages {pages} --seed {seed} --dpi 300", flush=True)
    subprocess.run([sys.executable, str(ROOT / "samples" / "generate.py"), str(corpus), "--pages", str(pages),
                    "--seed", str(seed), "--dpi", "300"], check=True)
    stamp.write_text(want)
    return corpus


def unpaper_jobs(files: list[str], out: Path) -> Path:
    """A list of `input output` pairs for xargs (untimed preparation)."""
    jobs = out.parent / "unpaper-jobs.txt"
    jobs.write_text("".join(f"'{f}' '{out}/{i:05d}.pnm'\n" for i, f in enumerate(files)))
    return jobs


def main() -> int:
    ap = argparse.ArgumentParser(description="sohoa normalization vs ocrmypdf --deskew")
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--baseline-runs", type=int, default=None,
                    help="runs of ocrmypdf (default: --runs; it takes minutes per run)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench-out-norm")
    ap.add_argument("--sohoa", type=Path, help="use this sohoa binary instead of building target/release/sohoa")
    ap.add_argument("--previous", type=Path, help="an earlier sohoa binary, run alongside for before/after ratios")
    args = ap.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    log = out / "bench.log"
    log.write_text("")
    bench.build_launcher(out)
    corpus = generate(out, args.pages, args.seed)
    if args.sohoa:
        sohoa = args.sohoa.resolve()
    else:
        subprocess.run(["cargo", "build", "--release", "--bin", "sohoa"], cwd=ROOT, check=True)
        sohoa = ROOT / "target" / "release" / "sohoa"
    # ocrmypdf's input: every page in one PDF, in sohoa's order (untimed preparation).
    plan, refused = bench.img2pdf_plan(corpus)
    every = [str(f) for _, files in plan for f in files]
    joined = out / "all-pages.pdf"
    subprocess.run([sys.executable, "-m", "img2pdf", *every, "-o", str(joined)], check=True, stderr=subprocess.DEVNULL)
    previous = args.previous.resolve() if args.previous else None
    tools = {
        "sohoa default": lambda a: [str(sohoa), "ingest", str(corpus), "--archive", str(a), "--jobs", "2", "--ocr", "off"],
        "sohoa compact": lambda a: [str(sohoa), "ingest", str(corpus), "--archive", str(a), "--jobs", "2", "--profile", "compact", "--ocr", "off"],
        **({
            "previous default": lambda a: [str(previous), "ingest", str(corpus), "--archive", str(a), "--jobs", "2", "--ocr", "off"],
            "previous compact": lambda a: [str(previous), "ingest", str(corpus), "--archive", str(a), "--jobs", "2", "--profile", "compact", "--ocr", "off"],
        } if previous else {}),
        "ocrmypdf --deskew": lambda a: ["ocrmypdf", "--output-type", "pdfa", "--deskew", "--tesseract-timeout", "0",
                                        "-j", "2", "-q", str(joined), str(a) + ".pdf"],
        # unpaper (deskew, borders, filters; one page per process, two processes): every page
        # file to a PNM of its own.
        **({"unpaper": lambda a: ["sh", "-c", f"mkdir -p '{a}' && xargs -P 2 -n 2 unpaper -q --overwrite < '{unpaper_jobs(every, a)}'"]}
           if shutil.which("unpaper") else {}),
    }
    results: dict[str, dict[str, list]] = {t: {"secs": [], "rss": [], "pages": [], "bytes": []} for t in tools}
    for run in range(1, args.runs + 1):
        for tool, cmd in tools.items():
            baseline_runs = args.runs if args.baseline_runs is None else args.baseline_runs
            if tool.startswith(("ocrmypdf", "unpaper")) and run > baseline_runs:
                continue
            target = out / "run-output"
            shutil.rmtree(target, ignore_errors=True)
            Path(str(target) + ".pdf").unlink(missing_ok=True)
            rc, secs, rss = bench.run_measured(cmd(target), log)
            if tool.startswith(("sohoa", "previous")):
                pages, _ = bench.count_sohoa_pages(target)
                size = sum(p.stat().st_size for p in (target / "bags").glob("*/data/*.pdf"))
                rotated = sum(1 for m in (target / "bags").glob("*/data/metadata.json")
                              for p in json.loads(m.read_text())["pages"] if (p.get("normalization") or {}).get("rotated"))
                extra = f", {rotated} pages deskewed"
            elif tool == "unpaper":
                outs = list(target.glob("*.pnm"))
                not_opened = len(every) - len(outs)
                pages, size = len(outs), sum(p.stat().st_size for p in outs)
                extra = f" (PNM, first page of each file; {not_opened} files it cannot open, e.g. CMYK JPEG)"
                # xargs exits 123 when some unpaper runs failed (files it cannot read).
                rc = 0 if rc == 123 and pages else rc
            else:
                pages = bench.count_pdf_pages([Path(str(target) + ".pdf")]) if rc == 0 else 0
                size = Path(str(target) + ".pdf").stat().st_size if rc == 0 else 0
                extra = ""
            if rc not in (0, 1):
                print(f"{tool}: exit {rc}; see {log}", file=sys.stderr)
                return 1
            r = results[tool]
            r["secs"].append(secs)
            r["rss"].append(rss)
            r["pages"].append(pages)
            r["bytes"].append(size)
            print(f"run {run}: {tool}: {secs:.2f} s, {rss / 1024:.1f} MiB, {pages} pages, {size / 1e6:.1f} MB{extra}", flush=True)
    print(f"\ncorpus: {corpus} ({args.pages} pages at 300 dpi, seed {args.seed}); runs: {args.runs}")
    hdr = f"{'tool':<18} {'pages':>6} {'median s':>9} {'pages/s':>8} {'peak RSS MiB':>13} {'PDF MB':>8}"
    print(hdr)
    print("-" * len(hdr))
    summary = {}
    for tool, r in results.items():
        if not r["secs"]:
            continue
        med = statistics.median(r["secs"])
        pages = statistics.median(r["pages"])
        summary[tool] = (pages / med, max(r["rss"]) / 1024)
        print(f"{tool:<18} {pages:>6.0f} {med:>9.2f} {pages / med:>8.1f} {max(r['rss']) / 1024:>13.1f} {statistics.median(r['bytes']) / 1e6:>8.1f}")
    base = summary.get("ocrmypdf --deskew")
    print()
    for tool in ("sohoa default", "sohoa compact") if base else ():
        pps, rss = summary[tool]
        print(f"{tool} / ocrmypdf --deskew: pages/s x{pps / base[0]:.2f}, peak RSS x{rss / base[1]:.2f}")
    if "unpaper" in summary:
        for tool in ("sohoa default", "sohoa compact"):
            print(f"{tool} / unpaper: pages/s x{summary[tool][0] / summary['unpaper'][0]:.2f}")
    for profile in ("default", "compact"):
        new, old = summary.get(f"sohoa {profile}"), summary.get(f"previous {profile}")
        if new and old:
            print(f"sohoa {profile} / previous: pages/s x{new[0] / old[0]:.3f}, peak RSS x{new[1] / old[1]:.2f}")
    print("(sohoa also decodes and validates every page, hashes, writes BagIt bags with metadata and events, "
          "and updates the search index; ocrmypdf with OCR disabled; both use 2 jobs)")
    if refused:
        print(f"img2pdf refused {len(refused)} file(s); ocrmypdf got fewer pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
