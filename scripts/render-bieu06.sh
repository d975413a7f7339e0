#!/usr/bin/env bash
# Renders the workbook of `sohoa report --xlsx` as LibreOffice prints it, to look at before a
# release: every sheet to one PDF (A4), the form's first page also as a PNG.
#
#   scripts/render-bieu06.sh REPORT.xlsx [OUTDIR]     (default OUTDIR: next to the workbook)
#
# Needs LibreOffice Calc (Debian: apt-get install libreoffice-calc-nogui) and pdftoppm
# (poppler-utils). Prints the PDF's page count and size, and the paths written.
set -euo pipefail
xlsx=${1:?usage: render-bieu06.sh REPORT.xlsx [OUTDIR]}
out=${2:-$(dirname "$xlsx")}
command -v soffice >/dev/null || { echo "soffice not found: apt-get install libreoffice-calc-nogui" >&2; exit 2; }
command -v pdftoppm >/dev/null || { echo "pdftoppm not found: apt-get install poppler-utils" >&2; exit 2; }
mkdir -p "$out"
# A private profile: no clash with a LibreOffice the user has open.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation=file://"$profile" --headless --convert-to pdf --outdir "$out" "$xlsx" >/dev/null
pdf="$out/$(basename "${xlsx%.*}").pdf"
pdfinfo "$pdf" | grep -E '^(Pages|Page size):'
pdftoppm -r 100 -png -f 1 -l 1 -singlefile "$pdf" "${pdf%.pdf}-bieu06"
echo "written: $pdf ${pdf%.pdf}-bieu06.png"
