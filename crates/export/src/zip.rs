//! A package folder packed into one ZIP with the folder as its single root (CSIPSTR1), written
//! under a temporary name and renamed when complete.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;

/// Packs `folder` (named `name` inside the zip) into `target`.
pub(crate) fn pack(folder: &Path, name: &str, target: &Path) -> std::io::Result<()> {
    let partial = target.with_extension("zip.partial");
    let result = write(folder, name, &partial);
    if let Err(e) = result {
        let _ = fs::remove_file(&partial);
        return Err(e);
    }
    fs::rename(&partial, target)
}

fn write(folder: &Path, name: &str, partial: &Path) -> std::io::Result<()> {
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(partial)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut entries: Vec<_> = walkdir::WalkDir::new(folder)
        .follow_links(false)
        .into_iter()
        .collect::<Result<_, _>>()
        .map_err(std::io::Error::other)?;
    entries.sort_by(|a, b| a.path().cmp(b.path()));
    let mut buf = vec![0u8; 512 * 1024];
    for e in entries {
        let rel = e
            .path()
            .strip_prefix(folder)
            .map_err(std::io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        let inner = if rel.is_empty() {
            format!("{name}/")
        } else {
            format!("{name}/{rel}")
        };
        if e.file_type().is_dir() {
            zip.add_directory(inner, options)
                .map_err(std::io::Error::other)?;
        } else if e.file_type().is_file() {
            zip.start_file(inner, options)
                .map_err(std::io::Error::other)?;
            let mut input = fs::File::open(e.path())?;
            loop {
                let n = input.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                zip.write_all(&buf[..n])?;
            }
        }
    }
    let file = zip.finish().map_err(std::io::Error::other)?;
    file.sync_all()
}
