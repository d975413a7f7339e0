#!/usr/bin/env python3
"""OCR benchmark: `sohoa ingest` with OCR (normalization, text layer, page texts, bags, index)
against bare `tesseract` on the same scans, in the same run.

usage: python3 scripts/bench-ocr.py [--pages 50] [--runs 3] [--seed 5] [--lang vie+eng] [--out bench-out-ocr]

The corpus comes from samples/generate.py --dpi 300 (A4 pages, JPEG/PNG/TIFF incl. multi-page G4).
tesseract: one process per source file (multi-page TIFFs in one process), two at a time like
sohoa's --jobs 2, OMP_THREAD_LIMIT=1 (faster with two processes on two cores; sohoa sets the same),
plain-text output only. sohoa: `ingest --jobs 2 --ocr on`. Wall time and peak RSS from the launcher
of bench-ingest.py; medians of the runs and the ratio sohoa / tesseract are printed.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "scripts" / "bench-ingest.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
_nspec = importlib.util.spec_from_file_location("bench_norm", ROOT / "scripts" / "bench-normalize.py")
norm = importlib.util.module_from_spec(_nspec)
_nspec.loader.exec_module(norm)


def main() -> int:
    ap = argparse.ArgumentParser(description="sohoa ingest with OCR vs bare tesseract")
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--lang", default="vie+eng")
    ap.add_argument("--out", type=Path, default=ROOT / "bench-out-ocr")
    ap.add_argument("--sohoa", type=Path, help="use this sohoa binary instead of building target/release/sohoa")
    args = ap.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    log = out / "bench.log"
    log.write_text("")
    bench.build_launcher(out)
    corpus = norm.generate(out, args.pages, args.seed)
    if args.sohoa:
        sohoa = args.sohoa.resolve()
    else:
        subprocess.run(["cargo", "build", "--release", "--bin", "sohoa"], cwd=ROOT, check=True)
        sohoa = ROOT / "target" / "release" / "sohoa"
    plan, _ = bench.img2pdf_plan(corpus)
    files = [f for _, fs in plan for f in fs]
    files += [f for c in bench.case_folders(corpus) for f in sorted(c.rglob("*"))
              if f.suffix.lower() in (".tif", ".tiff") and f not in files]
    listing = out / "files.txt"
    listing.write_text("".join(f"{f}\n" for f in files))
    tess_out = out / "tesseract-out"
    # Each file to its own output name (its index), two processes at a time; files tesseract cannot
    # read are counted (exit status 1 of the runner), not retried.
    runner = out / "tesseract-runner.py"
    runner.write_text(
        "import subprocess, sys\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "files, out, lang = open(sys.argv[1]).read().splitlines(), sys.argv[2], sys.argv[3]\n"
        "def one(i):\n"
        "    return subprocess.run(['tesseract', files[i], f'{out}/{i}', '-l', lang],\n"
        "                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
        "with ThreadPoolExecutor(2) as ex:\n"
        "    bad = sum(1 for rc in ex.map(one, range(len(files))) if rc)\n"
        "print(f'tesseract failed on {bad} file(s)')\n"
        "sys.exit(1 if bad else 0)\n")
    tools = {
        "sohoa ingest --ocr on": lambda a: [str(sohoa), "ingest", str(corpus), "--archive", str(a), "--jobs", "2",
                                           "--ocr", "on", "--ocr-lang", args.lang],
        "tesseract (bare)": lambda a: ["env", "OMP_THREAD_LIMIT=1", sys.executable, str(runner), str(listing),
                                       str(tess_out), args.lang],
    }
    results: dict[str, dict[str, list]] = {t: {"secs": [], "rss": []} for t in tools}
    pages_ocr = 0
    for run in range(1, args.runs + 1):
        for tool, cmd in tools.items():
            target = out / "run-output"
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(tess_out, ignore_errors=True)
            tess_out.mkdir()
            rc, secs, rss = bench.run_measured(cmd(target), log)
            if rc not in (0, 1):
                print(f"{tool}: exit {rc}; see {log}", file=sys.stderr)
                return 1
            extra = ""
            if tool.startswith("sohoa"):
                metas = [json.loads(m.read_text()) for m in (target / "bags").glob("*/data/metadata.json")]
                pages = [p for m in metas for p in m["pages"]]
                done = [p for p in pages if (p.get("ocr") or {}).get("status") == "done"]
                pages_ocr = len(done)
                conf = statistics.mean(p["ocr"]["confidence"] for p in done) if done else 0
                extra = f", {len(pages)} pages, {len(done)} recognized, mean confidence {conf:.0f}"
            else:
                extra = f", {len(list(tess_out.glob('*.txt')))} text files"
            results[tool]["secs"].append(secs)
            results[tool]["rss"].append(rss)
            print(f"run {run}: {tool}: {secs:.2f} s, {rss / 1024:.1f} MiB{extra}", flush=True)
    print(f"\ncorpus: {corpus} ({args.pages} pages at 300 dpi, seed {args.seed}, {len(files)} files); "
          f"languages {args.lang}; runs: {args.runs}")
    hdr = f"{'tool':<24} {'median s':>9} {'min s':>7} {'max s':>7} {'peak RSS MiB':>13}"
    print(hdr)
    print("-" * len(hdr))
    med = {}
    for tool, r in results.items():
        med[tool] = statistics.median(r["secs"])
        print(f"{tool:<24} {med[tool]:>9.2f} {min(r['secs']):>7.2f} {max(r['secs']):>7.2f} {max(r['rss']) / 1024:>13.1f}")
    a, b = med["sohoa ingest --ocr on"], med["tesseract (bare)"]
    print(f"\nsohoa / tesseract total time: x{a / b:.3f} (goal <= 1.10); sohoa recognized {pages_ocr} pages "
          "(blank pages are not sent to OCR)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
