#!/usr/bin/env python3
"""A throwaway RFC 3161 time-stamping authority over HTTP for tests: each POST body (a
TimeStampReq) is answered by `openssl ts -reply` with the TSA that scripts/test-ca.sh made in
PKI_DIR (tsa.cnf, tsa.pem, tsa.key.pem). Listens on 127.0.0.1 only.

usage: python3 scripts/test-tsa.py PKI_DIR [--port N]   (0 = any free port)
It prints `http://127.0.0.1:PORT/` on its first line, then serves until killed.
"""
from __future__ import annotations

import argparse
import http.server
import os
import subprocess
import sys
import tempfile
from pathlib import Path

MAX_REQUEST = 64 * 1024


def handler(pki: Path):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", "0"))
            if not 0 < length <= MAX_REQUEST:
                self.send_error(400, "bad length")
                return
            body = self.rfile.read(length)
            with tempfile.TemporaryDirectory() as tmp:
                req, resp = Path(tmp) / "req.tsq", Path(tmp) / "resp.tsr"
                req.write_bytes(body)
                p = subprocess.run(["openssl", "ts", "-reply", "-config", str(pki / "tsa.cnf"),
                                    "-queryfile", str(req), "-out", str(resp)],
                                   cwd=pki, capture_output=True, text=True)
                if p.returncode != 0 or not resp.is_file():
                    self.send_error(500, p.stderr[-200:])
                    return
                data = resp.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    return Handler


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pki", type=Path)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    pki = args.pki.resolve()
    if not (pki / "tsa.cnf").is_file():
        sys.exit(f"{pki}: no tsa.cnf (run scripts/test-ca.sh {pki})")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler(pki))
    print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
