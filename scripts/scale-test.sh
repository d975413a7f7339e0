#!/usr/bin/env bash
# The scale-out harness (issue 18, docs/scale-out.md), run by scripts/test.sh and CI:
# PostgreSQL and SeaweedFS on loopback, N generated cases queued, 3 workers, one of them killed
# with SIGKILL mid-run and the SeaweedFS process restarted mid-run; then checked by tools
# nobody here wrote and by sohoa itself:
#   - the queue: every job done, none parked, each case's result recorded once;
#   - storage (boto3 + bagit-python, scripts/check-s3-archive.py): N cases, each committed exactly
#     once, no attempt left over, every bag valid for bagit-python after download;
#   - sohoa verify on the S3 archive: N bags, all valid; sohoa reindex --catch-up, then sohoa search
#     finds all N cases, and each of a sample by its case code.
# Servers are stopped by PID at the end, whatever happened.
#   scripts/scale-test.sh [N] [--sohoa BIN]       (default N=1000, BIN target/debug/sohoa)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=1000
bin=$root/target/debug/sohoa
while [ $# -gt 0 ]; do
  case "$1" in
    --sohoa) bin=$2; shift 2 ;;
    *) n=$1; shift ;;
  esac
done
services=${SOHOA_SERVICES:-$root/target/services}
work=$(mktemp -d "${TMPDIR:-/tmp}/sohoa-scale.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  "$root/scripts/services/seaweedfs.sh" stop "$work/weed" || true
  "$root/scripts/services/postgres.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '[scale-test %s] %s\n' "$(date +%T)" "$*"; }

# Checkers, pinned, in their own venv.
venv=$services/check-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import boto3, bagit' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/scripts/services/requirements-check.txt"
fi

say "starting PostgreSQL and SeaweedFS on loopback"
export PG_PORT=${PG_PORT:-55432} SEAWEED_PORT_BASE=${SEAWEED_PORT_BASE:-18000}
eval "$("$root/scripts/services/postgres.sh" start "$work/pg")"
eval "$("$root/scripts/services/seaweedfs.sh" start "$work/weed" sohoa)"
export SOHOA_HOME=$work/homes SOHOA_ID_KEY=$work/id.key SOHOA_LANG=en
archive=s3://sohoa/scale-test

say "generating $n cases"
python3 "$root/scripts/make-scale-cases.py" "$n" "$work/scans" >/dev/null
"$bin" queue add "$work/scans" --ocr off --max-attempts 12

worker() {
  "$bin" worker --archive "$archive" --jobs 1 --lease 10 --backoff 1 --drain >>"$work/worker-$1.log" 2>&1 &
  pids+=($!)
}
done_count() { "$bin" queue status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["done"])'; }
wait_done() {
  while [ "$(done_count)" -lt "$1" ]; do sleep 0.5; done
}

start=$(date +%s.%N)
worker 1; worker 2; worker 3
wait_done $((n / 5))
say "$(done_count) done: SIGKILL to worker 1 (pid ${pids[0]}), a new worker in its place"
kill -KILL "${pids[0]}"
worker 4
wait_done $((n / 2))
say "$(done_count) done: restarting SeaweedFS"
"$root/scripts/services/seaweedfs.sh" restart "$work/weed"
say "SeaweedFS back"
for p in "${pids[@]:1}"; do wait "$p" || { say "a worker failed"; tail -n 20 "$work"/worker-*.log; exit 1; }; done
secs=$(python3 -c "import time; print(round(time.time() - $start, 1))")
say "workers drained in $secs s"

status=$("$bin" queue status --json --limit 50)
echo "$status" | python3 -c '
import json, sys
n = int(sys.argv[1]); st = json.load(sys.stdin); c = st["counts"]
print("queue:", c)
assert c["done"] == n and c["parked"] == 0 and c["queued"] == 0 and c["running"] == 0, st["parked"]
' "$n"
psql "$SOHOA_QUEUE" -tA -c "SELECT count(*), count(DISTINCT result->>'case_id'), sum(attempts), count(*) FILTER (WHERE attempts > 1), count(*) FILTER (WHERE result->>'outcome' = 'already_stored') FROM sohoa_jobs" \
  | awk -F'|' -v n="$n" '{ print "jobs " $1 ", distinct cases " $2 ", attempts " $3 ", retried jobs " $4 ", found already stored " $5; if ($1 != n || $2 != n) exit 1 }'

say "removing leftovers of the killed worker, then checking storage with boto3 and bagit-python"
"$bin" clean-storage --archive "$archive" --older-than 0
"$venv/bin/python" "$root/scripts/check-s3-archive.py" "$archive" --expect "$n" --out "$work/download"

say "sohoa verify, reindex --catch-up, search"
"$bin" verify --archive "$archive" --json >"$work/verify.json" || { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["summary"])' "$work/verify.json"; exit 1; }
python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); n = int(sys.argv[2]); s = d["summary"]
print("verify:", d["archive"], s)
assert d["archive"] == sys.argv[3], d["archive"]
assert s["bags"] == n and s["valid"] == n, s' "$work/verify.json" "$n" "$archive"
"$bin" reindex --archive "$archive" --catch-up
total=$("$bin" search "" --archive "$archive" --json --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$total" = "$n" ] || { say "search finds $total cases, expected $n"; exit 1; }
for i in 1 $((n / 3)) $((n / 2)) "$n"; do
  code=$(printf '000.00.15.H12-251204-%05d' "$i")
  hits=$("$bin" search "$code" --archive "$archive" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for h in d["hits"] if h["case"]["case_code"] == sys.argv[1]))' "$code")
  [ "$hits" -ge 1 ] || { say "search does not find $code"; exit 1; }
done
say "OK: $n cases, 3 workers (one killed), SeaweedFS restarted: each case bagged once, valid for bagit-python, verify clean, search complete ($secs s, $(python3 -c "print(round($n / $secs, 1))") cases/s)"
