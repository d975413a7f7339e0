//! sohoa-bagit: step 5 of the data flow, BagIt 1.0 bags (RFC 8493) with SHA-256 payload and
//! tag manifests, built in a temporary folder on the same file system, fsynced, then renamed
//! into place, so a bag appears whole or not at all. [`verify`] re-checks them (one bag) and
//! [`archive_report`] the whole archive; [`rewrap`] carries a bag into its next version. What a
//! bag holds and how it is read is `sohoa-archive`'s ([`sohoa_archive::bag`]).

pub mod archive_report;
pub mod fixity_log;
pub mod rewrap;
pub mod verify;

pub use sohoa_archive::bag::{
    decode_path, encode_path, reader, Bag, BagInfo, Manifest, BAGIT_TXT, PAYLOAD_MANIFEST,
    TAG_MANIFEST,
};

use sohoa_archive::hash::HashingWriter;
use sohoa_archive::safe_fs;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Today in Vietnam, `YYYY-MM-DD`, for `Bagging-Date`.
pub fn bagging_date() -> String {
    sohoa_archive::time_format::today()
}

/// fsyncs a directory so that renames and new entries in it survive a crash.
pub fn fsync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes a file, fsyncs it and returns its SHA-256 (never through a link).
pub fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<String> {
    let mut f = safe_fs::create_nofollow(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(sohoa_archive::hash::sha256_hex(bytes))
}

/// Writes a new file (an existing file or link of that name is an error), fsynced.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<String> {
    let mut f = new_file(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(sohoa_archive::hash::sha256_hex(bytes))
}

/// Creates a file that must not exist yet: two payload files can never land on one path.
fn new_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

/// A bag being built in a temporary folder.
pub struct BagBuilder {
    root: PathBuf,
    /// (path relative to the bag root, sha256, size), payload files.
    payload: Vec<(String, String, u64)>,
}

impl BagBuilder {
    /// Creates `root/` and `root/data/`. `root` must not exist.
    pub fn create(root: PathBuf) -> io::Result<Self> {
        fs::create_dir(&root)?;
        fs::create_dir(root.join("data"))?;
        Ok(BagBuilder {
            root,
            payload: Vec::new(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Absolute path for a payload file given relative to `data/`; parent folders are made.
    pub fn payload_path(&self, rel: &str) -> io::Result<PathBuf> {
        let p = self.root.join("data").join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(p)
    }

    /// Records a payload file written by the caller (already fsynced).
    pub fn record(&mut self, rel: &str, sha256: String, size: u64) {
        self.payload.push((format!("data/{rel}"), sha256, size));
    }

    /// Creates a new payload file (given relative to `data/`) for the caller to write; a file
    /// already at that path is an error, never overwritten.
    pub fn new_payload_file(&self, rel: &str) -> io::Result<File> {
        new_file(&self.payload_path(rel)?)
    }

    /// Writes a payload file from bytes.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> io::Result<String> {
        let path = self.payload_path(rel)?;
        let sha = write_new(&path, bytes)?;
        self.record(rel, sha.clone(), bytes.len() as u64);
        Ok(sha)
    }

    /// Replaces a payload file already written (given relative to `data/`) with `bytes`: a
    /// bundle signed after it was written. Returns its new SHA-256.
    pub fn replace(&mut self, rel: &str, bytes: &[u8]) -> io::Result<String> {
        let key = format!("data/{rel}");
        let at = self
            .payload
            .iter()
            .position(|p| p.0 == key)
            .ok_or_else(|| {
                io::Error::other(format!("{key} was not written, it cannot be replaced"))
            })?;
        let path = self.payload_path(rel)?;
        let tmp = path.with_extension("replacing");
        let sha = write_new(&tmp, bytes)?;
        fs::rename(&tmp, &path)?;
        self.payload[at] = (key, sha.clone(), bytes.len() as u64);
        Ok(sha)
    }

    /// Copies a file into the payload, hashing what is copied; returns its SHA-256.
    pub fn copy(&mut self, rel: &str, src: &Path) -> io::Result<String> {
        let (input, _) = safe_fs::open_regular(src, safe_fs::Follow::No)?;
        self.copy_from(rel, input)
    }

    /// Copies everything a reader yields into a new payload file; returns its SHA-256.
    pub fn copy_from(&mut self, rel: &str, mut input: impl Read) -> io::Result<String> {
        let path = self.payload_path(rel)?;
        let mut out = HashingWriter::new(new_file(&path)?);
        let mut buf = vec![0u8; 512 * 1024];
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                break;
            }
            out.write_all(&buf[..n])?;
        }
        let (file, sha, size) = out.finish();
        file.sync_all()?;
        self.record(rel, sha.clone(), size);
        Ok(sha)
    }

    /// Writes bagit.txt, bag-info.txt (with Payload-Oxum), the payload manifest and the tag
    /// manifest, fsyncs every folder, and returns the SHA-256 of the tag manifest.
    /// `info` holds the bag-info labels in order (Payload-Oxum is added here).
    pub fn finish(mut self, info: &[(&str, String)]) -> io::Result<(PathBuf, String)> {
        self.payload.sort();
        self.check_payload()?;
        let oxum_bytes: u64 = self.payload.iter().map(|p| p.2).sum();
        let mut manifest = String::new();
        for (path, sha, _) in &self.payload {
            manifest.push_str(&format!("{sha}  {}\n", encode_path(path)));
        }
        let mut bag_info = String::new();
        for (label, value) in info {
            // Labels cannot hold line breaks: fold them into spaces.
            let value = value.replace(['\r', '\n'], " ");
            bag_info.push_str(&format!("{label}: {}\n", value.trim()));
        }
        bag_info.push_str(&format!(
            "Payload-Oxum: {oxum_bytes}.{}\n",
            self.payload.len()
        ));
        let mut tags = Vec::new();
        for (name, body) in [
            ("bagit.txt", BAGIT_TXT.to_string()),
            ("bag-info.txt", bag_info),
            (PAYLOAD_MANIFEST, manifest),
        ] {
            let sha = write_synced(&self.root.join(name), body.as_bytes())?;
            tags.push(format!("{sha}  {name}\n"));
        }
        let tag_manifest = tags.concat();
        let tag_sha = write_synced(&self.root.join(TAG_MANIFEST), tag_manifest.as_bytes())?;
        // Every folder in the bag, deepest first, then the bag root.
        let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(&self.root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_dir())
            .map(|e| e.into_path())
            .collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for d in dirs {
            fsync_dir(&d)?;
        }
        Ok((self.root, tag_sha))
    }
}

impl BagBuilder {
    /// The payload on disk is exactly what was recorded (same paths, same sizes): a bag is never
    /// finished with a file overwritten, lost or slipped in.
    fn check_payload(&self) -> io::Result<()> {
        let mut on_disk: Vec<(String, u64)> = walkdir::WalkDir::new(self.root.join("data"))
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let size = if e.file_type().is_file() {
                    e.metadata().map(|m| m.len()).unwrap_or(u64::MAX)
                } else {
                    u64::MAX
                };
                (sohoa_archive::layout::rel_path(&self.root, e.path()), size)
            })
            .collect();
        on_disk.sort();
        let recorded: Vec<(String, u64)> = self
            .payload
            .iter()
            .map(|(p, _, size)| (p.clone(), *size))
            .collect();
        if on_disk != recorded {
            let missing: Vec<&String> = recorded
                .iter()
                .filter(|r| !on_disk.contains(r))
                .map(|r| &r.0)
                .collect();
            let extra: Vec<&String> = on_disk
                .iter()
                .filter(|r| !recorded.contains(r))
                .map(|r| &r.0)
                .collect();
            return Err(io::Error::other(format!(
                "the payload on disk differs from what was written (missing or changed: {missing:?}; not recorded: {extra:?})"
            )));
        }
        Ok(())
    }
}

/// Moves a finished bag into place (same file system: an atomic rename) and makes the
/// rename durable.
pub fn commit(tmp: &Path, dest: &Path) -> io::Result<()> {
    fs::rename(tmp, dest)?;
    if let Some(parent) = dest.parent() {
        fsync_dir(parent)?;
    }
    Ok(())
}

/// SHA-256 of the tag manifest of the bag at `rel` (e.g. `bags/<id>`), which pins every other
/// file of the bag; read through the path-safe reader.
pub fn tagmanifest_sha(archive: &Path, rel: &str) -> Result<String, safe_fs::FsError> {
    Ok(Bag::open(archive, rel)?.sha256(TAG_MANIFEST)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_encoding_round_trips() {
        let p = "data/a%b\r\nc.txt";
        assert_eq!(encode_path(p), "data/a%25b%0D%0Ac.txt");
        assert_eq!(decode_path(&encode_path(p)), p);
    }

    #[test]
    fn builds_a_bag_that_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = BagBuilder::create(dir.path().join("tmp")).unwrap();
        b.write("x/a.txt", b"hello").unwrap();
        b.write("b.json", b"{}").unwrap();
        let (root, _) = b
            .finish(&[("Source-Organization", "UBND xã Tân Hòa".into())])
            .unwrap();
        let info = fs::read_to_string(root.join("bag-info.txt")).unwrap();
        assert!(info.contains("Payload-Oxum: 7.2\n"), "{info}");
        let report = verify::verify_bag(dir.path(), "tmp");
        assert!(report.valid, "{report:?}");
    }
}
