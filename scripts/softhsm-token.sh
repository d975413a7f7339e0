#!/usr/bin/env bash
# Sets up a SoftHSM2 token holding the agency signing key, for the PKCS#11 route of `sohoa sign`
# (--pkcs11-module SO --token-label L --pin-stdin). Everything lives under OUT_DIR: a private
# softhsm2.conf whose tokendir is OUT_DIR/tokens, so nothing global and no root needed.
#
#   scripts/softhsm-token.sh OUT_DIR AGENCY.p12            key + cert from a PKCS#12 (TEST_P12_PASSWORD)
#   scripts/softhsm-token.sh OUT_DIR KEY.pem CERT.pem      key (PKCS#8 / traditional PEM) + cert PEM
#   scripts/softhsm-token.sh OUT_DIR PKI_DIR               PKI_DIR/agency.key.pem + PKI_DIR/agency.pem
#                                                          (the output folder of scripts/test-ca.sh)
#   options: --with-chain   also store the CA certificates of the .p12 / PKI_DIR/intermediate.pem as
#                           certificate objects (label "intermediate", CKA_ID 02, 03...)
#
# It (re)creates the token from scratch on every run (idempotent: OUT_DIR/tokens is emptied first):
#   token label  $SOFTHSM_TOKEN_LABEL (default sohoa-test)
#   SO PIN       $SOFTHSM_SO_PIN      (default 1234)
#   user PIN     $SOFTHSM_USER_PIN    (default 123456)
#   objects      private key + public key (softhsm2-util --import, PKCS#8) and the X.509 certificate
#                (pkcs11-tool --write-object --type cert), all with CKA_ID 01 and CKA_LABEL "agency"
# then checks the token: signs a test message on the token (pkcs11-tool --sign, SHA256-RSA-PKCS; for an
# EC key CKM_ECDSA over the SHA-256 digest, since SoftHSM2 2.6 has no CKM_ECDSA_SHA256: a signer must
# hash itself, e.g. pyHanko needs --raw-mechanism) and verifies the signature with openssl against the
# certificate's public key.
#
# Installs nothing: needs Debian's `softhsm2` (softhsm2-util, libsofthsm2.so), `opensc` (pkcs11-tool)
# and `openssl`; says so and exits 2 when one is missing. The module is $SOFTHSM2_MODULE, or the first
# libsofthsm2.so found under /usr/lib/*/softhsm/, /usr/lib/softhsm/, /usr/local/lib/softhsm/.
#
# stdout is shell (comments and exports), so `eval "$(scripts/softhsm-token.sh OUT PKI)"` works:
#   export SOFTHSM2_CONF=OUT/softhsm2.conf
#   export PKCS11_MODULE=/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so
#   export PKCS11_TOKEN_LABEL=sohoa-test PKCS11_KEY_LABEL=agency
# The same lines are written to OUT_DIR/softhsm.env. Progress goes to stderr.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit "${1:-2}"; }
log() { echo "softhsm-token: $*" >&2; }
die() { log "$*"; exit "${code:-1}"; }

with_chain=0 args=()
for a in "$@"; do
  case "$a" in
    --with-chain) with_chain=1 ;;
    -h|--help) usage 0 ;;
    -*) log "unknown option $a"; usage ;;
    *) args+=("$a") ;;
  esac
done
if [ ${#args[@]} -lt 2 ] || [ ${#args[@]} -gt 3 ]; then usage; fi

label=${SOFTHSM_TOKEN_LABEL:-sohoa-test}
so_pin=${SOFTHSM_SO_PIN:-1234}
pin=${SOFTHSM_USER_PIN:-123456}
export TEST_P12_PASSWORD="${TEST_P12_PASSWORD:-test-password}"

missing=()
command -v softhsm2-util >/dev/null || missing+=(softhsm2)
command -v pkcs11-tool >/dev/null || missing+=(opensc)
command -v openssl >/dev/null || missing+=(openssl)
module=${SOFTHSM2_MODULE:-}
if [ -z "$module" ]; then
  for m in /usr/lib/*/softhsm/libsofthsm2.so /usr/lib/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
    [ -f "$m" ] && { module=$m; break; }
  done
fi
if [ -z "$module" ] || [ ! -f "$module" ]; then missing+=(softhsm2); fi
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  code=2 die "missing: ${missing[*]} -- install with: apt-get install -y --no-install-recommends ${missing[*]}"
fi

out=${args[0]}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

# ---- the key, the certificate, and (optionally) CA certificates, as clean PEM files in $work
chain_src=""
if [ ${#args[@]} -eq 3 ]; then
  key_src=${args[1]} cert_src=${args[2]}
  openssl pkey -in "$key_src" -out "$work/key.pem" || die "cannot read private key $key_src"
  openssl x509 -in "$cert_src" -out "$work/cert.pem" || die "cannot read certificate $cert_src"
elif [ -d "${args[1]}" ]; then
  openssl pkey -in "${args[1]}/agency.key.pem" -out "$work/key.pem" || die "no ${args[1]}/agency.key.pem"
  openssl x509 -in "${args[1]}/agency.pem" -out "$work/cert.pem" || die "no ${args[1]}/agency.pem"
  chain_src="${args[1]}/intermediate.pem"
else
  p12=${args[1]}
  [ -f "$p12" ] || die "no such file: $p12"
  legacy=()
  openssl pkcs12 -in "$p12" -passin env:TEST_P12_PASSWORD -noout 2>/dev/null || legacy=(-legacy)
  openssl pkcs12 -in "$p12" -passin env:TEST_P12_PASSWORD "${legacy[@]}" -nocerts -nodes -out "$work/key.raw" \
    || die "cannot open $p12 with TEST_P12_PASSWORD"
  openssl pkey -in "$work/key.raw" -out "$work/key.pem"
  openssl pkcs12 -in "$p12" -passin env:TEST_P12_PASSWORD "${legacy[@]}" -clcerts -nokeys -out "$work/cert.raw"
  openssl x509 -in "$work/cert.raw" -out "$work/cert.pem"
  openssl pkcs12 -in "$p12" -passin env:TEST_P12_PASSWORD "${legacy[@]}" -cacerts -nokeys -out "$work/chain.raw"
  chain_src="$work/chain.raw"
fi
# the key must belong to the certificate
[ "$(openssl pkey -in "$work/key.pem" -pubout | openssl dgst -sha256 -r)" = \
  "$(openssl x509 -in "$work/cert.pem" -noout -pubkey | openssl pkey -pubin -pubout | openssl dgst -sha256 -r)" ] \
  || die "the private key does not match the certificate"
openssl x509 -in "$work/cert.pem" -outform DER -out "$work/cert.der"
case "$(openssl x509 -in "$work/cert.pem" -noout -text | grep -m1 'Public Key Algorithm')" in
  *rsaEncryption*) mech=SHA256-RSA-PKCS sigfmt=() ;;
  # SoftHSM2 2.6 has no CKM_ECDSA_SHA256: sign the SHA-256 digest with plain CKM_ECDSA, as a signer must
  *) mech=ECDSA sigfmt=(--signature-format openssl) ;;
esac

# ---- private config and a fresh token
mkdir -p "$out/tokens"
find "$out/tokens" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
cat > "$out/softhsm2.conf" <<EOF
# written by scripts/softhsm-token.sh: a private SoftHSM2 store for tests
directories.tokendir = $out/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
export SOFTHSM2_CONF="$out/softhsm2.conf"

softhsm2-util --init-token --free --label "$label" --so-pin "$so_pin" --pin "$pin" >/dev/null \
  || die "softhsm2-util --init-token failed"
softhsm2-util --import "$work/key.pem" --token "$label" --label agency --id 01 --pin "$pin" >/dev/null \
  || die "softhsm2-util --import failed"
p11=(pkcs11-tool --module "$module" --token-label "$label" --login --pin "$pin")
"${p11[@]}" --write-object "$work/cert.der" --type cert --id 01 --label agency >/dev/null 2>"$work/p11.log" \
  || { cat "$work/p11.log" >&2; die "pkcs11-tool --write-object (cert) failed"; }

nchain=0
if [ "$with_chain" = 1 ] && [ -n "$chain_src" ] && [ -s "$chain_src" ]; then
  # split the PEM bundle; one certificate object per CA certificate
  awk -v dir="$work" '/-----BEGIN CERTIFICATE-----/{n++} n{print > (dir "/ca" n ".pem")}' "$chain_src"
  for f in "$work"/ca*.pem; do
    [ -f "$f" ] || continue
    nchain=$((nchain + 1))
    openssl x509 -in "$f" -outform DER -out "$work/ca.der"
    "${p11[@]}" --write-object "$work/ca.der" --type cert --id "$(printf '%02x' $((nchain + 1)))" \
      --label intermediate >/dev/null 2>"$work/p11.log" || { cat "$work/p11.log" >&2; die "writing CA cert failed"; }
  done
fi

# ---- check: sign on the token, verify with openssl against the certificate
printf 'sohoa softhsm-token self-test %s\n' "$(date -u +%FT%TZ)" > "$work/msg"
if [ "$mech" = ECDSA ]; then openssl dgst -sha256 -binary "$work/msg" > "$work/tbs"; else cp "$work/msg" "$work/tbs"; fi
"${p11[@]}" --sign --mechanism "$mech" --id 01 "${sigfmt[@]}" --input-file "$work/tbs" \
  --output-file "$work/msg.sig" >/dev/null 2>"$work/p11.log" || { cat "$work/p11.log" >&2; die "pkcs11-tool --sign failed"; }
openssl x509 -in "$work/cert.pem" -noout -pubkey > "$work/pub.pem"
openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/msg.sig" "$work/msg" >/dev/null \
  || die "the token's signature does not verify against the certificate"
objs=$(pkcs11-tool --module "$module" --token-label "$label" --login --pin "$pin" --list-objects 2>/dev/null \
  | grep -cE '^(Private Key|Public Key|Certificate) Object' || true)
log "token '$label' ready: $objs objects (key pair + cert 'agency', id 01$([ $nchain -gt 0 ] && echo ", $nchain CA cert(s)")); $mech signature verified with openssl"

subject=$(openssl x509 -in "$work/cert.pem" -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=//')
env_text="# SoftHSM2 token '$label' for: $subject
# module: $module
export SOFTHSM2_CONF=$(printf %q "$out/softhsm2.conf")
export PKCS11_MODULE=$(printf %q "$module")
export PKCS11_TOKEN_LABEL=$(printf %q "$label") PKCS11_KEY_LABEL=agency
# user PIN: \$SOFTHSM_USER_PIN (default 123456), e.g. printf %s 123456 | sohoa sign ... --pkcs11-module \"\$PKCS11_MODULE\" --token-label \"\$PKCS11_TOKEN_LABEL\" --pin-stdin"
printf '%s\n' "$env_text" > "$out/softhsm.env"
printf '%s\n' "$env_text"
