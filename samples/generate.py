#!/usr/bin/env python3
"""Generate a synthetic batch of scanned Vietnamese TTHC case files (hồ sơ TTHC).
Thin entry point: the CLI lives in gen/batch.py, the generator in the gen/ package next to this file.

Output is the input contract of sohoa: one folder per case holding page images
(JPEG / PNG / G4 TIFF, flat or in one subfolder per component document), a
batch register ``hoso.csv`` and, for some cases, a ``hoso.json`` sidecar.

    python3 samples/generate.py OUT_DIR [--cases N] [--pages N] [--seed S] [--dpi D] [--force]
                                [--generic [--defects PLANTED_JSON]]

Only Pillow and numpy are needed (and Python 3.11+, whose tomllib reads samples/rules for
working days and time limits).  The output is deterministic: the same seed,
Pillow/FreeType/libjpeg/zlib/libtiff versions and fonts give byte-identical
files (no timestamps are written anywhere).

Package layout (gen/, each module imports only the ones above it):
  * text.py ......... nfc, locate_fonts / Fonts, inks, Canvas
  * marks.py ........ draw_signature, draw_round_stamp, draw_rect_stamp
  * words.py ........ vn_num, date_words, ngay, dmy, area_s, filler sentences
  * flow.py ......... Flow (block layout over pages), render_doc
  * people.py ....... agencies, procedures, Person, make_cccd, working days (rules/calendar.toml), Ctx
  * drawings.py ..... page_cccd_copy, page_trich_do (whole-page drawings)
  * documents.py .... doc_* builders, DOCS, build_doc, make_certified_copies
  * degrade.py ...... Degrade, pick_degradation, compose, degrade_tone / degrade_bilevel
  * writers.py ...... formats, render_page, write_* and patch_fillorder2 / verify_fillorder2
  * plan.py ......... CasePlan, curated_cases (the committed batch), generic_case (bulk and clean),
                      number_cases, register (hoso.csv) and sidecar (hoso.json) writers
  * defects.py ...... planted defects for audit tests (--defects), legacy-encoding tables, double feeds
  * batch.py ........ produce_case and main (the CLI)
"""

import importlib
import os
import sys

try:
    for _dep in ("numpy", "PIL.Image", "PIL.ImageDraw", "PIL.ImageFilter", "PIL.ImageFont"):
        importlib.import_module(_dep)
except ImportError as exc:  # pragma: no cover
    sys.exit(f"error: {exc}. Install the dependencies: pip install pillow numpy")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen.batch import main  # noqa: E402

if __name__ == "__main__":
    main()
