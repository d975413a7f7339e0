#!/usr/bin/env python3
"""Scale-out benchmark (issue 18): cases/s with 1 and 2 queue workers into a local archive folder and
into SeaweedFS, next to plain `sohoa ingest --jobs 1/2` (the one-machine baseline), in one run.

usage: python3 scripts/bench-scale.py [--cases 300] [--pages 2] [--runs 3] [--sohoa BIN]

Starts PostgreSQL and SeaweedFS on loopback (scripts/services/), generates the cases once
(scripts/make-scale-cases.py), then for each run and configuration: a fresh archive (folder, or a new
S3 prefix), the queue emptied, `sohoa queue add`, and N `sohoa worker --jobs 1 --drain` processes
started together; the time is from the workers' start to the last one's exit. Prints medians and
ratios to the baseline; the servers are stopped by PID at the end. OCR off (the benchmark measures the
pipeline and the storage, not Tesseract).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def env_from(script_output: str) -> dict[str, str]:
    out = {}
    for line in script_output.splitlines():
        if line.startswith("export ") and "=" in line:
            k, v = line[len("export "):].split("=", 1)
            out[k] = v
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--pages", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sohoa", type=Path, default=None)
    a = ap.parse_args()
    if a.sohoa is None:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "sohoa"], cwd=ROOT, check=True)
        a.sohoa = ROOT / "target/release/sohoa"
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-scale."))
    env = dict(os.environ, SOHOA_HOME=str(work / "homes"), SOHOA_ID_KEY=str(work / "id.key"), SOHOA_LANG="en",
               PG_PORT=os.environ.get("PG_PORT", "55450"), SEAWEED_PORT_BASE=os.environ.get("SEAWEED_PORT_BASE", "18000"))
    services = ROOT / "scripts/services"
    try:
        env.update(env_from(subprocess.run(["bash", services / "postgres.sh", "start", work / "pg"], env=env, check=True,
                                           capture_output=True, text=True).stdout))
        env.update(env_from(subprocess.run(["bash", services / "seaweedfs.sh", "start", work / "weed", "sohoa"], env=env,
                                           check=True, capture_output=True, text=True).stdout))
        scans = work / "scans"
        subprocess.run([sys.executable, ROOT / "scripts/make-scale-cases.py", str(a.cases), scans, "--pages", str(a.pages)],
                       check=True, capture_output=True)
        sohoa = str(a.sohoa)

        def run_ingest(jobs: int, n: int) -> float:
            archive = work / f"ingest-{jobs}-{n}"
            t = time.perf_counter()
            subprocess.run([sohoa, "ingest", scans, "--archive", archive, "--jobs", str(jobs), "--ocr", "off", "--json"],
                           env=env, check=True, capture_output=True)
            return time.perf_counter() - t

        def run_workers(workers: int, target: str) -> float:
            subprocess.run(["psql", env["SOHOA_QUEUE"], "-qc", "DROP TABLE IF EXISTS sohoa_jobs"], env=env, check=True,
                           capture_output=True)
            subprocess.run([sohoa, "queue", "add", scans, "--ocr", "off", "--json"], env=env, check=True, capture_output=True)
            t = time.perf_counter()
            procs = [subprocess.Popen([sohoa, "worker", "--archive", target, "--jobs", "1", "--drain", "--json"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(workers)]
            for p in procs:
                _, err = p.communicate()
                if p.returncode != 0:
                    raise SystemExit(f"worker failed: {err.decode()[-2000:]}")
            secs = time.perf_counter() - t
            st = subprocess.run([sohoa, "queue", "status", "--json"], env=env, capture_output=True, text=True)
            if f'"done": {a.cases}' not in st.stdout:
                raise SystemExit(f"not every case done: {st.stdout[:600]}")
            return secs

        configs = [
            ("sohoa ingest --jobs 1 (baseline)", lambda n: run_ingest(1, n)),
            ("sohoa ingest --jobs 2", lambda n: run_ingest(2, n)),
            ("1 worker -> folder", lambda n: run_workers(1, str(work / f"folder-1-{n}"))),
            ("2 workers -> folder", lambda n: run_workers(2, str(work / f"folder-2-{n}"))),
            ("1 worker -> SeaweedFS", lambda n: run_workers(1, f"s3://sohoa/bench-1-{n}")),
            ("2 workers -> SeaweedFS", lambda n: run_workers(2, f"s3://sohoa/bench-2-{n}")),
        ]
        times: dict[str, list[float]] = {name: [] for name, _ in configs}
        for n in range(a.runs):
            for name, f in configs:
                times[name].append(f(n))
                print(f"run {n + 1} {name}: {times[name][-1]:.1f} s", flush=True)
        base = statistics.median(times[configs[0][0]])
        print(f"\n{a.cases} cases x {a.pages} pages, {a.runs} runs, {os.cpu_count()} cores, sohoa {sohoa}")
        print(f"{'configuration':36} {'median s':>9} {'cases/s':>8} {'vs baseline':>11}")
        for name, _ in configs:
            m = statistics.median(times[name])
            print(f"{name:36} {m:9.1f} {a.cases / m:8.1f} {base / m:10.2f}x")
        return 0
    finally:
        subprocess.run(["bash", services / "seaweedfs.sh", "stop", work / "weed"], env=env, capture_output=True)
        subprocess.run(["bash", services / "postgres.sh", "stop", work / "pg"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
