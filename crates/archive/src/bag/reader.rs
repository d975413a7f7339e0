//! The one way sohoa reads a bag (verify, index, audit, ocr, versions, withdraw): the bag
//! folder must be a real folder of the archive, every file is read through [`crate::safe_fs`]
//! (no links, regular files only, sizes limited) and manifests and bag-info are parsed here only.
//! When the archive's bags are kept in object storage ([`crate::remote`]), the same reader
//! reads them there, committed bags only.

use super::decode_path;
use crate::safe_fs::{self, EntryKind, FsError};
use crate::store::{Folder, Readable, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::store::Entry;

/// Largest `metadata.json`, `events.json` or manifest read (a case of 10,000 pages has a
/// metadata.json of about 20 MB).
pub const TAG_FILE_LIMIT: u64 = 64 * 1024 * 1024;
/// Largest `bag-info.txt` and `bagit.txt` read.
pub const BAG_INFO_LIMIT: u64 = 1024 * 1024;
/// Largest page text (`data/text/page-NNNN.txt`) read.
pub const TEXT_LIMIT: u64 = 16 * 1024 * 1024;

/// The case ids of every current bag: the real folders of `bags/` (links are not bags; names
/// starting with `.` are bags being made), sorted. An archive whose `bags/` is a link is refused.
pub fn current_ids(archive: &Path) -> std::io::Result<Vec<String>> {
    match crate::remote::source_of(archive).map_err(|e| std::io::Error::other(e.en()))? {
        Some(source) => source.current_ids(),
        None => Folder::new(archive).folders(crate::layout::BAGS),
    }
}

/// A bag of the archive, opened for reading.
#[derive(Clone)]
pub struct Bag {
    /// The bag folder (for a bag in object storage, its URL).
    pub path: PathBuf,
    /// Its path relative to the archive, e.g. `bags/<id>` or `versions/<id>/2`.
    pub rel: String,
    /// Its files.
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for Bag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bag({})", self.path.display())
    }
}

/// One manifest: path -> lower-case hex digest, and what could not be read in it.
#[derive(Debug, Default, Clone)]
pub struct Manifest {
    pub entries: BTreeMap<String, String>,
    /// Problems (English, stable prefixes `manifest <name>: ...`).
    pub problems: Vec<String>,
    /// The same problems in Vietnamese, in the same order.
    pub problems_vi: Vec<String>,
    /// False when the file is not there.
    pub present: bool,
}

impl Manifest {
    fn problem(&mut self, vi: String, en: String) {
        self.problems_vi.push(vi);
        self.problems.push(en);
    }

    /// Parses the text of a manifest named `name`.
    pub fn parse(name: &str, text: &str) -> Manifest {
        let mut m = Manifest {
            present: true,
            ..Default::default()
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let Some((sum, file)) = line.split_once([' ', '\t']) else {
                m.problem(
                    format!("manifest {name}: dòng {} sai dạng", i + 1),
                    format!("manifest {name}: line {} is malformed", i + 1),
                );
                continue;
            };
            let file = decode_path(file.trim_start_matches([' ', '\t']));
            if sum.len() != 64 || !sum.bytes().all(|b| b.is_ascii_hexdigit()) {
                m.problem(
                    format!("manifest {name}: dòng {} không có mã băm SHA-256", i + 1),
                    format!("manifest {name}: line {} has no SHA-256 digest", i + 1),
                );
                continue;
            }
            if safe_fs::safe_parts(&file).is_err() {
                m.problem(
                    format!("manifest {name}: đường dẫn không an toàn {file:?}"),
                    format!("manifest {name}: unsafe path {file:?}"),
                );
                continue;
            }
            let sum = sum.to_ascii_lowercase();
            if let Some(prev) = m.entries.insert(file.clone(), sum.clone()) {
                if prev != sum {
                    m.problem(
                        format!("manifest {name}: các dòng mâu thuẫn nhau cho {file}"),
                        format!("manifest {name}: conflicting entries for {file}"),
                    );
                }
            }
        }
        m
    }
}

/// `bag-info.txt` as labels in file order (labels may repeat, RFC 8493 §2.2.2).
#[derive(Debug, Default, Clone)]
pub struct BagInfo {
    pub labels: Vec<(String, String)>,
}

impl BagInfo {
    /// The first value of a label.
    pub fn get(&self, label: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(label))
            .map(|(_, v)| v.as_str())
    }

    /// Parses `label: value` lines; a line starting with a space or tab continues the value
    /// of the line before (RFC 8493 §2.2.2).
    pub fn parse(text: &str) -> BagInfo {
        let mut labels: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, v)) = labels.last_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                continue;
            }
            if let Some((k, v)) = line.split_once(':') {
                labels.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        BagInfo { labels }
    }
}

impl Bag {
    /// Opens `rel` (e.g. `bags/<id>`) of `archive`: every folder from the archive down to the
    /// bag must be a real folder, not a link.
    pub fn open(archive: &Path, rel: &str) -> Result<Bag, FsError> {
        let parts = safe_fs::safe_parts(rel)?;
        if let Some(source) = crate::remote::source_of(archive)? {
            let opened = source.open(rel)?;
            return Ok(Bag {
                path: PathBuf::from(opened.location),
                rel: rel.to_string(),
                store: opened.store,
            });
        }
        let mut path = archive.to_path_buf();
        for part in parts {
            path.push(part);
            match safe_fs::entry_kind(&path) {
                EntryKind::Dir => {}
                EntryKind::Symlink => return Err(FsError::Symlink),
                EntryKind::Missing => {
                    return Err(FsError::Io(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("{} not found", path.display()),
                    )))
                }
                EntryKind::File | EntryKind::Special => return Err(FsError::NotRegular("file")),
            }
        }
        Ok(Bag {
            store: Arc::new(Folder::new(&path)),
            path,
            rel: rel.to_string(),
        })
    }

    /// True when the bag is a folder of this machine (not in object storage).
    pub fn is_local(&self) -> bool {
        self.store.local_root().is_some()
    }

    /// The bag folder's name (the case id for current bags).
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    }

    /// Opens a file of the bag (`data/x.pdf`, `bag-info.txt`) for reading, with its size.
    pub fn open_file(&self, rel: &str) -> Result<(Box<dyn Readable>, u64), FsError> {
        self.store().open(rel)
    }

    /// Opens a file of the bag as a file of this machine (to stream it, e.g. a bundle to a
    /// browser): the file itself for a local bag; for a bag in object storage, a temporary copy
    /// (deleted when closed).
    pub fn open_as_file(&self, rel: &str) -> Result<(std::fs::File, u64), FsError> {
        if let Some(root) = self.store.local_root() {
            return safe_fs::open_beneath(root, rel);
        }
        let (mut from, size) = self.open_file(rel)?;
        let mut copy = tempfile::tempfile()?;
        std::io::copy(&mut from, &mut copy)?;
        std::io::Seek::rewind(&mut copy)?;
        Ok((copy, size))
    }

    /// Reads a file of the bag, at most `limit` bytes.
    pub fn read(&self, rel: &str, limit: u64) -> Result<Vec<u8>, FsError> {
        self.store().read(rel, limit)
    }

    /// Reads a UTF-8 text file of the bag.
    pub fn read_text(&self, rel: &str, limit: u64) -> Result<String, FsError> {
        let bytes = self.read(rel, limit)?;
        String::from_utf8(bytes).map_err(|_| {
            FsError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{rel} is not UTF-8"),
            ))
        })
    }

    /// True when the bag has this file as a regular file.
    pub fn has_file(&self, rel: &str) -> bool {
        self.open_file(rel).is_ok()
    }

    /// The case record, `data/metadata.json`, read leniently ([`crate::record::load`]).
    pub fn record(&self) -> Result<crate::record::Loaded, String> {
        let bytes = self
            .read(crate::record::PATH, TAG_FILE_LIMIT)
            .map_err(|e| format!("{}: {}", crate::record::PATH, e.en()))?;
        crate::record::load(&bytes).map_err(|e| format!("{}: {e}", crate::record::PATH))
    }

    /// The PREMIS event log, `data/events.json`.
    pub fn events(&self) -> Result<crate::events::EventLog, String> {
        let bytes = self
            .read(crate::events::PATH, TAG_FILE_LIMIT)
            .map_err(|e| format!("{}: {}", crate::events::PATH, e.en()))?;
        crate::events::EventLog::load(&bytes).map_err(|e| format!("{}: {e}", crate::events::PATH))
    }

    /// Parses a manifest (`manifest-sha256.txt`, `tagmanifest-sha256.txt`): one line
    /// `<hex digest> <path>`, paths percent-decoded and refused when unsafe (absolute, `..`,
    /// `~`), conflicting repeats reported.
    pub fn manifest(&self, name: &str) -> Manifest {
        match self.read_text(name, TAG_FILE_LIMIT) {
            Ok(t) => Manifest::parse(name, &t),
            Err(e) if e.is_not_found() => Manifest::default(),
            Err(e) => Manifest {
                present: true,
                problems: vec![format!("manifest {name}: cannot read: {}", e.en())],
                problems_vi: vec![format!("manifest {name}: không đọc được: {}", e.vi())],
                ..Default::default()
            },
        }
    }

    /// `bag-info.txt`.
    pub fn bag_info(&self) -> Result<BagInfo, FsError> {
        let text = self.read_text("bag-info.txt", BAG_INFO_LIMIT)?;
        Ok(BagInfo::parse(&text))
    }

    /// Every entry below the bag folder, links and special files included but never followed
    /// or opened, in path order.
    pub fn entries(&self) -> Vec<Entry> {
        self.store().entries()
    }

    /// The bag's files, through the archive's one storage interface.
    fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn sha256(&self, rel: &str) -> Result<(String, u64), FsError> {
        let (file, _) = self.open_file(rel)?;
        Ok(crate::hash::sha256_reader(file)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn bag_info_keeps_repeats_and_continuation_lines() {
        let i = BagInfo::parse("Source-Organization: UBND\nContact-Name: A\nContact-Name: B\nExternal-Description: one\n  two\n");
        assert_eq!(i.get("source-organization"), Some("UBND"));
        assert_eq!(
            i.labels.iter().filter(|(k, _)| k == "Contact-Name").count(),
            2
        );
        assert_eq!(i.get("External-Description"), Some("one two"));
    }

    #[test]
    fn a_bag_reached_through_a_link_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(outside.path().join("x/data")).unwrap();
        std::fs::create_dir_all(dir.path().join("bags")).unwrap();
        symlink(outside.path().join("x"), dir.path().join("bags/x")).unwrap();
        assert!(matches!(
            Bag::open(dir.path(), "bags/x"),
            Err(FsError::Symlink)
        ));
        let dir2 = tempfile::tempdir().unwrap();
        symlink(outside.path(), dir2.path().join("bags")).unwrap();
        assert!(matches!(
            Bag::open(dir2.path(), "bags/x"),
            Err(FsError::Symlink)
        ));
        assert!(Bag::open(dir.path(), "bags/../bags/x").is_err());
    }

    #[test]
    fn manifests_with_unsafe_paths_are_reported_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let bag = dir.path().join("bags/a");
        std::fs::create_dir_all(&bag).unwrap();
        let sum = "a".repeat(64);
        std::fs::write(
            bag.join("manifest-sha256.txt"),
            format!("{sum}  data/ok.txt\n{sum}  ../../etc/passwd\n{sum}  /etc/shadow\n{sum}  data/%2E%2E/x\nnotaline\n"),
        )
        .unwrap();
        let m = Bag::open(dir.path(), "bags/a")
            .unwrap()
            .manifest("manifest-sha256.txt");
        assert_eq!(m.entries.len(), 2, "{m:?}");
        assert!(m.entries.contains_key("data/ok.txt"));
        assert_eq!(
            m.problems
                .iter()
                .filter(|p| p.contains("unsafe path"))
                .count(),
            2
        );
        assert!(m.problems.iter().any(|p| p.contains("malformed")));
    }
}
