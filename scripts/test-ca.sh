#!/usr/bin/env bash
# Makes a throwaway test PKI for the signing tests (`sohoa sign`), with the openssl CLI only (OpenSSL 3,
# as in Debian 12), no network. NEVER use these keys for anything real: they are unencrypted on disk.
#
#   scripts/test-ca.sh OUT_DIR [--agency "UBND xã Tân Hòa"] [--other-agency "UBND xã Tân Phú"] [--force]
#
# Writes into OUT_DIR:
#   root.pem, root.key.pem             root CA, RSA 3072, 10 years, CA:TRUE, keyCertSign+cRLSign
#   intermediate.pem, .key.pem         intermediate CA, RSA 3072, 5 years, CA:TRUE pathlen:0, issued by root
#   chain.pem                          intermediate + root (PEM, in that order)
#   agency.pem, agency.key.pem         agency signing cert, RSA 2048, issued by the intermediate, 2 years;
#                                      subject C=VN, O=<agency>, CN=<agency> ký số (UTF8String); keyUsage
#                                      (critical) digitalSignature+nonRepudiation; extendedKeyUsage
#                                      id-kp-documentSigning (1.3.6.1.5.5.7.3.36), MS document signing
#                                      (1.3.6.1.4.1.311.10.3.12), emailProtection. Key is PKCS#8 PEM, unencrypted.
#   agency.p12                         key + agency cert + intermediate, friendlyName "agency", OpenSSL 3
#                                      default encryption: PBES2 (PBKDF2/HMAC-SHA256, AES-256-CBC), MAC SHA-256
#   agency-legacy.p12                  same content, `-legacy` (pbeWithSHA1And3-KeyTripleDES-CBC for the key,
#                                      pbeWithSHA1And40BitRC2-CBC for the certs, SHA-1 MAC): old Windows exports
#   agency-ec.pem, agency-ec.key.pem, agency-ec.p12   the same agency with an ECDSA P-256 key
#   expired.pem, expired.key.pem, expired.p12         same agency, RSA 2048, validity ended yesterday
#   other-org.pem, other-org.key.pem, other-org.p12   valid cert whose O= is another agency
#   tsa.pem, tsa.key.pem, tsa-chain.pem  a time-stamping authority (RSA 2048, EKU timeStamping, critical),
#                                      issued by the intermediate; tsa-chain.pem = tsa + intermediate
#   tsa.cnf, tsa-serial                config for a local RFC 3161 responder:
#                                      openssl ts -reply -config OUT_DIR/tsa.cnf -queryfile REQ -out RESP
#   test-ca.env                        the parameters used (agency, other agency); a rerun with the same
#                                      parameters and a still-valid agency.pem reuses everything (idempotent)
#
# Env: TEST_P12_PASSWORD (default "test-password") for every .p12.
# Certificates are issued with `openssl ca` (so validity can be back-dated: root and intermediate start 60
# days ago, the expired cert ran from 30 days ago to yesterday), with random serials.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit "${1:-2}"; }

out="" agency="UBND xã Tân Hòa" other="UBND xã Tân Phú" force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --agency) agency="${2:?--agency needs a value}"; shift 2 ;;
    --agency=*) agency="${1#*=}"; shift ;;
    --other-agency) other="${2:?--other-agency needs a value}"; shift 2 ;;
    --other-agency=*) other="${1#*=}"; shift ;;
    --force) force=1; shift ;;
    -h|--help) usage 0 ;;
    -*) echo "test-ca.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$out" ] || { echo "test-ca.sh: one OUT_DIR only" >&2; usage; }; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || usage
[ "$agency" != "$other" ] || { echo "test-ca.sh: --other-agency must differ from --agency" >&2; exit 2; }
command -v openssl >/dev/null || { echo "test-ca.sh: needs the openssl CLI (apt-get install openssl)" >&2; exit 2; }
export TEST_P12_PASSWORD="${TEST_P12_PASSWORD:-test-password}"

mkdir -p "$out"
out=$(cd "$out" && pwd)
outputs=(root.pem intermediate.pem chain.pem agency.pem agency.key.pem agency.p12 agency-legacy.p12
         agency-ec.pem agency-ec.key.pem agency-ec.p12 expired.p12 other-org.p12 tsa.pem tsa.key.pem tsa.cnf)
params=$(printf 'AGENCY=%q\nOTHER_AGENCY=%q\nP12_SHA256=%s\n' "$agency" "$other" \
  "$(printf '%s' "$TEST_P12_PASSWORD" | openssl dgst -sha256 -r | cut -d' ' -f1)")

summary() {
  local subj
  subj=$(openssl x509 -in "$out/agency.pem" -noout -subject -nameopt RFC2253,-esc_msb)
  echo "test-ca: $1 $out: root.pem intermediate.pem chain.pem agency.{pem,key.pem,p12} agency-legacy.p12 agency-ec.{pem,key.pem,p12} expired.p12 other-org.p12 tsa.{pem,key.pem,cnf}; agency $subj; p12 password from TEST_P12_PASSWORD"
}

if [ "$force" = 0 ] && [ -f "$out/test-ca.env" ] && [ "$(cat "$out/test-ca.env")" = "$params" ]; then
  complete=1
  for f in "${outputs[@]}"; do [ -s "$out/$f" ] || complete=0; done
  if [ "$complete" = 1 ] && openssl x509 -in "$out/agency.pem" -noout -checkend 86400 >/dev/null; then
    summary "reused"
    exit 0
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# openssl -subj escaping: backslash before the characters it treats specially.
esc() { printf '%s' "$1" | sed -e 's/[\\/+=,]/\\&/g'; }
utc() { date -u -d "$1" +%y%m%d%H%M%SZ; }   # UTCTime, as `openssl ca -startdate/-enddate` wants

cat > "$work/ca.cnf" <<'EOF'
[ ca ]
default_ca = testca
[ testca ]
dir              = .
database         = $dir/index.txt
new_certs_dir    = $dir/newcerts
serial           = $dir/serial
default_md       = sha256
policy           = policy_any
unique_subject   = no
email_in_dn      = no
copy_extensions  = none
preserve         = yes
string_mask      = utf8only
[ policy_any ]
countryName            = optional
organizationName       = optional
commonName             = supplied
[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
prompt             = no
[ req_dn ]
CN = placeholder
[ v3_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ v3_intermediate ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ v3_tsa ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = critical, timeStamping
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ v3_signer ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = 1.3.6.1.5.5.7.3.36, 1.3.6.1.4.1.311.10.3.12, emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

cd "$work"
mkdir newcerts
: > index.txt
echo 01 > serial

# issue NAME ISSUER(-|self) EXT SUBJECT START END KEYALG...
issue() {
  local name=$1 issuer=$2 ext=$3 subj=$4 start=$5 end=$6; shift 6
  openssl genpkey -quiet "$@" -out "$name.key.pem"
  openssl req -new -config ca.cnf -utf8 -key "$name.key.pem" -subj "$subj" -out "$name.csr" 2>/dev/null
  local signer=(-cert "$issuer.pem" -keyfile "$issuer.key.pem")
  [ "$issuer" = self ] && signer=(-selfsign -keyfile "$name.key.pem")
  openssl ca -batch -config ca.cnf -utf8 -notext -rand_serial -extensions "$ext" \
    -startdate "$(utc "$start")" -enddate "$(utc "$end")" "${signer[@]}" \
    -in "$name.csr" -out "$name.pem" 2>ca.log || { cat ca.log >&2; exit 1; }
}
rsa() { echo -algorithm RSA -pkeyopt "rsa_keygen_bits:$1"; }

ag=$(esc "$agency") ot=$(esc "$other")
# shellcheck disable=SC2046
issue root self v3_root "/C=VN/O=sohoa test PKI/CN=sohoa Test Root CA" "60 days ago" "+10 years" $(rsa 3072)
# shellcheck disable=SC2046
issue intermediate root v3_intermediate "/C=VN/O=sohoa test PKI/CN=sohoa Test Signing CA" "60 days ago" "+5 years" $(rsa 3072)
# shellcheck disable=SC2046
issue agency intermediate v3_signer "/C=VN/O=$ag/CN=$ag ký số" "1 day ago" "+2 years" $(rsa 2048)
issue agency-ec intermediate v3_signer "/C=VN/O=$ag/CN=$ag ký số (ECDSA)" "1 day ago" "+2 years" \
  -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve
# shellcheck disable=SC2046
issue expired intermediate v3_signer "/C=VN/O=$ag/CN=$ag ký số (hết hạn)" "30 days ago" "1 day ago" $(rsa 2048)
# shellcheck disable=SC2046
issue other-org intermediate v3_signer "/C=VN/O=$ot/CN=$ot ký số" "1 day ago" "+2 years" $(rsa 2048)
# shellcheck disable=SC2046
issue tsa intermediate v3_tsa "/C=VN/O=sohoa test PKI/CN=sohoa Test TSA" "1 day ago" "+5 years" $(rsa 2048)
cat intermediate.pem root.pem > chain.pem
cat tsa.pem intermediate.pem > tsa-chain.pem
# an `openssl ts -reply -config tsa.cnf` setup, for a local RFC 3161 responder in tests
cat > tsa.cnf <<EOF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir                    = $out
serial                 = \$dir/tsa-serial
crypto_device          = builtin
signer_cert            = \$dir/tsa.pem
certs                  = \$dir/tsa-chain.pem
signer_key             = \$dir/tsa.key.pem
signer_digest          = sha256
default_policy         = 1.3.6.1.4.1.55555.1.1
other_policies         = 1.3.6.1.4.1.55555.1.2
digests                = sha256, sha384, sha512
accuracy               = secs:1
ordering               = yes
tsa_name               = yes
ess_cert_id_chain      = no
ess_cert_id_alg        = sha256
EOF
echo 01 > tsa-serial

p12() {  # p12 NAME OUTFILE [extra pkcs12 options]
  local name=$1 file=$2; shift 2
  openssl pkcs12 -export -inkey "$name.key.pem" -in "$name.pem" -certfile intermediate.pem \
    -name agency -passout env:TEST_P12_PASSWORD "$@" -out "$file"
}
p12 agency agency.p12 -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256
p12 agency agency-legacy.p12 -legacy
p12 agency-ec agency-ec.p12 -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256
p12 expired expired.p12 -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256
p12 other-org other-org.p12 -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256

# Sanity: every leaf chains to the root (the expired one only when checked at its own time).
for leaf in agency agency-ec other-org tsa; do
  openssl verify -CAfile root.pem -untrusted intermediate.pem "$leaf.pem" >/dev/null
done
openssl verify -CAfile root.pem -untrusted intermediate.pem -attime "$(date -u -d '2 days ago' +%s)" expired.pem >/dev/null
if openssl verify -CAfile root.pem -untrusted intermediate.pem expired.pem >/dev/null 2>&1; then
  echo "test-ca.sh: expired.pem unexpectedly valid now" >&2; exit 1
fi

chmod 600 ./*.key.pem ./*.p12
for f in root.pem root.key.pem intermediate.pem intermediate.key.pem chain.pem \
         agency.pem agency.key.pem agency.p12 agency-legacy.p12 agency-ec.pem agency-ec.key.pem agency-ec.p12 \
         expired.pem expired.key.pem expired.p12 other-org.pem other-org.key.pem other-org.p12 \
         tsa.pem tsa.key.pem tsa-chain.pem tsa.cnf tsa-serial; do
  mv -f "$f" "$out/$f"
done
printf '%s\n' "$params" > "$out/test-ca.env"
cd "$out"
summary "made"
