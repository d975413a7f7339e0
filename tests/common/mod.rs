//! Helpers for the end-to-end tests: a private copy of the sample batch, running the
//! `sohoa` binary, reading bags.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch")
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A temp dir holding `scans/` (a copy of the samples) and room for `archive/`.
pub struct Work {
    pub dir: tempfile::TempDir,
}

impl Work {
    pub fn with_samples() -> Work {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&samples(), &dir.path().join("scans"));
        Work { dir }
    }

    pub fn empty() -> Work {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("scans")).unwrap();
        Work { dir }
    }

    pub fn scans(&self) -> PathBuf {
        self.dir.path().join("scans")
    }

    pub fn archive(&self) -> PathBuf {
        self.dir.path().join("archive")
    }

    /// The identifier key of this test's archives: outside the archive, as by default.
    pub fn key_file(&self) -> PathBuf {
        self.dir.path().join("config/sohoa/identifier-hmac.key")
    }

    /// `sohoa` with this test's environment (English, OCR off, its own key file).
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sohoa"));
        c.env("SOHOA_LANG", "en")
            // OCR takes seconds per page: only the OCR tests (tests/ocr_e2e.rs) turn it on.
            .env("SOHOA_OCR", "off")
            .env("SOHOA_ID_KEY", self.key_file());
        c
    }

    pub fn sohoa(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// `sohoa ARGS` with messages in `lang` (`vi` or `en`; the tests' default is English).
    pub fn sohoa_in(&self, lang: &str, args: &[&str]) -> Output {
        self.command()
            .env("SOHOA_LANG", lang)
            .args(args)
            .output()
            .unwrap()
    }

    /// The folder of the version `sohoa withdraw` wrote for case `id` (`withdrawn/<id>/<n>`).
    pub fn withdrawn_version(&self, id: &str) -> PathBuf {
        let dir = self.archive().join("withdrawn").join(id);
        let mut versions: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        versions.sort();
        versions.pop().expect("a withdrawn version")
    }

    pub fn ingest(&self, extra: &[&str]) -> (i32, serde_json::Value) {
        let (scans, archive) = (self.scans(), self.archive());
        let mut args = vec![
            "ingest",
            scans.to_str().unwrap(),
            "--archive",
            archive.to_str().unwrap(),
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = self.sohoa(&args);
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "ingest printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap(), json)
    }

    pub fn verify(&self) -> (i32, serde_json::Value) {
        let archive = self.archive();
        let out = self.sohoa(&["verify", "--archive", archive.to_str().unwrap(), "--json"]);
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "verify printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap(), json)
    }

    pub fn bag(&self, id: &str) -> PathBuf {
        self.archive().join("bags").join(id)
    }

    pub fn metadata(&self, id: &str) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.bag(id).join("data/metadata.json")).unwrap())
            .unwrap()
    }
}

/// Case folders of a scan folder, sorted.
/// What a command printed: standard output, then standard error.
pub fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn case_folders(scans: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(scans)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// The case result for a folder in an ingest report.
pub fn case_result<'a>(report: &'a serde_json::Value, folder: &str) -> &'a serde_json::Value {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["folder"] == folder)
        .unwrap_or_else(|| panic!("no result for {folder}"))
}

/// SHA-256 of every file under a folder, by relative path.
pub fn tree_digest(dir: &Path) -> std::collections::BTreeMap<String, String> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (
                p.strip_prefix(dir).unwrap().to_string_lossy().to_string(),
                sohoa_archive::hash::sha256_hex(&bytes),
            )
        })
        .collect()
}

/// Every file below `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A 400 x 560 colour JPEG page at 200 dpi.
pub fn jpeg_bytes() -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 560, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 200])
    });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
    enc.encode_image(&img).unwrap();
    out
}

/// Makes a bag whose payload was edited by hand valid again (manifests, Payload-Oxum, tag
/// manifest recomputed): a bag that verifies but whose content is wrong.
pub fn rebag(bag: &Path) {
    let files = tree_digest(&bag.join("data"));
    let mut manifest = String::new();
    let mut bytes = 0u64;
    for (rel, sha) in &files {
        manifest.push_str(&format!("{sha}  data/{rel}\n"));
        bytes += std::fs::metadata(bag.join("data").join(rel)).unwrap().len();
    }
    std::fs::write(bag.join("manifest-sha256.txt"), manifest).unwrap();
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    let info: String = info
        .lines()
        .map(|l| {
            if l.starts_with("Payload-Oxum:") {
                format!("Payload-Oxum: {bytes}.{}\n", files.len())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(bag.join("bag-info.txt"), info).unwrap();
    let mut tags = String::new();
    for name in ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"] {
        let sha = sohoa_archive::hash::sha256_file(&bag.join(name)).unwrap().0;
        tags.push_str(&format!("{sha}  {name}\n"));
    }
    std::fs::write(bag.join("tagmanifest-sha256.txt"), tags).unwrap();
}
