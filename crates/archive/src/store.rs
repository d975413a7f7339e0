//! The one interface to where an archive's files are kept. A [`Folder`] on a local file system
//! is the embedded default (path-safe: no links followed, regular files only, sizes limited,
//! through [`crate::safe_fs`]); an object-storage backend implements the same [`Store`], so
//! readers (the bag reader, and through it index, audit, verify, ocr and the web server) do not
//! change when the archive moves.

use crate::safe_fs::{self, EntryKind, FsError};
use std::io::{Read, Seek};
use std::path::PathBuf;

/// A file or other entry found below a store's root (links are never followed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    pub kind: EntryKind,
    /// Bytes, for regular files (0 otherwise).
    pub size: u64,
}

/// A file opened for reading: streamed (fixity) or read at an offset (a PDF's tail).
pub trait Readable: Read + Seek + Send {}
impl<T: Read + Seek + Send> Readable for T {}

/// Read access to the files below one root (an archive, or one bag of it).
pub trait Store: Send + Sync {
    /// Opens one file for streaming, with its size; `rel` must be a plain relative path.
    fn open(&self, rel: &str) -> Result<(Box<dyn Readable>, u64), FsError>;
    /// Reads one whole file of at most `limit` bytes.
    fn read(&self, rel: &str, limit: u64) -> Result<Vec<u8>, FsError>;
    /// Every entry below the root except folders, sorted by path.
    fn entries(&self) -> Vec<Entry>;
    /// The names of the folders directly in `rel` (names starting with `.` are work in
    /// progress and left out), sorted; none when `rel` is not there. `rel` itself must be a
    /// real folder (a link is an error).
    fn folders(&self, rel: &str) -> std::io::Result<Vec<String>>;
    /// The folder on this machine, when the store is one.
    fn local_root(&self) -> Option<&std::path::Path> {
        None
    }
}

/// A folder of a local file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// The folder at `root` (not checked here: opening a bag checks every step of its path).
    pub fn new(root: impl Into<PathBuf>) -> Folder {
        Folder { root: root.into() }
    }
}

impl Store for Folder {
    fn local_root(&self) -> Option<&std::path::Path> {
        Some(&self.root)
    }

    fn open(&self, rel: &str) -> Result<(Box<dyn Readable>, u64), FsError> {
        let (file, size) = safe_fs::open_beneath(&self.root, rel)?;
        Ok((Box::new(file), size))
    }

    fn read(&self, rel: &str, limit: u64) -> Result<Vec<u8>, FsError> {
        safe_fs::read_beneath(&self.root, rel, limit)
    }

    fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(&self.root)
            .min_depth(1)
            .follow_links(false)
            .follow_root_links(false)
            .into_iter()
            .filter_map(Result::ok)
        {
            let kind = EntryKind::of(entry.file_type());
            if kind == EntryKind::Dir {
                continue;
            }
            let size = if kind == EntryKind::File {
                entry.metadata().map(|m| m.len()).unwrap_or(0)
            } else {
                0
            };
            out.push(Entry {
                rel: crate::layout::rel_path(&self.root, entry.path()),
                kind,
                size,
            });
        }
        out.sort_by(|a, b| a.rel.cmp(&b.rel));
        out
    }

    fn folders(&self, rel: &str) -> std::io::Result<Vec<String>> {
        let parts = safe_fs::safe_parts(rel).map_err(|e| std::io::Error::other(e.en()))?;
        let dir = parts.iter().fold(self.root.clone(), |p, part| p.join(part));
        match safe_fs::entry_kind(&dir) {
            EntryKind::Missing => return Ok(Vec::new()),
            EntryKind::Dir => {}
            _ => {
                return Err(std::io::Error::other(format!(
                    "{} is a link or a file, not a folder: sohoa does not follow links inside the archive",
                    dir.display()
                )))
            }
        }
        let mut names: Vec<String> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_lists_and_reads_without_following_links() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data/sub")).unwrap();
        std::fs::write(dir.path().join("data/sub/a.txt"), "abc").unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("data/l"))
            .unwrap();
        let f = Folder::new(dir.path());
        let e = f.entries();
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].rel.as_str(), e[0].kind),
            ("data/l", EntryKind::Symlink)
        );
        assert_eq!((e[1].rel.as_str(), e[1].size), ("data/sub/a.txt", 3));
        assert_eq!(f.read("data/sub/a.txt", 10).unwrap(), b"abc");
        assert!(f.read("data/l", 10).is_err(), "a link is never read");
        assert!(f.read("../x", 10).is_err());
        let (mut r, size) = f.open("data/sub/a.txt").unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!((s.as_str(), size), ("abc", 3));
    }

    #[test]
    fn folders_are_listed_without_work_in_progress_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        for d in ["bags/B", "bags/A", "bags/.tmp-C-1", "elsewhere"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        std::fs::write(dir.path().join("bags/file"), "x").unwrap();
        let f = Folder::new(dir.path());
        assert_eq!(f.folders("bags").unwrap(), ["A", "B"]);
        assert!(f.folders("versions").unwrap().is_empty(), "absent: none");
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), dir.path().join("linked"))
            .unwrap();
        assert!(f.folders("linked").is_err());
        assert!(f.folders("../x").is_err());
    }
}
