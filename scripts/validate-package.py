#!/usr/bin/env python3
"""Independent checker for E-ARK CSIP / TT 05/2025 packages written by `sohoa export`.

It never imports or runs sohoa. For each PACKAGE_DIR (an unpacked package folder, or a BagIt bag whose
data/ holds one) it runs three checks:

  (a) xsd     every METS.xml (root and representations/*/METS.xml) against METS 1.12 + the DILCIS CSIP/SIP
              extension attributes, every PREMIS*.xml against PREMIS 3.0, metadata/descriptive/EAD*.xml and
              representations/*/metadata/descriptive/EAD_DOC_*.xml against the TT 05/2025 XSDs (the variant is
              chosen by content: <fileCode>/<docId> -> SIP schema, <arcFileCode> -> AIP schema), with
              `xmllint --nonet`. Schemas come from the package's own schemas/ folder when it has the file,
              else from crates/export/schemas/ of this repository; the report says which.
  (b) eark    eark-validator 1.1.3 (installed with pip when missing), run offline (its vocabulary downloads are
              served from scripts/eark-vocabularies/), with -s V2.1.0 and -s V2.0.4. Its exit code is
              ignored; its JSON report is read. Every Error fails the check except the rules in
              KNOWN_DEVIATIONS, which are printed as "known deviation".
  (c) fixity  every <file>/<mdRef> in every METS has CHECKSUMTYPE="SHA-256", a CHECKSUM equal to the SHA-256
              of the file's bytes (hex, case-insensitive) and a SIZE equal to its length; every file of the
              package except the METS.xml files is referenced by exactly one METS entry.

Usage:  scripts/validate-package.py PACKAGE_DIR... [--json] [--skip-eark] [--no-install] [--schemas DIR]
Exit:   0 every package passed; 1 a package failed; 2 a tool could not be set up (xmllint, eark-validator).
Env:    EARK_PYTHON  interpreter that has (or gets) eark-validator 1.1.3; default: the one running this script.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_SCHEMAS = HERE.parent / "crates" / "export" / "schemas"
VOCAB_DIR = HERE / "eark-vocabularies"
EARK_VERSION = "1.1.3"
EARK_SPECS = ("V2.1.0", "V2.0.4")

NS = {
    "mets": "http://www.loc.gov/METS/",
    "xlink": "http://www.w3.org/1999/xlink",
    "csip": "https://DILCIS.eu/XML/METS/CSIPExtensionMETS",
}
XLINK_HREF = "{%s}href" % NS["xlink"]
CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"

# eark-validator rules that a correct TT 05/2025 package is expected to break. Each entry:
# rule id -> (predicate on the package facts, reason). A matching Error is reported as "known deviation"
# and does not fail the package; any other Error does.
KNOWN_DEVIATIONS = {
    "SIP2": (
        lambda facts, spec: facts.get("type") == "SIP" and facts.get("profile") == CSIP_PROFILE,
        "TT 05/2025 SIPs declare the CSIP profile URL in mets/@PROFILE; eark-validator's SIP2 wants the "
        "E-ARK SIP profile URL (see shared docs eark-tt05.md §4.1)",
    ),
    "SIP14": (
        lambda facts, spec: facts.get("type") == "SIP",
        "eark-validator 1.1.3 tests an un-namespaced @NOTETYPE='IDENTIFICATIONCODE' on the note of every "
        "ROLE=CREATOR agent, including the CSIP software agent whose note CSIP16 requires to be "
        "csip:NOTETYPE='SOFTWARE VERSION'; METS 1.12 forbids an un-namespaced NOTETYPE, so no valid METS passes it "
        "(the E-ARK SIP spec puts IDENTIFICATIONCODE on csip:NOTETYPE of the ARCHIVIST/submitting agent)",
    ),
}

# Schema file names, in order of preference, looked up first in the package's schemas/ folder.
SCHEMA_NAMES = {
    "xlink": ["xlink.xsd"],
    "mets": ["mets.xsd", "mets1_12.xsd", "mets_1_12.xsd"],
    "csip-ext": ["DILCISExtensionMETS.xsd"],
    "sip-ext": ["DILCISExtensionSIPMETS.xsd"],
    "premis": ["premis.xsd", "premis-v3-0.xsd", "premis-v3.xsd"],
    "ead-sip": ["ead.xsd"],
    "ead-aip": ["ead_aip.xsd"],
    "ead-doc-sip": ["ead_doc.xsd"],
    "ead-doc-aip": ["ead_doc_aip.xsd"],
}

EARK_SHIM = r"""
import io, os, sys, urllib.request
_voc = os.environ["EARK_VOCAB_DIR"]
def _offline_urlopen(url, *args, **kwargs):
    name = str(getattr(url, "full_url", url)).rsplit("/", 1)[-1]
    path = os.path.join(_voc, name)
    if os.path.isfile(path):
        with open(path, "rb") as fh:
            return io.BytesIO(fh.read())
    raise OSError("validate-package.py: network disabled, no local copy for " + str(url))
urllib.request.urlopen = _offline_urlopen
from eark_validator.cli.app import main
sys.argv[0] = "eark-validator"
main()
"""


# ----------------------------------------------------------------------------------------------------------
# helpers

def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def find_package_root(given: Path) -> tuple[Path, str | None]:
    """The folder holding the root METS.xml; a BagIt bag is looked into (data/)."""
    if (given / "METS.xml").is_file():
        return given, None
    if (given / "bagit.txt").is_file() and (given / "data" / "METS.xml").is_file():
        return given / "data", "BagIt bag: checked its data/ folder"
    return given, None


def mets_files(root: Path) -> list[Path]:
    found = [root / "METS.xml"] if (root / "METS.xml").is_file() else []
    reps = root / "representations"
    if reps.is_dir():
        found += sorted(p for p in reps.glob("*/METS.xml") if p.is_file())
    return found


def package_facts(root: Path) -> dict:
    facts: dict = {"type": None, "profile": None, "objid": None}
    try:
        tree = ET.parse(root / "METS.xml")
    except (ET.ParseError, OSError) as exc:
        facts["error"] = str(exc)
        return facts
    mets = tree.getroot()
    facts["objid"] = mets.get("OBJID")
    facts["profile"] = mets.get("PROFILE")
    hdr = mets.find("mets:metsHdr", NS)
    if hdr is not None:
        facts["type"] = hdr.get("{%s}OAISPACKAGETYPE" % NS["csip"])
    return facts


def href_to_path(base_dir: Path, href: str | None) -> tuple[Path | None, str | None]:
    if not href:
        return None, "no xlink:href"
    parsed = urllib.parse.urlparse(href)
    if (parsed.scheme and parsed.scheme != "file") or parsed.netloc:
        return None, f"href {href!r} is not a relative path inside the package"
    rel = urllib.parse.unquote(parsed.path)
    if rel.startswith("/"):
        return None, f"href {href!r} is absolute"
    return (base_dir / rel), None


# ----------------------------------------------------------------------------------------------------------
# (a) XSD validation with xmllint

def ensure_xmllint(may_install: bool) -> str | None:
    exe = shutil.which("xmllint")
    if exe or not may_install:
        return exe
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libxml2-utils"]
        if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            subprocess.run(cmd, env=env, capture_output=True)
    return shutil.which("xmllint")


class SchemaSet:
    """Resolves schema files: the package's schemas/ folder first, then the repository's."""

    def __init__(self, pkg_root: Path, repo_dir: Path, tmp: Path):
        self.pkg_dir = pkg_root / "schemas"
        self.repo_dir = repo_dir
        self.tmp = tmp
        self._mets_wrapper: tuple[Path, str] | None = None
        self.mets_wrapper_names: list[str] = []

    def find(self, kind: str) -> tuple[Path | None, str]:
        for base, label in ((self.pkg_dir, "package"), (self.repo_dir, "repository")):
            for name in SCHEMA_NAMES[kind]:
                if (base / name).is_file():
                    return base / name, label
        return None, "missing"

    def mets_wrapper(self) -> tuple[Path, str]:
        """A wrapper importing xlink, METS and the two DILCIS extensions, written to a temp folder with
        file: URIs, so the package's own METS XSD is used even when it imports xlink from the web."""
        if self._mets_wrapper:
            return self._mets_wrapper
        parts, sources = [], set()
        for kind, ns in (("xlink", NS["xlink"]), ("mets", NS["mets"]), ("csip-ext", NS["csip"]),
                         ("sip-ext", "https://DILCIS.eu/XML/METS/SIPExtensionMETS")):
            path, label = self.find(kind)
            if path is None:
                raise FileNotFoundError(f"no {SCHEMA_NAMES[kind][0]} in {self.pkg_dir} or {self.repo_dir}")
            sources.add(label)
            self.mets_wrapper_names.append(path.name)
            parts.append(f'  <xs:import namespace="{ns}" schemaLocation="{path.resolve().as_uri()}"/>')
        wrapper = self.tmp / "mets-wrapper.xsd"
        wrapper.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                           '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n'
                           + "\n".join(parts) + "\n</xs:schema>\n", encoding="utf-8")
        label = sources.pop() if len(sources) == 1 else "package+repository"
        self._mets_wrapper = (wrapper, label)
        return self._mets_wrapper


def tt05_kind(path: Path, level: str, pkg_type: str | None) -> str:
    """ead-sip / ead-aip / ead-doc-sip / ead-doc-aip, from the root element's children."""
    try:
        children = {el.tag for el in ET.parse(path).getroot()}
    except (ET.ParseError, OSError):
        children = set()
    if "arcFileCode" in children:
        variant = "aip"
    elif "fileCode" in children or "docId" in children:
        variant = "sip"
    else:
        variant = "aip" if pkg_type == "AIP" else "sip"
    return f"ead-{variant}" if level == "hoso" else f"ead-doc-{variant}"


def run_xmllint(xmllint: str, schema: Path, files: list[Path]) -> dict[Path, list[str]]:
    """Validates files against schema; returns file -> list of error lines (empty = valid)."""
    proc = subprocess.run([xmllint, "--nonet", "--noout", "--schema", str(schema)] + [str(f) for f in files],
                          capture_output=True, text=True)
    out = proc.stderr.splitlines()
    result: dict[Path, list[str]] = {}
    compile_fail = [l for l in out if "failed to compile" in l or "failed to load external entity" in l]
    for f in files:
        s = str(f)
        errs = [l for l in out if l.startswith(s + ":") or l.startswith(s + " fails")]
        ok = f"{s} validates" in out
        if compile_fail:
            errs = compile_fail + errs
            ok = False
        if not ok and not errs:
            errs = [f"xmllint exit {proc.returncode}: " + " | ".join(out[-3:])]
        result[f] = [] if ok else errs
    return result


def check_xsd(root: Path, facts: dict, xmllint: str, tmp: Path) -> dict:
    schemas = SchemaSet(root, REPO_SCHEMAS, tmp)
    groups: dict[tuple[Path, str, str], list[Path]] = {}
    errors: list[str] = []

    def add(kind: str, file: Path):
        if kind == "mets":
            try:
                schema, label = schemas.mets_wrapper()
            except FileNotFoundError as exc:
                errors.append(str(exc))
                return
        else:
            schema, label = schemas.find(kind)
            if schema is None:
                errors.append(f"{file.relative_to(root)}: no schema {SCHEMA_NAMES[kind][0]} found")
                return
        groups.setdefault((schema, label, kind), []).append(file)

    for m in mets_files(root):
        add("mets", m)
    md_dirs = [root / "metadata"] + sorted(root.glob("representations/*/metadata"))
    for md in md_dirs:
        for p in sorted(md.rglob("*")):
            name = p.name.upper()
            if p.is_file() and name.startswith("PREMIS") and name.endswith(".XML"):
                add("premis", p)
    # TT 05 descriptive files; names compared case-insensitively (the sample writes EAD_DOC_, the text EAD_doc_)
    for p in sorted((root / "metadata" / "descriptive").glob("*")):
        name = p.name.upper()
        if p.is_file() and name.startswith("EAD") and not name.startswith("EAD_DOC_") and name.endswith(".XML"):
            add(tt05_kind(p, "hoso", facts.get("type")), p)
    for p in sorted(root.glob("representations/*/metadata/descriptive/*")):
        name = p.name.upper()
        if p.is_file() and name.startswith("EAD_DOC_") and name.endswith(".XML"):
            add(tt05_kind(p, "doc", facts.get("type")), p)

    files_out = []
    for (schema, label, kind), files in sorted(groups.items(), key=lambda kv: (kv[0][2], str(kv[0][0]))):
        shown = schema.name if kind != "mets" else "wrapper(" + "+".join(schemas.mets_wrapper_names) + ")"
        for f, errs in run_xmllint(xmllint, schema, files).items():
            files_out.append({"file": str(f.relative_to(root)), "schema": shown, "schema_source": label,
                              "ok": not errs, "errors": errs})
            errors += [f"{f.relative_to(root)}: {e}" for e in errs[:5]]
    sources = sorted({f["schema_source"] for f in files_out})
    return {"ok": not errors and bool(files_out), "files": files_out, "schema_sources": sources,
            "errors": errors or ([] if files_out else ["no XML file to validate"])}


# ----------------------------------------------------------------------------------------------------------
# (b) eark-validator 1.1.3, offline

def eark_python(may_install: bool) -> tuple[str | None, str]:
    py = os.environ.get("EARK_PYTHON") or sys.executable
    probe = ["-c", "import importlib.metadata as m, eark_validator; print(m.version('eark-validator'))"]

    def version() -> str | None:
        p = subprocess.run([py] + probe, capture_output=True, text=True)
        return p.stdout.strip() if p.returncode == 0 else None

    have = version()
    if have == EARK_VERSION:
        return py, f"eark-validator {have} ({py})"
    if not may_install:
        return None, f"eark-validator {EARK_VERSION} not installed for {py} (found {have})"
    base = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"eark-validator=={EARK_VERSION}"]
    log = ""
    for extra in ([], ["--break-system-packages"]):
        p = subprocess.run(base + extra, capture_output=True, text=True)
        log = (p.stderr or p.stdout)[-600:]
        if p.returncode == 0 and version() == EARK_VERSION:
            return py, f"eark-validator {EARK_VERSION} (installed now for {py})"
    return None, f"could not install eark-validator=={EARK_VERSION} for {py}: {log.strip()}"


def run_eark(py: str, pkg: Path, spec: str, facts: dict) -> dict:
    env = dict(os.environ, EARK_VOCAB_DIR=str(VOCAB_DIR), PYTHONIOENCODING="utf-8")
    proc = subprocess.run([py, "-c", EARK_SHIM, "-s", spec, str(pkg)], capture_output=True, text=True, env=env)
    report = None
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                report = json.loads(line)
            except json.JSONDecodeError:
                pass
    res: dict = {"spec": spec, "ok": False, "structure": None, "schema": None, "schematron": None,
                 "errors": [], "known_deviations": [], "warnings": []}
    if report is None:
        res["errors"].append({"rule_id": "RUN", "message": f"no JSON report (exit {proc.returncode}): "
                              + (proc.stderr.strip().splitlines() or ["?"])[-1]})
        return res
    structure = report.get("structure") or {}
    metadata = report.get("metadata") or {}
    res["structure"] = structure.get("status")
    res["schema"] = (metadata.get("schema_results") or {}).get("status")
    res["schematron"] = (metadata.get("schematron_results") or {}).get("status")
    messages = list(structure.get("messages") or [])
    for part in ("schema_results", "schematron_results"):
        messages += list((metadata.get(part) or {}).get("messages") or [])
    for msg in messages:
        item = {"rule_id": msg.get("rule_id"), "severity": msg.get("severity"),
                "message": (msg.get("message") or "").strip(), "location": msg.get("location")}
        if item["severity"] == "Error":
            dev = KNOWN_DEVIATIONS.get(item["rule_id"] or "")
            if dev and dev[0](facts, spec):
                item["reason"] = dev[1]
                res["known_deviations"].append(item)
            else:
                res["errors"].append(item)
        elif item["severity"] == "Warn":
            res["warnings"].append(item)
    # eark-validator derives INVALID from its Error messages only, so "no Error left after removing the known
    # deviations" means VALID; a missing or non-WellFormed status still fails.
    if res["structure"] != "WellFormed" and not res["errors"]:
        res["errors"].append({"rule_id": "STRUCTURE", "message": f"structure status {res['structure']}"})
    if res["structure"] == "WellFormed" and (res["schema"] is None or res["schematron"] is None):
        res["errors"].append({"rule_id": "REPORT", "message": "no metadata results in the report"})
    res["ok"] = not res["errors"]
    return res


# ----------------------------------------------------------------------------------------------------------
# (c) fixity and coverage

def check_fixity(root: Path) -> dict:
    errors: list[str] = []
    refs: dict[Path, list[str]] = {}
    checked = 0
    root_res = root.resolve()
    for mets in mets_files(root):
        rel_mets = str(mets.relative_to(root))
        try:
            tree = ET.parse(mets)
        except ET.ParseError as exc:
            errors.append(f"{rel_mets}: not well-formed XML: {exc}")
            continue
        base = mets.parent
        entries = []
        for f in tree.getroot().iter("{%s}file" % NS["mets"]):
            loc = f.find("mets:FLocat", NS)
            entries.append((f, "file", loc.get(XLINK_HREF) if loc is not None else None))
        parent_of = {child: parent for parent in tree.getroot().iter() for child in parent}
        for r in tree.getroot().iter("{%s}mdRef" % NS["mets"]):
            entries.append((r, "mdRef", r.get(XLINK_HREF)))
        for el, what, href in entries:
            ident = el.get("ID") or (parent_of.get(el).get("ID") if parent_of.get(el) is not None else None) or "?"
            label = f"{rel_mets} {what} {ident} -> {href}"
            path, err = href_to_path(base, href)
            if err:
                errors.append(f"{label}: {err}")
                continue
            real = path.resolve()
            if root_res not in real.parents:
                errors.append(f"{label}: points outside the package")
                continue
            refs.setdefault(real, []).append(rel_mets)
            if not real.is_file():
                errors.append(f"{label}: file does not exist")
                continue
            checked += 1
            ctype = el.get("CHECKSUMTYPE")
            if ctype != "SHA-256":
                errors.append(f"{label}: CHECKSUMTYPE is {ctype!r}, expected 'SHA-256'")
            want = (el.get("CHECKSUM") or "").strip().lower()
            if not want:
                errors.append(f"{label}: no CHECKSUM")
            elif ctype == "SHA-256" and want != sha256_of(real):
                errors.append(f"{label}: SHA-256 mismatch (METS {want}, file {sha256_of(real)})")
            size = el.get("SIZE")
            actual = real.stat().st_size
            if size is None:
                errors.append(f"{label}: no SIZE")
            elif not size.strip().isdigit() or int(size) != actual:
                errors.append(f"{label}: SIZE {size} but the file has {actual} bytes")
        for mptr in tree.getroot().iter("{%s}mptr" % NS["mets"]):
            path, err = href_to_path(base, mptr.get(XLINK_HREF))
            if err or not path.is_file():
                errors.append(f"{rel_mets} mptr -> {mptr.get(XLINK_HREF)}: {err or 'file does not exist'}")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.name == "METS.xml":
            continue
        n = len(refs.get(path.resolve(), []))
        if n != 1:
            rel = path.relative_to(root)
            errors.append(f"{rel}: referenced by {n} METS entries" + (f" ({', '.join(refs[path.resolve()])})" if n else ""))
    return {"ok": not errors, "entries_checked": checked, "errors": errors}


# ----------------------------------------------------------------------------------------------------------

def validate(given: Path, xmllint: str, eark_py: str | None, skip_eark: bool, eark_setup: str) -> dict:
    root, note = find_package_root(given)
    facts = package_facts(root)
    result = {"package": str(given), "root": str(root), "note": note, "type": facts.get("type"),
              "objid": facts.get("objid"), "profile": facts.get("profile"), "checks": {}}
    if not (root / "METS.xml").is_file():
        result["checks"]["structure"] = {"ok": False, "errors": ["no METS.xml in the package root"]}
        result["ok"] = False
        return result
    with tempfile.TemporaryDirectory(prefix="validate-package-") as tmp:
        result["checks"]["xsd"] = check_xsd(root, facts, xmllint, Path(tmp))
    if skip_eark:
        result["checks"]["eark"] = {"ok": True, "skipped": True, "runs": []}
    elif eark_py is None:
        result["checks"]["eark"] = {"ok": False, "runs": [], "errors": [eark_setup]}
    else:
        runs = [run_eark(eark_py, root, spec, facts) for spec in EARK_SPECS]
        result["checks"]["eark"] = {"ok": all(r["ok"] for r in runs), "runs": runs, "tool": eark_setup}
    result["checks"]["fixity"] = check_fixity(root)
    result["ok"] = all(c.get("ok") for c in result["checks"].values())
    return result


def print_summary(r: dict) -> None:
    mark = lambda ok: "PASS" if ok else "FAIL"
    print(f"== {r['package']}  [{r.get('type') or '?'}] OBJID={r.get('objid')}")
    if r.get("note"):
        print(f"   note: {r['note']}")
    c = r["checks"]
    if "structure" in c:
        print(f"   [FAIL] {c['structure']['errors'][0]}")
    if "xsd" in c:
        x = c["xsd"]
        print(f"   [{mark(x['ok'])}] xsd: {sum(f['ok'] for f in x['files'])}/{len(x['files'])} files valid "
              f"(schemas from: {', '.join(x['schema_sources']) or '-'})")
        for f in x["files"]:
            print(f"          {'ok ' if f['ok'] else 'BAD'} {f['file']}  <- {f['schema']} [{f['schema_source']}]")
        for e in x["errors"][:20]:
            print(f"          {e}")
    if "eark" in c:
        e = c["eark"]
        if e.get("skipped"):
            print("   [SKIP] eark-validator (--skip-eark)")
        for msg in e.get("errors", []):
            print(f"   [FAIL] eark-validator: {msg}")
        for run in e.get("runs", []):
            print(f"   [{mark(run['ok'])}] eark-validator {EARK_VERSION} -s {run['spec']}: structure {run['structure']}, "
                  f"schema {run['schema']}, schematron {run['schematron']}"
                  + (" (VALID apart from known deviations)" if run["ok"] and run["known_deviations"] else "")
                  + (f", warnings: {' '.join(sorted({w['rule_id'] or '?' for w in run['warnings']}))}" if run["warnings"] else ""))
            for m in run["errors"]:
                print(f"          ERROR {m.get('rule_id')}: {m.get('message', '')[:300]}")
            for m in run["known_deviations"]:
                print(f"          known deviation {m['rule_id']}: {m['reason']}")
    if "fixity" in c:
        f = c["fixity"]
        print(f"   [{mark(f['ok'])}] fixity: {f['entries_checked']} METS file/mdRef entries checked")
        for err in f["errors"][:30]:
            print(f"          {err}")
        if len(f["errors"]) > 30:
            print(f"          … {len(f['errors']) - 30} more")
    print(f"   RESULT: {mark(r['ok'])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("packages", nargs="+", type=Path, metavar="PACKAGE_DIR")
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of the summary")
    ap.add_argument("--skip-eark", action="store_true", help="do not run eark-validator (not for CI)")
    ap.add_argument("--no-install", action="store_true", help="never pip/apt-get install a missing tool")
    ap.add_argument("--schemas", type=Path, help="fallback schema folder (default: crates/export/schemas)")
    args = ap.parse_args()
    global REPO_SCHEMAS
    if args.schemas:
        REPO_SCHEMAS = args.schemas.resolve()

    xmllint = ensure_xmllint(not args.no_install)
    if not xmllint:
        print("validate-package.py: xmllint not found (Debian: apt-get install libxml2-utils)", file=sys.stderr)
        return 2
    eark_py, eark_setup = (None, "skipped") if args.skip_eark else eark_python(not args.no_install)
    if not args.skip_eark and eark_py is None:
        print(f"validate-package.py: {eark_setup}", file=sys.stderr)
        return 2

    results = []
    for pkg in args.packages:
        if not pkg.is_dir():
            results.append({"package": str(pkg), "ok": False, "checks": {
                "structure": {"ok": False, "errors": ["not a directory"]}}})
            continue
        results.append(validate(pkg, xmllint, eark_py, args.skip_eark, eark_setup))
    ok = all(r["ok"] for r in results)
    if args.json:
        json.dump({"ok": ok, "eark_validator": eark_setup, "known_deviation_rules": sorted(KNOWN_DEVIATIONS),
                   "packages": results}, sys.stdout, indent=2, ensure_ascii=False, default=str)
        print()
    else:
        for r in results:
            print_summary(r)
        print(f"{sum(r['ok'] for r in results)} passed, {sum(not r['ok'] for r in results)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
