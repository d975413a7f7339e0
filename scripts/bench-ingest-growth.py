#!/usr/bin/env python3
"""Ingest time per case as the archive grows: BATCHES batches of SIZE small cases (default 10 x 1,000)
ingested one after the other into the same archive, each batch timed on its own.

usage: python3 scripts/bench-ingest-growth.py [--batches 10] [--size 1000] [--jobs 2] [--ocr off]
                                             [--out bench-out-growth] [--sohoa BIN]

Flat time means no step of an ingest does work that grows with the archive (listing every bag, reading
every record, rewriting the whole index per case): the last batch, into an archive of 9,000 cases, should
take as long per case as the first, into an empty one. Cases come from scripts/make-scale-cases.py (one
100-dpi PNG page each, a unique case code and scan). Per batch: wall time, ms/case, peak RSS of the
sohoa process (through bench-ingest.py's launcher), and the archive's size before it. The summary line
gives the ratio of the slowest of the last three batches to the median of the first three.
"""
from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "scripts" / "bench-ingest.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ocr", default="off")
    ap.add_argument("--out", type=Path, default=ROOT / "bench-out-growth")
    ap.add_argument("--sohoa", type=Path)
    a = ap.parse_args()
    sohoa = a.sohoa
    if sohoa is None:
        subprocess.run(["cargo", "build", "--release", "--bin", "sohoa"], cwd=ROOT, check=True)
        sohoa = ROOT / "target" / "release" / "sohoa"
    total = a.batches * a.size
    cases = a.out / f"cases-{total}"
    if not (cases / "batch-00").is_dir():
        shutil.rmtree(cases, ignore_errors=True)
        flat = a.out / "flat"
        shutil.rmtree(flat, ignore_errors=True)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make-scale-cases.py"), str(total), str(flat)], check=True)
        folders = sorted(p for p in flat.iterdir() if p.is_dir())
        for k in range(a.batches):
            batch = cases / f"batch-{k:02d}"
            batch.mkdir(parents=True)
            for f in folders[k * a.size:(k + 1) * a.size]:
                f.rename(batch / f.name)
        shutil.rmtree(flat)
    archive = a.out / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    log = a.out / "ingest.log"
    log.unlink(missing_ok=True)
    bench.build_launcher(a.out)
    print(f"{a.batches} batches of {a.size} cases, --jobs {a.jobs}, --ocr {a.ocr}, {sohoa}")
    print(f"{'batch':>5} {'archive before':>15} {'seconds':>9} {'ms/case':>9} {'peak RSS MiB':>13}")
    per_case = []
    for k in range(a.batches):
        cmd = [str(sohoa), "ingest", str(cases / f"batch-{k:02d}"), "--archive", str(archive),
               "--jobs", str(a.jobs), "--ocr", a.ocr, "--json"]
        rc, secs, rss = bench.run_measured(cmd, log)
        if rc not in (0,):
            print(f"batch {k}: sohoa exited with {rc} (see {log})")
            return 1
        ms = secs * 1000 / a.size
        per_case.append(ms)
        print(f"{k:>5} {k * a.size:>15} {secs:>9.2f} {ms:>9.2f} {rss / 1024:>13.1f}", flush=True)
    first = statistics.median(per_case[:3])
    last = max(per_case[-3:])
    print(f"ms/case: first three batches median {first:.2f}, slowest of the last three {last:.2f}: x{last / first:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
