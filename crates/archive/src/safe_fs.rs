//! Safe file access for everything sohoa reads or writes: symbolic links are never followed
//! unless asked, only regular files are read (a FIFO or a device is refused before it can
//! block), sizes are limited before reading, and paths inside a bag cannot leave it
//! (bagit-python's `_path_is_dangerous` rules, enforced with `openat` and `O_NOFOLLOW`).

use rustix::fs::{FileType, Mode, OFlags, CWD};
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::OwnedFd;
use std::path::{Component, Path};

/// Whether a symbolic link given by the user may be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Follow {
    /// A link is refused (the default everywhere).
    #[default]
    No,
    /// A link is followed (only for scan folders, with `--follow-symlinks`).
    Yes,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum FsError {
    Io(io::Error),
    /// A symbolic link, not followed.
    Symlink,
    /// Not a regular file: "FIFO", "device", "socket" or "directory".
    NotRegular(&'static str),
    /// Bigger than the limit for this kind of file.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// A path that would leave its folder (absolute, `..`, `~`, empty).
    Unsafe(String),
}

impl FsError {
    /// Stable code for problems and reports.
    pub fn code(&self) -> &'static str {
        match self {
            FsError::Io(_) => "file.unreadable",
            FsError::Symlink => "file.symlink",
            FsError::NotRegular(_) => "file.not_regular",
            FsError::TooLarge { .. } => "file.too_large",
            FsError::Unsafe(_) => "file.unsafe_path",
        }
    }

    /// The reason in Vietnamese.
    pub fn vi(&self) -> String {
        match self {
            FsError::Io(e) => format!("không đọc được: {e}"),
            FsError::Symlink => {
                "là liên kết tượng trưng (symlink): sohoa không đi theo liên kết".to_string()
            }
            FsError::NotRegular(kind) => format!(
                "không phải tệp thông thường ({}): sohoa chỉ đọc tệp thông thường",
                match *kind {
                    "FIFO" => "đường ống FIFO",
                    "device" => "tệp thiết bị",
                    "socket" => "socket",
                    "directory" => "thư mục",
                    other => other,
                }
            ),
            FsError::TooLarge { size, limit } => format!(
                "quá lớn: {}, giới hạn {}",
                crate::text::readable_bytes(*size).0,
                crate::text::readable_bytes(*limit).0
            ),
            FsError::Unsafe(p) => format!("đường dẫn không an toàn (ra ngoài thư mục): {p:?}"),
        }
    }

    /// The reason in English.
    pub fn en(&self) -> String {
        match self {
            FsError::Io(e) => format!("cannot read: {e}"),
            FsError::Symlink => "is a symbolic link: sohoa does not follow links".to_string(),
            FsError::NotRegular(kind) => {
                format!("not a regular file ({kind}): sohoa reads regular files only")
            }
            FsError::TooLarge { size, limit } => format!(
                "too large: {}, the limit is {}",
                crate::text::readable_bytes(*size).1,
                crate::text::readable_bytes(*limit).1
            ),
            FsError::Unsafe(p) => format!("unsafe path (leaves its folder): {p:?}"),
        }
    }

    /// True when the file is simply not there.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for FsError {}

impl From<io::Error> for FsError {
    fn from(e: io::Error) -> Self {
        FsError::Io(e)
    }
}

impl From<FsError> for io::Error {
    fn from(e: FsError) -> Self {
        match e {
            FsError::Io(e) => e,
            other => io::Error::other(other.en()),
        }
    }
}

fn kind_name(t: FileType) -> &'static str {
    match t {
        FileType::Fifo => "FIFO",
        FileType::CharacterDevice | FileType::BlockDevice => "device",
        FileType::Socket => "socket",
        FileType::Directory => "directory",
        FileType::Symlink => "symlink",
        _ => "unknown",
    }
}

fn std_kind(t: std::fs::FileType) -> Result<(), FsError> {
    use std::os::unix::fs::FileTypeExt;
    match EntryKind::of(t) {
        EntryKind::File => Ok(()),
        EntryKind::Symlink => Err(FsError::Symlink),
        EntryKind::Dir => Err(FsError::NotRegular("directory")),
        _ if t.is_fifo() => Err(FsError::NotRegular("FIFO")),
        _ if t.is_socket() => Err(FsError::NotRegular("socket")),
        _ => Err(FsError::NotRegular("device")),
    }
}

/// Confirms that an open descriptor is a regular file; returns its size.
fn regular_size(fd: &OwnedFd) -> Result<u64, FsError> {
    let st = rustix::fs::fstat(fd).map_err(io::Error::from)?;
    let t = FileType::from_raw_mode(st.st_mode);
    if t != FileType::RegularFile {
        return Err(FsError::NotRegular(kind_name(t)));
    }
    Ok(st.st_size as u64)
}

const READ_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::NONBLOCK)
    .union(OFlags::CLOEXEC)
    .union(OFlags::NOCTTY);

/// Opens a regular file for reading. The kind is checked before opening (a FIFO or a device
/// is never opened) and again on the open descriptor (no race).
pub fn open_regular(path: &Path, follow: Follow) -> Result<(File, u64), FsError> {
    let meta = match follow {
        Follow::No => std::fs::symlink_metadata(path)?,
        Follow::Yes => std::fs::metadata(path)?,
    };
    std_kind(meta.file_type())?;
    let mut flags = READ_FLAGS;
    if follow == Follow::No {
        flags |= OFlags::NOFOLLOW;
    }
    let fd = rustix::fs::openat(CWD, path, flags, Mode::empty()).map_err(|e| {
        if e == rustix::io::Errno::LOOP {
            FsError::Symlink
        } else {
            FsError::Io(e.into())
        }
    })?;
    let size = regular_size(&fd)?;
    Ok((File::from(fd), size))
}

/// Reads a whole regular file of at most `limit` bytes.
pub fn read_limited(path: &Path, limit: u64, follow: Follow) -> Result<Vec<u8>, FsError> {
    let (file, size) = open_regular(path, follow)?;
    read_all(file, size, limit)
}

/// Reads an open file to its end, refusing more than `limit` bytes (the file may grow while
/// it is read: the limit holds for what is read, not only for the size seen at open).
pub fn read_all(file: File, size: u64, limit: u64) -> Result<Vec<u8>, FsError> {
    if size > limit {
        return Err(FsError::TooLarge { size, limit });
    }
    let mut out = Vec::with_capacity(size as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(FsError::TooLarge {
            size: out.len() as u64,
            limit,
        });
    }
    Ok(out)
}

/// Reads a small text file the user names (a profile, a rule file, a calendar): a regular file
/// (a link is followed: the user chose it), at most 1 MiB, UTF-8.
pub fn read_config(path: &Path) -> Result<String, FsError> {
    let bytes = read_limited(path, 1024 * 1024, Follow::Yes)?;
    String::from_utf8(bytes)
        .map_err(|_| FsError::Io(io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text")))
}

/// Checks a path relative to a folder (a bag, the archive): not empty, not absolute, no `..`,
/// `.`, empty or `~`-prefixed parts, no NUL. Returns its parts.
pub fn safe_parts(rel: &str) -> Result<Vec<&str>, FsError> {
    let bad = || FsError::Unsafe(rel.to_string());
    if rel.is_empty() || rel.starts_with('~') || rel.contains('\0') {
        return Err(bad());
    }
    if !Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(bad());
    }
    let parts: Vec<&str> = rel.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err(bad());
    }
    Ok(parts)
}

fn open_dir_at(dir: &OwnedFd, name: &str) -> Result<OwnedFd, FsError> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    rustix::fs::openat(dir, name, flags, Mode::empty()).map_err(|e| link_or_io(dir, name, e))
}

/// `ELOOP`/`ENOTDIR` from an `O_NOFOLLOW` open: tell a link from other trouble.
fn link_or_io(dir: &OwnedFd, name: &str, e: rustix::io::Errno) -> FsError {
    if e == rustix::io::Errno::LOOP || e == rustix::io::Errno::NOTDIR {
        if let Ok(st) = rustix::fs::statat(dir, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
            let t = FileType::from_raw_mode(st.st_mode);
            if t == FileType::Symlink {
                return FsError::Symlink;
            }
            if t != FileType::Directory {
                return FsError::NotRegular(kind_name(t));
            }
        }
    }
    FsError::Io(e.into())
}

/// Opens a folder that must be a real folder, not a link to one.
pub fn open_real_dir(path: &Path) -> Result<OwnedFd, FsError> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    rustix::fs::openat(CWD, path, flags, Mode::empty()).map_err(|e| {
        if e == rustix::io::Errno::LOOP
            || (e == rustix::io::Errno::NOTDIR
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()))
        {
            FsError::Symlink
        } else if e == rustix::io::Errno::NOTDIR {
            FsError::NotRegular("file")
        } else {
            FsError::Io(e.into())
        }
    })
}

/// Opens `rel` (a `/`-separated path) below `root` for reading: no part of it may be a link,
/// it must be a regular file, and `rel` must stay below `root`.
pub fn open_beneath(root: &Path, rel: &str) -> Result<(File, u64), FsError> {
    let parts = safe_parts(rel)?;
    let mut dir = open_real_dir(root)?;
    let (last, folders) = parts
        .split_last()
        .ok_or_else(|| FsError::Unsafe(rel.into()))?;
    for name in folders {
        dir = open_dir_at(&dir, name)?;
    }
    // The kind first, so that a FIFO or a device is never opened at all.
    let st = rustix::fs::statat(&dir, *last, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
        .map_err(io::Error::from)?;
    let t = FileType::from_raw_mode(st.st_mode);
    if t == FileType::Symlink {
        return Err(FsError::Symlink);
    }
    if t != FileType::RegularFile {
        return Err(FsError::NotRegular(kind_name(t)));
    }
    let fd = rustix::fs::openat(&dir, *last, READ_FLAGS | OFlags::NOFOLLOW, Mode::empty())
        .map_err(|e| link_or_io(&dir, last, e))?;
    let size = regular_size(&fd)?;
    Ok((File::from(fd), size))
}

/// Reads `rel` below `root` (see [`open_beneath`]), at most `limit` bytes.
pub fn read_beneath(root: &Path, rel: &str, limit: u64) -> Result<Vec<u8>, FsError> {
    let (file, size) = open_beneath(root, rel)?;
    read_all(file, size, limit)
}

/// What an entry is, without following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Missing,
    Dir,
    File,
    Symlink,
    /// FIFO, device or socket.
    Special,
}

impl EntryKind {
    /// The kind of a directory entry or of `lstat`'s answer.
    pub fn of(t: std::fs::FileType) -> EntryKind {
        if t.is_symlink() {
            EntryKind::Symlink
        } else if t.is_dir() {
            EntryKind::Dir
        } else if t.is_file() {
            EntryKind::File
        } else {
            EntryKind::Special
        }
    }
}

/// The kind of `path` itself (a link is a link).
pub fn entry_kind(path: &Path) -> EntryKind {
    match std::fs::symlink_metadata(path) {
        Err(_) => EntryKind::Missing,
        Ok(m) => EntryKind::of(m.file_type()),
    }
}

/// Makes sure `path` is a real folder (created when missing, parents included); a link or a
/// file in its place is refused.
pub fn ensure_real_dir(path: &Path) -> Result<(), FsError> {
    match entry_kind(path) {
        EntryKind::Dir => Ok(()),
        EntryKind::Missing => {
            std::fs::create_dir_all(path)?;
            match entry_kind(path) {
                EntryKind::Dir => Ok(()),
                EntryKind::Symlink => Err(FsError::Symlink),
                _ => Err(FsError::NotRegular("file")),
            }
        }
        EntryKind::Symlink => Err(FsError::Symlink),
        EntryKind::File | EntryKind::Special => Err(FsError::NotRegular("file")),
    }
}

/// Makes sure every folder of `rel` below `root` (`withdrawn/<id>`) is a real folder, creating
/// the missing ones: no part of the path may be a link, so nothing is ever made outside `root`.
pub fn ensure_real_dir_below(root: &Path, rel: &str) -> Result<(), FsError> {
    let mut path = root.to_path_buf();
    for part in safe_parts(rel)? {
        path.push(part);
        match entry_kind(&path) {
            EntryKind::Dir => {}
            EntryKind::Missing => match std::fs::create_dir(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if entry_kind(&path) != EntryKind::Dir {
                        return Err(FsError::NotRegular("file"));
                    }
                }
                Err(e) => return Err(e.into()),
            },
            EntryKind::Symlink => return Err(FsError::Symlink),
            EntryKind::File | EntryKind::Special => return Err(FsError::NotRegular("file")),
        }
    }
    Ok(())
}

/// Opens a file for writing with `opts`: never through a link, never blocking (a FIFO or a
/// device in its place is refused, whether or not something reads it), a regular file only.
pub fn open_for_writing(path: &Path, mut opts: std::fs::OpenOptions) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    opts.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY);
    let file = opts.open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            io::Error::other(format!("{}: {}", path.display(), FsError::Symlink.en()))
        } else if e.raw_os_error() == Some(libc::ENXIO) {
            // A FIFO with no reader: O_NONBLOCK makes the open fail instead of waiting.
            io::Error::other(format!(
                "{}: {}",
                path.display(),
                FsError::NotRegular("FIFO").en()
            ))
        } else {
            e
        }
    })?;
    let fd = std::os::fd::AsFd::as_fd(&file);
    let st = rustix::fs::fstat(fd).map_err(io::Error::from)?;
    let t = FileType::from_raw_mode(st.st_mode);
    if t != FileType::RegularFile {
        return Err(io::Error::other(format!(
            "{}: {}",
            path.display(),
            FsError::NotRegular(kind_name(t)).en()
        )));
    }
    let flags = rustix::fs::fcntl_getfl(fd).map_err(io::Error::from)?;
    rustix::fs::fcntl_setfl(fd, flags - OFlags::NONBLOCK).map_err(io::Error::from)?;
    Ok(file)
}

/// Creates (or truncates) a file for writing (see [`open_for_writing`]).
pub fn create_nofollow(path: &Path) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    open_for_writing(path, opts)
}

/// Opens a file for appending, created when missing (see [`open_for_writing`]).
pub fn append_nofollow(path: &Path) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    open_for_writing(path, opts)
}

/// Writes `bytes` to `path` whole or not at all: a temporary file next to it (created with
/// `mode`, never through a link), synced, then renamed over `path`. Parent folders are made.
pub fn write_whole(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true).mode(mode);
        let mut f = open_for_writing(&tmp, opts)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, OpenOptionsExt};

    #[test]
    fn links_are_refused_unless_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("real.txt"), b"hello").unwrap();
        symlink(dir.path().join("real.txt"), dir.path().join("link.txt")).unwrap();
        let link = dir.path().join("link.txt");
        assert!(matches!(
            read_limited(&link, 100, Follow::No),
            Err(FsError::Symlink)
        ));
        assert_eq!(read_limited(&link, 100, Follow::Yes).unwrap(), b"hello");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        rustix::fs::mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
        for follow in [Follow::No, Follow::Yes] {
            assert!(matches!(
                read_limited(&fifo, 100, follow),
                Err(FsError::NotRegular("FIFO"))
            ));
        }
        assert!(matches!(
            read_beneath(dir.path(), "pipe", 100),
            Err(FsError::NotRegular("FIFO"))
        ));
        // A link to a device, followed on request, is still not read.
        symlink("/dev/zero", dir.path().join("zero")).unwrap();
        assert!(matches!(
            read_limited(&dir.path().join("zero"), 100, Follow::Yes),
            Err(FsError::NotRegular("device"))
        ));
    }

    #[test]
    fn sizes_are_limited_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big"), vec![0u8; 1000]).unwrap();
        assert!(matches!(
            read_limited(&dir.path().join("big"), 999, Follow::No),
            Err(FsError::TooLarge {
                size: 1000,
                limit: 999
            })
        ));
        assert_eq!(
            read_limited(&dir.path().join("big"), 1000, Follow::No)
                .unwrap()
                .len(),
            1000
        );
    }

    #[test]
    fn paths_below_a_folder_cannot_leave_it() {
        let dir = tempfile::tempdir().unwrap();
        let bag = dir.path().join("bag");
        std::fs::create_dir_all(bag.join("data")).unwrap();
        std::fs::write(bag.join("data/a.txt"), b"a").unwrap();
        std::fs::write(dir.path().join("secret"), b"s").unwrap();
        symlink(dir.path().join("secret"), bag.join("data/link")).unwrap();
        symlink(dir.path(), bag.join("up")).unwrap();
        assert_eq!(read_beneath(&bag, "data/a.txt", 10).unwrap(), b"a");
        for rel in [
            "../secret",
            "/etc/passwd",
            "data/../../secret",
            "~/x",
            "",
            "data//a.txt",
            "./data/a.txt",
        ] {
            assert!(
                matches!(read_beneath(&bag, rel, 10), Err(FsError::Unsafe(_))),
                "{rel}"
            );
        }
        assert!(matches!(
            read_beneath(&bag, "data/link", 10),
            Err(FsError::Symlink)
        ));
        assert!(matches!(
            read_beneath(&bag, "up/secret", 10),
            Err(FsError::Symlink)
        ));
        // The bag folder itself may not be a link.
        symlink(&bag, dir.path().join("baglink")).unwrap();
        assert!(matches!(
            read_beneath(&dir.path().join("baglink"), "data/a.txt", 10),
            Err(FsError::Symlink)
        ));
    }

    #[test]
    fn archive_folders_must_be_real() {
        let dir = tempfile::tempdir().unwrap();
        ensure_real_dir(&dir.path().join("a/b")).unwrap();
        symlink(dir.path().join("a"), dir.path().join("logs")).unwrap();
        assert!(matches!(
            ensure_real_dir(&dir.path().join("logs")),
            Err(FsError::Symlink)
        ));
        // A link anywhere below the root stops the walk: nothing is made through it.
        let outside = tempfile::tempdir().unwrap();
        symlink(outside.path(), dir.path().join("withdrawn")).unwrap();
        assert!(matches!(
            ensure_real_dir_below(dir.path(), "withdrawn/X"),
            Err(FsError::Symlink)
        ));
        assert!(!outside.path().join("X").exists());
        ensure_real_dir_below(dir.path(), "versions/X").unwrap();
        assert_eq!(entry_kind(&dir.path().join("versions/X")), EntryKind::Dir);
        std::fs::write(dir.path().join("x"), b"").unwrap();
        symlink(dir.path().join("x"), dir.path().join("y")).unwrap();
        assert!(create_nofollow(&dir.path().join("y")).is_err());
        assert!(append_nofollow(&dir.path().join("y")).is_err());
    }

    #[test]
    fn a_fifo_where_sohoa_writes_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fixity.jsonl");
        rustix::fs::mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
        assert!(append_nofollow(&fifo).is_err());
        assert!(create_nofollow(&fifo).is_err());
        // Also when something reads the FIFO.
        let _reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .unwrap();
        assert!(append_nofollow(&fifo).is_err());
        let mut f = append_nofollow(&dir.path().join("ok")).unwrap();
        std::io::Write::write_all(&mut f, b"line\n").unwrap();
    }
}
