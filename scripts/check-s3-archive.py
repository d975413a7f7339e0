#!/usr/bin/env python3
"""Checks an archive in S3 object storage with tools nobody here wrote: boto3 lists and downloads,
bagit-python (the Library of Congress's BagIt library) validates every bag.

usage: check-s3-archive.py s3://bucket/prefix --expect N --out DIR [--json]

Checks, for the layout of docs/scale-out.md:
- exactly N cases, each with exactly one commit marker (commits/<id>/0000000001.json): every case bagged once;
- each marker is JSON naming its case, version and attempt; the attempt holds exactly the files the marker
  counts (files, bytes);
- no other attempt is left under bags/<id>/ (run `sohoa clean-storage --older-than 0` first);
- every committed bag, downloaded, is a valid BagIt bag for bagit-python (fixity and completeness).
Endpoint and keys from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION.
Exit 0 when everything holds, 1 otherwise (each failure printed).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from pathlib import Path

import bagit
import boto3


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    bucket, _, prefix = a.url.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    base = f"{prefix}/" if prefix else ""
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ.get("AWS_REGION", "us-east-1"))
    keys: dict[str, int] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=base):
        for o in page.get("Contents", []):
            keys[o["Key"][len(base):]] = o["Size"]
    failures: list[str] = []
    markers: dict[str, list[str]] = collections.defaultdict(list)
    attempts: dict[str, dict[str, dict[str, int]]] = collections.defaultdict(lambda: collections.defaultdict(dict))
    for k, size in keys.items():
        parts = k.split("/")
        if parts[0] == "commits" and len(parts) == 3:
            markers[parts[1]].append(parts[2])
        elif parts[0] == "bags" and len(parts) >= 4:
            attempts[parts[1]][parts[2]]["/".join(parts[3:])] = size
        else:
            failures.append(f"unexpected object {k}")
    if len(markers) != a.expect:
        failures.append(f"{len(markers)} cases committed, expected {a.expect}")
    a.out.mkdir(parents=True, exist_ok=True)
    valid = 0
    for case, names in sorted(markers.items()):
        if names != ["0000000001.json"]:
            failures.append(f"{case}: commit markers {names}, expected exactly one, version 1")
            continue
        marker = json.loads(s3.get_object(Bucket=bucket, Key=f"{base}commits/{case}/{names[0]}")["Body"].read())
        if marker.get("schema") != "sohoa/commit" or marker.get("case") != case or marker.get("version") != 1:
            failures.append(f"{case}: marker {marker}")
            continue
        attempt = marker["attempt"]
        files = attempts[case].get(attempt, {})
        if len(files) != marker["files"] or sum(files.values()) != marker["bytes"]:
            failures.append(f"{case}: attempt {attempt} holds {len(files)} files / {sum(files.values())} bytes, the marker says {marker['files']} / {marker['bytes']}")
        others = sorted(set(attempts[case]) - {attempt})
        if others:
            failures.append(f"{case}: uncommitted attempts left: {others}")
        dest = a.out / case
        for rel in files:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, f"{base}bags/{case}/{attempt}/{rel}", str(target))
        try:
            bagit.Bag(str(dest)).validate()
            valid += 1
        except bagit.BagError as e:
            failures.append(f"{case}: bagit-python: {e}")
    for case in sorted(set(attempts) - set(markers)):
        failures.append(f"{case}: objects under bags/ but no commit marker: {sorted(attempts[case])}")
    for f in failures[:50]:
        print("FAIL", f)
    print(f"{len(markers)} cases committed, {valid} bags valid for bagit-python {bagit.VERSION}, {len(failures)} failures")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
