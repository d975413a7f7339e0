"""Batch driver and CLI: renders every planned case to its files, then writes the register (and, with
--defects, the list of planted defects).  Top of the package; samples/generate.py calls main()."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time

import numpy as np

from . import defects
from .documents import build_doc, make_certified_copies
from .plan import CasePlan, plan_batch, write_register, write_sidecar
from .text import Canvas, Fonts, nfc
from .writers import render_page, write_file


def produce_case(plan: CasePlan, idx: int, out: str, seed: int, dpi: int, fonts: Fonts, stats: dict):
    dpi = plan.dpi or dpi
    rng = np.random.default_rng([seed, idx])
    rnd = random.Random(seed * 1_000_003 + 500 + idx)
    case_dir = os.path.join(out, nfc(plan.folder))
    os.makedirs(case_dir, exist_ok=True)
    docs: list[list[Canvas]] = []
    probe = Canvas(fonts, dpi)
    shape = (probe.H, probe.W)
    for part in plan.parts:
        need = 1 + max([t if isinstance(t, int) else t[1] for f in part.files for t in f.pages
                        if t != "B"] or [0])
        if part.doc.startswith("copy:"):
            src = docs[int(part.doc.split(":")[1])]
            pages = make_certified_copies(src[:need], plan.ctx, rng)
        else:
            pages = build_doc(part.doc, plan.ctx, need, fonts, dpi, rng, rnd)
        docs.append(pages)
        pdir = case_dir if part.folder is None else os.path.join(case_dir, nfc(part.folder))
        os.makedirs(pdir, exist_ok=True)
        fed = {}            # doc page -> rng state before its scan (for a double feed of it)
        for f in part.files:
            path = os.path.join(pdir, nfc(f.name))
            if f.copy_from is not None:
                shutil.copyfile(os.path.join(out, f.copy_from), path)
                stats["files"] += 1
                stats["pages"] += len(f.pages)
                continue
            frames = []
            for t in f.pages:
                canvas = None if t == "B" else pages[t if isinstance(t, int) else t[1]]
                if isinstance(t, tuple) and t[0] == "again":
                    frames.append(defects.render_double_feed(canvas, f.fmt, shape, fed[t[1]], rng))
                    continue
                if isinstance(t, int):
                    fed[t] = rng.bit_generator.state
                frames.append(render_page(canvas, f.fmt, shape, rng))
            write_file(frames, f.fmt, path, dpi, f.with_dpi)
            stats["files"] += 1
            stats["pages"] += len(frames)
    if plan.sidecar is not None and plan.register is not None:
        write_sidecar(plan, case_dir)
        stats["files"] += 1


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a synthetic batch of scanned TTHC case files.")
    ap.add_argument("out_dir")
    ap.add_argument("--cases", type=int, default=6, help="number of cases (default 6 = the curated set)")
    ap.add_argument("--pages", type=int, help="total number of pages; cases of 3-12 pages are derived")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--force", action="store_true", help="empty a non-empty OUT_DIR first")
    ap.add_argument("--generic", action="store_true",
                    help="no curated cases: generic cases only, all consistent (clean)")
    ap.add_argument("--defects", metavar="PLANTED_JSON",
                    help="with --generic: plant known defects in the first cases and list them in PLANTED_JSON")
    a = ap.parse_args(argv)
    if a.cases < 1 or (a.pages is not None and a.pages < 3) or a.dpi < 50:
        ap.error("need --cases >= 1, --pages >= 3, --dpi >= 50")
    if a.defects is not None:
        if not a.generic:
            ap.error("--defects needs --generic")
        if a.pages is not None:
            ap.error("--defects works with --cases, not --pages")
        if a.cases < defects.MIN_CASES:
            sys.exit(f"error: --defects plants {len(defects.case_needs())} defect and control cases: "
                     f"use --cases {defects.MIN_CASES} or more")

    out = a.out_dir
    if os.path.exists(out) and not os.path.isdir(out):
        ap.error(f"{out} exists and is not a directory")
    if os.path.isdir(out) and os.listdir(out):
        if not a.force:
            sys.exit(f"error: {out} is not empty (use --force to replace its contents)")
        real = os.path.realpath(out)
        if real in ("/", os.path.realpath(os.path.expanduser("~"))) or any(
                os.path.exists(os.path.join(out, m)) for m in (".git", "Cargo.toml")):
            sys.exit(f"error: refusing to empty {out}")
        for e in sorted(os.listdir(out)):
            p = os.path.join(out, e)
            shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
    os.makedirs(out, exist_ok=True)

    t0 = time.time()
    fonts = Fonts()
    plans = plan_batch(a.seed, a.cases, a.pages, a.generic, defects.case_needs() if a.defects else ())
    planted = defects.plant(plans, a.seed) if a.defects else None
    stats = {"files": 0, "pages": 0}
    for i, plan in enumerate(plans):
        produce_case(plan, i, out, a.seed, a.dpi, fonts, stats)
    write_register(plans, out, defects.COLUMNS if a.defects else ())
    stats["files"] += 1
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
    print(f"{out}: {len(plans)} cases, {stats['pages']} pages, {stats['files']} files, {size} bytes "
          f"({time.time() - t0:.1f} s)")
    if planted is not None:
        with open(a.defects, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(json.dumps(planted, ensure_ascii=False, indent=2) + "\n")
        cases = {e["folder"] for e in planted["planted"]}
        print(f"{a.defects}: {len(planted['planted'])} planted findings in {len(cases)} cases, "
              f"{len(planted['controls'])} controls")
