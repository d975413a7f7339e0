#!/usr/bin/env python3
"""Fixity benchmark: `sohoa audit` re-hashing every bag against `sha256sum` over the same files.

usage: python3 scripts/bench-audit.py [--pages 400] [--runs 5] [--out bench-out-audit] [--previous BIN]

--previous BIN also times an earlier sohoa's audit of the same archive in the same runs.

Generates a corpus (samples/generate.py), ingests it with --keep-originals (so the bags hold both
the bundles and the scans), then alternates, warm cache, in the same session:
  * sohoa audit --no-index --json (all checks, fixity of every bag on --jobs 2; its own fixity
    timing `fixity.seconds` and the wall time of the whole command);
  * sha256sum over exactly the files the bags' manifests list, one process (coreutils);
  * the same split in two `sha256sum` processes (both cores, like sohoa).
Prints medians, MB/s and the ratios sohoa / sha256sum.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manifest_files(archive: Path) -> list[str]:
    files = []
    for bag in sorted((archive / "bags").iterdir()):
        if bag.name.startswith("."):
            continue
        for name in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
            for line in (bag / name).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    files.append(str(bag / line.split(None, 1)[1]))
    return files


def timed(cmd, **kw) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, **kw)
    return time.perf_counter() - t, p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default="bench-out-audit")
    ap.add_argument("--previous", help="an earlier sohoa binary, timed alongside (before/after)")
    a = ap.parse_args()
    out = ROOT / a.out
    scans, archive = out / "scans", out / "archive"
    if not os.environ.get("SOHOA_BENCH_NO_BUILD"):
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    sohoa = ROOT / "target/release/sohoa"
    if not scans.is_dir():
        subprocess.run(["python3", str(ROOT / "samples/generate.py"), str(scans), "--pages", str(a.pages), "--force"], check=True)
    if not archive.is_dir():
        env = dict(os.environ, SOHOA_OCR="off")
        subprocess.run([str(sohoa), "ingest", str(scans), "--archive", str(archive), "--keep-originals", "--json", "--jobs", "2"],
                       check=True, capture_output=True, env=env)
    files = manifest_files(archive)
    size = sum(os.path.getsize(f) for f in files)
    half = len(files) // 2
    print(f"{len(files)} files, {size / 1e6:.1f} MB in {len(list((archive / 'bags').iterdir()))} bags")
    subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True)  # warm the cache once
    res = {"sohoa_fixity": [], "sohoa_wall": [], "sha1": [], "sha2": []}
    if a.previous:
        res.update({"previous_fixity": [], "previous_wall": []})
    for _ in range(a.runs):
        if a.previous:
            wall, p = timed([a.previous, "audit", "--archive", str(archive), "--no-index", "--json", "--jobs", "2"])
            rep = json.loads(p.stdout)
            res["previous_fixity"].append(rep["fixity"]["seconds"])
            res["previous_wall"].append(wall)
        wall, p = timed([str(sohoa), "audit", "--archive", str(archive), "--no-index", "--json", "--jobs", "2"])
        rep = json.loads(p.stdout)
        assert rep["fixity"]["bags_checked"] > 0
        res["sohoa_fixity"].append(rep["fixity"]["seconds"])
        res["sohoa_wall"].append(wall)
        t, p = timed(["sha256sum", *files])
        assert p.returncode == 0
        res["sha1"].append(t)
        t0 = time.perf_counter()
        procs = [subprocess.Popen(["sha256sum", *part], stdout=subprocess.DEVNULL) for part in (files[:half], files[half:])]
        assert all(pr.wait() == 0 for pr in procs)
        res["sha2"].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in res.items()}
    mbs = {k: size / 1e6 / v for k, v in med.items()}
    for k in res:
        print(f"{k:14s} median {med[k]:.3f} s  ({min(res[k]):.3f}-{max(res[k]):.3f})  {mbs[k]:.0f} MB/s")
    print(f"throughput sohoa fixity / sha256sum (1 process): {mbs['sohoa_fixity'] / mbs['sha1']:.2f}")
    print(f"throughput sohoa fixity / sha256sum (2 processes): {mbs['sohoa_fixity'] / mbs['sha2']:.2f}")
    print(f"whole audit (all checks + fixity) / sha256sum (1 process): {mbs['sohoa_wall'] / mbs['sha1']:.2f}")
    if a.previous:
        print(f"sohoa fixity / previous: throughput x{mbs['sohoa_fixity'] / mbs['previous_fixity']:.3f}; "
              f"whole audit x{mbs['sohoa_wall'] / mbs['previous_wall']:.3f}")


if __name__ == "__main__":
    main()
