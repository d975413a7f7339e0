#!/usr/bin/env python3
"""Independent checker for PAdES signatures on PDF files (e.g. what `sohoa sign` writes).

It never imports or runs sohoa. For each PDF it runs three tools nobody here wrote:

  (a) pyHanko   lists the embedded signatures (AcroForm signature fields, document timestamps) and validates
                each with pyhanko.sign.validation.validate_pdf_signature against a ValidationContext that
                trusts only the --trust certificates, knows the --intermediate certificates besides those in
                the CMS, never goes online (allow_fetching=False) and uses revocation mode 'soft-fail'.
                pyHanko's default key-usage rule applies: the signer certificate must assert nonRepudiation.
                Reports intact / valid / trusted (and pyHanko's reason when not: trust_problem and the
                warnings it logs, e.g. "end-entity certificate expired ..."), the coverage (ENTIRE_FILE,
                ENTIRE_REVISION, ...), the modification level and DocMDP verdict, the signer's subject (O=,
                CN=), validity dates, the claimed signing time (signing-time attribute, else /M), timestamp
                tokens, pyHanko's own summary and bottom line, and two informational AdES verdicts (ETSI EN
                319 102-1 indication/sub-indication, offline): pyhanko.sign.validation.ades.ades_basic_validation
                (5.3, the one that fits B-B) and ades_lta_validation (5.6.3, what `pyhanko sign adesverify`
                runs; it needs a signature timestamp and says INDETERMINATE/SIG_CONSTRAINTS_FAILURE without).
                PAdES baseline level: pyHanko (0.38) validates but does not name a level, so this script
                derives it from what pyHanko parsed (ETSI EN 319 142-1):
                  B-B   /SubFilter /ETSI.CAdES.detached; signed attributes content-type (= id-data),
                        message-digest and ESS signing-certificate-v2 (or v1); NO signing-time attribute;
                        /M in the signature dictionary; no /Cert entry; detached CMS
                  B-T   B-B + a signature-time-stamp unsigned attribute, or a /DocTimeStamp in a later revision
                  B-LT  B-T + a /DSS with certificates and revocation data (CRLs or OCSP responses)
                  B-LTA B-LT + a /DocTimeStamp in a revision after the one that added the /DSS
                "none" when the B-B conditions fail; the reasons are listed under pades_problems.
  (b) pdfsig    (poppler-utils) with, when `certutil` (libnss3-tools) is there, -nssdir pointing at a
                throwaway NSS database holding the --trust roots (trusted) and the --intermediate certificates.
                -no-ocsp is passed only when a signer certificate names an OCSP responder (poppler 22.12 with
                -no-ocsp says "Unknown issue with Certificate" even for a trusted chain; without a URL there is
                nothing to fetch). "Signature Validation" must be "Signature is Valid."; "Certificate
                Validation" is reported (without the NSS database expect "Certificate issuer is unknown.").
                Document timestamps are listed by poppler 22.12 as type "unknown", not verified: skipped.
  (c) qpdf      --check: errors fail, warnings are reported.

A PDF passes when it has at least one signature and every signature (and document timestamp) is intact,
valid and trusted, the last one covers the ENTIRE_FILE and the others at least their ENTIRE_REVISION with
no modification beyond form filling / annotations / LTV data after them (or every signature covers the
entire file: the default, --allow-later-revisions relaxes it for the non-last ones), the signer's O= equals
--agency (compared after Unicode NFC normalisation) when given, embedded timestamp tokens are valid and
trusted, each signature reaches the derived PAdES level --min-level (default B-B), pdfsig says every CMS
signature is valid (and covers the total document, unless --allow-later-revisions), and qpdf finds no error.

Usage:  scripts/validate-signature.py PDF... --trust ROOT.pem [--trust TSA_ROOT.pem] [--intermediate CHAIN.pem]
                                      [--agency NAME] [--json] [--allow-later-revisions]
                                      [--min-level none|B-B|B-T|B-LT|B-LTA] [--no-install]
                                      [--skip-pdfsig] [--skip-qpdf]
Exit:   0 every PDF passed; 1 a PDF failed; 2 a tool could not be set up or an argument is wrong.
Env:    PYHANKO_PYTHON  interpreter that has (or gets) pyHanko; default: the one running this script.
        Suggested (as CI does for eark-validator):
          python3 -m venv /tmp/pyhanko-venv && /tmp/pyhanko-venv/bin/pip install pyhanko pyhanko-certvalidator
          PYHANKO_PYTHON=/tmp/pyhanko-venv/bin/python scripts/validate-signature.py ...
        Without it, pyHanko is installed into the running interpreter with pip (plain, then with
        --break-system-packages) unless --no-install is given.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

PYHANKO_REQ = ["pyhanko>=0.25", "pyhanko-certvalidator>=0.26"]
CMS_SUBFILTERS = ("ETSI.CAdES.detached", "adbe.pkcs7.detached", "adbe.pkcs7.sha1")
LEVELS = ("none", "B-B", "B-T", "B-LT", "B-LTA")
VENV_HINT = ("python3 -m venv /tmp/pyhanko-venv && /tmp/pyhanko-venv/bin/pip install pyhanko pyhanko-certvalidator"
             " && export PYHANKO_PYTHON=/tmp/pyhanko-venv/bin/python")


# --------------------------------------------------------------------------------------------------------------
# pyHanko worker: runs inside PYHANKO_PYTHON (or this interpreter), prints one JSON document on stdout.
# --------------------------------------------------------------------------------------------------------------

def _worker(pdfs: list[str], trust: list[str], intermediates: list[str]) -> int:
    import asyncio
    import importlib.metadata as md
    import logging

    from asn1crypto import cms
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import (
        read_certification_data,
        validate_pdf_signature,
        validate_pdf_timestamp,
    )
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    class _Collect(logging.Handler):  # pyHanko logs the reason for an untrusted path as a WARNING
        def __init__(self):
            super().__init__(level=logging.WARNING)
            self.records: list[str] = []

        def emit(self, record):
            self.records.append(f"{record.name}: {record.getMessage()}")

    collector = _Collect()
    logging.getLogger("pyhanko").addHandler(collector)
    logging.getLogger("pyhanko_certvalidator").addHandler(collector)
    logging.getLogger("pyhanko").propagate = False
    logging.getLogger("pyhanko_certvalidator").propagate = False
    roots = list(load_certs_from_pemder(trust))
    others = list(load_certs_from_pemder(intermediates)) if intermediates else []

    def vc() -> ValidationContext:
        # a fresh context per signature: contexts cache path-building state
        return ValidationContext(trust_roots=roots, other_certs=others, allow_fetching=False,
                                 revocation_mode="soft-fail")

    def enum_name(v):
        return None if v is None else getattr(v, "name", str(v))

    def iso(dt):
        return None if dt is None else dt.isoformat()

    def name_attrs(name) -> dict:
        native = name.native  # OrderedDict: country_name, organization_name, common_name, ...
        def one(k):
            v = native.get(k)
            return v if v is None or isinstance(v, str) else ", ".join(v)
        return {"O": one("organization_name"), "CN": one("common_name"), "C": one("country_name"),
                "OU": one("organizational_unit_name"), "rfc4514": name.human_friendly}

    def cert_info(cert) -> dict:
        d = name_attrs(cert.subject)
        ku = cert.key_usage_value
        eku = cert.extended_key_usage_value
        d.update({
            "issuer": cert.issuer.human_friendly,
            "serial": format(cert.serial_number, "x"),
            "not_before": iso(cert["tbs_certificate"]["validity"]["not_before"].native),
            "not_after": iso(cert["tbs_certificate"]["validity"]["not_after"].native),
            "key": cert.public_key.algorithm + (f"-{cert.public_key.bit_size}" if cert.public_key.algorithm == "rsa"
                                                 else f"-{cert.public_key.curve[1]}" if cert.public_key.algorithm == "ec"
                                                 else ""),
            "key_usage": sorted(ku.native) if ku is not None else None,
            "extended_key_usage": list(eku.native) if eku is not None else None,
            "sha256": cert.sha256.hex(),
            "ocsp_urls": list(cert.ocsp_urls),
            "crl_urls": [u for dp in cert.crl_distribution_points for u in (dp.url,) if u],
        })
        return d

    def attr_types(attrs) -> list[str]:
        if attrs is None or isinstance(attrs, type(None)):
            return []
        try:
            return [a["type"].native for a in attrs]
        except Exception:  # VOID / absent
            return []

    def ts_status(st) -> dict | None:
        if st is None:
            return None
        return {"intact": st.intact, "valid": st.valid, "trusted": st.trusted, "time": iso(st.timestamp),
                "tsa": st.signing_cert.subject.human_friendly if st.signing_cert is not None else None,
                "summary": st.summary()}

    def ades_verdicts(emb) -> dict:
        # ETSI EN 319 102-1 style validation, offline, trusting the same roots. Informational: "basic" (5.3)
        # is the one that fits B-B; "lta" (5.6.3, what `pyhanko sign adesverify` runs) needs a signature
        # timestamp and says INDETERMINATE/SIG_CONSTRAINTS_FAILURE without one.
        try:
            from pyhanko.sign.validation.ades import ades_basic_validation, ades_lta_validation
            from pyhanko.sign.validation.policy_decl import (
                LocalKnowledge,
                PdfSignatureValidationSpec,
                RevocationInfoGatheringSpec,
                RevinfoOnlineFetchingRule,
                SignatureValidationSpec,
            )
            from pyhanko_certvalidator.context import CertValidationPolicySpec
            from pyhanko_certvalidator.policy_decl import LEGACY_POLICY_MAP, CertRevTrustPolicy
            from pyhanko_certvalidator.registry import SimpleTrustManager
        except ImportError as e:
            return {"error": f"AdES API not available: {e}"}
        gathering = {"online_fetching_rule": RevinfoOnlineFetchingRule.LOCAL_ONLY}
        try:  # 0.38+: also never chase AIA caIssuers URLs
            from pyhanko.sign.validation.policy_decl import CertificateFetchingRule
            gathering["certificate_fetching_rule"] = CertificateFetchingRule.NEVER_FETCH
        except ImportError:
            pass

        def spec():
            return SignatureValidationSpec(
                cert_validation_policy=CertValidationPolicySpec(
                    trust_manager=SimpleTrustManager.build(trust_roots=roots),
                    revinfo_policy=CertRevTrustPolicy(LEGACY_POLICY_MAP["soft-fail"])),
                revinfo_gathering_policy=RevocationInfoGatheringSpec(**gathering),
                local_knowledge=LocalKnowledge(known_certs=others))

        def verdict(res) -> dict:
            sub = res.ades_subindic
            return {"indication": type(sub).__name__.replace("AdES", "").upper(), "subindication": sub.name,
                    "failure": res.failure_msg}

        out_ = {}
        for kind in ("basic", "lta"):
            try:
                if kind == "basic":
                    res = asyncio.run(ades_basic_validation(emb.signed_data, spec(), raw_digest=emb.compute_digest()))
                else:
                    res = asyncio.run(ades_lta_validation(emb, PdfSignatureValidationSpec(spec())))
                out_[kind] = verdict(res)
            except Exception as e:  # informational only
                out_[kind] = {"indication": "ERROR", "subindication": None, "failure": f"{type(e).__name__}: {e}"}
        return out_

    def dss_info(r) -> dict | None:
        from pyhanko.sign.validation.dss import DocumentSecurityStore
        try:
            dss = DocumentSecurityStore.read_dss(r)
        except Exception:  # NoDSSFoundError, or unreadable
            return None
        rev = None  # the first revision whose catalog has a /DSS
        try:
            for i in range(r.xrefs.total_revisions):
                if "/DSS" in r.get_historical_root(i):
                    rev = i
                    break
        except Exception:
            pass
        return {"certs": len(dss.certs), "ocsps": len(dss.ocsps), "crls": len(dss.crls),
                "introduced_in_revision": rev}

    versions = {}
    for dist in ("pyHanko", "pyhanko-certvalidator", "pyhanko-cli", "asn1crypto", "cryptography"):
        try:
            versions[dist] = md.version(dist)
        except md.PackageNotFoundError:
            pass
    out = {"versions": versions, "files": []}

    for path in pdfs:
        f_res: dict = {"file": path, "signatures": [], "doc_timestamps": [], "error": None}
        out["files"].append(f_res)
        try:
            fh = open(path, "rb")
        except OSError as e:
            f_res["error"] = f"cannot open: {e}"
            continue
        with fh:
            try:
                r = PdfFileReader(fh, strict=True)
                f_res["revisions"] = r.xrefs.total_revisions
                f_res["hybrid_xrefs"] = bool(r.xrefs.hybrid_xrefs_present)
                regular = list(r.embedded_regular_signatures)
                stamps = list(r.embedded_timestamp_signatures)
            except Exception as e:
                f_res["error"] = f"pyHanko could not read the file: {type(e).__name__}: {e}"
                continue
            try:
                cert_data = read_certification_data(r)
                f_res["certification"] = None if cert_data is None else {
                    "docmdp_permission": enum_name(cert_data.permission),
                    "author_sig_field": None}
            except Exception as e:
                f_res["certification"] = {"error": str(e)}
            f_res["dss"] = dss_info(r)
            f_res["acroform_sigflags"] = None
            try:
                af = r.root.get("/AcroForm")
                if af is not None:
                    f_res["acroform_sigflags"] = int(af.get("/SigFlags", 0))
            except Exception:
                pass

            for emb in stamps:
                t: dict = {"field": emb.field_name, "signed_revision": emb.signed_revision}
                try:
                    st = validate_pdf_timestamp(emb, validation_context=vc())
                    t.update({"intact": st.intact, "valid": st.valid, "trusted": st.trusted,
                              "time": iso(st.timestamp), "coverage": enum_name(st.coverage),
                              "modification_level": enum_name(st.modification_level),
                              "summary": st.summary(), "error": None})
                except Exception as e:
                    t.update({"intact": False, "valid": False, "trusted": False, "error": f"{type(e).__name__}: {e}"})
                f_res["doc_timestamps"].append(t)

            for emb in regular:
                s: dict = {"field": emb.field_name, "signed_revision": emb.signed_revision, "error": None}
                f_res["signatures"].append(s)
                sig_obj = emb.sig_object
                s["sig_dict"] = {
                    "Type": str(sig_obj.get("/Type", "")) or None,
                    "Filter": str(sig_obj.get("/Filter", "")) or None,
                    "SubFilter": str(sig_obj.get("/SubFilter", "")) or None,
                    "M": str(sig_obj["/M"]) if "/M" in sig_obj else None,
                    "Name": str(sig_obj["/Name"]) if "/Name" in sig_obj else None,
                    "Reason": str(sig_obj["/Reason"]) if "/Reason" in sig_obj else None,
                    "Location": str(sig_obj["/Location"]) if "/Location" in sig_obj else None,
                    "has_Cert": "/Cert" in sig_obj,
                    "ByteRange": [int(x) for x in emb.byte_range],
                    "contents_bytes": len(emb.pkcs7_content),
                }
                try:
                    widget_flags = emb.sig_field.get("/F")
                    s["widget_F"] = int(widget_flags) if widget_flags is not None else None
                except Exception:
                    s["widget_F"] = None
                # CMS facts
                try:
                    sd = emb.signed_data
                    si = emb.signer_info
                    signed = attr_types(si["signed_attrs"])
                    unsigned = attr_types(si["unsigned_attrs"])
                    sc = None
                    for a in si["signed_attrs"]:
                        if a["type"].native in ("signing_certificate_v2", "signing_certificate"):
                            cid = a["values"][0]["certs"][0]
                            sc = {"attribute": a["type"].native,
                                  "hash_algorithm": (cid["hash_algorithm"]["algorithm"].native
                                                     if "hash_algorithm" in cid else "sha1"),
                                  "has_issuer_serial": bool(cid["issuer_serial"].native)}
                    ct = None
                    for a in si["signed_attrs"]:
                        if a["type"].native == "content_type":
                            ct = a["values"][0].native
                    s["cms"] = {
                        "signed_attrs": signed, "unsigned_attrs": unsigned, "content_type": ct,
                        "signing_certificate": sc,
                        "digest_algorithm": si["digest_algorithm"]["algorithm"].native,
                        "signature_algorithm": si["signature_algorithm"]["algorithm"].native,
                        "certificates_in_cms": len(sd["certificates"]) if sd["certificates"].native else 0,
                        "encapsulated_content": sd["encap_content_info"]["content"].native is not None,
                    }
                    used = len(cms.ContentInfo({"content_type": "signed_data", "content": sd}).dump())
                    s["cms"]["der_bytes"] = used
                except Exception as e:
                    s["cms"] = {"error": f"{type(e).__name__}: {e}"}
                try:
                    s["signer"] = cert_info(emb.signer_cert)
                except Exception as e:
                    s["signer"] = {"error": str(e)}
                try:
                    s["claimed_signing_time"] = iso(emb.self_reported_timestamp)
                except Exception as e:
                    s["claimed_signing_time"] = None
                    s["claimed_signing_time_error"] = f"{type(e).__name__}: {e}"
                collector.records.clear()
                try:
                    st = validate_pdf_signature(emb, signer_validation_context=vc())
                    diff = st.diff_result
                    s.update({
                        "intact": st.intact, "valid": st.valid, "trusted": st.trusted, "revoked": st.revoked,
                        "trust_problem": None if st.trust_problem_indic is None else str(st.trust_problem_indic),
                        "coverage": enum_name(st.coverage),
                        "modification_level": enum_name(st.modification_level),
                        "docmdp_ok": st.docmdp_ok,
                        "diff": (None if diff is None else
                                 {"suspicious": str(diff)} if not hasattr(diff, "modification_level") else
                                 {"level": enum_name(diff.modification_level),
                                  "changed_form_fields": sorted(diff.changed_form_fields)}),
                        "md_algorithm": st.md_algorithm,
                        "signature_mechanism": getattr(st.pkcs7_signature_mechanism, "native", None)
                        if not isinstance(st.pkcs7_signature_mechanism, str) else st.pkcs7_signature_mechanism,
                        "validation_path": ([c.subject.human_friendly for c in st.validation_path.iter_certs(
                            include_root=True)] if st.validation_path is not None else None),
                        "signer_reported_time": iso(st.signer_reported_dt),
                        "signature_timestamp": ts_status(st.timestamp_validity),
                        "content_timestamp": ts_status(st.content_timestamp_validity),
                        "seed_value_ok": st.seed_value_ok,
                        "bottom_line": st.bottom_line,
                        "summary": st.summary(),
                        "error_time_horizon": iso(getattr(st, "error_time_horizon", None)),
                    })
                except SignatureValidationError as e:
                    s.update({"intact": False, "valid": False, "trusted": False, "bottom_line": False,
                              "error": f"SignatureValidationError: {e.failure_message}",
                              "ades_subindication": enum_name(getattr(e, "ades_subindication", None))})
                except Exception as e:
                    s.update({"intact": False, "valid": False, "trusted": False, "bottom_line": False,
                              "error": f"{type(e).__name__}: {e}"})
                s["pyhanko_warnings"] = list(dict.fromkeys(collector.records))
                s["ades"] = ades_verdicts(emb)

            # PAdES baseline level, derived (see the module docstring)
            for s in f_res["signatures"]:
                probs = []
                sd_ = s.get("sig_dict", {})
                c = s.get("cms", {})
                if sd_.get("SubFilter") != "/ETSI.CAdES.detached":
                    probs.append(f"/SubFilter is {sd_.get('SubFilter')}, not /ETSI.CAdES.detached")
                if "error" in c:
                    probs.append("CMS unreadable")
                else:
                    if "content_type" not in c["signed_attrs"]:
                        probs.append("no content-type signed attribute")
                    elif c.get("content_type") != "data":
                        probs.append(f"content-type is {c.get('content_type')}, not id-data")
                    if "message_digest" not in c["signed_attrs"]:
                        probs.append("no message-digest signed attribute")
                    if c.get("signing_certificate") is None:
                        probs.append("no ESS signing-certificate(-v2) signed attribute")
                    if "signing_time" in c["signed_attrs"]:
                        probs.append("signing-time signed attribute present (PAdES: the time goes in /M)")
                    if c.get("encapsulated_content"):
                        probs.append("CMS is not detached (encapsulated content present)")
                    if "commitment_type_indication" in c["signed_attrs"] and sd_.get("Reason"):
                        probs.append("/Reason present together with commitment-type-indication")
                if not sd_.get("M"):
                    probs.append("no /M (signing time) in the signature dictionary")
                if sd_.get("has_Cert"):
                    probs.append("/Cert present in the signature dictionary")
                s["pades_problems"] = probs
                level = "none"
                if not probs:
                    level = "B-B"
                    later_dts = [t for t in f_res["doc_timestamps"] if t["signed_revision"] > s["signed_revision"]]
                    sig_ts = "signature_time_stamp_token" in c.get("unsigned_attrs", [])
                    if sig_ts or later_dts:
                        level = "B-T"
                        dss = f_res.get("dss")
                        if dss and dss["certs"] and (dss["ocsps"] or dss["crls"]):
                            level = "B-LT"
                            dss_rev = dss.get("introduced_in_revision")
                            if dss_rev is not None and any(t["signed_revision"] > dss_rev for t in later_dts):
                                level = "B-LTA"
                s["pades_level"] = level

    json.dump(out, sys.stdout, ensure_ascii=False, default=str)
    return 0


# --------------------------------------------------------------------------------------------------------------
# driver (any python3, stdlib only)
# --------------------------------------------------------------------------------------------------------------

def fatal(msg: str) -> None:
    print(f"validate-signature: {msg}", file=sys.stderr)
    sys.exit(2)


def ensure_pyhanko(no_install: bool) -> tuple[str, str]:
    """Returns (interpreter, version) or exits 2."""
    py = os.environ.get("PYHANKO_PYTHON") or sys.executable
    probe = ["-c", "import importlib.metadata as m, pyhanko, pyhanko_certvalidator; print(m.version('pyHanko'))"]

    def version() -> str | None:
        try:
            p = subprocess.run([py] + probe, capture_output=True, text=True)
        except OSError:
            return None
        return p.stdout.strip() if p.returncode == 0 else None

    v = version()
    if v:
        return py, v
    if no_install:
        fatal(f"pyHanko is not importable by {py} (--no-install). Suggested:\n  {VENV_HINT}")
    print(f"validate-signature: installing {' '.join(PYHANKO_REQ)} into {py}", file=sys.stderr)
    base = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for extra in ([], ["--break-system-packages"]):
        p = subprocess.run(base + extra + PYHANKO_REQ, capture_output=True, text=True)
        if p.returncode == 0 and (v := version()):
            return py, v
    fatal(f"could not install pyHanko into {py}:\n{p.stderr.strip()[-2000:]}\n"
             f"Suggested: a venv of its own:\n  {VENV_HINT}")


def run_pyhanko(py: str, pdfs: list[str], trust: list[str], intermediates: list[str]) -> dict:
    cmd = [py, os.path.abspath(__file__), "--_worker", *pdfs]
    for t in trust:
        cmd += ["--trust", t]
    for i in intermediates:
        cmd += ["--intermediate", i]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.strip():
        fatal(f"the pyHanko worker failed (exit {p.returncode}):\n{p.stderr.strip()[-3000:]}")
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError:
        fatal(f"the pyHanko worker printed no JSON:\n{p.stdout[:2000]}\n{p.stderr[-2000:]}")


def split_pem(path: str) -> list[str]:
    with open(path, "r", encoding="ascii", errors="replace") as fh:
        text = fh.read()
    return re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text, re.S)


def make_nssdb(trust: list[str], intermediates: list[str], tmp: str) -> tuple[str | None, str]:
    certutil = shutil.which("certutil")
    if not certutil:
        return None, "certutil not found (apt-get install libnss3-tools): pdfsig ran without the test root"
    db = os.path.join(tmp, "nssdb")
    os.mkdir(db)
    p = subprocess.run([certutil, "-N", "-d", f"sql:{db}", "--empty-password"], capture_output=True, text=True)
    if p.returncode != 0:
        return None, f"certutil -N failed: {p.stderr.strip()}"
    n = 0
    seen: set[str] = set()  # a root repeated in CHAIN.pem must keep its trust flags
    for files, flags in ((trust, "CT,C,C"), (intermediates, ",,")):
        for f in files:
            for pem in split_pem(f):
                key = re.sub(r"\s+", "", pem)
                if key in seen:
                    continue
                seen.add(key)
                n += 1
                cf = os.path.join(tmp, f"c{n}.pem")
                with open(cf, "w") as fh:
                    fh.write(pem + "\n")
                p = subprocess.run([certutil, "-A", "-d", f"sql:{db}", "-n", f"cert{n}", "-t", flags, "-i", cf],
                                   capture_output=True, text=True)
                if p.returncode != 0:
                    return None, f"certutil -A failed: {p.stderr.strip()}"
    return db, f"NSS database with {n} certificate(s) from --trust/--intermediate"


def run_pdfsig(pdf: str, nssdb: str | None, no_ocsp: bool) -> dict:
    """no_ocsp: pass -no-ocsp (set when a signer certificate names an OCSP responder, so that pdfsig
    stays offline). poppler 22.12 with -no-ocsp reports "Unknown issue with Certificate or corrupted data"
    even for a trusted chain, so it is not passed when no certificate has an OCSP URL (nothing to fetch)."""
    exe = shutil.which("pdfsig")
    if not exe:
        return {"ran": False, "note": "pdfsig not found (apt-get install poppler-utils)"}
    cmd = [exe] + (["-no-ocsp"] if no_ocsp else []) + (["-nssdir", f"sql:{nssdb}"] if nssdb else []) + [pdf]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    sigs: list[dict] = []
    for line in p.stdout.splitlines():
        if m := re.match(r"^Signature #(\d+):", line):
            sigs.append({"index": int(m.group(1))})
        elif sigs and (m := re.match(r"^\s+- (.+?): (.*)$", line)):
            sigs[-1][m.group(1)] = m.group(2).strip()
        elif sigs and re.match(r"^\s+- (Total document signed|Not total document signed)\s*$", line):
            sigs[-1]["total_document_signed"] = "Not" not in line
    for s in sigs:
        s["signature_valid"] = s.get("Signature Validation") == "Signature is Valid."
        s["certificate_trusted"] = s.get("Certificate Validation") == "Certificate is Trusted."
    return {"ran": True, "exit": p.returncode, "signatures": sigs, "no_ocsp": no_ocsp,
            "stderr": p.stderr.strip()[-500:] or None,
            "no_signatures": "does not contain any signatures" in p.stdout + p.stderr}


def run_qpdf(pdf: str) -> dict:
    exe = shutil.which("qpdf")
    if not exe:
        return {"ran": False, "note": "qpdf not found (apt-get install qpdf)"}
    p = subprocess.run([exe, "--check", pdf], capture_output=True, text=True, errors="replace")
    benign = ("checking ", "PDF Version:", "R = ", "P = ", "User password", "File is not linearized", "File is not encrypted",
              "No syntax or stream encoding errors found", "errors that qpdf cannot detect", "Supplied password",
              "extract for", "print ", "modify ", "File is linearized", "encrypted", "fill in", "assemble")
    msgs = [ln.strip() for ln in (p.stdout + p.stderr).splitlines()
            if ln.strip() and not ln.strip().startswith(benign) and not ln.startswith(benign)]
    return {"ran": True, "exit": p.returncode, "ok": p.returncode == 0, "errors": p.returncode == 2,
            "warnings": p.returncode == 3, "messages": msgs[:20]}


def nfc(s: str | None) -> str | None:
    return None if s is None else unicodedata.normalize("NFC", s).strip()


def judge(f: dict, agency: str | None, allow_later: bool, min_level: str = "B-B") -> list[str]:
    """Reasons the file fails (empty = passes)."""
    why: list[str] = []
    if f.get("error"):
        return [f["error"]]
    sigs = f["signatures"]
    if not sigs:
        why.append("no signature found (pyHanko)")
    last_rev = max([s["signed_revision"] for s in sigs] + [t["signed_revision"] for t in f["doc_timestamps"]],
                   default=-1)
    for s in sigs:
        tag = f"signature {s['field']}"
        if s.get("error"):
            why.append(f"{tag}: {s['error']}")
        for k in ("intact", "valid", "trusted"):
            if not s.get(k):
                why.append(f"{tag}: not {k}" + (f" ({s['trust_problem']})" if k == "trusted" and s.get("trust_problem")
                                                 else ""))
        cov = s.get("coverage")
        if s["signed_revision"] == last_rev or not allow_later:
            if cov != "ENTIRE_FILE":
                why.append(f"{tag}: coverage {cov}, not ENTIRE_FILE")
        elif cov != "ENTIRE_REVISION" or s.get("docmdp_ok") is False or \
                s.get("modification_level") not in ("NONE", "LTA_UPDATES", "FORM_FILLING", "ANNOTATIONS"):
            why.append(f"{tag}: coverage {cov}, modifications {s.get('modification_level')}")
        for kind in ("signature_timestamp", "content_timestamp"):
            ts = s.get(kind)
            if ts and not (ts["intact"] and ts["valid"] and ts["trusted"]):
                why.append(f"{tag}: {kind.replace('_', ' ')} not intact/valid/trusted ({ts['summary']})")
        level = s.get("pades_level") or "none"
        if LEVELS.index(level) < LEVELS.index(min_level):
            why.append(f"{tag}: PAdES level {level}, below --min-level {min_level}"
                       + (f" ({'; '.join(s['pades_problems'])})" if s.get("pades_problems") else ""))
        if agency is not None:
            o = (s.get("signer") or {}).get("O")
            if nfc(o) != nfc(agency):
                why.append(f"{tag}: signer O={o!r} is not --agency {agency!r}")
    for t in f["doc_timestamps"]:
        if not (t.get("intact") and t.get("valid") and t.get("trusted")):
            why.append(f"document timestamp {t['field']}: not intact/valid/trusted ({t.get('error') or t.get('summary')})")
    ps = f.get("pdfsig", {})
    if ps.get("ran"):
        if not ps["signatures"]:
            why.append("pdfsig: no signature found")
        for s in ps["signatures"]:
            # poppler 22.12 lists an ETSI.RFC3161 document timestamp as type "unknown", "not yet verified":
            # only CMS signatures are judged here (pyHanko judges the timestamps).
            if s.get("Signature Type") not in CMS_SUBFILTERS:
                continue
            if not s["signature_valid"]:
                why.append(f"pdfsig #{s['index']}: {s.get('Signature Validation')}")
            # with later revisions allowed, pyHanko's coverage + difference analysis is what counts
            if not allow_later and s.get("total_document_signed") is False:
                why.append(f"pdfsig #{s['index']}: not total document signed")
    q = f.get("qpdf", {})
    if q.get("ran") and q.get("errors"):
        why.append("qpdf --check: errors: " + "; ".join(q["messages"][:3]))
    return why


def print_text(report: dict) -> None:
    v = report["versions"]
    print(f"validate-signature: pyHanko {v.get('pyHanko')} (certvalidator {v.get('pyhanko-certvalidator')}), "
          f"{report['pdfsig_trust']}")
    for f in report["files"]:
        verdict = "PASS" if not f["failures"] else "FAIL"
        print(f"\n{verdict} {f['file']}")
        if f.get("error"):
            print(f"  error: {f['error']}")
            continue
        print(f"  revisions {f.get('revisions')}, signatures {len(f['signatures'])}, document timestamps "
              f"{len(f['doc_timestamps'])}, DSS {f.get('dss')}, AcroForm /SigFlags {f.get('acroform_sigflags')}")
        for s in f["signatures"]:
            sg = s.get("signer") or {}
            c = s.get("cms") or {}
            sdict = s.get("sig_dict") or {}
            print(f"  signature {s['field']} (revision {s['signed_revision']}): "
                  f"INTACT={s.get('intact')} VALID={s.get('valid')} TRUSTED={s.get('trusted')} "
                  f"coverage={s.get('coverage')} modification={s.get('modification_level')} "
                  f"docmdp_ok={s.get('docmdp_ok')} bottom_line={s.get('bottom_line')}")
            if s.get("error"):
                print(f"    error: {s['error']}")
            if s.get("trust_problem"):
                print(f"    trust problem: {s['trust_problem']}")
            for w in s.get("pyhanko_warnings") or []:
                print(f"    pyHanko warning: {w}")
            ad = s.get("ades") or {}
            print(f"    pyHanko summary: {s.get('summary')}; AdES basic (EN 319 102-1 5.3): "
                  f"{(ad.get('basic') or {}).get('indication')}/{(ad.get('basic') or {}).get('subindication')}; "
                  f"AdES LTA (5.6.3): {(ad.get('lta') or {}).get('indication')}/{(ad.get('lta') or {}).get('subindication')}")
            print(f"    PAdES level (derived): {s.get('pades_level')}" +
                  (f"  problems: {'; '.join(s['pades_problems'])}" if s.get("pades_problems") else ""))
            print(f"    signer: O={sg.get('O')!r} CN={sg.get('CN')!r} C={sg.get('C')} "
                  f"valid {sg.get('not_before')} .. {sg.get('not_after')} key {sg.get('key')}")
            if "agency_match" in s:
                print(f"    agency match: {s['agency_match']}")
            print(f"    signing time (claimed): {s.get('claimed_signing_time')}  /M={sdict.get('M')}")
            ts = s.get("signature_timestamp")
            if ts:
                print(f"    signature timestamp: {ts['time']} intact={ts['intact']} valid={ts['valid']} "
                      f"trusted={ts['trusted']} TSA={ts['tsa']}")
            print(f"    dict: {sdict.get('Filter')} {sdict.get('SubFilter')} ByteRange={sdict.get('ByteRange')} "
                  f"/Contents {sdict.get('contents_bytes')} bytes (CMS {c.get('der_bytes')}) widget /F={s.get('widget_F')}")
            if "error" not in c:
                print(f"    CMS: signed attrs {c.get('signed_attrs')}; unsigned {c.get('unsigned_attrs')}; "
                      f"{c.get('digest_algorithm')}/{c.get('signature_algorithm')}; {c.get('certificates_in_cms')} cert(s)")
            if s.get("validation_path"):
                print(f"    path: {' -> '.join(s['validation_path'])}")
        for t in f["doc_timestamps"]:
            print(f"  document timestamp {t['field']} (revision {t['signed_revision']}): {t.get('summary') or t.get('error')}"
                  f" time={t.get('time')}")
        ps = f.get("pdfsig", {})
        if ps.get("ran"):
            for s in ps["signatures"]:
                print(f"  pdfsig #{s['index']}: {s.get('Signature Validation')} | {s.get('Certificate Validation')} | "
                      f"{s.get('Signature Type')} | total document signed: {s.get('total_document_signed')}")
            if not ps["signatures"]:
                print(f"  pdfsig: no signatures (exit {ps['exit']}) {ps.get('stderr') or ''}")
        elif ps:
            print(f"  pdfsig: {ps.get('note')}")
        q = f.get("qpdf", {})
        if q.get("ran"):
            print(f"  qpdf --check: exit {q['exit']}" + (": " + "; ".join(q["messages"][:5]) if q["messages"] else ""))
        elif q:
            print(f"  qpdf: {q.get('note')}")
        for w in f["failures"]:
            print(f"  FAIL: {w}")
    n_fail = sum(1 for f in report["files"] if f["failures"])
    print(f"\n{len(report['files']) - n_fail} passed, {n_fail} failed")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="+", metavar="PDF")
    ap.add_argument("--trust", action="append", required=True, metavar="ROOT.pem",
                    help="trust anchor certificate(s), PEM or DER; may be repeated (e.g. a TSA root)")
    ap.add_argument("--intermediate", action="append", default=[], metavar="CHAIN.pem",
                    help="extra (untrusted) CA certificates for path building; may be repeated")
    ap.add_argument("--agency", help="expected O= of every signer certificate")
    ap.add_argument("--json", action="store_true", help="print one JSON report on stdout")
    ap.add_argument("--allow-later-revisions", action="store_true",
                    help="accept ENTIRE_REVISION coverage for signatures followed by harmless updates "
                         "(a later signature, timestamp or DSS); the last one must still cover the entire file")
    ap.add_argument("--min-level", choices=LEVELS, default="B-B",
                    help="lowest PAdES baseline level (as derived here) a signature may have; default B-B, "
                         "'none' accepts any PDF signature pyHanko validates")
    ap.add_argument("--no-install", action="store_true", help="never pip-install pyHanko")
    ap.add_argument("--skip-pdfsig", action="store_true")
    ap.add_argument("--skip-qpdf", action="store_true")
    ap.add_argument("--_worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a._worker:
        return _worker(a.pdfs, a.trust, a.intermediate)

    for p in a.pdfs + a.trust + a.intermediate:
        if not os.path.isfile(p):
            print(f"validate-signature: no such file: {p}", file=sys.stderr)
            return 2
    pdfs = [os.path.abspath(p) for p in a.pdfs]
    trust = [os.path.abspath(p) for p in a.trust]
    inter = [os.path.abspath(p) for p in a.intermediate]

    py, _ = ensure_pyhanko(a.no_install)
    report = run_pyhanko(py, pdfs, trust, inter)
    report["pyhanko_python"] = py
    report["agency"] = a.agency

    with tempfile.TemporaryDirectory(prefix="validate-signature-") as tmp:
        nssdb, note = (None, "pdfsig skipped")
        if not a.skip_pdfsig:
            nssdb, note = make_nssdb(trust, inter, tmp)
        report["pdfsig_trust"] = note
        for f in report["files"]:
            if not a.skip_pdfsig:
                no_ocsp = any((s.get("signer") or {}).get("ocsp_urls") for s in f.get("signatures", []))
                f["pdfsig"] = run_pdfsig(f["file"], nssdb, no_ocsp)
            if not a.skip_qpdf:
                f["qpdf"] = run_qpdf(f["file"])
            if a.agency is not None:
                for s in f["signatures"]:
                    s["agency_match"] = nfc((s.get("signer") or {}).get("O")) == nfc(a.agency)
            f["failures"] = judge(f, a.agency, a.allow_later_revisions, a.min_level)
            f["passed"] = not f["failures"]

    report["passed"] = all(f["passed"] for f in report["files"])
    if a.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_text(report)
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
