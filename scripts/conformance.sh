#!/usr/bin/env bash
# Independent conformance check of a sohoa archive: BagIt (bagit-python), PDF/A-2b (pikepdf.pdfa,
# PDFBox Preflight), qpdf --check, and page-by-page byte/pixel exactness (scripts/conformance.py).
#
# usage: scripts/conformance.sh [ARCHIVE] [--scans DIR] [--no-preflight]
#   no ARCHIVE: build target/debug/sohoa, ingest samples/batch into a fresh temp archive, check it, then
#   check `sohoa audit`/`sohoa report` outputs on it (scripts/conformance_reports.py: `reports: N passed, M failed`),
#   and how `sohoa register check` reads samples/registers (scripts/conformance_registers.py: `registers: N passed, M failed`).
# Installs missing validators (apt-get, pip) on first use. Ends with `conformance: N passed, M failed`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
archive=""
scans=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scans) [ $# -ge 2 ] || { echo "conformance.sh: --scans needs a directory" >&2; exit 2; }
             scans=$2; shift 2 ;;
    --scans=*) scans=${1#--scans=}; shift ;;
    --no-preflight) extra+=(--no-preflight); shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "conformance.sh: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$archive" ] || { echo "conformance.sh: only one ARCHIVE" >&2; exit 2; }
       archive=$1; shift ;;
  esac
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

# ---- tools (installed only when missing)
apt_missing=()
command -v qpdf >/dev/null || apt_missing+=(qpdf)
command -v pdfimages >/dev/null || apt_missing+=(poppler-utils)
command -v java >/dev/null || apt_missing+=(default-jre-headless)
[ -f /usr/share/java/preflight.jar ] && [ -f /usr/share/java/pdfbox2.jar ] || apt_missing+=(libpdfbox2-java)
[ -f /usr/share/java/javax.activation.jar ] || apt_missing+=(libactivation-java)
[ -f /usr/share/java/jaxb-api.jar ] || apt_missing+=(libjaxb-api-java)
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "== installing ${apt_missing[*]} (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi
if ! python3 - <<'PY' 2>/dev/null
import bagit, numpy, PIL, pikepdf, pikepdf.pdfa
assert hasattr(pikepdf.pdfa, "validate_written")
PY
then
  echo "== installing pikepdf[pdfa] bagit pillow numpy (pip)"
  pkgs=('pikepdf[pdfa]>=10.17' bagit pillow numpy)
  python3 -m pip install --quiet --disable-pip-version-check "${pkgs[@]}" \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${pkgs[@]}"
fi

# ---- no ARCHIVE: fresh ingest of the samples
if [ -z "$archive" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/sohoa-conformance.XXXXXX")
  keep=1
  trap '[ "$keep" = 1 ] || rm -rf "$work"' EXIT
  if [ -z "$scans" ]; then
    scans=$root/samples/batch
    if [ ! -d "$scans" ]; then
      [ -f "$root/samples/generate.py" ] || { echo "conformance.sh: no samples/batch and no samples/generate.py" >&2; exit 2; }
      echo "== samples/batch missing: generating it into $work/batch"
      python3 "$root/samples/generate.py" "$work/batch"
      scans=$work/batch
    fi
  fi
  echo "== cargo build --bin sohoa"
  (cd "$root" && cargo build --bin sohoa)
  bin=${SOHOA_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/sohoa}
  archive=$work/archive
  mkdir -p "$archive"
  echo "== sohoa ingest $scans --archive $archive (kept there if a check fails)"
  rc=0
  "$bin" ingest "$scans" --archive "$archive" --json >"$work/ingest.json" 2>"$work/ingest.log" || rc=$?
  tail -n 20 "$work/ingest.log"
  case $rc in
    0) echo "ingest: exit 0" ;;
    1) echo "ingest: exit 1 (partial: some cases failed; their bags are absent). ingest --json said:"
       head -c 4000 "$work/ingest.json"; echo ;;
    *) echo "ingest: exit $rc (cannot run)"; head -c 4000 "$work/ingest.json"; echo
       echo "conformance: 0 passed, 1 failed"; exit 1 ;;
  esac
  echo "== checks"
  set +e
  python3 "$root/scripts/conformance.py" "$archive" --scans "$scans" ${extra[@]+"${extra[@]}"}
  status=$?
  echo "== audit/report checks"
  python3 "$root/scripts/conformance_reports.py" "$archive" --bin "$bin"
  reports_status=$?
  [ "$status" != 0 ] || status=$reports_status
  echo "== register checks (samples/registers against iconv and Python's codecs)"
  python3 "$root/scripts/conformance_registers.py" --bin "$bin"
  registers_status=$?
  [ "$status" != 0 ] || status=$registers_status
  set -e
  [ "$status" != 0 ] || keep=0
  exit "$status"
fi

[ -d "$archive" ] || { echo "conformance.sh: $archive is not a directory" >&2; exit 2; }
args=("$archive")
[ -z "$scans" ] || args+=(--scans "$scans")
exec python3 "$root/scripts/conformance.py" "${args[@]}" ${extra[@]+"${extra[@]}"}
