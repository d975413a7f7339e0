//! Versions of a case's bag: what the current bag says of itself (version, fingerprint, where it
//! came from), the number the next version gets, and the commit that moves the old bag to
//! `versions/` (never deleted) in steps a crash can always be recovered from (see [`recover`]).

use sohoa_archive::bag::label;
use sohoa_archive::index_journal;
use sohoa_archive::layout::staged;
use sohoa_archive::record::PreviousVersion;
use sohoa_archive::safe_fs::{self, EntryKind};
use sohoa_bagit::{self as bag, Bag};
use std::fs;
use std::path::Path;

/// What the current bag of a case says of itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Current {
    pub version: u32,
    pub fingerprint: Option<String>,
    /// The case folder it was made from.
    pub source_folder: Option<String>,
    /// SHA-256 of every scan file it was made from.
    pub source_digests: Vec<String>,
    pub applicant: Option<String>,
    /// The applicant's identity number (compared, never shown).
    pub applicant_id: Option<String>,
    /// Where its metadata came from (`register hoso.csv row 3`).
    pub metadata_sources: Vec<String>,
    /// False when its metadata.json could not be read.
    pub readable: bool,
}

impl Current {
    /// The source in a few words, for messages: folder, applicant, register row.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match &self.source_folder {
            Some(f) => parts.push(format!("\"{f}\"")),
            None if !self.readable => parts.push("metadata.json unreadable".to_string()),
            None => {}
        }
        if let Some(a) = &self.applicant {
            parts.push(a.clone());
        }
        parts.extend(self.metadata_sources.iter().cloned());
        parts.join(", ")
    }
}

/// Reads version, fingerprint and source of the current bag of a case, if there is one.
pub(crate) fn current_bag(archive: &Path, id: &str) -> Option<Current> {
    let bag = Bag::open(archive, &sohoa_archive::layout::bag(id)).ok()?;
    let Ok(loaded) = bag.record() else {
        let version = bag
            .bag_info()
            .ok()
            .and_then(|i| i.get(label::SOHOA_BAG_VERSION).and_then(|v| v.parse().ok()))
            .unwrap_or(1);
        return Some(Current {
            version,
            ..Default::default()
        });
    };
    let r = loaded.record;
    let given = |v: String| Some(v).filter(|s| !s.is_empty());
    Some(Current {
        version: if r.version == 0 { 1 } else { r.version },
        fingerprint: given(r.source_fingerprint),
        source_folder: given(r.source_folder),
        source_digests: r
            .sources
            .into_iter()
            .map(|s| s.sha256)
            .filter(|d| !d.is_empty())
            .collect(),
        applicant: r.case.applicant_name.filter(|s| !s.is_empty()),
        applicant_id: r.case.applicant_id.filter(|s| !s.is_empty()),
        metadata_sources: r
            .metadata_sources
            .iter()
            .filter(|m| !m.kind.is_empty() && !m.path.is_empty())
            .map(|m| m.describe())
            .collect(),
        readable: true,
    })
}

/// Highest version number kept under a folder of versions (`versions/<id>/`, `withdrawn/<id>/`).
fn highest_kept(versions: &Path) -> u32 {
    fs::read_dir(versions)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// The highest version number a case has used anywhere (kept or withdrawn).
pub(crate) fn highest_used(archive: &Path, id: &str) -> u32 {
    highest_kept(&archive.join(sohoa_archive::layout::VERSIONS).join(id)).max(highest_kept(
        &archive.join(sohoa_archive::layout::WITHDRAWN).join(id),
    ))
}

/// The new bag's version number, and where the current bag (if any) will be kept. The current
/// bag keeps its number under `versions/` (or the next free one there); the new bag's number
/// is one more than any number used so far.
pub(crate) fn number(
    archive: &Path,
    id: &str,
    current_version: Option<u32>,
) -> (u32, Option<PreviousVersion>) {
    let versions = archive.join(sohoa_archive::layout::VERSIONS).join(id);
    let highest = highest_used(archive, id);
    let prior = current_version.map(|cv| {
        if versions.join(cv.to_string()).exists() || cv <= highest {
            highest + 1
        } else {
            cv
        }
    });
    let version = prior.unwrap_or(0).max(highest) + 1;
    let previous = prior.map(|n| PreviousVersion {
        version: n,
        path: sohoa_archive::layout::version(id, n),
        tagmanifest_sha256: bag::tagmanifest_sha(archive, &sohoa_archive::layout::bag(id))
            .unwrap_or_default(),
    });
    (version, previous)
}

/// Commits the finished bag in `root` as `bags/<id>`, moving the current bag (when there is a
/// previous version) to `previous.path`. Steps, each durable before the next:
/// 1. the id goes into the index journal;
/// 2. `root` is renamed to `bags/.new-<id>` (a complete bag, not yet current);
/// 3. `bags/<id>` is renamed to `versions/<id>/<n>`;
/// 4. `bags/.new-<id>` is renamed to `bags/<id>`.
///
/// A crash after 2 leaves a complete bag that [`recover`] puts in place or drops; nothing is
/// ever half-written or lost. Returns where the old bag went.
pub(crate) fn commit(
    archive: &Path,
    id: &str,
    root: &Path,
    previous: Option<&PreviousVersion>,
) -> std::io::Result<Option<String>> {
    index_journal::record(archive, id)?;
    let dest = archive.join(sohoa_archive::layout::BAGS).join(id);
    let new = staged(archive, id);
    bag::commit(root, &new)?;
    let mut moved = None;
    if let Some(prev) = previous {
        safe_fs::ensure_real_dir_below(archive, &format!("versions/{id}"))?;
        bag::commit(&dest, &archive.join(&prev.path))?;
        moved = Some(prev.path.clone());
    }
    bag::commit(&new, &dest)?;
    Ok(moved)
}

/// The folders of `to` (relative to the archive) but its last part, made real folders.
fn ensure_parent_below(archive: &Path, to: &str) -> std::io::Result<()> {
    match to.rsplit_once('/') {
        Some((parent, _)) => Ok(safe_fs::ensure_real_dir_below(archive, parent)?),
        None => Ok(()),
    }
}

/// Moves a current bag out of `bags/` to `to` (relative to the archive, e.g. `withdrawn/<id>/3`),
/// the index journal told first.
pub(crate) fn move_out(archive: &Path, id: &str, to: &str) -> std::io::Result<()> {
    index_journal::record(archive, id)?;
    ensure_parent_below(archive, to)?;
    bag::commit(
        &archive.join(sohoa_archive::layout::BAGS).join(id),
        &archive.join(to),
    )
}

/// Puts the finished withdrawn version (built in `root`) at `to` (`withdrawn/<id>/<n>`), the
/// index journal told first. Until the current bag is moved out too, [`recover`] knows how to
/// finish.
pub(crate) fn stage_withdrawn(
    archive: &Path,
    id: &str,
    root: &Path,
    to: &str,
) -> std::io::Result<()> {
    index_journal::record(archive, id)?;
    ensure_parent_below(archive, to)?;
    bag::commit(root, &archive.join(to))
}

/// A withdrawal killed between its two moves: the newest withdrawn version of a case says which
/// bag it replaced (its tag manifest digest); when that bag is still current, it is moved out.
fn finish_withdrawals(archive: &Path, done: &mut Vec<String>) {
    let withdrawn = archive.join(sohoa_archive::layout::WITHDRAWN);
    if safe_fs::entry_kind(&withdrawn) != EntryKind::Dir {
        return;
    }
    let Ok(rd) = fs::read_dir(&withdrawn) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let id = e.file_name().to_string_lossy().to_string();
        let current = archive.join(sohoa_archive::layout::BAGS).join(&id);
        if id.starts_with('.') || safe_fs::entry_kind(&current) != EntryKind::Dir {
            continue;
        }
        let n = highest_kept(&e.path());
        let Ok(bag) = Bag::open(archive, &sohoa_archive::layout::withdrawn(&id, n)) else {
            continue;
        };
        let Some(previous) = bag.record().ok().and_then(|l| l.record.previous_version) else {
            continue;
        };
        let (path, sha) = (previous.path.as_str(), previous.tagmanifest_sha256.as_str());
        if path.is_empty() || sha.is_empty() {
            continue;
        }
        let is_current =
            bag::tagmanifest_sha(archive, &sohoa_archive::layout::bag(&id)).is_ok_and(|s| s == sha);
        if is_current && safe_fs::safe_parts(path).is_ok() && !archive.join(path).exists() {
            match move_out(archive, &id, path) {
                Ok(()) => done.push(format!("finished the withdrawal of {id}")),
                Err(err) => tracing::warn!("cannot finish the withdrawal of {id}: {err}"),
            }
        }
    }
}

/// After a crash (called under the archive lock, before anything else): a staged bag whose
/// case has no current bag was between steps 3 and 4 of [`commit`] and is put in place; a
/// staged bag next to a current one (crash between 2 and 3) is dropped, the current bag is
/// untouched and the rerun makes the new version again. Unfinished `.tmp-` folders are removed.
/// Returns what was done, for the log.
pub(crate) fn recover(archive: &Path) -> Vec<String> {
    let mut done = Vec::new();
    let bags = archive.join(sohoa_archive::layout::BAGS);
    if safe_fs::entry_kind(&bags) != EntryKind::Dir {
        return done;
    }
    let Ok(rd) = fs::read_dir(&bags) else {
        return done;
    };
    for e in rd.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().to_string();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if let Some(id) = name.strip_prefix(".new-") {
            let dest = bags.join(id);
            if !is_dir {
                continue;
            }
            if safe_fs::entry_kind(&dest) == EntryKind::Missing {
                let _ = index_journal::record(archive, id);
                match bag::commit(&e.path(), &dest) {
                    Ok(()) => done.push(format!("finished the commit of bags/{id}")),
                    Err(err) => tracing::warn!("cannot finish the commit of bags/{id}: {err}"),
                }
            } else {
                match fs::remove_dir_all(e.path()) {
                    Ok(()) => done.push(format!("dropped an uncommitted new version of {id}")),
                    Err(err) => tracing::warn!("cannot remove {}: {err}", e.path().display()),
                }
            }
        } else if name.starts_with(".tmp-") {
            match fs::remove_dir_all(e.path()) {
                Ok(()) => done.push(format!("removed the unfinished bag {name}")),
                Err(err) => tracing::warn!("cannot remove unfinished bag {name}: {err}"),
            }
        }
    }
    finish_withdrawals(archive, &mut done);
    // A reindex or a journal rewrite killed half-way leaves its scratch at the archive's top.
    if let Ok(rd) = fs::read_dir(archive) {
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().to_string();
            let scratch = name.starts_with(".index-new-")
                || name.starts_with(".index-old-")
                || name.starts_with(&format!(".{}.", index_journal::FILE));
            if !scratch {
                continue;
            }
            let removed = match e.file_type() {
                Ok(t) if t.is_dir() => fs::remove_dir_all(e.path()),
                _ => fs::remove_file(e.path()),
            };
            if removed.is_ok() {
                done.push(format!("removed the leftover {name}"));
            }
        }
    }
    for d in &done {
        tracing::info!("{d}");
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bag(dir: &Path, name: &str, tag: &str) {
        fs::create_dir_all(dir.join(name).join("data")).unwrap();
        fs::write(dir.join(name).join("data/x.txt"), tag).unwrap();
    }

    #[test]
    fn a_commit_killed_between_its_renames_is_finished_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path();
        fs::create_dir_all(a.join("bags")).unwrap();
        // Killed after the old bag went to versions/ and before the new one came in.
        bag(&a.join("bags"), ".new-X", "new");
        bag(&a.join("versions/X"), "1", "old");
        // Killed after staging, before the old bag moved: the old one stays current.
        bag(&a.join("bags"), "Y", "old");
        bag(&a.join("bags"), ".new-Y", "new");
        bag(&a.join("bags"), ".tmp-Z-123", "half");
        let done = recover(a);
        assert_eq!(done.len(), 3, "{done:?}");
        assert_eq!(
            fs::read_to_string(a.join("bags/X/data/x.txt")).unwrap(),
            "new"
        );
        assert_eq!(
            fs::read_to_string(a.join("bags/Y/data/x.txt")).unwrap(),
            "old"
        );
        assert!(!a.join("bags/.new-Y").exists() && !a.join("bags/.tmp-Z-123").exists());
        assert_eq!(
            fs::read_to_string(a.join("versions/X/1/data/x.txt")).unwrap(),
            "old"
        );
        assert_eq!(index_journal::pending(a), ["X"]);
    }

    #[test]
    fn versions_count_withdrawn_bags_too() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path();
        fs::create_dir_all(a.join("versions/X/1")).unwrap();
        fs::create_dir_all(a.join("withdrawn/X/3")).unwrap();
        assert_eq!(number(a, "X", None).0, 4);
        let (v, prev) = number(a, "X", Some(2));
        assert_eq!((v, prev.unwrap().version), (5, 4));
    }
}
